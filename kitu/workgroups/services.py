"""Writes of the working groups: groups, memberships, meetings and the registrations.

Registration rules (the same for meetings, trainings and events): at most ``capacity`` registered, at most
``per_member_limit`` of one member organisation; beyond that a registration is refused, or joins the
waiting list if asked to. A cancellation moves up the first on the waiting list who now fits (in the order
they queued; one that still exceeds its member's limit keeps its place). The meeting row is locked for
every registration and cancellation, so parallel registrations never pass a limit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied, full_clean

from . import selectors
from .models import (
    GroupMembership,
    Meeting,
    MembershipStatus,
    Registration,
    RegistrationStatus,
    Visibility,
    WorkingGroup,
)
from .policies import can_manage_groups, is_staff_of_member_or_coop

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


def _is_coordinator(user: Any, group: WorkingGroup) -> bool:
    return GroupMembership.objects.filter(
        group=group, user=user, is_coordinator=True, status=MembershipStatus.ACTIVE
    ).exists()


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
    if not (can_manage_groups(actor) or _is_coordinator(actor, group)):
        raise PermissionDenied(_("Nur die Koordination des Arbeitskreises oder die Geschäftsstelle."))
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
    if not (can_manage_groups(actor) or (group is not None and _is_coordinator(actor, group))):
        raise PermissionDenied(_("Nur die Koordination des Arbeitskreises oder die Geschäftsstelle."))
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
    registration.save()
    audit.record(
        actor=actor,
        instance=registration,
        action="update" if existing else "create",
        after={"status": registration.status},
    )
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
            actor=None,
            instance=waiting,
            action="update",
            before={"status": "waiting"},
            after={"status": waiting.status},
        )
        moved.append(waiting)
    return moved
