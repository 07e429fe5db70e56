"""Writes of the catalog that start from a page: uploading a catalog file for import, the synonym list."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kitu.contracts.models import FrameworkContract
from kitu.contracts.policies import can_manage_contracts
from kitu.core import audit
from kitu.core.errors import DomainError, NotFound, PermissionDenied

from . import vocabulary
from .models import CatalogImport, SynonymGroup, SynonymTerm
from .policies import can_edit_synonyms
from .tasks import run_import
from .text import stem, words

MAX_SYNONYMS = 10  # words in one group
MAX_SYNONYM_LENGTH = 50


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


def _synonym_words(terms: str) -> list[str]:
    """The words of a group as typed ("Laptop, Notebook"): each one word, at least two different ones."""
    found: dict[str, str] = {}
    for raw in terms.replace(";", ",").replace("\n", ",").split(","):
        term = raw.strip()
        if not term:
            continue
        if words(term) != [term]:
            raise DomainError(
                _("„%(term)s“ ist kein einzelnes Wort: jeder Begriff besteht nur aus Buchstaben und Ziffern.")
                % {"term": term[:60]},
                field="terms",
            )
        if len(term) > MAX_SYNONYM_LENGTH:
            raise DomainError(
                _("„%(term)s…“ ist zu lang (höchstens %(max)s Zeichen).")
                % {"term": term[:20], "max": MAX_SYNONYM_LENGTH},
                field="terms",
            )
        found.setdefault(stem(term), term)
    if len(found) < 2:
        raise DomainError(
            _("Geben Sie mindestens zwei verschiedene Begriffe ein, durch Komma getrennt (z. B. „Laptop, Notebook“)."),
            field="terms",
        )
    if len(found) > MAX_SYNONYMS:
        raise DomainError(_("Eine Gruppe hat höchstens %(max)s Begriffe.") % {"max": MAX_SYNONYMS}, field="terms")
    return list(found.values())


@transaction.atomic
def synonym_group_add(*, actor: Any, terms: str) -> SynonymGroup:
    """A new synonym group from ``terms`` ("Beamer, Projektor"); a word already in another group is refused."""
    if not can_edit_synonyms(actor):
        raise PermissionDenied(_("Nur die Geschäftsstelle bearbeitet die Synonyme der Katalogsuche."))
    chosen = _synonym_words(terms)
    taken = SynonymTerm.objects.filter(key__in=[stem(w) for w in chosen]).select_related("group").first()
    if taken is not None:
        raise DomainError(
            _("„%(word)s“ steht schon in der Gruppe „%(group)s“.") % {"word": taken.word, "group": taken.group},
            field="terms",
        )
    group = SynonymGroup.objects.create(created_by=actor if getattr(actor, "is_authenticated", False) else None)
    try:
        with transaction.atomic():  # a parallel request may have taken a word since the check
            SynonymTerm.objects.bulk_create([SynonymTerm(group=group, word=w, key=stem(w)) for w in chosen])
    except IntegrityError as exc:
        raise DomainError(_("Einer der Begriffe wurde gerade einer anderen Gruppe zugeordnet."), field="terms") from exc
    audit.record(actor=actor, instance=group, action="create", after={"terms": chosen})
    vocabulary.synonyms_changed()
    return group


@transaction.atomic
def synonym_group_delete(*, actor: Any, group_id: int) -> list[str]:
    """Delete a synonym group; returns its words (for the confirmation message)."""
    if not can_edit_synonyms(actor):
        raise PermissionDenied(_("Nur die Geschäftsstelle bearbeitet die Synonyme der Katalogsuche."))
    group = SynonymGroup.objects.select_for_update().filter(pk=group_id).first()
    if group is None:
        raise NotFound(_("Diese Synonymgruppe gibt es nicht (mehr)."))
    chosen = [term.word for term in group.terms.all()]
    audit.record(actor=actor, instance=group, action="delete", before={"terms": chosen})
    group.delete()
    vocabulary.synonyms_changed()
    return chosen
