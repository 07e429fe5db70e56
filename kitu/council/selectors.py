"""Reads of the council pages (public and councillors'), each through ``Visibility``: nothing here decides
itself what a reader may see; it only arranges what ``Visibility`` hands out."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import (
    AgendaItem,
    Body,
    Consultation,
    File,
    Meeting,
    Membership,
    Organization,
    OrganizationType,
    Paper,
    PaperNote,
    Person,
    Vote,
)
from .policies import councillor_person
from .visibility import Visibility


def public_body(slug: str) -> Body | None:
    """The town of ``/rat/<slug>/`` if its council system is switched on."""
    return Body.objects.filter(slug=slug, is_enabled=True, deleted=False).select_related("member").first()


# --- meetings ------------------------------------------------------------------------------------------------


def meetings(visibility: Visibility) -> QuerySet[Meeting]:
    return visibility.meetings().select_related("location").prefetch_related("organizations")


def upcoming_meetings(visibility: Visibility, *, limit: int | None = 5) -> list[Meeting]:
    found = meetings(visibility).filter(start__gte=timezone.now() - dt.timedelta(hours=6)).order_by("start")
    return list(found[:limit] if limit else found)


def latest_results(visibility: Visibility, *, limit: int = 5) -> list[Meeting]:
    """The latest meetings whose results this reader sees."""
    found = meetings(visibility).filter(state__in=visibility.published_states(), start__lte=timezone.now())
    return list(found.order_by("-start")[:limit])


def meetings_in_month(visibility: Visibility, year: int, month: int) -> list[Meeting]:
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    return list(meetings(visibility).filter(start__gte=start, start__lt=end).order_by("start"))


def meeting(visibility: Visibility, meeting_id: int) -> Meeting | None:
    return meetings(visibility).filter(pk=meeting_id).first()


@dataclass
class AgendaEntry:
    item: AgendaItem
    papers: list[Paper] = field(default_factory=list)
    files: list[File] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)  # a named vote, once the reader sees results


@dataclass
class MeetingPage:
    meeting: Meeting
    agenda: list[AgendaEntry]
    files: list[File]  # of the meeting itself (invitation, minutes, auxiliary)
    results_visible: bool


def meeting_page(visibility: Visibility, meeting: Meeting) -> MeetingPage:
    items = list(visibility.agenda_items().filter(meeting=meeting).order_by("order"))
    entries = {item.pk: AgendaEntry(item) for item in items}
    consultations = (
        visibility.consultations()
        .filter(agenda_item__in=items)
        .select_related("paper")
        .order_by("agenda_item", "order", "pk")
    )
    for consultation in consultations:
        if consultation.agenda_item_id in entries:
            entries[consultation.agenda_item_id].papers.append(consultation.paper)
    files = visibility.files()
    for file in files.filter(agenda_item__in=items).order_by("pk"):
        if file.agenda_item_id in entries:
            entries[file.agenda_item_id].files.append(file)
    results_visible = visibility.results_visible(meeting)
    if results_visible:
        named = [item for item in items if item.named_vote]
        for vote in Vote.objects.filter(agenda_item__in=named).select_related("person"):
            entries[vote.agenda_item_id].votes.append(vote)
    return MeetingPage(
        meeting=meeting,
        agenda=[entries[item.pk] for item in items],
        files=list(files.filter(meeting=meeting).order_by("pk")),
        results_visible=results_visible,
    )


def meeting_files(visibility: Visibility, meeting: Meeting) -> list[tuple[str, File]]:
    """Every file of the meeting the reader may see, with the part it belongs to ("" for the meeting
    itself, else the agenda item's number): the meeting's own, its items' and those of the papers on them."""
    page = meeting_page(visibility, meeting)
    found: list[tuple[str, File]] = [("", file) for file in page.files]
    visible = visibility.files()
    for entry in page.agenda:
        found += [(entry.item.number, file) for file in entry.files]
        for paper in entry.papers:
            found += [(entry.item.number, file) for file in visible.filter(paper=paper).order_by("pk")]
    return found


# --- papers --------------------------------------------------------------------------------------------------


def paper(visibility: Visibility, paper_id: int) -> Paper | None:
    return (
        visibility.papers()
        .filter(pk=paper_id)
        .prefetch_related("originator_persons", "originator_organizations", "under_direction_of")
        .first()
    )


@dataclass
class ConsultationRow:
    consultation: Consultation
    meeting: Meeting | None
    item: AgendaItem | None
    results_visible: bool


def closed_paper_ids(body: Body, papers: list[Paper]) -> set[int]:
    """Those of ``papers`` the public may not see (to mark them "nicht öffentlich" for the council)."""
    ids = {paper.pk for paper in papers}
    return ids - set(Visibility.public(body).papers().filter(pk__in=ids).values_list("pk", flat=True))


def paper_consultations(visibility: Visibility, paper: Paper) -> list[ConsultationRow]:
    consultations = list(
        visibility.consultations()
        .filter(paper=paper)
        .select_related("agenda_item__meeting")
        .prefetch_related("organizations")
        .order_by("order", "pk")
    )
    item_ids = [c.agenda_item_id for c in consultations if c.agenda_item_id]
    visible_items = set(visibility.agenda_items().filter(pk__in=item_ids).values_list("pk", flat=True))
    rows = []
    for consultation in consultations:
        item = consultation.agenda_item if consultation.agenda_item_id in visible_items else None
        meeting = item.meeting if item is not None else None
        shown = meeting is not None and visibility.results_visible(meeting)
        rows.append(ConsultationRow(consultation, meeting, item, shown))
    return rows


def paper_files(visibility: Visibility, paper: Paper) -> list[File]:
    return list(visibility.files().filter(paper=paper).order_by("pk"))


def visible_file(visibility: Visibility, file_id: int) -> File | None:
    return visibility.files().filter(pk=file_id).first()


# --- persons and organizations -------------------------------------------------------------------------------


def _current(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    today = timezone.localdate()
    return memberships.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))


def persons(visibility: Visibility) -> list[tuple[Person, list[Organization]]]:
    """The persons with their current parliamentary groups."""
    groups: dict[int, list[Organization]] = defaultdict(list)
    memberships = _current(visibility.memberships()).filter(organization__organization_type=OrganizationType.GROUP)
    for membership in memberships.select_related("organization"):
        groups[membership.person_id].append(membership.organization)
    return [(person, groups[person.pk]) for person in visibility.persons().order_by("family_name", "given_name")]


def person(visibility: Visibility, person_id: int) -> Person | None:
    return visibility.persons().filter(pk=person_id).first()


def person_memberships(visibility: Visibility, person: Person) -> list[Membership]:
    found = visibility.memberships().filter(person=person).select_related("organization", "on_behalf_of")
    return list(found.order_by("organization__name", "-start_date"))


def organizations_by_type(visibility: Visibility) -> list[tuple[str, list[Organization]]]:
    grouped: dict[str, list[Organization]] = defaultdict(list)
    for organization in visibility.organizations().order_by("name"):
        grouped[organization.organization_type].append(organization)
    return [(str(label), grouped[value]) for value, label in OrganizationType.choices if grouped[value]]


def organization(visibility: Visibility, organization_id: int) -> Organization | None:
    return visibility.organizations().filter(pk=organization_id).first()


def organization_members(visibility: Visibility, organization: Organization) -> list[Membership]:
    found = _current(visibility.memberships().filter(organization=organization)).select_related(
        "person", "on_behalf_of"
    )
    return list(found.order_by("person__family_name", "person__given_name"))


def organization_meetings(visibility: Visibility, organization: Organization, *, limit: int = 20) -> list[Meeting]:
    return list(meetings(visibility).filter(organizations=organization).order_by("-start")[:limit])


# --- councillors ---------------------------------------------------------------------------------------------


@dataclass
class CouncillorTown:
    body: Body
    person: Person
    upcoming: list[Meeting]
    past: list[Meeting]
    papers: list[Paper]
    notes: list[PaperNote]
    closed: set[int]  # ids of the papers the public may not see


def councillor_towns(user: Any) -> list[CouncillorTown]:
    """Each town where the user is a councillor: their bodies' upcoming and past meetings, the papers on
    the upcoming agendas, and their own notes (all through ``Visibility``)."""
    if not getattr(user, "is_authenticated", False):
        return []
    towns = []
    bodies = Body.objects.filter(persons__user=user, persons__deleted=False, is_enabled=True, deleted=False)
    for body in bodies.select_related("member").distinct().order_by("name"):
        person = councillor_person(user, body)
        if person is None:
            continue
        visibility = Visibility.for_user(user, body)
        mine = Membership.objects.filter(person=person, deleted=False).values("organization")
        my_meetings = meetings(visibility).filter(organizations__in=mine).distinct()
        now = timezone.now()
        upcoming = list(my_meetings.filter(start__gte=now).order_by("start")[:20])
        past = list(my_meetings.filter(start__lt=now).order_by("-start")[:10])
        papers = (
            visibility.papers()
            .filter(consultations__agenda_item__in=visibility.agenda_items().filter(meeting__in=upcoming))
            .distinct()
            .order_by("-date", "-reference")
        )
        notes = (
            PaperNote.objects.filter(author=user, paper__in=visibility.papers())
            .select_related("paper")
            .order_by("-modified")
        )
        shown = list(papers[:50])
        closed = closed_paper_ids(body, shown)
        towns.append(CouncillorTown(body, person, upcoming, past, shown, list(notes[:50]), closed))
    return towns


def own_note(user: Any, paper: Paper) -> PaperNote | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return PaperNote.objects.filter(paper=paper, author=user).first()
