"""Services of papers and their consultations: references, same-town rules, tombstones, the search text,
permissions and audit rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import make_user
from kitu.accounts.roles import Role
from kitu.core.errors import DomainError, NotFound, PermissionDenied
from kitu.core.models import AuditEntry
from kitu.council import search as council_search
from kitu.council.models import Consultation, ConsultationRole, File, Paper, PaperType
from kitu.council.services.papers import (
    consultation_add,
    consultation_move,
    consultation_remove,
    consultation_reorder,
    consultation_update,
    next_reference,
    paper_create,
    paper_delete,
    paper_update,
)

from .factories import make_file, make_organization, make_paper, make_person

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 4)


@pytest.fixture
def zeitz_office(council_world: dict[str, Any]) -> Any:
    return make_user("ratsbuero.zeitz@test.example", [(council_world["zeitz"].organisation, Role.COUNCIL_OFFICE)])


def office(cw: dict[str, Any]) -> Any:
    return cw["users"]["council_office"]


def test_next_reference_counts_per_type_and_year_including_deleted(council_world: dict[str, Any]) -> None:
    body = council_world["body"]
    assert next_reference(body, PaperType.RESOLUTION, 2026) == "BV/0151/2026"  # after BV/0150/2026
    assert next_reference(body, PaperType.RESOLUTION, 2027) == "BV/0001/2027"
    assert next_reference(body, PaperType.QUESTION, 2026) == "AF/0001/2026"
    make_paper(body, "AF/0009/2026", "Anfrage", paper_type=PaperType.QUESTION, deleted=True)
    make_paper(body, "AF/irgendwas/2026", "Anfrage mit freier Nummer", paper_type=PaperType.QUESTION)
    assert next_reference(body, PaperType.QUESTION, 2026) == "AF/0010/2026"
    assert next_reference(council_world["zeitz_body"], PaperType.RESOLUTION, 2026) == "BV/0001/2026"
    assert [next_reference(body, t, 2030)[:3] for t in PaperType.values] == ["BV/", "IV/", "A/0", "AF/", "M/0"]


def test_create_with_everything_and_audit(council_world: dict[str, Any]) -> None:
    cw = council_world
    paper = paper_create(
        actor=office(cw),
        body=cw["body"],
        name="  Neubau Feuerwache  ",
        date=DAY,
        paper_type=PaperType.MOTION,
        public=False,
        related_papers=[cw["public_paper"].pk],
        superordinated_papers=[cw["draft_paper"]],
        originator_persons=[cw["anna"].pk],
        originator_organizations=[cw["group"]],
        under_direction_of=[str(cw["council"].pk)],
    )
    paper.refresh_from_db()
    assert (paper.reference, paper.name, paper.public, paper.paper_type) == (
        "A/0001/2026",
        "Neubau Feuerwache",
        False,
        "Antrag",
    )
    assert list(paper.related_papers.all()) == [cw["public_paper"]]
    assert list(cw["public_paper"].related_papers.all()) == [paper]  # related is mutual
    assert list(paper.superordinated_papers.all()) == [cw["draft_paper"]]
    assert list(paper.originator_persons.all()) == [cw["anna"]]
    assert list(paper.originator_organizations.all()) == [cw["group"]]
    assert list(paper.under_direction_of.all()) == [cw["council"]]
    assert paper.search_text == "A/0001/2026\nNeubau Feuerwache"
    entry = AuditEntry.objects.get(object_type="council.Paper", object_id=str(paper.pk))
    assert entry.action == "create"
    assert entry.changes["originator_persons"] == [None, [cw["anna"].pk]]


def test_reference_must_be_unique_in_the_town_only(council_world: dict[str, Any], zeitz_office: Any) -> None:
    cw = council_world
    count = Paper.objects.count()
    with pytest.raises(DomainError) as info:
        paper_create(actor=office(cw), body=cw["body"], name="Doppelt", date=DAY, reference="BV/0044/2026")
    assert info.value.field == "reference"
    assert "BV/0044/2026" in info.value.message and "BV/0151/2026" in info.value.message
    assert Paper.objects.count() == count
    # Zeitz may use the same number.
    other = paper_create(actor=zeitz_office, body=cw["zeitz_body"], name="Zeitz", date=DAY, reference="BV/0044/2026")
    assert other.reference == "BV/0044/2026"
    with pytest.raises(DomainError) as info:
        paper_update(actor=office(cw), paper=cw["draft_paper"], reference="BV/0045/2026")
    assert info.value.field == "reference"
    assert Paper.objects.get(pk=cw["draft_paper"].pk).reference == "BV/0150/2026"


def test_the_database_refuses_a_duplicate_reference_that_slips_past_the_check(
    council_world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    cw = council_world
    real_filter = Paper.objects.filter

    class NeverTaken:
        def exclude(self, **kwargs: Any) -> NeverTaken:
            return self

        def exists(self) -> bool:
            return False

    def filter_(*args: Any, **kwargs: Any) -> Any:
        return NeverTaken() if "reference" in kwargs else real_filter(*args, **kwargs)

    monkeypatch.setattr(Paper.objects, "filter", filter_)
    with pytest.raises(DomainError) as info:
        paper_create(actor=office(cw), body=cw["body"], name="Rennen", date=DAY, reference="BV/0044/2026")
    assert info.value.field == "reference"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 501}, "name"),
        ({"name": "Steuer\x00zeichen"}, "name"),
        ({"reference": "y" * 51}, "reference"),
        ({"paper_type": "Gutachten"}, "paper_type"),
        ({"date": "2026-05-04"}, "date"),
        ({"date": None}, "date"),
        ({"related_papers": ["abc"]}, "related_papers"),
        ({"related_papers": [2**40]}, "related_papers"),
        ({"originator_persons": [-1]}, "originator_persons"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    council_world: dict[str, Any], changes: dict[str, Any], field: str
) -> None:
    cw = council_world
    data: dict[str, Any] = {"name": "Gute Vorlage", "date": DAY, **changes}
    counts = (Paper.objects.count(), AuditEntry.objects.count())
    with pytest.raises(DomainError) as info:
        paper_create(actor=office(cw), body=cw["body"], **data)
    assert info.value.field == field
    assert (Paper.objects.count(), AuditEntry.objects.count()) == counts


@pytest.mark.parametrize(
    "field",
    ["related_papers", "superordinated_papers", "originator_persons", "originator_organizations", "under_direction_of"],
)
def test_objects_of_another_town_are_refused(council_world: dict[str, Any], field: str) -> None:
    cw = council_world
    zeitz = cw["zeitz_body"]
    foreign = {
        "related_papers": make_paper(zeitz, "BV/0001/2026", "Zeitz"),
        "superordinated_papers": make_paper(zeitz, "BV/0002/2026", "Zeitz"),
        "originator_persons": cw["zeitz_person"],
        "originator_organizations": make_organization(zeitz, "Stadtrat Zeitz"),
        "under_direction_of": make_organization(zeitz, "Bauamt Zeitz"),
    }[field]
    counts = (Paper.objects.count(), AuditEntry.objects.count())
    with pytest.raises(DomainError) as info:
        paper_create(actor=office(cw), body=cw["body"], name="Fremd", date=DAY, **{field: [foreign.pk]})
    assert info.value.field == field
    assert (Paper.objects.count(), AuditEntry.objects.count()) == counts
    with pytest.raises(DomainError):
        paper_update(actor=office(cw), paper=cw["draft_paper"], name="Geändert", **{field: [foreign]})
    draft = Paper.objects.get(pk=cw["draft_paper"].pk)
    assert draft.name == "Haushaltssatzung 2027"
    assert getattr(draft, field).count() == 0


def test_deleted_objects_and_the_paper_itself_cannot_be_named(council_world: dict[str, Any]) -> None:
    cw = council_world
    gone = make_person(cw["body"], "Weg", "Gegangen", deleted=True)
    with pytest.raises(DomainError) as info:
        paper_update(actor=office(cw), paper=cw["draft_paper"], originator_persons=[gone])
    assert info.value.field == "originator_persons"
    with pytest.raises(DomainError) as info:
        paper_update(actor=office(cw), paper=cw["draft_paper"], superordinated_papers=[cw["draft_paper"]])
    assert info.value.field == "superordinated_papers"


def test_update_changes_only_what_is_given_and_records_the_difference(council_world: dict[str, Any]) -> None:
    cw = council_world
    paper = cw["draft_paper"]
    make_file(paper=paper, text="Hebesatz")
    paper_update(actor=office(cw), paper=paper, name="Haushaltssatzung 2027/2028", originator_persons=[cw["mayor"]])
    paper.refresh_from_db()
    assert (paper.name, paper.reference, paper.public) == ("Haushaltssatzung 2027/2028", "BV/0150/2026", True)
    assert list(paper.originator_persons.all()) == [cw["mayor"]]
    assert paper.search_text == "BV/0150/2026\nHaushaltssatzung 2027/2028\nHebesatz"
    entry = AuditEntry.objects.get(object_type="council.Paper", object_id=str(paper.pk), action="update")
    assert entry.changes == {
        "name": ["Haushaltssatzung 2027", "Haushaltssatzung 2027/2028"],
        "originator_persons": [[], [cw["mayor"].pk]],
    }


def test_delete_is_a_tombstone_with_its_files_and_planned_consultations(
    council_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    cw = council_world
    paper = cw["draft_paper"]
    file = make_file(paper=paper, text="Hebesatz")
    stored = file.content.name
    with django_capture_on_commit_callbacks(execute=True):
        paper_delete(actor=office(cw), paper=paper)
    paper.refresh_from_db()
    file.refresh_from_db()
    assert paper.deleted and file.deleted and file.content.name == ""
    assert not file.content.storage.exists(stored)
    assert paper.search_text == "BV/0150/2026\nHaushaltssatzung 2027"
    assert not Consultation.objects.filter(paper=paper, deleted=False).exists()
    assert Consultation.objects.filter(paper=paper, deleted=True).count() == 1
    assert AuditEntry.objects.filter(object_type="council.Paper", object_id=str(paper.pk), action="delete").exists()
    with pytest.raises(NotFound):
        paper_delete(actor=office(cw), paper=paper)
    with pytest.raises(NotFound):
        paper_update(actor=office(cw), paper=paper, name="wieder da")
    # The number stays taken.
    assert next_reference(cw["body"], PaperType.RESOLUTION, 2026) == "BV/0151/2026"


def test_a_paper_on_an_agenda_is_not_deleted(council_world: dict[str, Any]) -> None:
    cw = council_world
    with pytest.raises(DomainError) as info:
        paper_delete(actor=office(cw), paper=cw["public_paper"])
    assert info.value.field == "paper"
    assert not Paper.objects.get(pk=cw["public_paper"].pk).deleted
    assert not File.objects.get(pk=cw["public_file"].pk).deleted


def test_consultations_add_update_reorder_move_remove(council_world: dict[str, Any]) -> None:
    cw = council_world
    paper = cw["draft_paper"]
    (first,) = paper.consultations.all()
    second = consultation_add(
        actor=office(cw), paper=paper, organizations=[cw["committee"]], role=ConsultationRole.PREPARE
    )
    third = consultation_add(
        actor=office(cw), paper=paper, organizations=[cw["committee"].pk, cw["group"].pk], role="Anhörung"
    )
    assert (second.order, third.order) == (1, 2)  # the fixture's consultation has order 0

    def path() -> list[int]:
        return list(paper.consultations.filter(deleted=False).order_by("order", "pk").values_list("pk", flat=True))

    assert path() == [first.pk, second.pk, third.pk]
    Paper.objects.filter(pk=paper.pk).update(modified=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    consultation_reorder(actor=office(cw), paper=paper, order=[second.pk, third.pk, first.pk])
    assert path() == [second.pk, third.pk, first.pk]
    assert Paper.objects.get(pk=paper.pk).modified.year > 2020  # OParl clients learn of the new path
    consultation_move(actor=office(cw), consultation=first, step=-1)
    assert path() == [second.pk, first.pk, third.pk]
    consultation_move(actor=office(cw), consultation=second, step=-1)  # already first: stays
    assert path() == [second.pk, first.pk, third.pk]
    consultation_update(
        actor=office(cw), consultation=third, organizations=[cw["council"]], role="Entscheidung", authoritative=True
    )
    third.refresh_from_db()
    assert (third.role, third.authoritative, list(third.organizations.all())) == ("Entscheidung", True, [cw["council"]])
    consultation_remove(actor=office(cw), consultation=third)
    assert path() == [second.pk, first.pk]
    assert Consultation.objects.get(pk=third.pk).deleted
    actions = set(
        AuditEntry.objects.filter(object_type="council.Consultation", object_id=str(third.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == {"create", "update", "delete"}


@pytest.mark.parametrize(
    ("order", "field"),
    [([], "order"), (["x"], "order"), ("dup", "order"), ("foreign", "order")],
)
def test_reorder_needs_every_consultation_once(council_world: dict[str, Any], order: Any, field: str) -> None:
    cw = council_world
    paper = cw["draft_paper"]
    (first,) = paper.consultations.all()
    second = consultation_add(actor=office(cw), paper=paper, organizations=[cw["committee"]], role="Vorberatung")
    if order == "dup":
        order = [first.pk, first.pk]
    elif order == "foreign":
        order = [first.pk, cw["public_paper"].consultations.get().pk]
    with pytest.raises(DomainError) as info:
        consultation_reorder(actor=office(cw), paper=paper, order=order)
    assert info.value.field == field
    assert list(paper.consultations.order_by("pk").values_list("order", flat=True)) == [0, second.order]


def test_consultation_bad_input_and_other_towns(council_world: dict[str, Any]) -> None:
    cw = council_world
    paper = cw["draft_paper"]
    zeitz_org = make_organization(cw["zeitz_body"], "Stadtrat Zeitz")
    count = Consultation.objects.count()
    for organizations, role, field in [
        ([], "Vorberatung", "organizations"),
        ([zeitz_org.pk], "Vorberatung", "organizations"),
        ([cw["committee"].pk, zeitz_org.pk], "Vorberatung", "organizations"),
        ([cw["committee"].pk], "Abstimmen", "role"),
    ]:
        with pytest.raises(DomainError) as info:
            consultation_add(actor=office(cw), paper=paper, organizations=organizations, role=role)
        assert info.value.field == field
    assert Consultation.objects.count() == count
    (planned,) = paper.consultations.all()
    with pytest.raises(DomainError):
        consultation_update(
            actor=office(cw), consultation=planned, organizations=[zeitz_org], role="Vorberatung", authoritative=False
        )
    assert list(planned.organizations.all()) == [cw["council"]]
    # A consultation already on an agenda stays.
    on_agenda = cw["public_paper"].consultations.get()
    with pytest.raises(DomainError) as info:
        consultation_remove(actor=office(cw), consultation=on_agenda)
    assert info.value.field == "consultation"
    assert not Consultation.objects.get(pk=on_agenda.pk).deleted


def test_only_the_towns_council_office_changes_papers(council_world: dict[str, Any], zeitz_office: Any) -> None:
    cw = council_world
    paper = cw["draft_paper"]
    (planned,) = paper.consultations.all()
    outsiders = {key: user for key, user in cw["users"].items() if key != "council_office"}
    outsiders["zeitz_office"] = zeitz_office
    outsiders["anonymous"] = AnonymousUser()
    before = (Paper.objects.count(), Consultation.objects.count(), AuditEntry.objects.count())
    attempts = [
        lambda u: paper_create(actor=u, body=cw["body"], name="X", date=DAY),
        lambda u: paper_update(actor=u, paper=paper, name="X"),
        lambda u: paper_delete(actor=u, paper=paper),
        lambda u: consultation_add(actor=u, paper=paper, organizations=[cw["council"]], role="Vorberatung"),
        lambda u: consultation_update(
            actor=u, consultation=planned, organizations=[cw["council"]], role="Anhörung", authoritative=False
        ),
        lambda u: consultation_remove(actor=u, consultation=planned),
        lambda u: consultation_reorder(actor=u, paper=paper, order=[planned.pk]),
        lambda u: consultation_move(actor=u, consultation=planned, step=1),
    ]
    for key, user in outsiders.items():
        for attempt in attempts:
            with pytest.raises(PermissionDenied):
                attempt(user)
            assert key  # for the failure message
    assert (Paper.objects.count(), Consultation.objects.count(), AuditEntry.objects.count()) == before
    paper.refresh_from_db()
    assert (paper.name, paper.deleted) == ("Haushaltssatzung 2027", False)


def test_search_text_is_capped(council_world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(council_search, "SEARCH_TEXT_MAX", 20)
    paper = council_world["draft_paper"]
    make_file(paper=paper, text="ein langer Text")
    council_search.refresh_search_text(paper)
    assert Paper.objects.get(pk=paper.pk).search_text == "BV/0150/2026\nHaushal"
