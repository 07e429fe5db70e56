"""Files of the council office: attached to exactly one paper, meeting or agenda item of its town, checked
before storing (kitu.council.files), deleted as a tombstone (the row stays for OParl clients, the content
leaves the storage)."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.errors import DomainError, NotFound, PermissionDenied
from kitu.core.models import AuditEntry

from ..files import CONTROL_CHARACTERS, check_upload
from ..models import AgendaItem, Body, File, FileRole, Meeting, Paper
from ..policies import can_manage_council
from ..search import refresh_search_text

AUDIT_FIELDS = (
    "body",
    "paper",
    "meeting",
    "agenda_item",
    "role",
    "name",
    "file_name",
    "mime_type",
    "size",
    "sha512",
    "deleted",
)
MAX_NAME = File._meta.get_field("name").max_length or 300
# Which roles a file may have on which parent. The roles OParl holds as one file (mainFile, invitation,
# resultsProtocol, verbatimProtocol, resolutionFile) may be given once per parent; delete the old one first.
ROLES = {
    "paper": {FileRole.MAIN, FileRole.AUXILIARY},
    "meeting": {FileRole.INVITATION, FileRole.RESULTS_PROTOCOL, FileRole.VERBATIM_PROTOCOL, FileRole.AUXILIARY},
    "agenda_item": {FileRole.RESOLUTION, FileRole.AUXILIARY},
}
SINGLE_ROLES = {
    FileRole.MAIN,
    FileRole.INVITATION,
    FileRole.RESULTS_PROTOCOL,
    FileRole.VERBATIM_PROTOCOL,
    FileRole.RESOLUTION,
}


def _parent_body_id(parent: Paper | Meeting | AgendaItem) -> int:
    if isinstance(parent, AgendaItem):
        return parent.meeting.body_id
    return parent.body_id


@transaction.atomic
def file_attach(
    *,
    actor: Any,
    body: Body,
    upload: Any,
    role: str,
    name: str = "",
    paper: Paper | None = None,
    meeting: Meeting | None = None,
    agenda_item: AgendaItem | None = None,
) -> File:
    """Check ``upload`` and attach it to the one parent given (a paper, meeting or agenda item of ``body``)
    as ``role``. A paper's search text takes in the file's text."""
    if not can_manage_council(actor, body):
        raise PermissionDenied(_("Nur der Sitzungsdienst dieser Kommune darf Dateien anhängen."))
    parents = {"paper": paper, "meeting": meeting, "agenda_item": agenda_item}
    given = [(kind, parent) for kind, parent in parents.items() if parent is not None]
    if len(given) != 1:
        raise DomainError(
            _("Eine Datei gehört zu genau einer Vorlage, Sitzung oder einem Tagesordnungspunkt."), field="parent"
        )
    kind, given_parent = given[0]
    if role not in ROLES[kind]:
        raise DomainError(_("Diese Art von Datei passt hier nicht."), field="role")
    name = CONTROL_CHARACTERS.sub("", (name or "").strip())
    if len(name) > MAX_NAME:
        raise DomainError(_("Die Bezeichnung ist zu lang (höchstens %(n)s Zeichen).") % {"n": MAX_NAME}, field="name")
    # Reading a PDF may take seconds: before anything is locked.
    checked = check_upload(upload)
    model = type(given_parent)
    parent = model.objects.select_for_update(of=("self",)).filter(pk=given_parent.pk, deleted=False).first()
    if parent is None or _parent_body_id(parent) != body.pk:
        raise NotFound(_("Das Dokument, an das die Datei angehängt werden soll, gibt es nicht."), field=kind)
    if role in SINGLE_ROLES and File.objects.filter(**{kind: parent}, role=role, deleted=False).exists():
        raise DomainError(
            _("Es gibt hier schon eine Datei als „%(role)s“. Bitte löschen Sie diese zuerst.")
            % {"role": FileRole(role).label},
            field="role",
        )
    file = File(
        body=body,
        role=role,
        name=name or checked.file_name.rsplit(".", 1)[0],
        file_name=checked.file_name,
        mime_type=checked.mime_type,
        size=checked.size,
        sha512=checked.sha512,
        date=timezone.localdate(),
        text=checked.text,
        license=body.license,
        **{kind: parent},
    )
    file.content.save(checked.file_name, ContentFile(checked.content), save=False)
    stored = file.content.name
    try:
        file.save()
        audit.record(
            actor=actor, instance=file, action=AuditEntry.Action.CREATE, after=audit.snapshot(file, AUDIT_FIELDS)
        )
        if isinstance(parent, Paper):
            refresh_search_text(parent)
    except BaseException:
        # Nothing half-written: the content leaves the storage again. (Should a caller's outer transaction
        # roll back later, the content stays behind under its random name, reachable from no row.)
        file.content.storage.delete(stored)
        raise
    return file


@transaction.atomic
def file_delete(*, actor: Any, file: File) -> None:
    """Delete a file as a tombstone: the row stays (``deleted``), its content leaves the storage after the
    commit, its text leaves the search."""
    if not can_manage_council(actor, file.body):
        raise PermissionDenied(_("Nur der Sitzungsdienst dieser Kommune darf Dateien löschen."))
    locked = File.objects.select_for_update(of=("self",)).filter(pk=file.pk, deleted=False).first()
    if locked is None:
        raise NotFound(_("Die Datei gibt es nicht (mehr)."))
    before = audit.snapshot(locked, AUDIT_FIELDS)
    stored = locked.content.name
    storage = locked.content.storage
    locked.deleted = True
    locked.text = ""
    locked.content.name = ""
    locked.save()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))
    audit.record(
        actor=actor,
        instance=locked,
        action=AuditEntry.Action.DELETE,
        before=before,
        after=audit.snapshot(locked, AUDIT_FIELDS),
    )
    if locked.paper is not None:
        refresh_search_text(locked.paper)
    file.deleted, file.text, file.content.name = True, "", ""
