import logging

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.core.actors import SYSTEM
from kitu.core.storage import local_copy

from .importer import import_catalog
from .models import CatalogImport

log = logging.getLogger(__name__)


def progress_key(import_id: int) -> str:
    return f"catalog-import-progress-{import_id}"


@shared_task
def run_import(import_id: int, lot_number: int | None = None) -> str:
    """Run an uploaded import in the background; progress (articles read) goes to the cache. Whatever
    happens, the import ends as succeeded or failed: it never stays "running"."""
    try:
        record = CatalogImport.objects.select_related("contract", "started_by").get(pk=import_id)
        with local_copy(record.upload.name) as path:  # the upload itself, or a copy from the object store
            record = import_catalog(
                actor=record.started_by or SYSTEM,  # the uploader's account may be gone since
                contract=record.contract,
                path=path,
                filename=record.filename,
                dry_run=record.dry_run,
                lot_number=lot_number,
                record=record,
                progress=lambda n: cache.set(progress_key(import_id), n, 3600),
            )
    except Exception as exc:  # the import's own errors are in its record; this is everything else
        log.exception("catalog import %s failed unexpectedly", import_id)
        message = _(
            "Unerwarteter Fehler beim Import (%(reason)s); der Katalog ist unverändert. "
            "Bitte melden Sie den Fehler dem Betrieb."
        ) % {"reason": f"{type(exc).__name__}: {exc}"[:300]}
        CatalogImport.objects.filter(pk=import_id).exclude(status=CatalogImport.Status.SUCCEEDED).update(
            status=CatalogImport.Status.FAILED, finished_at=timezone.now(), errors=[message]
        )
        return str(CatalogImport.Status.FAILED)
    return str(record.status)
