"""Writes of the catalog that start from a page: uploading a catalog file for import."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from kitu.contracts.models import FrameworkContract
from kitu.contracts.policies import can_manage_contracts
from kitu.core.errors import DomainError, PermissionDenied

from .models import CatalogImport
from .tasks import run_import


def import_upload(
    *, actor: Any, contract: FrameworkContract, file: UploadedFile, dry_run: bool = False
) -> CatalogImport:
    """Store the upload and start the import as a background task (eagerly when no broker is set)."""
    if not can_manage_contracts(actor):
        raise PermissionDenied(_("Nur das Vertragsmanagement importiert Kataloge."))
    limit = settings.KITU_CATALOG_UPLOAD_MAX_MB * 1024 * 1024
    if file.size is not None and file.size > limit:
        raise DomainError(
            _("Die Datei ist größer als %(mb)s MB.") % {"mb": settings.KITU_CATALOG_UPLOAD_MAX_MB}, field="file"
        )
    name = file.name or "katalog.xml"
    if not name.lower().endswith((".xml", ".zip")):
        raise DomainError(_("Bitte eine BMEcat-Datei (.xml) oder ein ZIP-Archiv hochladen."), field="file")
    record = CatalogImport.objects.create(
        contract=contract, started_by=actor, filename=name[:255], upload=file, dry_run=dry_run
    )
    transaction.on_commit(lambda: run_import.delay(record.pk))
    return record
