"""Permission matrix of contract pages and API; denied writes change nothing."""

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import OWN, ROLES
from kitu.accounts.models import User
from kitu.accounts.services import api_token_create
from kitu.contracts.models import ContractDocument, FrameworkContract, Lot, Supplier, SupplierContact, VolumeLimit
from kitu.core.actors import SYSTEM
from kitu.core.models import AuditEntry

pytestmark = pytest.mark.django_db
MANAGERS = {"coop_admin", "contract_manager"}
SEES_CONTRACT = MANAGERS | OWN | {"supplier_user"}  # Wernigerode is eligible; the supplier is a partner


def _state() -> tuple[Any, ...]:
    return (
        FrameworkContract.objects.count(),
        Lot.objects.count(),
        VolumeLimit.objects.count(),
        ContractDocument.objects.count(),
        Supplier.objects.count(),
        tuple(SupplierContact.objects.order_by("pk").values_list("name", "email")),
        AuditEntry.objects.count(),
        tuple(FrameworkContract.objects.order_by("pk").values_list("title", "published_at")),
    )


def _code(role: str | None, allowed: set[str], visible: set[str]) -> int:
    if role is None:
        return 302
    return 200 if role in allowed else 403 if role in visible else 404


@pytest.mark.parametrize("role", ROLES)
def test_list_pages(contract_world: dict[str, Any], client_for: Any, role: str | None) -> None:
    for name in ("contracts:list", "contracts:suppliers"):
        response = client_for(role).get(reverse(name))
        assert response.status_code == (302 if role is None else 200)
    if role is not None:
        page = client_for(role).get(reverse("contracts:list")).content.decode()
        assert ("RV-2025-01" in page) == (role in SEES_CONTRACT)
        assert ("RV-2026-02" in page) == (role in MANAGERS | {"supplier_user"})  # drafts: not for members


@pytest.mark.parametrize("role", ROLES)
def test_detail(contract_world: dict[str, Any], client_for: Any, role: str | None) -> None:
    url = reverse("contracts:detail", args=[contract_world["contract"].pk])
    assert client_for(role).get(url).status_code == _code(role, SEES_CONTRACT, SEES_CONTRACT)


@pytest.mark.parametrize("role", ROLES)
def test_manager_pages_and_posts(contract_world: dict[str, Any], client_for: Any, role: str | None) -> None:
    cid = contract_world["contract"].pk
    client = client_for(role)
    assert client.get(reverse("contracts:edit", args=[cid])).status_code == _code(role, MANAGERS, SEES_CONTRACT)
    assert client.get(reverse("contracts:create")).status_code == {None: 302}.get(
        role, 200 if role in MANAGERS else 403
    )
    sid = contract_world["supplier"].pk
    assert client.get(reverse("contracts:supplier_edit", args=[sid])).status_code == {None: 302}.get(
        role, 200 if role in MANAGERS else 403
    )
    if role in MANAGERS:
        return
    contact = SupplierContact.objects.create(supplier=contract_world["supplier"], name="Petra Vertrieb")
    before = _state()
    posts = [
        (reverse("contracts:supplier_contact_add", args=[sid]), {"name": "Eve"}),
        (reverse("contracts:supplier_contact_remove", args=[sid, contact.pk]), {}),
        (
            reverse("contracts:lot_add", args=[cid]),
            {"number": "9", "title": "X", "supplier": contract_world["supplier"].pk},
        ),
        (reverse("contracts:limit_add", args=[cid]), {"lot": contract_world["lot"].pk, "max_quantity": "1000"}),
        (reverse("contracts:publish", args=[contract_world["draft"].pk]), {}),
        (reverse("contracts:edit", args=[cid]), {"title": "Hack"}),
        (reverse("contracts:supplier_create"), {"name": "Evil GmbH"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in (302, 403, 404)
    assert _state() == before


@pytest.mark.parametrize("role", ROLES[1:])
def test_api_scoping(contract_world: dict[str, Any], role: str) -> None:
    _token, secret = api_token_create(actor=SYSTEM, user=contract_world["users"][role], name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    numbers = [c["number"] for c in client.get("/api/v1/contracts").json()]
    expected = (
        ["RV-2025-01", "RV-2026-02"] if role in MANAGERS | {"supplier_user"} else ["RV-2025-01"] if role in OWN else []
    )
    assert numbers == expected
    detail = client.get(f"/api/v1/contracts/{contract_world['contract'].pk}")
    assert detail.status_code == (200 if role in SEES_CONTRACT else 404)
    if detail.status_code == 200:
        lots = detail.json()["lots"]
        assert [(lot["number"], [lim["max_quantity"] for lim in lot["limits"]]) for lot in lots] == [(1, [100, 10])]
    suppliers = [s["name"] for s in client.get("/api/v1/suppliers").json()]
    assert suppliers == (["Beispiel IT GmbH"] if role in SEES_CONTRACT else [])
    assert client.post("/api/v1/contracts", json.dumps({}), content_type="application/json").status_code == 405


def test_manager_keeps_a_list_of_supplier_contacts(contract_world: dict[str, Any], client_for: Any) -> None:
    client = client_for("contract_manager")
    supplier = contract_world["supplier"]
    add = reverse("contracts:supplier_contact_add", args=[supplier.pk])
    for data in (
        {"name": "Petra Vertrieb", "role": "Vertrieb", "email": "vertrieb@beispiel-it.example", "phone": "0391 1"},
        {"name": "Tom Technik", "role": "Technik", "email": "technik@beispiel-it.example"},
    ):
        assert client.post(add, data).status_code == 302
    bad = client.post(add, {"name": "", "email": "keine-adresse"})
    assert bad.status_code == 400 and "keine-adresse" in bad.content.decode()
    page = client.get(reverse("contracts:supplier_edit", args=[supplier.pk])).content.decode()
    assert "Petra Vertrieb" in page and "technik@beispiel-it.example" in page
    tom = SupplierContact.objects.get(name="Tom Technik")
    assert client.post(reverse("contracts:supplier_contact_remove", args=[supplier.pk, tom.pk])).status_code == 302
    assert list(supplier.contacts.values_list("name", flat=True)) == ["Petra Vertrieb"]
    # personal data is not kept in the audit trail (it must be deletable)
    entries = AuditEntry.objects.filter(object_type="contracts.SupplierContact").order_by("pk")
    assert [e.action for e in entries] == ["create", "create", "delete"]
    assert all("Tom" not in json.dumps(e.changes) and "Tom" not in e.object_repr for e in entries)
    _token, secret = api_token_create(actor=SYSTEM, user=contract_world["users"]["requester"], name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(f"/api/v1/suppliers/{supplier.pk}").json()
    assert api["contacts"] == [
        {"name": "Petra Vertrieb", "role": "Vertrieb", "email": "vertrieb@beispiel-it.example", "phone": "0391 1"}
    ]


def test_coop_admin_gives_a_supplier_portal_users(contract_world: dict[str, Any], client_for: Any) -> None:
    supplier = contract_world["supplier"]
    edit = reverse("contracts:supplier_edit", args=[supplier.pk])
    users_url = reverse("accounts:organisation_users", args=[supplier.organisation_id])
    assert users_url in client_for("coop_admin").get(edit).content.decode()
    assert users_url not in client_for("contract_manager").get(edit).content.decode()  # users are the admin's
    response = client_for("coop_admin").post(
        users_url, {"email": "portal@beispiel-it.example", "full_name": "Paul Portal", "roles": ["supplier_user"]}
    )
    assert response.status_code == 302
    portal = User.objects.get(email="portal@beispiel-it.example")
    assert list(portal.role_assignments.values_list("organisation_id", "role")) == [
        (supplier.organisation_id, "supplier_user")
    ]


def test_manager_creates_contract_through_the_form(contract_world: dict[str, Any], client_for: Any) -> None:
    client = client_for("contract_manager")
    response = client.post(
        reverse("contracts:create"),
        {
            "number": "RV-2026-09",
            "title": "Tablets für Schulen",
            "legal_basis": "vgv21",
            "awarding_body": "KITU",
            "starts_on": "2026-01-01",
            "ends_on": "2030-01-01",
            "call_off_mode": "direct",
            "suppliers": [contract_world["supplier"].pk],
            "eligibility": "selected",
        },
    )
    assert response.status_code == 200
    assert (
        response.context["form"]
        .errors["ends_on"][0]
        .startswith("Eine Rahmenvereinbarung nach § 21 VgV läuft höchstens 4 Jahre")
    )
    assert not FrameworkContract.objects.filter(number="RV-2026-09").exists()
    response = client.post(
        reverse("contracts:create"),
        {
            "number": "RV-2026-09",
            "title": "Tablets für Schulen",
            "legal_basis": "vgv21",
            "awarding_body": "KITU",
            "starts_on": "2026-01-01",
            "ends_on": "2029-12-31",
            "call_off_mode": "direct",
            "suppliers": [contract_world["supplier"].pk],
            "eligibility": "selected",
            "eligible_members": [contract_world["zeitz"].pk],
        },
    )
    contract = FrameworkContract.objects.get(number="RV-2026-09")
    assert response.status_code == 302
    assert list(contract.eligible_members.all()) == [contract_world["zeitz"]]
    page = client.get(reverse("contracts:detail", args=[contract_world["contract"].pk]))
    assert '<svg class="kitu-chart"' in page.content.decode()
