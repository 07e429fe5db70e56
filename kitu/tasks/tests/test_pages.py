"""The start page, /aufgaben/, the header count, GET /api/v1/tasks and the digest opt-in: the same tasks
everywhere, every role sees its own only (permission matrix over all roles, anonymous and another member)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import ROLES
from kitu.accounts.models import User
from kitu.accounts.services import api_token_create, task_digest_set
from kitu.billing.models import BillingRun, Invoice, InvoiceStatus
from kitu.core.actors import SYSTEM
from kitu.core.errors import PermissionDenied
from kitu.orders import services

from .conftest import tasks_of


@pytest.fixture
def inbox_world(order_world: dict[str, Any]) -> dict[str, Any]:
    """A pending order of Wernigerode (the approver's task) and an overdue invoice of Zeitz (its member
    admin's task), so that each member has something the other must not see."""
    w = order_world
    requester = w["users"]["requester"]
    services.cart_add(actor=requester, member=w["wernigerode"], article=w["notebook"], quantity=2)
    (order,) = services.checkout(actor=requester, member=w["wernigerode"])
    today = timezone.localdate()
    invoice = Invoice.objects.create(
        member=w["zeitz"],
        leitweg_id="992-90009-96",
        number="RE-2026-00042",
        status=InvoiceStatus.ISSUED,
        issue_date=today - dt.timedelta(days=40),
        issued_at=timezone.now() - dt.timedelta(days=40),
        mailed_at=timezone.now() - dt.timedelta(days=40),
        due_date=today - dt.timedelta(days=10),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 1, 31),
        gross_total=Decimal("119.00"),
    )
    return {**w, "order": order, "invoice": invoice}


W_TASK = "freigeben: Stadt Wernigerode"
Z_TASK = "Rechnung RE-2026-00042 ist überfällig"
SEES = {"approver": W_TASK, "other_member_admin": Z_TASK}


@pytest.mark.parametrize("role", ROLES)
def test_start_page_list_api_and_header_agree_and_show_only_ones_own(
    inbox_world: dict[str, Any], client_for: Any, role: str | None
) -> None:
    client = client_for(role)
    home, page, api = client.get("/"), client.get("/aufgaben/"), client.get("/api/v1/tasks")
    if role is None:
        assert home.status_code == page.status_code == 302
        assert home["Location"].startswith("/konto/anmelden/")
        assert api.status_code == 401
        return
    assert home.status_code == page.status_code == api.status_code == 200
    user = inbox_world["users"][role]
    expected = tasks_of(user)
    answer = api.json()
    assert [(a["kind"], a["title"], a["url"], a["due"]) for a in answer] == [
        (t.kind, t.title, t.url, t.due.isoformat() if t.due else None) for t in expected
    ]
    # the same moment (JSON carries milliseconds)
    assert [dt.datetime.fromisoformat(a["since"].replace("Z", "+00:00")) for a in answer] == [
        t.since.replace(microsecond=t.since.microsecond // 1000 * 1000) for t in expected
    ]
    text, listing = home.content.decode(), page.content.decode()
    for needle in (W_TASK, Z_TASK):
        shown = SEES.get(role) == needle
        assert (needle in text, needle in listing, any(needle in t.title for t in expected)) == (shown,) * 3, needle
    count = len(expected)
    assert f'class="kern-link kern-body--small kitu-task-count" href="/aufgaben/">{count} Aufgabe' in listing
    if not expected:
        assert "Keine offenen Aufgaben" in text and "Keine offenen Aufgaben" in listing


def test_the_start_page_lists_tasks_oldest_first_with_age_and_link(
    inbox_world: dict[str, Any], client_for: Any
) -> None:
    w = inbox_world
    requester = w["users"]["requester"]
    services.cart_add(actor=requester, member=w["wernigerode"], article=w["monitor"], quantity=4)
    (newer,) = services.checkout(actor=requester, member=w["wernigerode"])
    type(newer).objects.filter(pk=w["order"].pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    text = client_for("approver").get("/").content.decode()
    first, second = text.index(w["order"].number), text.index(newer.number)
    assert first < second  # oldest first
    assert "seit 3 Tagen" in text and "seit heute" in text
    assert f'href="/bestellungen/{w["order"].pk}/"' in text
    assert "kern-task-list__item" in text
    # the working groups' widgets stay on the start page
    assert "Meine nächsten Termine" in text


def test_the_list_filters_by_kind(inbox_world: dict[str, Any], client_for: Any) -> None:
    w = inbox_world
    admin = w["users"]["coop_admin"]
    BillingRun.objects.create(period="2026-11", period_start=dt.date(2026, 11, 1), period_end=dt.date(2026, 11, 30))
    client = client_for("coop_admin")
    everything = client.get("/aufgaben/").content.decode()
    assert "Abrechnungslauf 2026-11 prüfen" in everything
    assert "Abrechnungsläufe (1)" in everything
    only = client.get("/aufgaben/?art=billing_run").content.decode()
    assert "Abrechnungslauf 2026-11 prüfen" in only
    assert [t.kind for t in tasks_of(admin)] == ["billing_run"]
    none = client.get("/aufgaben/?art=contract_ending").content.decode()
    assert "Abrechnungslauf 2026-11 prüfen" not in none and "Keine offenen Aufgaben." in none
    # a kind the user does not have shows everything (and says so in the filter)
    foreign = client.get("/aufgaben/?art=order_ship").content.decode()
    assert "Abrechnungslauf 2026-11 prüfen" in foreign
    api = client.get("/api/v1/tasks?kind=billing_run").json()
    assert [t["title"] for t in api] == ["Abrechnungslauf 2026-11 prüfen"]
    assert client.get("/api/v1/tasks?kind=contract_ending").json() == []


def test_an_unknown_kind_is_a_400_naming_the_field(world: dict[str, Any], client_for: Any) -> None:
    response = client_for("requester").get("/api/v1/tasks?kind=nonsense")
    assert response.status_code == 400
    assert response.json()["field"] == "kind"


def test_the_api_with_a_token(inbox_world: dict[str, Any]) -> None:
    approver = inbox_world["users"]["approver"]
    _token, secret = api_token_create(actor=SYSTEM, user=approver, name="Skript")
    response = Client().get("/api/v1/tasks", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert [t["kind"] for t in response.json()] == ["order_approval"]
    assert Client().get("/api/v1/tasks", HTTP_AUTHORIZATION="Bearer falsch").status_code == 401


def test_openapi_describes_the_tasks(world: dict[str, Any], client_for: Any) -> None:
    schema = json.loads(client_for("requester").get("/api/v1/openapi.json").content)
    operation = schema["paths"]["/api/v1/tasks"]["get"]
    assert operation["tags"] == ["tasks"]
    assert set(schema["components"]["schemas"]["TaskOut"]["properties"]) == {"kind", "title", "url", "since", "due"}


@pytest.mark.parametrize("role", ROLES)
def test_digest_opt_in_is_each_ones_own(world: dict[str, Any], client_for: Any, role: str | None) -> None:
    client = client_for(role)
    response = client.post("/konto/aufgaben-zusammenfassung/", {"task_digest": "on"})
    opted = set(User.objects.filter(task_digest=True).values_list("email", flat=True))
    if role is None:
        assert response.status_code == 302 and response["Location"].startswith("/konto/anmelden/")
        assert opted == set()
        return
    assert response["Location"] == "/konto/"
    assert opted == {world["users"][role].email}
    page = client.get("/konto/").content.decode()
    assert 'name="task_digest" id="id_task_digest" aria-describedby="id_task_digest_hint" checked' in page
    client.post("/konto/aufgaben-zusammenfassung/", {})
    assert not User.objects.filter(task_digest=True).exists()
    assert client.get("/konto/aufgaben-zusammenfassung/").status_code == 405


def test_nobody_sets_another_ones_digest(world: dict[str, Any]) -> None:
    users = world["users"]
    for actor in (users["coop_admin"], users["other_member_admin"], SYSTEM):
        with pytest.raises(PermissionDenied):
            task_digest_set(actor=actor, user=users["requester"], enabled=True)
    assert not User.objects.filter(task_digest=True).exists()
