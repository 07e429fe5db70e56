"""Seeding one demo meeting: placed on the body's meeting day, its agenda, the invitation, and for a past
meeting the attendance, results, votes, minutes and publishing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kitu.accounts.models import User
from kitu.council.models import (
    AgendaItem,
    AttendanceStatus,
    Body,
    FileRole,
    Meeting,
    Organization,
    Paper,
    Person,
    VoteChoice,
)
from kitu.council.services import files as file_services
from kitu.council.services import meetings as meeting_services

from .meeting_data import FREE_ITEMS, DemoItem, DemoMeeting
from .pdf import pdf, upload
from .register_data import BERLIN, BUDGET_VOTES, COUNCILLOR_LOGIN

# The body's meeting day (Monday = 0) and its name in the genitive ("Sitzung des …").
WEEKDAY = {"SR": 3, "HFA": 3, "BUA": 1, "BKS": 2, "OA": 0}
GENITIVE = {
    "SR": "Stadtrates",
    "HFA": "Haupt- und Finanzausschusses",
    "BUA": "Bau- und Umweltausschusses",
    "BKS": "Ausschusses für Bildung, Kultur und Soziales",
    "OA": "Ordnungsausschusses",
}
HOLIDAYS = {(12, 24), (12, 25), (12, 26), (12, 31), (1, 1)}  # no council meets then


def _at(days: int, organization: str, hour: int) -> dt.datetime:
    """``days`` from today, moved on to the body's meeting day (at most six days) and past the holidays."""
    day = timezone.localdate() + dt.timedelta(days=days)
    day += dt.timedelta(days=(WEEKDAY[organization] - day.weekday()) % 7)
    while (day.month, day.day) in HOLIDAYS:
        day += dt.timedelta(days=7)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=BERLIN)


def seed_meeting(
    office: User,
    body: Body,
    spec: DemoMeeting,
    orgs: dict[str, Organization],
    papers: dict[str, Paper],
    persons: list[Person],
    group_of: dict[int, str],
) -> Meeting:
    organization = orgs[spec.organization]
    start = _at(spec.days, spec.organization, spec.hour)
    end = start + dt.timedelta(hours=3)
    locations = list(body.locations.order_by("pk"))
    meeting = meeting_services.meeting_create(
        actor=office,
        body=body,
        name=f"{spec.number}. Sitzung des {GENITIVE[spec.organization]}",
        start=start,
        end=end,
        location=locations[spec.location],
        organizations=[organization],
    )
    items: list[tuple[AgendaItem, DemoItem]] = []
    for item_spec in spec.items:
        if item_spec.paper:
            item = meeting_services.agenda_item_add(
                actor=office, meeting=meeting, paper=papers[item_spec.paper], public=item_spec.public
            )
        else:
            item = meeting_services.agenda_item_add(
                actor=office, meeting=meeting, name=FREE_ITEMS[item_spec.free], public=item_spec.public
            )
        items.append((item, item_spec))
    past = start < timezone.now()
    invited = start - dt.timedelta(days=14) if past else timezone.now()
    meeting_services.meeting_invite(actor=office, meeting=meeting, now=invited)
    meeting.refresh_from_db()
    file_services.file_attach(
        actor=office,
        body=body,
        upload=upload(
            "Einladung.pdf",
            pdf(
                f"Einladung zur {meeting.name}",
                [
                    f"Die {meeting.name} findet am {start:%d.%m.%Y} um {start:%H:%M} Uhr im "
                    f"{locations[spec.location].description} statt.",
                    "Tagesordnung: "
                    + "; ".join(f"TOP {item.number} {item.name}" for item, s in items if s.public)
                    + ("; nichtöffentlicher Teil" if any(not s.public for _i, s in items) else ""),
                ],
            ),
        ),
        role=FileRole.INVITATION,
        name=f"Einladung {meeting.name}",
        meeting=meeting,
    )
    if not past:
        return meeting
    _record(office, body, meeting, items, persons, group_of, end)
    return meeting


def _record(
    office: User,
    body: Body,
    meeting: Meeting,
    items: list[tuple[AgendaItem, DemoItem]],
    persons: list[Person],
    group_of: dict[int, str],
    end: dt.datetime,
) -> None:
    invited = list(meeting.attendances.select_related("person").order_by("person__family_name"))
    # One or two excused in each meeting (never the councillor login's person), everyone else present.
    excused = {
        a.person_id for n, a in enumerate(invited) if n % 13 == 5 and a.person_id != persons[COUNCILLOR_LOGIN].pk
    }
    statuses = {
        a.person_id: AttendanceStatus.EXCUSED if a.person_id in excused else AttendanceStatus.PRESENT for a in invited
    }
    meeting_services.attendance_record(actor=office, meeting=meeting, statuses=statuses, now=end)
    present = sum(1 for s in statuses.values() if s == AttendanceStatus.PRESENT)
    minutes: list[str] = [f"Anwesend: {present} von {len(invited)} Mitgliedern; die Beschlussfähigkeit ist gegeben."]
    for item, spec in items:
        named_votes = None
        votes: tuple[int | None, int | None, int | None] = (None, None, None)
        if spec.named:
            voters = meeting_services.voters(meeting)
            named_votes = {p.pk: BUDGET_VOTES.get(group_of.get(p.pk, ""), VoteChoice.YES) for p in voters}
        elif spec.votes is not None:
            yes, no, abstain = spec.votes
            scale = min(1.0, present / max(1, yes + no + abstain))
            votes = (int(yes * scale), int(no * scale), int(abstain * scale))
        meeting_services.agenda_item_result(
            actor=office,
            item=item,
            result=spec.result,
            resolution_text=spec.resolution,
            votes_yes=votes[0],
            votes_no=votes[1],
            votes_abstain=votes[2],
            named_votes=named_votes,
            now=end,
        )
        item.refresh_from_db()
        counts = (
            f" (Ja {item.votes_yes}, Nein {item.votes_no}, Enthaltungen {item.votes_abstain}"
            f"{', namentliche Abstimmung' if item.named_vote else ''})"
            if item.votes_yes is not None
            else ""
        )
        if item.public:
            minutes.append(
                f"TOP {item.number} {item.name}: {item.get_result_display()}{counts}. {item.resolution_text}"
            )
        else:
            minutes.append(f"TOP {item.number}: nichtöffentlich beraten.")
    file_services.file_attach(
        actor=office,
        body=body,
        upload=upload("Niederschrift.pdf", pdf(f"Niederschrift über die {meeting.name}", minutes)),
        role=FileRole.RESULTS_PROTOCOL,
        name=f"Niederschrift {meeting.name}",
        meeting=meeting,
    )
    meeting_services.meeting_publish(actor=office, meeting=meeting, now=end + dt.timedelta(days=7))
