"""GET /api/v1/meetings (issue 23.4): paged like the other lists (kitu.core.pagination) — meetings not yet
ended, soonest first (ties by id), strict parameters, every role sees what it may; its query count does not
grow with meetings, registrations or members."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import ROLES, STAFF
from kitu.core.tests.paging import BAD_PAGING, assert_page, query_count
from kitu.members.tests.test_pickers import add_members
from kitu.workgroups import services
from kitu.workgroups.models import Meeting, Registration

from .test_registrations import api

pytestmark = pytest.mark.django_db
URL = "/api/v1/meetings"
GROUP = {"member_admin", "requester", "approver", "other_member_admin", "other_requester"}  # in "Arbeitskreis DMS"


def _meeting(w: dict[str, Any], title: str, starts_in: dt.timedelta, *, group: Any = None) -> Meeting:
    starts = timezone.now() + starts_in
    return services.meeting_save(
        actor=w["admin"],
        kind="meeting" if group else "training",
        group=group,
        title=title,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        capacity=20,
        per_member_limit=5,
    )


@pytest.fixture
def calendar(group_world: dict[str, Any]) -> dict[str, Any]:
    """group_world plus: an event that ended yesterday, one running now, a training in three days, and a
    meeting in twenty days of a second group "AK Netze" that only Zeitz's member admin has joined; the
    member admin of Wernigerode is registered for the DMS meeting."""
    w = group_world
    nets = services.group_save(actor=w["admin"], name="AK Netze", description="Netzwerke")
    services.group_join(actor=w["users"]["other_member_admin"], group=nets)
    _meeting(w, "Gestern", dt.timedelta(days=-1))
    _meeting(w, "Läuft gerade", dt.timedelta(hours=-1))
    _meeting(w, "Schulung in drei Tagen", dt.timedelta(days=3))
    _meeting(w, "AK Netze: Sitzung", dt.timedelta(days=20), group=nets)
    services.register(actor=w["users"]["member_admin"], meeting=w["meeting"])
    return {**w, "nets": nets}


def _titles(response: Any) -> list[str]:
    return [m["title"] for m in response.json()]


def test_pages_walk_the_upcoming_meetings_soonest_first(calendar: dict[str, Any]) -> None:
    client = api(calendar["admin"])
    first = client.get(URL, {"page_size": 2})
    assert_page(first, total=5, page=1, size=2, last=3, keeps={"page_size": "2"})
    assert _titles(first) == ["Läuft gerade", "Schulung in drei Tagen"]
    second = client.get(URL, {"page_size": 2, "page": 2})
    assert_page(second, total=5, page=2, size=2, last=3)
    # the meeting and the training start at the same moment: the older row first
    assert [(m["title"], m["kind"], m["group"], m["registered"]) for m in second.json()] == [
        ("AK DMS: Frühjahrssitzung", "meeting", "Arbeitskreis DMS", 1),
        ("Schulung E-Akte für Einsteiger", "training", None, 0),
    ]
    third = client.get(URL, {"page_size": 2, "page": 3})
    assert_page(third, total=5, page=3, size=2, last=3)
    assert _titles(third) == ["AK Netze: Sitzung"]
    assert set(third.json()[0]) == {
        "id",
        "kind",
        "group",
        "title",
        "starts_at",
        "ends_at",
        "place",
        "video_url",
        "capacity",
        "per_member_limit",
        "registered",
    }
    default = client.get(URL)
    assert_page(default, total=5, page=1, size=50, last=1)
    assert len(default.json()) == 5


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [*BAD_PAGING, ({"page": "4", "page_size": "2"}, 400, "page"), ({"kind": "training"}, 422, "kind")],
)
def test_bad_parameters_are_named(calendar: dict[str, Any], query: dict[str, str], status: int, field: str) -> None:
    response = api(calendar["users"]["requester"]).get(URL, query)
    assert response.status_code == status, response.content
    assert response.json()["field"] == field


def test_nothing_to_see_is_an_empty_first_page(calendar: dict[str, Any]) -> None:
    response = api(calendar["users"]["supplier_user"]).get(URL)
    assert_page(response, total=0, page=1, size=50, last=1)
    assert response.json() == []


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_which_meetings(calendar: dict[str, Any], role: str | None) -> None:
    before = (Meeting.objects.count(), list(Registration.objects.order_by("pk").values_list("pk", "status")))
    client = Client() if role is None else api(calendar["users"][role])
    response = client.get(URL, {"page_size": 3})
    if role is None:
        assert response.status_code == 401 and "X-Total-Count" not in response
    else:
        open_to_all = ["Läuft gerade", "Schulung in drei Tagen", "Schulung E-Akte für Einsteiger"]
        expected = {
            **{r: [*open_to_all[:2], "AK DMS: Frühjahrssitzung", open_to_all[2], "AK Netze: Sitzung"] for r in STAFF},
            **{r: [*open_to_all[:2], "AK DMS: Frühjahrssitzung", open_to_all[2]] for r in GROUP},
            "other_member_admin": [*open_to_all[:2], "AK DMS: Frühjahrssitzung", open_to_all[2], "AK Netze: Sitzung"],
            "case_worker": open_to_all,
            "workgroup_member": open_to_all,
            "supplier_user": [],
        }[role]
        assert_page(response, total=len(expected), page=1, size=3, last=max((len(expected) + 2) // 3, 1))
        assert _titles(response) == expected[:3]
        if len(expected) > 3:
            assert _titles(client.get(URL, {"page_size": 3, "page": 2})) == expected[3:]
    after = (Meeting.objects.count(), list(Registration.objects.order_by("pk").values_list("pk", "status")))
    assert after == before


@pytest.mark.parametrize("role", ["coop_admin", "requester"])
def test_query_count_does_not_grow_with_meetings_registrations_or_members(calendar: dict[str, Any], role: str) -> None:
    w = calendar
    client = api(w["users"][role])
    add_members(5)
    small, response = query_count(client, URL)
    total = int(response["X-Total-Count"])
    for day in range(4, 24):
        meeting = _meeting(w, f"Tag {day}", dt.timedelta(days=day), group=w["group"] if day % 2 else None)
        for user in ("requester", "other_requester", "approver"):
            services.register(actor=w["users"][user], meeting=meeting)
    add_members(30, start=5000)
    large, response = query_count(client, URL)
    assert response["X-Total-Count"] == str(total + 20) and len(response.json()) == total + 20
    assert {m["registered"] for m in response.json() if m["title"].startswith("Tag ")} == {3}
    assert large == small
