"""Issue 17.8: API input is strict, Leitweg-IDs are writable through the API, and bad values answer a 4xx
that names the field and changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from conftest import OWN, ROLES, STAFF
from kitu.accounts.services import api_token_create
from kitu.core.actors import SYSTEM
from kitu.core.models import AuditEntry
from kitu.members.models import LeitwegId, Member
from kitu.members.validators import leitweg_check_digits

pytestmark = pytest.mark.django_db


def lw(address: str) -> str:
    """A Leitweg-ID with correct check digits for ``address`` (coarse or coarse-fine)."""
    return f"{address}-{leitweg_check_digits(address.replace('-', ''))}"


def bearer(world: dict[str, Any], role: str) -> Client:
    _token, secret = api_token_create(actor=SYSTEM, user=world["users"][role], name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def patch(client: Client, member: Member, data: Any) -> Any:
    return client.patch(f"/api/v1/members/{member.pk}", json.dumps(data), content_type="application/json")


def state() -> tuple[Any, ...]:
    return (
        tuple(Member.objects.order_by("pk").values_list("pk", "organisation__name", "street", "phone", "website")),
        tuple(LeitwegId.objects.order_by("pk").values_list("member_id", "value", "description", "is_default")),
        AuditEntry.objects.count(),
    )


def test_unknown_field_is_422_naming_it_and_changes_nothing(world: dict[str, Any]) -> None:
    client = bearer(world, "coop_admin")
    before = state()
    for body, field in [
        ({"leitweg": lw("15085220")}, "leitweg"),
        ({"phone": "0391 1", "colour": "blue"}, "colour"),
        ({"leitweg_ids": [{"value": lw("15085220"), "prio": 1}]}, "leitweg_ids[0].prio"),
    ]:
        response = patch(client, world["wernigerode"], body)
        assert response.status_code == 422, body
        assert response.json()["field"] == field
        assert response.json()["errors"][0]["type"] == "extra_forbidden"
    assert state() == before


def test_null_for_a_field_is_400_naming_it(world: dict[str, Any]) -> None:
    client = bearer(world, "coop_admin")
    before = state()
    for name in ("name", "street", "member_type", "invoice_email", "leitweg_id", "leitweg_ids"):
        response = patch(client, world["wernigerode"], {"phone": "0391 2", name: None})
        assert (response.status_code, response.json()["field"]) == (400, name)
    assert state() == before


def test_patch_leitweg_id_sets_the_default_checked_by_check_digits(world: dict[str, Any]) -> None:
    member = world["wernigerode"]
    client = bearer(world, "coop_admin")
    first, second = lw("15085220"), lw("15085220-RECHNUNG")
    response = patch(client, member, {"leitweg_id": first})
    assert response.status_code == 200
    assert response.json()["leitweg_id"] == first
    response = patch(client, member, {"leitweg_id": second, "phone": "03943 654-0"})
    assert response.status_code == 200
    assert [(x["value"], x["is_default"]) for x in response.json()["leitweg_ids"]] == [(second, True), (first, False)]
    assert response.json()["phone"] == "03943 654-0"
    before = state()
    wrong = first[:-2] + ("00" if not first.endswith("00") else "01")
    response = patch(client, member, {"leitweg_id": wrong, "phone": "0"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"Die Prüfziffern der Leitweg-ID stimmen nicht (erwartet: {first[-2:]}).",
        "field": "leitweg_id",
    }
    assert patch(client, member, {"leitweg_id": "kein-format"}).json()["field"] == "leitweg_id"
    assert state() == before  # the phone of the refused request did not change either


def test_patch_leitweg_ids_replaces_the_list(world: dict[str, Any]) -> None:
    member, zeitz = world["wernigerode"], world["zeitz"]
    client = bearer(world, "member_admin")  # the member's own admin may do this
    a, b, c = lw("15085220"), lw("15085220-SCHULE"), lw("15085220-BAUHOF")
    response = patch(client, member, {"leitweg_ids": [{"value": a}, {"value": b, "description": "Schulen"}]})
    assert response.status_code == 200
    response = patch(client, member, {"leitweg_ids": [{"value": c}, {"value": b, "is_default": True}]})
    assert response.status_code == 200
    assert [(x["value"], x["description"], x["is_default"]) for x in response.json()["leitweg_ids"]] == [
        (b, "", True),  # a replacement: what is not sent is empty
        (c, "", False),
    ]
    before = state()
    bad = [{"value": a}, {"value": a[:-2] + "99" if not a.endswith("99") else a[:-2] + "98"}]
    response = patch(client, member, {"leitweg_ids": bad})
    assert (response.status_code, response.json()["field"]) == (400, "leitweg_ids[1].value")
    response = patch(client, member, {"leitweg_ids": [{"value": a}, {"value": a}]})
    assert (response.status_code, response.json()["field"]) == (400, "leitweg_ids[1].value")
    two_defaults = [{"value": a, "is_default": True}, {"value": c, "is_default": True}]
    assert patch(client, member, {"leitweg_ids": two_defaults}).json()["field"] == "leitweg_ids[1].is_default"
    assert patch(client, member, {"leitweg_id": a, "leitweg_ids": []}).json()["field"] == "leitweg_id"
    # another member's ID cannot be taken over
    LeitwegId.objects.create(member=zeitz, value=lw("15084590"), is_default=True)
    before = state()
    response = patch(client, member, {"leitweg_ids": [{"value": lw("15084590")}]})
    assert (response.status_code, response.json()["field"]) == (400, "leitweg_ids[0].value")
    assert state() == before


@pytest.mark.parametrize("role", [r for r in ROLES if r is not None])
def test_leitweg_patch_permissions(world: dict[str, Any], role: str) -> None:
    client = bearer(world, role)
    before = state()
    response = patch(client, world["wernigerode"], {"leitweg_id": lw("15085220")})
    if role in ("coop_admin", "member_admin"):
        assert response.status_code == 200
        assert LeitwegId.objects.get(member=world["wernigerode"]).value == lw("15085220")
        return
    # staff and the member's own people see the member (403); others do not (404)
    expected = 403 if role in STAFF or role in OWN else 404
    assert response.status_code == expected, response.content
    assert state() == before


def test_anonymous_patch_is_401_and_changes_nothing(world: dict[str, Any]) -> None:
    before = state()
    assert patch(Client(), world["wernigerode"], {"leitweg_id": lw("15085220")}).status_code == 401
    assert state() == before
