"""In-house award pages: permission matrix over every role (nothing changes on a denied write), bad input
answered 400 at the field, the decision through its confirmation page, the note download, and a member's
call-off from the in-house contract through catalog, cart, approval, order and the supplier portal."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from conftest import ROLES, login, make_article, make_user
from kitu.accounts.roles import Role
from kitu.contracts import inhouse
from kitu.contracts.models import (
    FrameworkContract,
    InHouseAward,
    InHouseDocument,
    InHouseEntity,
    InHouseTurnover,
    VolumeLimit,
)
from kitu.core.models import AuditEntry
from kitu.orders.models import CartLine, Order

from .conftest import make_inhouse

pytestmark = pytest.mark.django_db
ALL_ROLES = [*ROLES, "kid_user", "council_office", "councillor", "other_councillor"]
READERS = {"coop_admin", "contract_manager"}
ADMINS = {"coop_admin"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def client(w: dict[str, Any], role: str | None) -> Client:
    c = Client()
    return login(c, w["users"][role]) if role else c


def state() -> tuple[Any, ...]:
    return (
        tuple(InHouseEntity.objects.order_by("pk").values_list("control_kind", "control_confirmed", "control_note")),
        tuple(InHouseTurnover.objects.order_by("pk").values_list("year", "controlling_turnover", "total_turnover")),
        tuple(InHouseAward.objects.order_by("pk").values_list("subject", "status", "value")),
        InHouseDocument.objects.count(),
        tuple(FrameworkContract.objects.order_by("pk").values_list("number", "title", "published_at")),
        AuditEntry.objects.count(),
    )


def expected(role: str | None, allowed: set[str]) -> int:
    return 302 if role is None else 200 if role in allowed else 403


@pytest.mark.parametrize("role", ALL_ROLES)
def test_permission_matrix(inhouse_world: dict[str, Any], role: str | None) -> None:
    w = inhouse_world
    award, entity = w["award"], w["entity"]
    document = inhouse.document_add(
        actor=w["admin"], award=award, title="Gesellschaftsvertrag", file=SimpleUploadedFile("gv.pdf", PDF)
    )
    c = client(w, role)
    pages = {
        reverse("contracts:inhouse_list"): READERS,
        reverse("contracts:inhouse_entity", args=[entity.pk]): READERS,
        reverse("contracts:inhouse_award", args=[award.pk]): READERS,
        reverse("contracts:inhouse_note", args=[award.pk]): READERS,
        reverse("contracts:inhouse_document", args=[award.pk, document.pk]): READERS,
        reverse("contracts:inhouse_entity_create"): ADMINS,
        reverse("contracts:inhouse_entity_edit", args=[entity.pk]): ADMINS,
        reverse("contracts:inhouse_award_create"): ADMINS,
        reverse("contracts:inhouse_award_edit", args=[award.pk]): ADMINS,
        reverse("contracts:inhouse_award_decide", args=[award.pk]): ADMINS,
    }
    for url, allowed in pages.items():
        response = c.get(url)
        assert response.status_code == expected(role, allowed), (url, role, response.status_code)
    if role in ADMINS:
        return
    year = w["years"][0]
    before = state()
    posts = [
        (reverse("contracts:inhouse_entity_create"), {"supplier": w["kid"].pk, "control_kind": "sole"}),
        (reverse("contracts:inhouse_entity_edit", args=[entity.pk]), {"control_kind": "joint", "control_note": "x"}),
        (
            reverse("contracts:inhouse_turnover", args=[entity.pk]),
            {"umsatz-year": year, "umsatz-controlling_turnover": "1", "umsatz-total_turnover": "2"},
        ),
        (reverse("contracts:inhouse_turnover_remove", args=[entity.pk, year]), {"bestaetigung": "ja"}),
        (
            reverse("contracts:inhouse_award_create"),
            {
                "entity": entity.pk,
                "number": "IH-9",
                "subject": "X",
                "value": "1",
                "starts_on": "2026-01-01",
                "ends_on": "2026-12-31",
                "members": [w["wernigerode"].pk],
            },
        ),
        (reverse("contracts:inhouse_award_edit", args=[award.pk]), {"subject": "Hack", "number": "IH-1"}),
        (reverse("contracts:inhouse_award_decide", args=[award.pk]), {"bestaetigung": "ja"}),
        (
            reverse("contracts:inhouse_document_add", args=[award.pk]),
            {"title": "x", "file": SimpleUploadedFile("x.pdf", PDF)},
        ),
    ]
    for url, data in posts:
        response = c.post(url, data)
        assert response.status_code == (302 if role is None else 403), (url, role, response.status_code)
        if role is None:
            assert "/anmelden/" in response["Location"] or "login" in response["Location"]
    assert state() == before


def test_unknown_ids_are_404_for_readers(inhouse_world: dict[str, Any]) -> None:
    c = client(inhouse_world, "contract_manager")
    for url in (
        reverse("contracts:inhouse_entity", args=[999999]),
        reverse("contracts:inhouse_award", args=[999999]),
        reverse("contracts:inhouse_note", args=[999999]),
        reverse("contracts:inhouse_document", args=[inhouse_world["award"].pk, 999999]),
    ):
        assert c.get(url).status_code == 404


def test_pages_show_the_test_to_readers(inhouse_world: dict[str, Any]) -> None:
    w = inhouse_world
    c = client(w, "contract_manager")
    listing = c.get(reverse("contracts:inhouse_list")).content.decode()
    assert "IH-1" in listing and "KID Magdeburg GmbH" in listing and "Neue Inhouse-Vergabe" not in listing
    page = c.get(reverse("contracts:inhouse_entity", args=[w["entity"].pk])).content.decode().replace("\xa0", " ")
    assert "90,00 %" in page and "erfüllt (mindestens 85 %)" in page
    assert "Zahlen speichern" not in page  # contract management reads only
    award = c.get(reverse("contracts:inhouse_award", args=[w["award"].pk])).content.decode().replace("\xa0", " ")
    assert "Prüfung nach § 108 GWB (Stand heute)" in award and "500.000,00 €" in award
    assert "Prüfen und vergeben" not in award
    contracts = c.get(reverse("contracts:list")).content.decode()
    assert reverse("contracts:inhouse_list") in contracts


def _post_year(c: Client, w: dict[str, Any], **data: str) -> Any:
    values = {"year": str(w["years"][0]), "controlling_turnover": "9.000.000,00", "total_turnover": "10.000.000,00"}
    values.update(data)
    return c.post(
        reverse("contracts:inhouse_turnover", args=[w["entity"].pk]), {f"umsatz-{k}": v for k, v in values.items()}
    )


@pytest.mark.parametrize(
    ("data", "label", "message"),
    [
        (
            {"controlling_turnover": "11.000.000,00"},
            "Umsatz mit den kontrollierenden Auftraggebern (EUR)",
            "übersteigen",
        ),
        ({"year": "abc"}, "Geschäftsjahr", "ganze Zahl"),
        ({"year": "1800"}, "Geschäftsjahr", "1990"),
        ({"total_turnover": "0"}, "Gesamtumsatz (EUR)", "größer als 0"),
        ({"total_turnover": "viel"}, "Gesamtumsatz (EUR)", "Betrag"),
        ({"is_projection": "on", "note": ""}, "Quelle oder Begründung", "Grundlage"),
    ],
)
def test_bad_turnover_input_is_400_at_the_field(
    inhouse_world: dict[str, Any], data: dict[str, str], label: str, message: str
) -> None:
    w = inhouse_world
    before = state()
    response = _post_year(client(w, "coop_admin"), w, **data)
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(f'href="#id_umsatz-[a-z_]+">{re.escape(label)}: [^<]*{message}', page), page[:0]
    assert state() == before


def test_turnover_entry_and_correction(inhouse_world: dict[str, Any]) -> None:
    w = inhouse_world
    c = client(w, "coop_admin")
    assert _post_year(c, w, controlling_turnover="8.500.000,50").status_code == 302
    row = InHouseTurnover.objects.get(year=w["years"][0])
    assert (row.controlling_turnover, row.total_turnover) == (Decimal("8500000.50"), Decimal("10000000"))
    url = reverse("contracts:inhouse_entity", args=[w["entity"].pk])
    form = c.get(url + f"?jahr={w['years'][0]}").content.decode()
    assert 'value="8500000,50"' in form or 'value="8500000.50"' in form
    remove = reverse("contracts:inhouse_turnover_remove", args=[w["entity"].pk, w["years"][0]])
    confirm = c.post(remove)
    assert confirm.status_code == 200 and "Zahlen löschen" in confirm.content.decode()
    assert InHouseTurnover.objects.filter(year=w["years"][0]).exists()
    assert c.post(remove, {"bestaetigung": "ja"}).status_code == 302
    assert not InHouseTurnover.objects.filter(year=w["years"][0]).exists()


@pytest.mark.parametrize(
    ("data", "label", "message"),
    [
        ({"number": "IH-1"}, "Vertragsnummer", "IH-1 ist bereits vergeben"),
        ({"value": "-5"}, "Auftragswert (EUR, netto)", "größer oder gleich 0"),
        ({"value": "0"}, "Auftragswert (EUR, netto)", "größer als 0"),
        ({"members": []}, "versorgte Mitglieder", ""),
        ({"ends_on": "2020-01-01"}, "Laufzeit bis", "vor dem Beginn"),
        ({"starts_on": "gestern"}, "Laufzeit von", "Datum"),
        ({"entity": "999999"}, "Einrichtung", "gültige Auswahl"),
    ],
)
def test_bad_award_input_is_400_at_the_field(
    inhouse_world: dict[str, Any], data: dict[str, Any], label: str, message: str
) -> None:
    w = inhouse_world
    values: dict[str, Any] = {
        "entity": w["entity"].pk,
        "number": "IH-2",
        "subject": "Druckdienste",
        "value": "10.000,00",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "members": [w["wernigerode"].pk],
    }
    values.update(data)
    before = state()
    response = client(w, "coop_admin").post(reverse("contracts:inhouse_award_create"), values)
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(f'href="#id_[a-z_]+">{re.escape(label)}: [^<]*{message}', page)
    assert state() == before


def test_entity_pages(inhouse_world: dict[str, Any]) -> None:
    w = inhouse_world
    c = client(w, "coop_admin")
    edit = reverse("contracts:inhouse_entity_edit", args=[w["entity"].pk])
    before = state()
    bad = c.post(edit, {"control_kind": "joint", "controlling_members": [w["zeitz"].pk], "control_confirmed": "on"})
    assert bad.status_code == 400 and "mindestens zwei" in bad.content.decode()
    assert c.post(edit, {"control_kind": "teilweise"}).status_code == 400
    assert state() == before
    ok = c.post(
        edit,
        {
            "control_kind": "joint",
            "controlling_members": [w["zeitz"].pk, w["wernigerode"].pk],
            "control_confirmed": "on",
            "control_note": "Konsortialvertrag",
            "private_capital_free": "yes",
        },
    )
    assert ok.status_code == 302
    entity = InHouseEntity.objects.get(pk=w["entity"].pk)
    assert (entity.control_kind, entity.control_note, entity.private_capital_free) == (
        "joint",
        "Konsortialvertrag",
        True,
    )
    assert set(entity.controlling_members.values_list("pk", flat=True)) == {w["zeitz"].pk, w["wernigerode"].pk}
    # a supplier is an entity only once
    response = c.post(reverse("contracts:inhouse_entity_create"), {"supplier": w["kid"].pk, "control_kind": "sole"})
    assert response.status_code == 400 and "gültige Auswahl" in response.content.decode()


def test_decision_through_the_confirmation_page(inhouse_world: dict[str, Any]) -> None:
    w = inhouse_world
    c = client(w, "coop_admin")
    url = reverse("contracts:inhouse_award_decide", args=[w["award"].pk])
    for year in w["years"]:
        inhouse.turnover_save(
            actor=w["admin"],
            entity=w["entity"],
            year=year,
            controlling_turnover=Decimal("8200000"),
            total_turnover=Decimal("10000000"),
        )
    page = c.get(url).content.decode().replace("\xa0", " ")
    assert "82,00 %" in page and "erfüllt, mit Warnung" in page
    before = state()
    refused = c.post(url, {})
    assert refused.status_code == 400
    refused_text = refused.content.decode()
    assert "Ich habe zur Kenntnis genommen" in refused_text and "bitte bestätigen" in refused_text
    confirm = c.post(url, {"warning_acknowledged": "on"})
    text = confirm.content.decode()
    assert confirm.status_code == 200 and "Verbindlich vergeben" in text and 'name="bestaetigung"' in text
    assert state() == before
    done = c.post(url, {"warning_acknowledged": "on", "bestaetigung": "ja"})
    assert done.status_code == 302
    award = InHouseAward.objects.get(pk=w["award"].pk)
    assert (award.status, award.warning_acknowledged, award.contract.published_at is not None) == (
        "awarded",
        True,
        True,
    )
    # the note is the frozen one, for the contract management too
    note = client(w, "contract_manager").get(reverse("contracts:inhouse_note", args=[award.pk]))
    assert note["Content-Type"] == "application/pdf"
    assert note["Content-Disposition"] == 'attachment; filename="Vergabevermerk-IH-1.pdf"'
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(note.content)).pages).split())
    assert "82,00 %" in text and "Warnung (Tätigkeitsquote unter 85 %) wurde bei der Vergabe zur Kenntnis" in text
    assert f"Bearbeitet von {w['admin'].full_name}" in text
    # awarded: no more editing or deciding
    assert c.get(reverse("contracts:inhouse_award_edit", args=[award.pk])).status_code == 302
    again = c.post(url, {"bestaetigung": "ja"})
    assert again.status_code == 302 and InHouseAward.objects.get(pk=award.pk).awarded_on == award.awarded_on


def test_blocked_decision_is_400_and_changes_nothing(inhouse_world: dict[str, Any]) -> None:
    w = inhouse_world
    for year in w["years"]:
        inhouse.turnover_save(
            actor=w["admin"],
            entity=w["entity"],
            year=year,
            controlling_turnover=Decimal("8000000"),
            total_turnover=Decimal("10000000"),
        )
    before = state()
    url = reverse("contracts:inhouse_award_decide", args=[w["award"].pk])
    response = client(w, "coop_admin").post(url, {"warning_acknowledged": "on", "bestaetigung": "ja"})
    assert response.status_code == 400
    assert "Die Tätigkeitsquote beträgt 80,00" in response.content.decode()
    assert state() == before


def test_document_upload_on_the_page(inhouse_world: dict[str, Any]) -> None:
    w = inhouse_world
    c = client(w, "coop_admin")
    url = reverse("contracts:inhouse_document_add", args=[w["award"].pk])
    before = state()
    bad = c.post(url, {"title": "Virus", "file": SimpleUploadedFile("tool.exe", b"MZ....")})
    assert bad.status_code == 400 and re.search(r'href="#id_file">Datei: Dateityp nicht erlaubt', bad.content.decode())
    missing = c.post(url, {"title": "ohne"})
    assert missing.status_code == 400 and 'href="#id_file">Datei:' in missing.content.decode()
    assert state() == before
    assert c.post(url, {"title": "Vertrag", "file": SimpleUploadedFile("vertrag.pdf", PDF)}).status_code == 302
    document = InHouseDocument.objects.get()
    url = reverse("contracts:inhouse_document", args=[w["award"].pk, document.pk])
    download = client(w, "contract_manager").get(url)
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"] == 'attachment; filename="vertrag.pdf"'


def test_a_member_calls_off_from_the_inhouse_contract(
    order_world: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Catalog → cart → review → checkout → approval → sent to KID → KID confirms in the portal."""
    w = order_world
    data = make_inhouse(w)
    award = inhouse.award_decide(actor=w["admin"], award=data["award"], today=data["today"])
    contract = FrameworkContract.objects.get(pk=award.contract_id)
    lot = contract.lots.get()
    hosting = make_article(contract, lot, "RZ-1", "2000.00", description="Hosting Fachverfahren (Monat)")
    requester, approver = client_for("requester"), client_for("approver")
    # the member sees the in-house contract like any other and finds the article in the catalog
    assert "IH-1" in requester.get(reverse("contracts:list")).content.decode()
    assert requester.get(reverse("contracts:detail", args=[contract.pk])).status_code == 200
    assert client_for("other_requester").get(reverse("contracts:detail", args=[contract.pk])).status_code == 404
    # a member the award does not serve cannot put its services into a cart
    client_for("other_requester").post(
        reverse("orders:cart_add"), {"article": hosting.pk, "quantity": 1, "member": w["zeitz"].pk}
    )
    assert not CartLine.objects.exists()
    assert requester.post(reverse("orders:cart_add"), {"article": hosting.pk, "quantity": 3}).status_code == 302
    page = requester.get(reverse("orders:review") + f"?mitglied={w['wernigerode'].pk}").content.decode()
    token = re.search(r'name="review_token" value="([0-9a-f]+)"', page)
    assert token is not None
    response = requester.post(
        reverse("orders:checkout"), {"member": w["wernigerode"].pk, "review_token": token[1]}, follow=True
    )
    assert response.status_code == 200
    order = Order.objects.get()
    assert (order.contract_id, order.supplier_id, order.total, order.status) == (
        contract.pk,
        data["kid"].pk,
        Decimal("6000.00"),
        "pending",
    )
    assert order.legal_basis == "Abruf aus Rahmenvertrag IH-1 (Inhouse-Vergabe nach § 108 GWB)"
    limit = VolumeLimit.objects.get(contract=contract)
    assert (limit.reserved_value, limit.consumed_value) == (Decimal("6000.00"), Decimal("0.00"))
    with django_capture_on_commit_callbacks(execute=True):  # the openTRANS dispatch after the approval
        assert approver.post(reverse("orders:approve", args=[order.pk])).status_code == 302
    order.refresh_from_db()
    assert order.status == "sent"
    limit.refresh_from_db()
    assert (limit.reserved_value, limit.consumed_value) == (Decimal("0.00"), Decimal("6000.00"))
    # KID's portal user sees and confirms the call-off
    kid = login(Client(), make_user("portal@kid-magdeburg.example", [(data["kid"].organisation, Role.SUPPLIER_USER)]))
    assert order.number in kid.get(reverse("orders:list")).content.decode()
    delivery = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    assert kid.post(reverse("orders:confirm", args=[order.pk]), {"delivery_date": delivery}).status_code == 302
    order.refresh_from_db()
    assert order.status == "confirmed"
    # the award value caps the call-offs: 500,000 EUR
    big = requester.post(reverse("orders:cart_add"), {"article": hosting.pk, "quantity": 250})
    assert big.status_code == 302
    page = requester.get(reverse("orders:review") + f"?mitglied={w['wernigerode'].pk}").content.decode()
    token = re.search(r'name="review_token" value="([0-9a-f]+)"', page)
    assert token is not None
    requester.post(reverse("orders:checkout"), {"member": w["wernigerode"].pk, "review_token": token[1]})
    assert Order.objects.count() == 1
