"""Importing a BMEcat file into a contract's catalog: all or nothing, streaming, with a history row.

``import_catalog`` runs everything in one transaction. Every problem is collected with its line number
and article number; if there is any, or for a dry run, the transaction is rolled back and nothing
changes. Memory stays flat: the reader streams, and articles are written in batches.

The parts: ``reading`` (the parser in a second thread), ``checks`` (whether each number fits its
column), ``values`` (prices, content hash, search words), ``applying`` (new, changed, unchanged and
deleted articles), ``writing`` (batches by COPY, on PostgreSQL in a second thread)."""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from kitu.contracts.models import FrameworkContract
from kitu.contracts.policies import can_manage_contracts
from kitu.core.actors import SystemActor
from kitu.core.errors import PermissionDenied

from ..models import CatalogImport
from ..sources import RefusedDocument, open_catalog
from .applying import apply
from .outcome import MAX_ERRORS, ImportRolledBack, Outcome
from .writing import BATCH

__all__ = ["import_catalog"]
log = logging.getLogger(__name__)


def _after_bulk_load() -> None:
    """PostgreSQL, after many rows changed: merge the GIN index's pending list (every search would scan
    it otherwise) and refresh the planner statistics, so the next search is fast at once."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list('catalog_article_search_vector')")
            cursor.execute("ANALYZE catalog_article, catalog_article_search")


def import_catalog(
    *,
    actor: Any,
    contract: FrameworkContract,
    path: Path,
    filename: str = "",
    dry_run: bool = False,
    lot_number: int | None = None,
    record: CatalogImport | None = None,
    progress: Callable[[int], None] | None = None,
) -> CatalogImport:
    """Import the BMEcat file (XML or ZIP) at ``path`` into ``contract``; the returned history row says
    what happened. A file with any error, or a dry run, changes nothing. ``actor``: contract management
    (whose upload the background task runs) or SYSTEM (the command on the server)."""
    if not isinstance(actor, SystemActor) and not can_manage_contracts(actor):
        raise PermissionDenied(_("Nur das Vertragsmanagement importiert Kataloge."))
    if record is None:
        record = CatalogImport.objects.create(
            contract=contract,
            started_by=actor if getattr(actor, "is_authenticated", False) else None,
            filename=filename or path.name,
            dry_run=dry_run,
            status=CatalogImport.Status.RUNNING,
        )
    else:
        CatalogImport.objects.filter(pk=record.pk).update(status=CatalogImport.Status.RUNNING)
    outcome = Outcome()
    try:
        limits = {
            "max_bytes": settings.KITU_CATALOG_UNZIPPED_MAX_BYTES,
            "max_ratio": settings.KITU_CATALOG_UNZIP_MAX_RATIO,
        }
        with open_catalog(path, **limits) as (stream, archive), transaction.atomic():
            apply(stream, archive, contract, outcome, dry_run=dry_run, lot_number=lot_number, progress=progress)
            if outcome.error_count or dry_run:
                raise ImportRolledBack
    except ImportRolledBack:
        pass
    except RefusedDocument as exc:
        outcome.error(str(exc))
    except etree.XMLSyntaxError as exc:
        outcome.error(f"Zeile {exc.lineno}: die Datei ist kein wohlgeformtes XML ({exc.msg})")
    except zipfile.BadZipFile as exc:
        outcome.error(_("Die ZIP-Datei ist beschädigt oder unvollständig (%(reason)s).") % {"reason": exc})
    except Exception as exc:  # any other failure ends the import as failed, never "running"
        log.exception("catalog import %s failed unexpectedly", record.pk)
        reason = f"{type(exc).__name__}: {exc}"[:300]
        message = _(
            "unerwarteter Fehler beim Import (%(reason)s); der Katalog ist unverändert. "
            "Bitte melden Sie den Fehler dem Betrieb."
        ) % {"reason": reason}
        outcome.error(f"{outcome.where}: {message}" if outcome.where else message[0].upper() + message[1:])
    if not outcome.error_count and not dry_run and outcome.new + outcome.changed >= BATCH:
        _after_bulk_load()
    if outcome.error_count:
        for saved in outcome.saved_files:
            default_storage.delete(saved)
        if outcome.error_count > len(outcome.errors):
            outcome.errors.append(f"… und {outcome.error_count - len(outcome.errors)} weitere Fehler")
    header = outcome.header
    record.status = CatalogImport.Status.FAILED if outcome.error_count else CatalogImport.Status.SUCCEEDED
    record.finished_at = timezone.now()
    record.transaction = header.transaction if header else ""
    record.catalog_version = header.catalog_version[:20] if header else ""
    record.articles_total = outcome.total
    record.articles_new, record.articles_changed = outcome.new, outcome.changed
    record.articles_deactivated, record.price_changes = outcome.deactivated, outcome.price_changes
    record.errors, record.warnings = outcome.errors, outcome.warnings[:MAX_ERRORS]
    record.save()
    return record
