"""The one rule of what each reader may see of a town's council work. Every surface (public pages, search,
iCal, OParl, councillors' pages, mails, ZIP downloads) reads through ``Visibility``; none filters by itself.

- The public (anyone, also a signed-in user without a council role of the town) sees: terms, organizations,
  persons, memberships and locations; meetings from when they are scheduled (date, place, bodies); the
  public agenda items from the invitation on; results, resolutions, votes and minutes once published; a
  paper once it is on a public agenda item of a meeting that has been invited to, and never while it is
  marked non-public or consulted on any non-public agenda item; a file exactly when what it belongs to is
  visible (protocols and resolution files with the results).
- A councillor of the town (``council_member`` tied to a person) also sees the non-public agenda items of
  meetings of the bodies they belong to, the papers consulted there and their files, and the results of
  those items once the meeting is held.
- The town's council office sees everything of its town, drafts included.
Deleted objects are never shown (OParl lists them as tombstones, which carry no content).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import (
    AgendaItem,
    Body,
    Consultation,
    File,
    FileRole,
    LegislativeTerm,
    Location,
    Meeting,
    MeetingState,
    Membership,
    Organization,
    Paper,
    Person,
)
from .policies import can_manage_council, councillor_person

INVITED = (MeetingState.INVITED, MeetingState.HELD, MeetingState.PUBLISHED)
RESULT_ROLES = (FileRole.RESULTS_PROTOCOL, FileRole.VERBATIM_PROTOCOL, FileRole.RESOLUTION)


class Level(Enum):
    PUBLIC = "public"
    COUNCILLOR = "councillor"
    OFFICE = "office"


@dataclass(frozen=True)
class Visibility:
    body: Body
    level: Level = Level.PUBLIC
    person: Person | None = None  # the councillor, at Level.COUNCILLOR
    # True: what the reader would see were nothing deleted. OParl lists the difference to the live view as
    # tombstones (deleted or depublished objects), and never anything this view does not contain.
    with_deleted: bool = False

    @classmethod
    def public(cls, body: Body) -> Visibility:
        return cls(body)

    @classmethod
    def for_user(cls, user: Any, body: Body) -> Visibility:
        if can_manage_council(user, body):
            return cls(body, Level.OFFICE)
        person = councillor_person(user, body)
        if person is not None:
            return cls(body, Level.COUNCILLOR, person)
        return cls(body)

    @classmethod
    def public_with_deleted(cls, body: Body) -> Visibility:
        return cls(body, with_deleted=True)

    @property
    def is_public(self) -> bool:
        return self.level is Level.PUBLIC

    def _alive(self, *paths: str) -> Q:
        """``deleted=False`` on the object (path "") and the related objects named, unless ``with_deleted``."""
        if self.with_deleted:
            return Q()
        return Q(**{f"{path}deleted": False for path in paths or ("",)})

    # --- what is the same for everyone -------------------------------------------------------------------

    def terms(self) -> QuerySet[LegislativeTerm]:
        return LegislativeTerm.objects.filter(self._alive(), body=self.body)

    def organizations(self) -> QuerySet[Organization]:
        return Organization.objects.filter(self._alive(), body=self.body)

    def persons(self) -> QuerySet[Person]:
        return Person.objects.filter(self._alive(), body=self.body)

    def memberships(self) -> QuerySet[Membership]:
        return Membership.objects.filter(self._alive("", "person__", "organization__"), organization__body=self.body)

    def locations(self) -> QuerySet[Location]:
        return Location.objects.filter(self._alive(), body=self.body)

    def meetings(self) -> QuerySet[Meeting]:
        return Meeting.objects.filter(self._alive(), body=self.body)

    # --- what depends on the reader ------------------------------------------------------------------------

    def _confidential_meetings(self) -> Q:
        """Meetings whose non-public items this reader may see."""
        if self.level is Level.OFFICE:
            return Q()
        if self.level is Level.COUNCILLOR and self.person is not None:
            bodies = Membership.objects.filter(person=self.person, deleted=False).values("organization")
            return Q(organizations__in=bodies)
        return Q(pk__in=[])

    def agenda_items(self) -> QuerySet[AgendaItem]:
        items = AgendaItem.objects.filter(self._alive("", "meeting__"), meeting__body=self.body)
        if self.level is Level.OFFICE:
            return items
        open_items = Q(public=True, meeting__state__in=INVITED)
        if self.level is Level.COUNCILLOR:
            confidential = Meeting.objects.filter(self._confidential_meetings(), body=self.body).values("pk")
            return items.filter(open_items | Q(meeting__in=confidential, meeting__state__in=INVITED))
        return items.filter(open_items)

    def results_visible(self, meeting: Meeting) -> bool:
        """Whether this reader sees the results, votes and resolutions of the meeting's (visible) items."""
        if self.level is Level.OFFICE:
            return True
        if self.level is Level.COUNCILLOR:
            return meeting.state in (MeetingState.HELD, MeetingState.PUBLISHED)
        return meeting.state == MeetingState.PUBLISHED

    def published_states(self) -> tuple[str, ...]:
        """The meeting states in which this reader sees results (as a filter for lists)."""
        if self.level is Level.OFFICE:
            return tuple(MeetingState.values)
        if self.level is Level.COUNCILLOR:
            return (MeetingState.HELD, MeetingState.PUBLISHED)
        return (MeetingState.PUBLISHED,)

    def papers(self) -> QuerySet[Paper]:
        papers = Paper.objects.filter(self._alive(), body=self.body)
        if self.level is Level.OFFICE:
            return papers
        visible_items = self.agenda_items()
        on_visible_item = Consultation.objects.filter(
            self._alive(), paper=OuterRef("pk"), agenda_item__in=visible_items
        )
        if self.level is Level.COUNCILLOR:
            return papers.filter(Exists(on_visible_item))
        on_closed_item = Consultation.objects.filter(
            self._alive("", "agenda_item__"), paper=OuterRef("pk"), agenda_item__public=False
        )
        return papers.filter(public=True).filter(Exists(on_visible_item)).exclude(Exists(on_closed_item))

    def consultations(self) -> QuerySet[Consultation]:
        # a correlated EXISTS, not ``paper__in``: PostgreSQL would build the set of all visible papers of the
        # town for every query (290 ms for 10,000 papers) where only the papers of the rows at hand matter
        consultations = Consultation.objects.filter(self._alive(), Exists(self.papers().filter(pk=OuterRef("paper"))))
        if self.level is Level.OFFICE:
            return consultations
        return consultations.filter(self._on_no_or_visible_item())

    def _on_no_or_visible_item(self) -> Q:
        """Planned (on no agenda item) or on a visible one — correlated, not ``agenda_item__in``: that
        builds the set of all visible items of the town (18,000 rows, ~50 ms) for a page of consultations."""
        visible_item = self.agenda_items().filter(pk=OuterRef("agenda_item"))
        return Q(agenda_item__isnull=True) | Q(Exists(visible_item))

    def consultations_of_shown_items(self) -> QuerySet[Consultation]:
        """The visible consultations on agenda items this reader is shown anyway (for prefetching, never on
        its own). A consultation is visible when its paper is; a paper on a visible item is visible to a
        councillor, and to the public unless marked non-public or consulted on any non-public item — so no
        subquery over all papers of the town."""
        consultations = Consultation.objects.filter(self._alive("", "paper__"))
        if self.level is not Level.PUBLIC:
            return consultations
        closed = Consultation.objects.filter(
            self._alive("", "agenda_item__"), paper=OuterRef("paper"), agenda_item__public=False
        )
        return consultations.filter(paper__public=True).exclude(Exists(closed))

    def consultations_of_shown_papers(self) -> QuerySet[Consultation]:
        """The visible consultations of papers this reader is shown anyway (for prefetching, never on its
        own): planned ones and those on visible agenda items."""
        consultations = Consultation.objects.filter(self._alive())
        if self.level is Level.OFFICE:
            return consultations
        return consultations.filter(self._on_no_or_visible_item())

    def files(self, among: list[int] | None = None) -> QuerySet[File]:
        """The visible files; ``among``: only these ids. PostgreSQL computes "the paper is visible" for
        all papers of the town at once (a hashed subplan, ~85 ms at 10,000 papers), so with ``among`` the
        paper rule runs for the papers of those files only (a page of the OParl file list)."""
        files = File.objects.filter(self._alive(), body=self.body)
        if among is not None:
            files = files.filter(pk__in=among)
        if self.level is Level.OFFICE:
            return files
        with_results = self.published_states()
        items = self.agenda_items()
        if among is None:
            papers = Q(Exists(self.papers().filter(pk=OuterRef("paper"))))  # correlated: see consultations()
            item = items.filter(pk=OuterRef("agenda_item"))
            on_item, on_item_with_results = Q(Exists(item)), Q(Exists(item.filter(meeting__state__in=with_results)))
        else:
            # the rules of papers and items for the parents of these files only: inside the OR PostgreSQL
            # hashes the whole set (all 18,000 visible items of the town, twice, ~50 ms) even when correlated
            of_these = File.objects.filter(pk__in=among)
            papers = Q(paper__in=self.papers().filter(pk__in=of_these.values("paper")))
            items = items.filter(pk__in=of_these.values("agenda_item"))
            on_item = Q(agenda_item__in=items)
            on_item_with_results = Q(agenda_item__in=items.filter(meeting__state__in=with_results))
        meetings = self.meetings()
        return files.filter(
            papers
            | Q(meeting__in=meetings.filter(state__in=INVITED)) & ~Q(role__in=RESULT_ROLES)
            | Q(meeting__in=meetings.filter(state__in=with_results), role__in=RESULT_ROLES)
            | on_item & ~Q(role__in=RESULT_ROLES)
            | on_item_with_results & Q(role__in=RESULT_ROLES)
        )

    def files_of_shown(self) -> QuerySet[File]:
        """The visible files of objects this reader is shown anyway — for prefetching the files of a page of
        visible papers, meetings or agenda items, never on its own: the parent's own visibility is taken as
        given, only the rule of roles and meeting states applies (no subquery over all papers)."""
        files = File.objects.filter(self._alive(), body=self.body)
        if self.level is Level.OFFICE:
            return files
        with_results = self.published_states()
        return files.filter(
            Q(paper__isnull=False)
            | Q(meeting__state__in=INVITED) & ~Q(role__in=RESULT_ROLES)
            | Q(meeting__state__in=with_results, role__in=RESULT_ROLES)
            | Q(agenda_item__isnull=False) & ~Q(role__in=RESULT_ROLES)
            | Q(agenda_item__meeting__state__in=with_results, role__in=RESULT_ROLES)
        )
