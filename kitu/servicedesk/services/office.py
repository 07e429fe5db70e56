"""The office's settings of the service desk: teams (name, members, services), service levels per service and
priority (response and resolution in service hours) and canned replies (create, edit, retire — never deleted:
a retired reply is no longer offered, its text stays in the replies that used it). Only the office
(``coop_admin``) changes them; every change is audited."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kitu.accounts.policies import is_coop_admin
from kitu.billing.models import Service
from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied
from kitu.servicedesk.models import CannedReply, Priority, ServiceLevel, Team
from kitu.servicedesk.policies import is_desk_staff

MAX_HOURS = Decimal(2000)


def _office(actor: Any) -> None:
    if not is_coop_admin(actor):
        raise PermissionDenied(_("Das ändert nur die Geschäftsstelle."))


def _text(value: str, field: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(_("Bitte ausfüllen."), field=field)
    if len(text) > limit:
        raise DomainError(_("Höchstens %(n)s Zeichen.") % {"n": limit}, field=field)
    return text


@transaction.atomic
def team_save(*, actor: Any, team: Team | None, name: str, members: Iterable[Any], services: Iterable[Service]) -> Team:
    """Create or change a team; its members must work at the desk (service desk or office)."""
    _office(actor)
    name = _text(name, "name", 120)
    people = list(members)
    outsiders = [user for user in people if not is_desk_staff(user)]
    if outsiders:
        raise DomainError(_("Mitglied eines Teams kann nur sein, wer im Servicedesk arbeitet."), field="members")
    others = Team.objects.filter(name__iexact=name)
    if team is not None:
        others = others.exclude(pk=team.pk)
    if others.exists():
        raise DomainError(_("Ein Team dieses Namens gibt es schon."), field="name")
    before = None
    if team is None:
        base = slugify(name)[:34] or "team"
        code, n = base, 1
        while Team.objects.filter(code=code).exists():
            n += 1
            code = f"{base}-{n}"
        team = Team.objects.create(code=code, name=name)
        action = "create"
    else:
        team = Team.objects.select_for_update(of=("self",)).get(pk=team.pk)
        before = {"name": team.name, "members": sorted(team.members.values_list("pk", flat=True))}
        team.name = name
        team.save(update_fields=["name"])
        action = "update"
    team.members.set(people)
    team.services.set(list(services))
    after = {"name": name, "members": sorted(user.pk for user in people)}
    audit.record(actor=actor, instance=team, action=action, before=before, after=after)
    return team


def _minutes(hours: Decimal, field: str) -> int:
    if not Decimal("0.25") <= hours <= MAX_HOURS:
        raise DomainError(_("Bitte 0,25 bis 2000 Stunden angeben."), field=field)
    return int((hours * 60).to_integral_value())


@transaction.atomic
def level_save(
    *, actor: Any, service: Service | None, priority: int, response_hours: Decimal, resolution_hours: Decimal
) -> ServiceLevel:
    """Set the targets of a service (None: the default) and priority, in service hours. Open tickets keep the
    targets they were reported with."""
    _office(actor)
    if priority not in Priority.values:
        raise DomainError(_("Bitte eine Priorität wählen."), field="priority")
    response, resolution = _minutes(response_hours, "response_hours"), _minutes(resolution_hours, "resolution_hours")
    if resolution < response:
        raise DomainError(_("Die Lösungszeit darf nicht kürzer als die Reaktionszeit sein."), field="resolution_hours")
    level = ServiceLevel.objects.select_for_update(of=("self",)).filter(service=service, priority=priority).first()
    before = None if level is None else {"response": level.response_minutes, "resolution": level.resolution_minutes}
    if level is None:
        level = ServiceLevel(service=service, priority=priority)
    level.response_minutes, level.resolution_minutes = response, resolution
    level.save()
    after = {"response": response, "resolution": resolution}
    audit.record(
        actor=actor, instance=level, action="create" if before is None else "update", before=before, after=after
    )
    return level


@transaction.atomic
def canned_save(*, actor: Any, reply: CannedReply | None, title: str, body: str, team: Team | None) -> CannedReply:
    _office(actor)
    title, body = _text(title, "title", 120), _text(body, "body", 5000)
    if reply is None:
        reply = CannedReply.objects.create(title=title, body=body, team=team)
        audit.record(actor=actor, instance=reply, action="create", after={"title": title})
        return reply
    reply = CannedReply.objects.select_for_update(of=("self",)).get(pk=reply.pk)
    if reply.retired_at is not None:
        raise DomainError(_("Ein außer Gebrauch genommener Textbaustein wird nicht mehr geändert."), field="title")
    before = {"title": reply.title, "body": reply.body}
    reply.title, reply.body, reply.team = title, body, team
    reply.save(update_fields=["title", "body", "team"])
    audit.record(actor=actor, instance=reply, action="update", before=before, after={"title": title, "body": body})
    return reply


@transaction.atomic
def canned_retire(*, actor: Any, reply: CannedReply) -> CannedReply:
    """No longer offered; never deleted (irreversible: the page asks first)."""
    _office(actor)
    reply = CannedReply.objects.select_for_update(of=("self",)).get(pk=reply.pk)
    if reply.retired_at is not None:
        raise DomainError(_("Der Textbaustein ist schon außer Gebrauch."), field=None)
    reply.retired_at = timezone.now()
    reply.save(update_fields=["retired_at"])
    audit.record(actor=actor, instance=reply, action="update", after={"retired": True})
    return reply
