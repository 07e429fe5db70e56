"""Keeping the register: a member admin creates, changes and deletes the member's procedures and attaches
the data processing agreement (a PDF, checked by content and by its real size)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied, full_clean
from kitu.members.models import Member

from .models import Procedure
from .policies import can_edit

FIELDS = (
    "name",
    "vendor",
    "product",
    "version",
    "area",
    "operation",
    "contact_name",
    "contact_email",
    "contact_phone",
    "vendor_contact",
    "licence_count",
    "contract_end",
    "processing_record",
    "dpa_date",
    "protection_need",
)
DPA_MAX_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def _require_editor(actor: Any, member: Member) -> None:
    if not can_edit(actor, member.organisation_id):
        raise PermissionDenied(_("Fachverfahren pflegt die Administration des Mitglieds."))


def _file_size(file: UploadedFile) -> int:
    """The real size of the upload, read from the data (the declared size may lie)."""
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    return size


def check_document(file: UploadedFile) -> str:
    """The agreement must be a PDF (by content, not by name) of at most 10 MB; returns the file name."""
    name = PurePath(file.name or "").name[:120] or "avv.pdf"
    size = _file_size(file)
    if size == 0:
        raise DomainError(_("Die Datei ist leer."), field="dpa_document")
    if size > DPA_MAX_BYTES:
        raise DomainError(_("Die Datei ist größer als 10 MB."), field="dpa_document")
    head = file.read(len(PDF_MAGIC))
    file.seek(0)
    if head != PDF_MAGIC:
        raise DomainError(_("Bitte laden Sie den Vertrag als PDF-Datei hoch."), field="dpa_document")
    if not name.lower().endswith(".pdf"):
        name = f"{PurePath(name).stem or 'avv'}.pdf"
    return name


@transaction.atomic
def procedure_save(
    *,
    actor: Any,
    member: Member,
    data: dict[str, Any],
    procedure: Procedure | None = None,
    document: UploadedFile | None = None,
) -> Procedure:
    """Create (``procedure`` None) or change an entry of ``member``; ``data`` holds the fields of FIELDS."""
    _require_editor(actor, member)
    if procedure is not None:
        procedure = Procedure.objects.select_for_update(of=("self",)).get(pk=procedure.pk)
        if procedure.member_id != member.pk:
            raise PermissionDenied(_("Das Fachverfahren gehört zu einem anderen Mitglied."))
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise DomainError(_("Unbekanntes Feld: %(f)s") % {"f": sorted(unknown)[0]}, field=sorted(unknown)[0])
    created = procedure is None
    instance = procedure or Procedure(member=member)
    before = None if created else audit.snapshot(instance, [*FIELDS, "dpa_document"])
    for name, value in data.items():
        setattr(instance, name, value.strip() if isinstance(value, str) else value)
    filename = check_document(document) if document is not None else ""
    instance.updated_by = actor
    full_clean(instance, exclude=["member", "dpa_document", "updated_by"])
    if document is not None:
        instance.dpa_document.save(filename, document, save=False)
    instance.save()
    audit.record(
        actor=actor,
        instance=instance,
        action="create" if created else "update",
        before=before,
        after=audit.snapshot(instance, [*FIELDS, "dpa_document"]),
    )
    return instance


@transaction.atomic
def procedure_delete(*, actor: Any, procedure: Procedure) -> None:
    procedure = Procedure.objects.select_for_update(of=("self",)).select_related("member").get(pk=procedure.pk)
    _require_editor(actor, procedure.member)
    before = audit.snapshot(procedure, list(FIELDS))
    audit.record(actor=actor, instance=procedure, action="delete", before=before)
    document = procedure.dpa_document.name
    procedure.delete()
    if document:
        storage = procedure.dpa_document.storage
        transaction.on_commit(lambda: storage.delete(document))
