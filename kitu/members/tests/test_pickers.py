"""Member pickers: search instead of listing every member; only the cooperative's staff search the register;
forms with a picker cost the same number of queries whatever the size of the register."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import ROLES, STAFF, login
from kitu.accounts.models import Organisation
from kitu.accounts.roles import OrgKind
from kitu.members.models import Member
from kitu.members.pickers import PICKER_LIMIT

pytestmark = pytest.mark.django_db


def add_members(count: int, start: int = 1000, member_type: str = "gemeinde") -> list[Member]:
    """Admitted members without events (register size only), in two bulk inserts."""
    orgs = Organisation.objects.bulk_create(
        Organisation(kind=OrgKind.MEMBER, name=f"Gemeinde Testdorf {start + i:05d}") for i in range(count)
    )
    return Member.objects.bulk_create(
        Member(
            organisation=org,
            member_type=member_type,
            member_number=start + i,
            street="Markt 1",
            postcode="06108",
            city="Halle",
            joined_on=dt.date(2020, 1, 1),
        )
        for i, org in enumerate(orgs)
    )


def _ask(client: Client, **params: str) -> Any:
    return client.get(reverse("members:picker"), {"feld": "eligible_members", "id": "id_eligible_members", **params})


@pytest.mark.parametrize("role", ROLES)
def test_only_staff_search_the_register(role: str | None, world: dict[str, Any], client_for: Any) -> None:
    response = _ask(client_for(role), eligible_members__suche="Zeitz")
    expected = 302 if role is None else 200 if role in STAFF else 403
    assert response.status_code == expected
    if expected == 200:
        page = response.content.decode()
        assert f'value="{world["zeitz"].pk}"' in page and "Stadt Zeitz" in page
        assert "Wernigerode" not in page
    else:
        assert "Stadt Zeitz" not in response.content.decode()


def test_search_is_capped_and_skips_the_chosen(world: dict[str, Any], client_for: Any) -> None:
    members = add_members(PICKER_LIMIT + 5)
    client = client_for("contract_manager")
    page = _ask(client, eligible_members__suche="testdorf", eligible_members=str(members[0].pk)).content.decode()
    assert page.count('type="checkbox"') == PICKER_LIMIT
    assert f'value="{members[0].pk}"' not in page
    assert "bitte genauer suchen" in page
    page = _ask(client, eligible_members__suche="1003", mehrfach="0").content.decode()  # by member number
    assert page.count('type="radio"') == 1 and "Testdorf 01003" in page
    page = _ask(client, eligible_members__suche="Testdorf 01004").content.decode()  # every word must match
    assert page.count('type="checkbox"') == 1
    assert "Kein Mitglied gefunden" in _ask(client, eligible_members__suche="Atlantis").content.decode()


@pytest.mark.parametrize(
    "params", [{"feld": "x y"}, {"umfang": "alle"}, {"mehrfach": "2"}, {"id": "<script>"}, {"feld": ""}]
)
def test_bad_requests_are_400(params: dict[str, str], world: dict[str, Any], client_for: Any) -> None:
    response = _ask(client_for("coop_admin"), **params)
    assert response.status_code == 400
    assert "Mitgliederauswahl" in response.content.decode()


def test_current_scope_leaves_out_former_members(world: dict[str, Any], client_for: Any) -> None:
    Member.objects.filter(pk=world["zeitz"].pk).update(left_on=dt.date(2024, 12, 31))
    client = client_for("coop_admin")
    assert "Stadt Zeitz" not in _ask(client, eligible_members__suche="Zeitz", umfang="aktuell").content.decode()
    assert "Stadt Zeitz" in _ask(client, eligible_members__suche="Zeitz", umfang="zugelassen").content.decode()


def _queries(client: Client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.content)


def test_contract_form_does_not_grow_with_the_register(contract_world: dict[str, Any], client: Client) -> None:
    login(client, contract_world["users"]["contract_manager"])
    url = reverse("contracts:edit", args=[contract_world["draft"].pk])
    add_members(10)
    small = _queries(client, url)
    add_members(30, start=5000)
    large = _queries(client, url)
    assert large[0] == small[0]
    assert abs(large[1] - small[1]) < 200  # the page lists the two chosen members, not the register
    page = client.get(url).content.decode()
    assert "Testdorf" not in page and "Stadt Zeitz" in page and 'hx-get="/mitglieder/auswahl/"' in page


@pytest.mark.parametrize("role", ["coop_admin", "member_admin"])
def test_member_cockpit_does_not_grow_with_the_register(role: str, world: dict[str, Any], client: Client) -> None:
    login(client, world["users"][role])
    url = reverse("members:detail", args=[world["wernigerode"].pk])
    add_members(10)
    small = _queries(client, url)
    add_members(30, start=5000)
    large = _queries(client, url)
    assert large[0] == small[0]
    assert abs(large[1] - small[1]) < 200
    assert "Testdorf" not in client.get(url).content.decode()  # the successor is searched, not listed
