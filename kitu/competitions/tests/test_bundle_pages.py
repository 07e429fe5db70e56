"""Pages of the office's bundle request: the form's 400s, sealing for every bundle member and the office,
the award by the office into one order per member, and the permission matrix (nothing changed on denial)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import login, make_user
from kitu.accounts.roles import Role
from kitu.competitions.models import BundleMember, Competition, CriterionScore, Offer, Status
from kitu.orders.models import Order

from .conftest import make_bundle, offer, pass_deadline

pytestmark = pytest.mark.django_db

SECRETS = ("4711", "4.711", "8123", "8.123", "geheim")


def _client(user: Any) -> Client:
    client = login(Client(), user) if user is not None else Client()
    client.raise_request_exception = False
    return client


def _form(w: dict[str, Any], **over: Any) -> dict[str, Any]:
    we, ze = w["wernigerode"].pk, w["zeitz"].pk
    data = {
        "lot": w["mc_lot"].pk,
        "title": "Rechner für zwei Städte",
        "members": [we, ze],
        "lines": "Stück; Rechner Typ A\nStück; Monitor 24 Zoll",
        f"mengen_{we}": "6; 4",
        f"mengen_{ze}": "4",
        "delivery_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "deadline": timezone.localtime(timezone.now() + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "criteria": "",
    }
    data.update(over)
    return data


def test_office_creates_a_bundle_on_the_page(bundle_world: dict[str, Any]) -> None:
    w = bundle_world
    client = _client(w["admin"])
    url = f"/kleinwettbewerbe/buendel/neu/?los={w['mc_lot'].pk}"
    page = client.get(url)
    assert page.status_code == 200 and "Mengen für Stadt Zeitz" in page.content.decode()
    single = client.get(f"/kleinwettbewerbe/neu/?los={w['mc_lot'].pk}").content.decode()
    assert "/kleinwettbewerbe/buendel/neu/" in single
    refusals = [
        ({"members": [w["wernigerode"].pk, w["halle"].pk]}, "members"),  # Halle is not eligible
        ({f"mengen_{w['wernigerode'].pk}": "6; 0", f"mengen_{w['zeitz'].pk}": "4; 0"}, "lines"),  # zero line
        ({f"mengen_{w['zeitz'].pk}": "4; x"}, f"mengen_{w['zeitz'].pk}"),
        ({f"mengen_{w['zeitz'].pk}": "1; 2; 3"}, f"mengen_{w['zeitz'].pk}"),
        ({"lines": "Rechner ohne Einheit"}, "lines"),
    ]
    for over, field in refusals:
        r = client.post(url, _form(w, **over))
        assert r.status_code == 400, over
        assert f'data-field="{field}"' in r.content.decode() or f'id="id_{field}-error"' in r.content.decode(), (
            over,
            field,
        )
    assert Competition.objects.count() == 0 and BundleMember.objects.count() == 0
    done = client.post(url, _form(w))
    assert done.status_code == 302
    c = Competition.objects.get()
    assert c.is_bundle and [ln.quantity for ln in c.lines.all()] == [10, 4]
    assert done["Location"] == f"/kleinwettbewerbe/{c.pk}/"


def test_bundle_pages_are_sealed_then_the_office_awards_one_order_per_member(bundle_world: dict[str, Any]) -> None:
    w = bundle_world
    c = make_bundle(w)
    offer(w, c, "saale_user", ("4711.00", "8123.00"))
    harz = offer(w, c, "harz_user", ("700", "150"))
    readers = [w["admin"], w["users"]["contract_manager"], w["users"]["requester"], w["users"]["approver"]]
    readers += [w["users"]["other_requester"], w["users"]["other_member_admin"], w["z_approver"]]
    for user in readers:
        page = _client(user).get(f"/kleinwettbewerbe/{c.pk}/")
        text = page.content.decode()
        assert page.status_code == 200 and "versiegelt" in text and "Mengen je Mitglied" in text
        assert not [s for s in SECRETS if s in text], user
        listing = _client(user).get("/kleinwettbewerbe/").content.decode()
        assert "Rechner für zwei Städte" in listing and not [s for s in SECRETS if s in listing]
    c = pass_deadline(c)
    zeitz_page = _client(w["users"]["other_requester"]).get(f"/kleinwettbewerbe/{c.pk}/").content.decode()
    assert "Preisspiegel" in zeitz_page and "Zuschlag erteilen" not in zeitz_page  # read-only for members
    office = _client(w["admin"])
    confirm = office.post(f"/kleinwettbewerbe/{c.pk}/zuschlag/", {"offer": harz.pk, "reason": "Preis"})
    assert (
        confirm.status_code == 200 and "je Mitglied der Bündelung eine Abrufbestellung (2)" in confirm.content.decode()
    )
    assert Order.objects.count() == 0
    done = office.post(
        f"/kleinwettbewerbe/{c.pk}/zuschlag/", {"offer": harz.pk, "reason": "Preis", "bestaetigung": "ja"}
    )
    assert done.status_code == 302
    orders = {o.member_id: o for o in Order.objects.all()}
    assert set(orders) == {w["wernigerode"].pk, w["zeitz"].pk}
    page = _client(w["users"]["other_requester"]).get(f"/kleinwettbewerbe/{c.pk}/").content.decode()
    assert orders[w["zeitz"].pk].number in page
    assert f'href="/bestellungen/{orders[w["zeitz"].pk].pk}/"' in page
    assert f'href="/bestellungen/{orders[w["wernigerode"].pk].pk}/"' not in page  # another member's order
    own = _client(w["users"]["other_requester"]).get(f"/bestellungen/{orders[w['zeitz'].pk].pk}/")
    assert own.status_code == 200
    assert (
        _client(w["users"]["other_requester"]).get(f"/bestellungen/{orders[w['wernigerode'].pk].pk}/").status_code
        == 404
    )
    note = _client(w["users"]["other_requester"]).get(f"/kleinwettbewerbe/{c.pk}/vergabevermerk.pdf")
    assert note.status_code == 200 and note.content.startswith(b"%PDF")


ROLES = [
    "anonymous",
    "coop_admin",
    "contract_manager",
    "member_admin",
    "requester",
    "approver",
    "case_worker",
    "workgroup_member",
    "supplier_user",
    "other_member_admin",
    "other_requester",
    "z_approver",
    "halle_requester",
    "harz_user",
    "outsider_user",
    "council_office",
    "councillor",
    "other_councillor",
]


def _state() -> tuple[Any, ...]:
    return (
        list(Competition.objects.order_by("pk").values_list("status", "winner_id")),
        Offer.objects.count(),
        CriterionScore.objects.count(),
        Order.objects.count(),
        BundleMember.objects.exclude(order=None).count(),
    )


@pytest.mark.parametrize("role", ROLES)
def test_bundle_permission_matrix(bundle_world: dict[str, Any], role: str) -> None:
    w = bundle_world
    w["halle_requester"] = make_user("requester.halle@test.example", [(w["halle"].organisation, Role.REQUESTER)])
    user = None if role == "anonymous" else (w["users"].get(role) or w[role])
    client = _client(user)
    draft = make_bundle(w, send=False)
    c = make_bundle(w)
    offered = offer(w, c, "saale_user", ("650", "140"))
    readers = {
        "coop_admin",
        "contract_manager",
        "member_admin",
        "requester",
        "approver",
        "other_member_admin",
        "other_requester",
        "z_approver",
    }
    invited = {"supplier_user", "harz_user"}
    detail = client.get(f"/kleinwettbewerbe/{c.pk}/")
    draft_detail = client.get(f"/kleinwettbewerbe/{draft.pk}/")
    if role == "anonymous":
        assert detail.status_code == 302 and "/konto/anmelden/" in detail["Location"]
    elif role in readers:
        assert detail.status_code == 200 and draft_detail.status_code == 200
        assert ("Zuschlag erteilen" in detail.content.decode()) is False  # sealed anyway
    elif role in invited:
        assert detail.status_code == 200 and draft_detail.status_code == 404
        text = detail.content.decode()
        assert "Ihr Angebot" in text and "Mengen je Mitglied" not in text  # suppliers price the totals only
    else:
        assert detail.status_code == 404 and draft_detail.status_code == 404
    form = client.get(f"/kleinwettbewerbe/buendel/neu/?los={w['mc_lot'].pk}")
    assert form.status_code == (302 if role == "anonymous" else 200 if role == "coop_admin" else 403)
    c = pass_deadline(c)
    before = _state()
    posts = [
        (f"/kleinwettbewerbe/buendel/neu/?los={w['mc_lot'].pk}", _form(w)),
        (f"/kleinwettbewerbe/{draft.pk}/versenden/", {"bestaetigung": "ja"}),
        (f"/kleinwettbewerbe/{c.pk}/zuschlag/", {"offer": offered.pk, "reason": "x", "bestaetigung": "ja"}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        if role == "anonymous":
            assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]
        elif role == "coop_admin":
            assert response.status_code == 302, url
        else:
            assert response.status_code in (403, 404), (url, response.status_code)
    if role == "coop_admin":
        assert Competition.objects.count() == 3 and Order.objects.count() == 2
        assert Competition.objects.get(pk=draft.pk).status == Status.OPEN
    else:
        assert _state() == before and Competition.objects.count() == 2
        assert Competition.objects.get(pk=draft.pk).status == Status.DRAFT
