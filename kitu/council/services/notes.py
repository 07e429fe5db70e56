"""A councillor's private notes on papers: only the author writes, reads or deletes them; they are never
published, searched or exported. The audit trail records that a note changed, never its text."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied

from ..models import Paper, PaperNote
from ..visibility import Level, Visibility

MAX_NOTE = 10000


def _check(actor: Any, paper: Paper) -> None:
    visibility = Visibility.for_user(actor, paper.body)
    if visibility.level is not Level.COUNCILLOR or not visibility.papers().filter(pk=paper.pk).exists():
        raise PermissionDenied(_("Notizen zu Vorlagen schreiben nur Ratsmitglieder, die die Vorlage sehen."))


@transaction.atomic
def note_save(*, actor: Any, paper: Paper, text: str) -> PaperNote | None:
    """Create or update the actor's note on the paper; an empty text deletes it (returns None)."""
    _check(actor, paper)
    text = text.replace("\x00", "").strip()
    if len(text) > MAX_NOTE:
        raise DomainError(
            _("Die Notiz ist zu lang: höchstens %(max)s Zeichen.") % {"max": f"{MAX_NOTE:,}".replace(",", ".")},
            field="text",
        )
    if not text:
        note_delete(actor=actor, paper=paper)
        return None
    note = PaperNote.objects.select_for_update(of=("self",)).filter(paper=paper, author=actor).first()
    if note is None:
        note = PaperNote.objects.create(paper=paper, author=actor, text=text)
        audit.record(actor=actor, instance=note, action="create", after={"text": "?"}, redact=("text",))
        return note
    if note.text != text:
        note.text = text
        note.save(update_fields=["text", "modified"])
        audit.record(
            actor=actor, instance=note, action="update", before={"text": 0}, after={"text": 1}, redact=("text",)
        )
    return note


@transaction.atomic
def note_delete(*, actor: Any, paper: Paper) -> None:
    _check(actor, paper)
    note = PaperNote.objects.select_for_update(of=("self",)).filter(paper=paper, author=actor).first()
    if note is not None:
        audit.record(actor=actor, instance=note, action="delete", redact=("text",))
        note.delete()
