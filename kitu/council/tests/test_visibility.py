"""The one visibility rule, per reader: what the public, a councillor of the town (by their bodies), a
councillor of another town and the council office see."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from kitu.council.models import MeetingState
from kitu.council.visibility import Level, Visibility

pytestmark = pytest.mark.django_db


def seen(v: Visibility) -> dict[str, set[str]]:
    return {
        "items": {f"{i.meeting.name}/{i.number}" for i in v.agenda_items()},
        "papers": set(v.papers().values_list("reference", flat=True)),
        "files": set(v.files().values_list("text", flat=True)),
    }


def test_public_sees_public_items_of_invited_meetings_and_their_papers_only(council_world: dict[str, Any]) -> None:
    w = council_world
    for user in (AnonymousUser(), w["users"]["requester"], w["users"]["member_admin"], w["users"]["other_councillor"]):
        v = Visibility.for_user(user, w["body"])
        assert v.level is Level.PUBLIC
        assert seen(v) == {
            "items": {f"{w['published'].name}/1", f"{w['invited'].name}/1"},
            "papers": {"BV/0044/2026", "BV/0101/2026"},
            "files": {"Bebauungsplan Begruendung", "Niederschrift oeffentlich"},
        }


def test_councillor_sees_non_public_items_of_own_bodies_only(council_world: dict[str, Any]) -> None:
    w = council_world
    anna = Visibility.for_user(w["users"]["councillor"], w["body"])  # Stadtrat and committee
    bernd = Visibility.for_user(w["users"]["committee_councillor"], w["body"])  # committee only
    assert (anna.level, anna.person, bernd.person) == (Level.COUNCILLOR, w["anna"], w["bernd"])
    assert seen(anna)["papers"] == {"BV/0044/2026", "BV/0045/2026", "BV/0101/2026", "BV/0102/2026"}
    assert seen(bernd)["papers"] == {"BV/0044/2026", "BV/0101/2026", "BV/0102/2026"}
    assert "Kaufpreis Lindenallee geheim" in seen(anna)["files"]
    assert "Kaufpreis Lindenallee geheim" not in seen(bernd)["files"]


def test_office_sees_everything_including_drafts(council_world: dict[str, Any]) -> None:
    w = council_world
    v = Visibility.for_user(w["users"]["council_office"], w["body"])
    assert v.level is Level.OFFICE
    assert len(seen(v)["papers"]) == 5
    # the office of Wernigerode is the public for Zeitz
    assert Visibility.for_user(w["users"]["council_office"], w["zeitz_body"]).level is Level.PUBLIC


def test_results_and_protocols_wait_for_publication(council_world: dict[str, Any]) -> None:
    w = council_world
    meeting = w["published"]
    meeting.state = MeetingState.HELD
    meeting.save()
    public = Visibility.public(w["body"])
    assert public.results_visible(meeting) is False
    assert "Niederschrift oeffentlich" not in seen(public)["files"]
    assert Visibility.for_user(w["users"]["councillor"], w["body"]).results_visible(meeting) is True


def test_paper_on_any_non_public_item_is_never_public(council_world: dict[str, Any]) -> None:
    """Also when it is on a public item elsewhere, and when marked non-public itself."""
    from kitu.council.tests.factories import consult

    w = council_world
    consult(w["secret_paper"], w["invited_item"], w["committee"])
    w["public_paper"].public = False
    w["public_paper"].save()
    assert seen(Visibility.public(w["body"]))["papers"] == {"BV/0101/2026"}


def test_deleted_objects_vanish_for_everyone(council_world: dict[str, Any]) -> None:
    w = council_world
    w["public_item"].deleted = True
    w["public_item"].save()
    for v in (Visibility.public(w["body"]), Visibility.for_user(w["users"]["council_office"], w["body"])):
        assert f"{w['published'].name}/1" not in seen(v)["items"]


def test_files_among_and_files_of_shown_agree_with_the_rule(council_world: dict[str, Any]) -> None:
    """``files(among=)`` is ``files()`` narrowed to the ids; ``files_of_shown()`` gives, for the objects a
    reader sees, exactly the files ``files()`` gives (it trusts the parent and applies the role rule)."""
    from kitu.council.models import File

    w = council_world
    every = list(File.objects.order_by("pk").values_list("pk", flat=True))
    for user in (None, w["users"]["councillor"], w["users"]["committee_councillor"], w["users"]["council_office"]):
        v = Visibility.for_user(user, w["body"]) if user else Visibility.public(w["body"])
        visible = set(v.files().values_list("pk", flat=True))
        assert set(v.files(among=every).values_list("pk", flat=True)) == visible
        assert set(v.files(among=every[:2]).values_list("pk", flat=True)) == visible & set(every[:2])
        shown = v.files_of_shown().filter(
            Q(paper__in=v.papers()) | Q(meeting__in=v.meetings()) | Q(agenda_item__in=v.agenda_items())
        )
        assert set(shown.values_list("pk", flat=True)) == visible


def test_consultations_of_shown_objects_agree_with_the_rule(council_world: dict[str, Any]) -> None:
    """For the items and papers a reader sees, the prefetch variants give exactly ``consultations()`` —
    also for a paper consulted on a public item and on a non-public one (never public)."""
    from kitu.council.tests.factories import consult

    w = council_world
    consult(w["secret_paper"], w["invited_item"], w["committee"])
    for user in (None, w["users"]["councillor"], w["users"]["committee_councillor"], w["users"]["council_office"]):
        v = Visibility.for_user(user, w["body"]) if user else Visibility.public(w["body"])
        expected = set(v.consultations().values_list("pk", flat=True))
        on_items = v.consultations_of_shown_items().filter(agenda_item__in=v.agenda_items())
        of_papers = v.consultations_of_shown_papers().filter(paper__in=v.papers())
        assert set(on_items.values_list("pk", flat=True)) == expected & set(
            v.consultations().filter(agenda_item__isnull=False).values_list("pk", flat=True)
        )
        assert set(of_papers.values_list("pk", flat=True)) == expected
