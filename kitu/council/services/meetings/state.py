"""The one state rule of a meeting: every allowed action is in ``TRANSITIONS`` and is checked by
``transition()`` alone.

    terminiert ──invite──▶ eingeladen ──record──▶ durchgeführt ──publish──▶ veröffentlicht
        │                      │
        └──────cancel──────────┘   (sets ``cancelled``; the state stays and nothing further is allowed)

Editing and the agenda are possible until the meeting is held, deleting only before the invitation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kitu.core.errors import DomainError

from ...models import Meeting, MeetingState

BERLIN = ZoneInfo("Europe/Berlin")
S, INV, H, P = MeetingState.SCHEDULED, MeetingState.INVITED, MeetingState.HELD, MeetingState.PUBLISHED


@dataclass(frozen=True)
class Rule:
    sources: frozenset[str]  # the states in which the action is allowed
    target: str | None  # the state it leads to (None: the state stays)
    refusal: Any  # why not, when the state does not fit
    on_meeting_day: bool = False  # not before the day of the meeting (Europe/Berlin)
    when_cancelled: bool = False  # also allowed for a cancelled meeting


TRANSITIONS: dict[str, Rule] = {
    "edit": Rule(
        frozenset({S, INV}), None, gettext_lazy("Eine durchgeführte Sitzung kann nicht mehr geändert werden.")
    ),
    "agenda": Rule(
        frozenset({S, INV}),
        None,
        gettext_lazy("Die Tagesordnung einer durchgeführten Sitzung kann nicht mehr geändert werden."),
    ),
    "invite": Rule(frozenset({S}), INV, gettext_lazy("Zu dieser Sitzung wurde bereits eingeladen.")),
    "cancel": Rule(frozenset({S, INV}), None, gettext_lazy("Eine durchgeführte Sitzung kann nicht abgesagt werden.")),
    "delete": Rule(
        frozenset({S}),
        None,
        gettext_lazy("Zu dieser Sitzung wurde eingeladen; sie kann nur noch abgesagt werden."),
        when_cancelled=True,
    ),
    "record": Rule(
        frozenset({INV, H}),
        H,
        gettext_lazy("Ergebnisse können erst nach der Einladung und nur bis zur Veröffentlichung erfasst werden."),
        on_meeting_day=True,
    ),
    "publish": Rule(
        frozenset({H}), P, gettext_lazy("Veröffentlicht werden kann nur eine durchgeführte Sitzung mit Ergebnissen.")
    ),
}


def refusal(meeting: Meeting, action: str, now: dt.datetime | None = None) -> str:
    """Why ``action`` is not allowed for the meeting now, or "" if it is."""
    rule = TRANSITIONS[action]
    if meeting.deleted:
        return _("Die Sitzung wurde gelöscht.")
    if meeting.cancelled and not rule.when_cancelled:
        return _("Die Sitzung ist abgesagt.")
    if meeting.state not in rule.sources:
        return str(rule.refusal)
    if rule.on_meeting_day and meeting_day(meeting) > timezone.localtime(now or timezone.now(), BERLIN).date():
        return _("Anwesenheit und Ergebnisse lassen sich erst am Tag der Sitzung erfassen.")
    return ""


def allowed(meeting: Meeting, action: str, now: dt.datetime | None = None) -> bool:
    return not refusal(meeting, action, now)


def transition(meeting: Meeting, action: str, now: dt.datetime | None = None) -> None:
    """Check ``action`` against the table and move the meeting to its target state (not saved)."""
    reason = refusal(meeting, action, now)
    if reason:
        raise DomainError(reason, field="state")
    target = TRANSITIONS[action].target
    if target is not None:
        meeting.state = target


def meeting_day(meeting: Meeting) -> dt.date:
    return timezone.localtime(meeting.start, BERLIN).date()
