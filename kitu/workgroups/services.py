"""Writes of the working groups: groups, memberships, meetings and the registrations.

Registration rules (the same for meetings, trainings and events): at most ``capacity`` registered, at most
``per_member_limit`` of one member organisation; beyond that a registration is refused, or joins the
waiting list if asked to. A cancellation moves up the first on the waiting list who now fits (in the order
they queued; one that still exceeds its member's limit keeps its place). The meeting row is locked for
every registration and cancellation, so parallel registrations never pass a limit."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from functools import partial
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.accounts.models import Organisation
from kitu.core import audit
from kitu.core.actors import SYSTEM
from kitu.core.errors import DomainError, PermissionDenied, full_clean

from . import selectors, tasks
from .models import (
    CalendarFeed,
    Document,
    DocumentVersion,
    GroupMembership,
    Meeting,
    MembershipStatus,
    MinutesItem,
    MinutesItemKind,
    NewsItem,
    Registration,
    RegistrationStatus,
    Visibility,
    WorkingGroup,
)
from .policies import can_manage_groups, can_run_group, is_staff_of_member_or_coop

GROUP_FIELDS = ("name", "description", "visibility")
MEETING_FIELDS = (
    "kind",
    "group",
    "title",
    "starts_at",
    "ends_at",
    "place",
    "video_url",
    "agenda",
    "capacity",
    "per_member_limit",
    "fee",
)


class RegistrationRefused(DomainError):
    """The meeting is full or the member's limit is reached (the API answers 409)."""


def _require_manager(actor: Any) -> None:
    if not can_manage_groups(actor):
        raise PermissionDenied(_("Nur die Geschäftsstelle verwaltet Arbeitskreise und Termine."))


@transaction.atomic
def group_save(*, actor: Any, group: WorkingGroup | None = None, **fields: Any) -> WorkingGroup:
    _require_manager(actor)
    created = group is None
    group = group or WorkingGroup()
    before = None if created else audit.snapshot(group, GROUP_FIELDS)
    for key, value in fields.items():
        if key not in GROUP_FIELDS:
            raise DomainError(_("Feld kann nicht geändert werden."), field=key)
        setattr(group, key, value)
    full_clean(group)
    group.save()
    audit.record(
        actor=actor,
        instance=group,
        action="create" if created else "update",
        before=before,
        after=audit.snapshot(group, GROUP_FIELDS),
    )
    return group


def _require_runner(actor: Any, group_id: int | None) -> None:
    if not can_run_group(actor, group_id):
        raise PermissionDenied(_("Nur die Koordination des Arbeitskreises oder die Geschäftsstelle."))


@transaction.atomic
def group_join(*, actor: Any, group: WorkingGroup) -> GroupMembership:
    """Join an open group, or ask to join one by request (a coordinator approves)."""
    if not is_staff_of_member_or_coop(actor):
        raise PermissionDenied(_("Arbeitskreise sind für die Beschäftigten der Mitglieder."))
    status = MembershipStatus.ACTIVE if group.visibility == Visibility.OPEN else MembershipStatus.PENDING
    membership, created = GroupMembership.objects.get_or_create(group=group, user=actor, defaults={"status": status})
    if not created:
        raise DomainError(_("Sie sind bereits Mitglied oder haben den Beitritt beantragt."))
    audit.record(actor=actor, instance=membership, action="create", after={"status": status})
    return membership


@transaction.atomic
def membership_set(
    *, actor: Any, group: WorkingGroup, user: Any, status: str | None, is_coordinator: bool = False
) -> GroupMembership | None:
    """The office or a coordinator approves, adds, makes coordinator or (status None) removes a member."""
    _require_runner(actor, group.pk)
    membership = GroupMembership.objects.select_for_update().filter(group=group, user=user).first()
    before = None if membership is None else audit.snapshot(membership, ("status", "is_coordinator"))
    if status is None:
        if membership is not None:
            audit.record(actor=actor, instance=membership, action="delete", before=before)
            membership.delete()
        return None
    membership = membership or GroupMembership(group=group, user=user)
    membership.status, membership.is_coordinator = status, is_coordinator
    membership.save()
    audit.record(
        actor=actor,
        instance=membership,
        action="update" if before else "create",
        before=before,
        after=audit.snapshot(membership, ("status", "is_coordinator")),
    )
    return membership


@transaction.atomic
def meeting_save(*, actor: Any, meeting: Meeting | None = None, **fields: Any) -> Meeting:
    created = meeting is None
    meeting = meeting or Meeting()
    group = fields.get("group", meeting.group if not created else None)
    if not created and not can_run_group(actor, meeting.group_id):
        raise PermissionDenied(_("Nur die Koordination des Arbeitskreises oder die Geschäftsstelle."))
    _require_runner(actor, group.pk if group else None)
    before = None if created else audit.snapshot(meeting, MEETING_FIELDS)
    for key, value in fields.items():
        if key not in MEETING_FIELDS:
            raise DomainError(_("Feld kann nicht geändert werden."), field=key)
        setattr(meeting, key, value)
    if meeting.ends_at and meeting.starts_at and meeting.ends_at < meeting.starts_at:
        raise DomainError(_("Das Ende liegt vor dem Beginn."), field="ends_at")
    if meeting.kind == "meeting" and meeting.group is None:
        raise DomainError(_("Eine Sitzung gehört zu einem Arbeitskreis."), field="group")
    full_clean(meeting)
    meeting.save()
    audit.record(
        actor=actor,
        instance=meeting,
        action="create" if created else "update",
        before=before,
        after=audit.snapshot(meeting, MEETING_FIELDS),
    )
    return meeting


FULL, MEMBER_LIMIT = "full", "member_limit"


def _fits(meeting: Meeting, organisation_id: int | None) -> str:
    """Why a new registration does not fit: FULL, MEMBER_LIMIT, or "" if it fits."""
    registered = Registration.objects.filter(meeting=meeting, status=RegistrationStatus.REGISTERED)
    if meeting.capacity is not None and registered.count() >= meeting.capacity:
        return FULL
    if (
        meeting.per_member_limit is not None
        and organisation_id is not None
        and registered.filter(organisation_id=organisation_id).count() >= meeting.per_member_limit
    ):
        return MEMBER_LIMIT
    return ""


def _refusal(meeting: Meeting, reason: str) -> str:
    if reason == FULL:
        return _("Alle %(n)s Plätze sind vergeben.") % {"n": meeting.capacity}
    return _("Ihre Organisation hat bereits %(n)s Anmeldung(en); mehr sind nicht möglich.") % {
        "n": meeting.per_member_limit
    }


@transaction.atomic
def register(*, actor: Any, meeting: Meeting, waitlist: bool = False, now: dt.datetime | None = None) -> Registration:
    """Register the actor. Full (or its member's limit reached): RegistrationRefused, or with
    ``waitlist`` a place on the waiting list (status "waiting")."""
    now = now or timezone.now()
    meeting = selectors.meeting_for(actor, meeting.pk)  # NotFound if the actor may not see it
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.ends_at < now:
        raise DomainError(_("Der Termin ist vorbei."))
    existing = Registration.objects.filter(meeting=meeting, user=actor).first()
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        raise DomainError(
            _("Sie sind bereits angemeldet.")
            if existing.status == RegistrationStatus.REGISTERED
            else _("Sie stehen bereits auf der Warteliste.")
        )
    organisation = selectors.registering_organisation(actor)
    reason = _fits(meeting, organisation.pk if organisation else None)
    if reason and not waitlist:
        raise RegistrationRefused(_refusal(meeting, reason))
    registration = existing or Registration(meeting=meeting, user=actor)
    registration.organisation = organisation
    registration.status = RegistrationStatus.WAITING if reason else RegistrationStatus.REGISTERED
    registration.queued_at = now
    registration.fee = meeting.fee
    registration.save()
    audit.record(
        actor=actor,
        instance=registration,
        action="update" if existing else "create",
        after={"status": registration.status},
    )
    kind = "waiting" if reason else "registered"
    transaction.on_commit(partial(tasks.send_meeting_mails.delay, meeting.pk, [actor.pk], kind))
    return registration


@transaction.atomic
def cancel(*, actor: Any, meeting: Meeting) -> list[Registration]:
    """Cancel the actor's registration (or waiting place); returns who moved up from the waiting list."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    registration = (
        Registration.objects.filter(meeting=meeting, user=actor).exclude(status=RegistrationStatus.CANCELLED).first()
    )
    if registration is None:
        raise DomainError(_("Sie sind nicht angemeldet."))
    before = registration.status
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status"])
    audit.record(
        actor=actor,
        instance=registration,
        action="update",
        before={"status": before},
        after={"status": registration.status},
    )
    return _move_up(meeting)


def _move_up(meeting: Meeting) -> list[Registration]:
    moved = []
    for waiting in Registration.objects.filter(meeting=meeting, status=RegistrationStatus.WAITING).order_by(
        "queued_at", "pk"
    ):
        reason = _fits(meeting, waiting.organisation_id)
        if reason == FULL:
            break
        if reason:
            continue  # its member's limit: keeps its place, the next one may fit
        waiting.status = RegistrationStatus.REGISTERED
        waiting.save(update_fields=["status"])
        audit.record(
            actor=SYSTEM,  # moved up by the rule, not by whoever freed the place
            instance=waiting,
            action="update",
            before={"status": "waiting"},
            after={"status": waiting.status},
        )
        moved.append(waiting)
    if moved:
        user_ids = [r.user_id for r in moved]
        transaction.on_commit(partial(tasks.send_meeting_mails.delay, meeting.pk, user_ids, "moved_up"))
    return moved


@transaction.atomic
def meeting_invite(*, actor: Any, meeting: Meeting) -> int:
    """Send the invitation with an .ics attachment: to the group's members for a meeting, to the staff of
    all members for a training or event. Returns the number of recipients."""
    _require_runner(actor, meeting.group_id)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.ends_at < timezone.now():
        raise DomainError(_("Der Termin ist vorbei."))
    user_ids = selectors.invitees(meeting)
    if not user_ids:
        raise DomainError(_("Der Arbeitskreis hat noch keine Mitglieder, die eingeladen werden können."))
    before = audit.snapshot(meeting, ("invited_at",))
    meeting.invited_at = timezone.now()
    meeting.save(update_fields=["invited_at"])
    audit.record(
        actor=actor, instance=meeting, action="update", before=before, after=audit.snapshot(meeting, ("invited_at",))
    )
    transaction.on_commit(partial(tasks.send_meeting_mails.delay, meeting.pk, user_ids, "invitation"))
    return len(user_ids)


@transaction.atomic
def attendance_set(*, actor: Any, meeting: Meeting, attended_user_ids: set[int]) -> int:
    """Record who attended (among the registered); returns the number present."""
    _require_runner(actor, meeting.group_id)
    if meeting.starts_at > timezone.now() + dt.timedelta(hours=12):
        raise DomainError(_("Die Anwesenheit wird erst am Tag des Termins erfasst."))
    registered = Registration.objects.select_for_update().filter(meeting=meeting, status=RegistrationStatus.REGISTERED)
    unknown = attended_user_ids - set(registered.values_list("user_id", flat=True))
    if unknown:
        raise DomainError(_("Nur angemeldete Teilnehmende können als anwesend erfasst werden."), field="attended")
    before = sorted(registered.filter(attended=True).values_list("user_id", flat=True))
    registered.update(attended=False)
    present = registered.filter(user_id__in=attended_user_ids).update(attended=True)
    audit.record(
        actor=actor,
        instance=meeting,
        action="update",
        before={"attended": before},
        after={"attended": sorted(attended_user_ids)},
    )
    return present


@transaction.atomic
def minutes_save(*, actor: Any, meeting: Meeting, minutes: str) -> Meeting:
    _require_runner(actor, meeting.group_id)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    before = {"minutes": meeting.minutes}
    meeting.minutes = minutes.strip()
    meeting.save(update_fields=["minutes"])
    audit.record(actor=actor, instance=meeting, action="update", before=before, after={"minutes": meeting.minutes})
    return meeting


@transaction.atomic
def minutes_item_add(
    *,
    actor: Any,
    meeting: Meeting,
    kind: str,
    text: str,
    owner: Any = None,
    due_on: dt.date | None = None,
) -> MinutesItem:
    """A decision, or an action item with its owner (a member of the group) and due date."""
    _require_runner(actor, meeting.group_id)
    if kind == MinutesItemKind.DECISION and (owner is not None or due_on is not None):
        raise DomainError(_("Ein Beschluss hat keine Verantwortlichen und kein Fälligkeitsdatum."), field="owner")
    if kind == MinutesItemKind.ACTION:
        if owner is None:
            raise DomainError(_("Eine Aufgabe braucht eine verantwortliche Person."), field="owner")
        if (
            meeting.group_id is not None
            and not GroupMembership.objects.filter(
                group_id=meeting.group_id, user=owner, status=MembershipStatus.ACTIVE
            ).exists()
        ):
            raise DomainError(_("Verantwortlich kann nur ein Mitglied des Arbeitskreises sein."), field="owner")
    item = MinutesItem(meeting=meeting, kind=kind, text=text.strip(), owner=owner, due_on=due_on)
    full_clean(item)
    item.save()
    audit.record(
        actor=actor,
        instance=item,
        action="create",
        after=audit.snapshot(item, ("kind", "text", "owner", "due_on")),
    )
    return item


@transaction.atomic
def minutes_item_remove(*, actor: Any, item: MinutesItem) -> None:
    _require_runner(actor, item.meeting.group_id)
    audit.record(actor=actor, instance=item, action="delete", before=audit.snapshot(item, ("kind", "text")))
    item.delete()


@transaction.atomic
def action_item_done(*, actor: Any, item: MinutesItem, done: bool, today: dt.date | None = None) -> MinutesItem:
    """The owner, a coordinator or the office marks an action item done (or open again)."""
    if item.kind != MinutesItemKind.ACTION:
        raise DomainError(_("Nur Aufgaben können erledigt werden."))
    if item.owner_id != actor.pk and not can_run_group(actor, item.meeting.group_id):
        raise PermissionDenied(_("Nur die verantwortliche Person, die Koordination oder die Geschäftsstelle."))
    item = MinutesItem.objects.select_for_update().get(pk=item.pk)
    before = audit.snapshot(item, ("done_on",))
    item.done_on = (today or timezone.localdate()) if done else None
    item.save(update_fields=["done_on"])
    audit.record(actor=actor, instance=item, action="update", before=before, after=audit.snapshot(item, ("done_on",)))
    return item


DOCUMENT_TYPES = {
    ".pdf", ".odt", ".ods", ".odp", ".docx", ".xlsx", ".pptx", ".doc", ".xls", ".ppt",
    ".txt", ".csv", ".md", ".png", ".jpg", ".jpeg", ".svg", ".zip",
}  # fmt: skip
DOCUMENT_MAX_BYTES = 25 * 1024 * 1024


@transaction.atomic
def document_upload(
    *,
    actor: Any,
    group: WorkingGroup,
    file: UploadedFile,
    title: str = "",
    document: Document | None = None,
    meeting: Meeting | None = None,
    comment: str = "",
) -> DocumentVersion:
    """Upload a new document, or (``document``) a new version of one. Members of the group and the office."""
    if not (can_manage_groups(actor) or actor.pk in selectors.group_member_ids(group)):
        raise PermissionDenied(_("Nur Mitglieder des Arbeitskreises laden Dokumente hoch."))
    name = PurePath(file.name or "").name
    if PurePath(name).suffix.lower() not in DOCUMENT_TYPES:
        raise DomainError(
            _("Dateityp nicht erlaubt; erlaubt sind: %(types)s.") % {"types": ", ".join(sorted(DOCUMENT_TYPES))},
            field="file",
        )
    if not file.size:
        raise DomainError(_("Die Datei ist leer."), field="file")
    if file.size > DOCUMENT_MAX_BYTES:
        raise DomainError(_("Die Datei ist größer als 25 MB."), field="file")
    if meeting is not None and meeting.group_id != group.pk:
        raise DomainError(_("Die Sitzung gehört nicht zu diesem Arbeitskreis."), field="meeting")
    if document is None:
        title = title.strip() or PurePath(name).stem
        document = Document.objects.create(group=group, meeting=meeting, title=title[:200])
        audit.record(actor=actor, instance=document, action="create", after={"title": document.title})
    else:
        if document.group_id != group.pk:
            raise DomainError(_("Das Dokument gehört nicht zu diesem Arbeitskreis."), field="document")
        document = Document.objects.select_for_update().get(pk=document.pk)  # one version number at a time
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = DocumentVersion(
        document=document,
        number=number,
        filename=name[:200],
        size=file.size,
        comment=comment.strip()[:200],
        uploaded_by=actor,
    )
    version.file.save(name, file, save=False)
    version.save()
    audit.record(actor=actor, instance=version, action="create", after={"number": number, "filename": name})
    return version


@transaction.atomic
def document_remove(*, actor: Any, document: Document) -> None:
    """Delete a document with all its versions (coordinators and the office); the files go after commit."""
    _require_runner(actor, document.group_id)
    files = [v.file for v in document.versions.all()]
    audit.record(actor=actor, instance=document, action="delete", before={"title": document.title})
    document.delete()
    for f in files:
        transaction.on_commit(partial(f.storage.delete, f.name))


NEWS_FIELDS = ("title", "body", "group", "published_at")


@transaction.atomic
def news_save(*, actor: Any, news: NewsItem | None = None, **fields: Any) -> NewsItem:
    _require_manager(actor)
    created = news is None
    news = news or NewsItem(author=actor, published_at=timezone.now())
    before = None if created else audit.snapshot(news, NEWS_FIELDS)
    for key, value in fields.items():
        if key not in NEWS_FIELDS:
            raise DomainError(_("Feld kann nicht geändert werden."), field=key)
        if value is not None or key == "group":
            setattr(news, key, value)
    full_clean(news)
    news.save()
    audit.record(
        actor=actor,
        instance=news,
        action="create" if created else "update",
        before=before,
        after=audit.snapshot(news, NEWS_FIELDS),
    )
    return news


@transaction.atomic
def news_remove(*, actor: Any, news: NewsItem) -> None:
    _require_manager(actor)
    audit.record(actor=actor, instance=news, action="delete", before=audit.snapshot(news, NEWS_FIELDS))
    news.delete()


@transaction.atomic
def calendar_token(*, actor: Any, renew: bool = False) -> str:
    """The secret of the user's calendar feed; ``renew`` makes a new one (the old address stops working)."""
    if not is_staff_of_member_or_coop(actor):
        raise PermissionDenied(_("Der Kalender ist für die Beschäftigten der Mitglieder."))
    feed = CalendarFeed.objects.select_for_update().filter(user=actor).first()
    if feed is not None and not renew:
        return feed.token
    feed = feed or CalendarFeed(user=actor)
    feed.token = secrets.token_urlsafe(32)
    feed.save()
    audit.record(
        actor=actor,
        instance=feed,
        action="update" if renew else "create",
        before={"token": "old"} if renew else None,
        after={"token": "new"},
    )
    return feed.token


@transaction.atomic
def fees_mark_billed(*, actor: Any, organisation: Organisation, until: dt.date) -> Decimal:
    """Mark an organisation's unbilled fees of meetings that ended by ``until`` as billed (the office has
    invoiced them); returns the sum. The billing module calls this for its runs."""
    _require_manager(actor)
    rows = (
        selectors.unbilled_fees()
        .select_for_update(of=("self",))
        .filter(organisation=organisation, meeting__ends_at__date__lte=until)
    )
    total = sum((r.fee or Decimal(0) for r in rows), Decimal(0))
    ids = [r.pk for r in rows]
    if not ids:
        raise DomainError(_("Keine offenen Teilnahmegebühren."))
    Registration.objects.filter(pk__in=ids).update(billed_at=timezone.now())
    audit.record(
        actor=actor,
        instance=organisation,
        action="update",
        after={"fees_billed": {"registrations": ids, "total": str(total), "until": until.isoformat()}},
    )
    return total
