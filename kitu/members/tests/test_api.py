import json
from typing import Any

import pytest
from django.test import Client

from conftest import OWN, ROLES, STAFF, login
from kitu.accounts.services import api_token_create, api_token_revoke
from kitu.core.actors import SYSTEM
from kitu.members.models import Member, MembershipEvent

pytestmark = pytest.mark.django_db


def bearer(world: dict[str, Any], role: str) -> Client:
    _token, secret = api_token_create(actor=SYSTEM, user=world["users"][role], name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _snapshot() -> tuple[Any, ...]:
    return (
        tuple(Member.objects.order_by("pk").values_list("invoice_email", "street", "left_on", "organisation__name")),
        MembershipEvent.objects.count(),
    )


def test_anonymous_gets_401(world: dict[str, Any]) -> None:
    assert Client().get("/api/v1/members").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer kitu_wrong").get("/api/v1/members").status_code == 401


@pytest.mark.parametrize("role", ROLES[1:])
def test_list_is_scoped(world: dict[str, Any], role: str) -> None:
    response = bearer(world, role).get("/api/v1/members")
    assert response.status_code == 200
    names = [m["name"] for m in response.json()]
    if role in STAFF:
        assert names == ["Stadt Wernigerode", "Stadt Zeitz"]
    elif role in OWN:
        assert names == ["Stadt Wernigerode"]
    elif role.startswith("other"):
        assert names == ["Stadt Zeitz"]
    else:
        assert names == []


def test_list_item_fields(world: dict[str, Any]) -> None:
    item = bearer(world, "coop_admin").get("/api/v1/members?q=Wernigerode").json()[0]
    assert item == {
        "id": world["wernigerode"].pk,
        "name": "Stadt Wernigerode",
        "member_type": "stadt",
        "member_number": 25,
        "leitweg_id": "",
        "joined_on": "2013-09-01",
        "left_on": None,
        "status": "active",
        "city": "Wernigerode",
    }


@pytest.mark.parametrize("role", ROLES[1:])
def test_detail_of_own_or_404(world: dict[str, Any], role: str) -> None:
    response = bearer(world, role).get(f"/api/v1/members/{world['wernigerode'].pk}")
    assert response.status_code == (200 if role in STAFF | OWN else 404)
    if response.status_code == 200:
        assert response.json()["shares"] == 1 and response.json()["paid_in"] == "5000.00"


@pytest.mark.parametrize("role", ROLES[1:])
def test_patch_permissions(world: dict[str, Any], role: str) -> None:
    before = _snapshot()
    url = f"/api/v1/members/{world['wernigerode'].pk}"
    response = bearer(world, role).patch(url, json.dumps({"street": "Neue Straße 1"}), content_type="application/json")
    if role == "coop_admin":
        assert response.status_code == 200 and response.json()["street"] == "Neue Straße 1"
        return
    expected = 403 if role in STAFF | OWN else 404
    assert response.status_code == expected
    assert _snapshot() == before


def test_member_admin_patches_invoice_email_only(world: dict[str, Any]) -> None:
    client = bearer(world, "member_admin")
    url = f"/api/v1/members/{world['wernigerode'].pk}"
    response = client.patch(
        url, json.dumps({"invoice_email": "re@wernigerode.example"}), content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["invoice_email"] == "re@wernigerode.example"
    before = _snapshot()
    response = client.patch(url, json.dumps({"name": "X"}), content_type="application/json")
    assert response.status_code == 403 and response.json()["field"] == "name"
    assert _snapshot() == before


def test_invalid_input_names_the_field_and_changes_nothing(world: dict[str, Any]) -> None:
    client = bearer(world, "coop_admin")
    url = f"/api/v1/members/{world['wernigerode'].pk}"
    before = _snapshot()
    response = client.patch(url, json.dumps({"postcode": "ABCDE"}), content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Die Postleitzahl hat 5 Ziffern.", "field": "postcode"}
    response = client.patch(url, json.dumps({"street": ["no"]}), content_type="application/json")
    assert response.status_code == 422
    assert (response.json()["field"], response.json()["errors"][0]["loc"]) == ("street", ["body", "payload", "street"])
    assert _snapshot() == before


def test_events_api(world: dict[str, Any]) -> None:
    client = bearer(world, "coop_admin")
    zeitz = world["zeitz"].pk
    response = client.post(
        f"/api/v1/members/{zeitz}/events",
        json.dumps({"kind": "notice", "effective_date": "2026-10-01"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["exit_date"] == "2027-12-31"
    assert Member.objects.get(pk=zeitz).left_on.isoformat() == "2027-12-31"
    kinds = [e["kind"] for e in client.get(f"/api/v1/members/{zeitz}/events").json()]
    assert kinds == ["application", "admission", "shares_subscribed", "share_payment", "notice"]
    before = _snapshot()
    bad = client.post(
        f"/api/v1/members/{zeitz}/events",
        json.dumps({"kind": "notice", "effective_date": "2026-10-02"}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "kind"
    bad = client.post(
        f"/api/v1/members/{zeitz}/events",
        json.dumps({"kind": "party", "effective_date": "2026-10-02"}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["field"] == "kind"
    assert _snapshot() == before


@pytest.mark.parametrize("role", ["member_admin", "contract_manager", "other_member_admin"])
def test_events_post_denied(world: dict[str, Any], role: str) -> None:
    before = _snapshot()
    url = f"/api/v1/members/{world['wernigerode'].pk}/events"
    response = bearer(world, role).post(
        url, json.dumps({"kind": "exit", "effective_date": "2026-12-31"}), content_type="application/json"
    )
    assert response.status_code == (404 if role.startswith("other") else 403)
    assert _snapshot() == before


def test_me_and_revoked_token(world: dict[str, Any]) -> None:
    user = world["users"]["approver"]
    token, secret = api_token_create(actor=SYSTEM, user=user, name="ERP")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    me = client.get("/api/v1/me").json()
    assert me["email"] == "approver@test.example"
    assert me["roles"] == [
        {
            "organisation_id": world["wernigerode"].organisation_id,
            "organisation_name": "Stadt Wernigerode",
            "organisation_kind": "member",
            "role": "approver",
        }
    ]
    api_token_revoke(user=user, token_id=token.pk)
    assert client.get("/api/v1/me").status_code == 401


def test_session_auth_needs_csrf_for_writes(world: dict[str, Any]) -> None:

    client = Client(enforce_csrf_checks=True)
    login(client, world["admin"])
    assert client.get("/api/v1/me").status_code == 200
    before = _snapshot()
    response = client.patch(
        f"/api/v1/members/{world['zeitz'].pk}", json.dumps({"street": "X 1"}), content_type="application/json"
    )
    assert response.status_code == 403
    assert _snapshot() == before


def test_openapi_is_served(db: Any) -> None:
    spec = Client().get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/members",
        "/api/v1/members/{member_id}",
        "/api/v1/members/{member_id}/events",
        "/api/v1/me",
    } <= set(spec["paths"])
