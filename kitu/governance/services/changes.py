"""Changing an assembly before it is held — date, place and form, agenda items, documents — and cancelling it
(invited representatives get a cancellation mail). A held assembly is never changed, cancelled or deleted.
After the invitation a changed item is marked: its statutory period starts again (docs/governance.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.errors import DomainError

from .. import conf, rules
from ..models import AgendaDocument, AgendaItem, Assembly, AssemblyMode, BodyMember, Invitation
from ..rules import PollStatus
from .assemblies import ASSEMBLY_FIELDS, _mode_allowed, _require_office, require_changeable


def _locked(assembly: Assembly) -> Assembly:
    return Assembly.objects.select_for_update(of=("self",)).get(pk=assembly.pk)


@transaction.atomic
def assembly_update(
    *,
    actor: Any,
    assembly: Assembly,
    title: str,
    starts_at: dt.datetime,
    mode: str,
    place: str = "",
    online_url: str = "",
    chair: str = "",
) -> Assembly:
    """Date, form, place, access and chair of an assembly that is still ahead (and not cancelled)."""
    _require_office(actor)
    locked = _locked(assembly)
    require_changeable(locked)
    _mode_allowed(mode)
    if not title.strip():
        raise DomainError(_("Bitte eine Bezeichnung angeben."), field="title")
    if starts_at <= timezone.now():
        raise DomainError(_("Der neue Beginn liegt in der Vergangenheit."), field="starts_at")
    if mode != AssemblyMode.VIRTUAL and not place.strip():
        raise DomainError(_("Bitte den Ort der Versammlung angeben."), field="place")
    if mode != AssemblyMode.IN_PERSON and not online_url.strip():
        raise DomainError(_("Bitte den Zugang zur Online-Teilnahme angeben."), field="online_url")
    fields = [*ASSEMBLY_FIELDS, "invited_late"]
    before = audit.snapshot(locked, fields)
    locked.title, locked.starts_at, locked.mode = title.strip(), starts_at, mode
    locked.place, locked.online_url, locked.chair = place.strip(), online_url.strip(), chair.strip()
    if locked.invited_at is not None:  # moved closer after the invitation: the period may no longer be kept
        days = (timezone.localdate(starts_at) - timezone.localdate(locked.invited_at)).days
        locked.invited_late = locked.invited_late or not rules.invitation_in_time(days, conf.get("INVITATION_DAYS"))
    locked.save(update_fields=fields)
    audit.record(actor=actor, instance=locked, action="update", before=before, after=audit.snapshot(locked, fields))
    return locked


@transaction.atomic
def agenda_item_update(*, actor: Any, item: AgendaItem, title: str, description: str = "") -> AgendaItem:
    """Title and explanation of an item; after the invitation the item is marked changed (period restarts)."""
    _require_office(actor)
    assembly = _locked(item.assembly)
    require_changeable(assembly)
    if not title.strip():
        raise DomainError(_("Bitte den Tagesordnungspunkt benennen."), field="title")
    before = audit.snapshot(item, ["title", "description"])
    item.title, item.description = title.strip(), description
    fields = ["title", "description"]
    if assembly.invited_at is not None:
        item.changed_at = timezone.now()
        fields.append("changed_at")
    item.save(update_fields=fields)
    audit.record(actor=actor, instance=item, action="update", before=before, after=audit.snapshot(item, fields))
    return item


@transaction.atomic
def document_remove(*, actor: Any, document: AgendaDocument) -> None:
    _require_office(actor)
    item = document.item
    assembly = _locked(item.assembly)
    require_changeable(assembly)
    if assembly.invited_at is not None:
        AgendaItem.objects.filter(pk=item.pk).update(changed_at=timezone.now())
    audit.record(actor=actor, instance=document, action="delete", before={"item": item.pk, "name": document.name})
    stored = document.file.name
    document.delete()
    transaction.on_commit(lambda: document.file.storage.delete(stored))


def _cancellation_mails(assembly: Assembly, reason: str) -> list[EmailMessage]:
    base = settings.KITU_BASE_URL.rstrip("/")
    messages = []
    for invitation in Invitation.objects.filter(assembly=assembly).select_related("member__organisation"):
        context = {
            "assembly": assembly,
            "member": invitation.member.organisation.name,
            "reason": reason,
            "url": base + reverse("governance:assembly", args=[assembly.pk]),
        }
        subject = " ".join(render_to_string("governance/mail/cancellation_subject.txt", context).split())
        body = render_to_string("governance/mail/cancellation.txt", context)
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email]))
    return messages


@transaction.atomic
def assembly_cancel(*, actor: Any, assembly: Assembly, reason: str) -> int:
    """Call off an assembly that is still ahead. Refused while a poll is open (close it first) or once a poll
    is counted. Everyone invited gets a cancellation mail (after the commit). Returns the number of mails."""
    _require_office(actor)
    locked = _locked(assembly)
    require_changeable(locked)
    if not reason.strip():
        raise DomainError(_("Bitte den Grund der Absage angeben; er steht in der Mail."), field="reason")
    statuses = set(locked.resolutions.values_list("status", flat=True))
    if PollStatus.OPEN in statuses:
        raise DomainError(_("Eine Abstimmung läuft noch; bitte zuerst schließen."), field="assembly")
    if PollStatus.COUNTED in statuses:
        raise DomainError(
            _("Es gibt schon ausgezählte Beschlüsse; die Versammlung lässt sich nicht absagen."), field="assembly"
        )
    before = audit.snapshot(locked, ["cancelled_at", "cancel_reason"])
    locked.cancelled_at, locked.cancel_reason = timezone.now(), reason.strip()
    locked.save(update_fields=["cancelled_at", "cancel_reason"])
    audit.record(
        actor=actor, instance=locked, action="update", before=before, after={"cancel_reason": locked.cancel_reason}
    )
    mails = _cancellation_mails(locked, locked.cancel_reason)
    if mails:
        transaction.on_commit(lambda: get_connection().send_messages(mails))
    return len(mails)


@transaction.atomic
def body_member_end(*, actor: Any, person: BodyMember, term_end: dt.date) -> BodyMember:
    """End a term on the board or the supervisory board (the row stays: who served when)."""
    _require_office(actor)
    locked = BodyMember.objects.select_for_update(of=("self",)).get(pk=person.pk)
    if term_end < locked.term_start:
        raise DomainError(_("Die Amtszeit endet vor ihrem Beginn."), field="term_end")
    if locked.term_end is not None and locked.term_end <= timezone.localdate():
        raise DomainError(_("Die Amtszeit ist schon beendet."), field="term_end")
    before = audit.snapshot(locked, ["term_end"])
    locked.term_end = term_end
    locked.save(update_fields=["term_end"])
    audit.record(actor=actor, instance=locked, action="update", before=before, after={"term_end": str(term_end)})
    return locked
