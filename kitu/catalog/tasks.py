from pathlib import Path

from celery import shared_task
from django.core.cache import cache
from django.core.files.storage import default_storage

from .importer import import_catalog
from .models import CatalogImport


def progress_key(import_id: int) -> str:
    return f"catalog-import-progress-{import_id}"


@shared_task
def run_import(import_id: int, lot_number: int | None = None) -> str:
    """Run an uploaded import in the background; progress (articles read) goes to the cache."""
    record = CatalogImport.objects.select_related("contract", "started_by").get(pk=import_id)
    path = Path(default_storage.path(record.upload.name))
    record = import_catalog(
        actor=record.started_by,
        contract=record.contract,
        path=path,
        filename=record.filename,
        dry_run=record.dry_run,
        lot_number=lot_number,
        record=record,
        progress=lambda n: cache.set(progress_key(import_id), n, 3600),
    )
    return record.status
