"""In-house award services: the backing framework contract, the decision and each refusal (nothing changes),
figures, joint control, documents, the frozen assessment, and the award note PDF."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from conftest import make_member
from kitu.contracts import inhouse, inhouse_pdf
from kitu.contracts import services as contract_services
from kitu.contracts.models import ContractState, InHouseAward, InHouseDocument, InHouseTurnover
from kitu.core.errors import DomainError, PermissionDenied
from kitu.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def state(w: dict[str, Any]) -> tuple[Any, ...]:
    award = InHouseAward.objects.select_related("contract").get(pk=w["award"].pk)
    return (award.status, award.awarded_on, award.assessment, award.contract.published_at, AuditEntry.objects.count())


def test_an_award_creates_its_framework_contract(inhouse_world: dict[str, Any]) -> None:
    w = inhouse_world
    contract = w["award"].contract
    assert (contract.number, contract.title, contract.legal_basis, contract.call_off_mode) == (
        "IH-1",
        "Betrieb des kommunalen Rechenzentrums",
        "gwb108",
        "direct",
    )
    assert contract.published_at is None and contract.state == ContractState.DRAFT
    assert [s.name for s in contract.suppliers.all()] == ["KID Magdeburg GmbH"]
    assert list(contract.eligible_members.all()) == [w["wernigerode"]]
    (lot,) = contract.lots.all()
    assert (lot.number, lot.supplier, [(lim.article_pid, lim.max_value) for lim in lot.limits.all()]) == (
        1,
        w["kid"],
        [("", Decimal("500000.00"))],
    )
    types = list(AuditEntry.objects.order_by("pk").values_list("object_type", "action"))
    assert ("contracts.InHouseAward", "create") in types and ("contracts.InHouseEntity", "create") in types
    # editing a draft changes the contract with it
    inhouse.award_save(
        actor=w["admin"],
        award=w["award"],
        number="IH-1",
        subject="Rechenzentrum",
        value=Decimal("600000"),
        members=[w["wernigerode"], w["zeitz"]],
    )
    contract.refresh_from_db()
    assert contract.title == "Rechenzentrum" and contract.eligible_members.count() == 2
    assert contract.limits.get().max_value == Decimal("600000.00")
    # not behind the award's back through the contract pages
    with pytest.raises(DomainError, match="beruht auf einer Inhouse-Vergabe"):
        contract_services.contract_save(actor=w["admin"], contract=contract, eligible_members=[w["zeitz"]])
    assert contract.eligible_members.count() == 2
    # nor its lot and maximum: the award value caps the call-offs
    (lot,) = contract.lots.all()
    with pytest.raises(DomainError, match="beruht auf einer Inhouse-Vergabe"):
        contract_services.limit_save(actor=w["admin"], lot=lot, limit=lot.limits.get(), max_value=Decimal("900000"))
    with pytest.raises(DomainError, match="beruht auf einer Inhouse-Vergabe"):
        contract_services.lot_save(actor=w["admin"], contract=contract, lot=lot, title="anders")
    with pytest.raises(DomainError, match="beruht auf einer Inhouse-Vergabe"):
        contract_services.limit_save(actor=w["admin"], lot=lot, article_pid="X-1", max_quantity=5)
    assert (lot.limits.get().max_value, contract.lots.get().title) == (Decimal("600000.00"), "Rechenzentrum")


def test_awarding_freezes_the_test_and_releases_the_contract(inhouse_world: dict[str, Any]) -> None:
    w = inhouse_world
    award = inhouse.award_decide(actor=w["admin"], award=w["award"], today=w["today"])
    assert (award.status, award.awarded_on, award.awarded_by, award.warning_acknowledged) == (
        "awarded",
        w["today"],
        w["admin"],
        False,
    )
    activity = award.assessment["activity"]
    assert (activity["basis"], activity["result"], Decimal(activity["share"])) == ("actual", "ok", Decimal(90))
    assert [y["year"] for y in activity["years"]] == w["years"]
    assert award.assessment["members"] == ["Stadt Wernigerode"] and award.assessment["refusals"] == []
    award.contract.refresh_from_db()
    assert award.contract.published_at is not None and award.contract.state == ContractState.ACTIVE
    entry = AuditEntry.objects.filter(object_type="contracts.InHouseAward", action="update").latest("pk")
    assert entry.changes["status"] == ["draft", "awarded"] and entry.changes["result"] == [None, "ok"]
    # later corrections of the figures do not change what the decision rested on
    inhouse.turnover_save(
        actor=w["admin"],
        entity=w["entity"],
        year=w["years"][0],
        controlling_turnover=Decimal("0"),
        total_turnover=Decimal("1"),
    )
    award.refresh_from_db()
    assert Decimal(award.assessment["activity"]["share"]) == Decimal(90)
    assert inhouse.award_record(award) == award.assessment
    before = state(w)
    with pytest.raises(DomainError) as exc:
        inhouse.award_decide(actor=w["admin"], award=award, today=w["today"])
    assert exc.value.field == "status"
    with pytest.raises(DomainError, match="nicht mehr geändert"):
        inhouse.award_save(actor=w["admin"], award=award, number="IH-1", members=[w["zeitz"]], subject="X")
    assert state(w) == before


def _entity(w: dict[str, Any], **fields: Any) -> None:
    inhouse.entity_save(actor=w["admin"], entity=w["entity"], **fields)


def _year(w: dict[str, Any], year: int, controlling: str, total: str = "10000000") -> None:
    inhouse.turnover_save(
        actor=w["admin"],
        entity=w["entity"],
        year=year,
        controlling_turnover=Decimal(controlling),
        total_turnover=Decimal(total),
    )


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        (lambda w: _entity(w, control_confirmed=False), "control_confirmed", "Kontrollkriterium"),
        (lambda w: _entity(w, private_capital_free=False), "private_capital_free", "privates Kapital"),
        (lambda w: _entity(w, private_capital_free=None), "private_capital_free", "Prüfung der direkten"),
        (lambda w: InHouseTurnover.objects.filter(year=w["years"][1]).delete(), "turnover", "Umsatzzahlen für"),
        # exactly 80,00 % over the three years: "more than 80 %" is not met
        (lambda w: [_year(w, y, "8000000") for y in w["years"]], "turnover", "80,00 %"),
        (lambda w: [_year(w, y, "7900000") for y in w["years"]], "turnover", "79,00 %"),
        # 80,01 %: possible, but only with the warning acknowledged
        (lambda w: [_year(w, y, "8001000") for y in w["years"]], "warning_acknowledged", "80,01 %"),
        (lambda w: [_year(w, y, "8499000") for y in w["years"]], "warning_acknowledged", "84,99 %"),
    ],
)
def test_refusals_change_nothing(inhouse_world: dict[str, Any], change: Any, field: str, text: str) -> None:
    w = inhouse_world
    change(w)
    before = state(w)
    with pytest.raises(DomainError) as exc:
        inhouse.award_decide(actor=w["admin"], award=w["award"], today=w["today"])
    assert exc.value.field == field and text in exc.value.message.replace("\u00a0", " ")
    assert state(w) == before


def test_missing_years_are_named(inhouse_world: dict[str, Any]) -> None:
    w = inhouse_world
    InHouseTurnover.objects.filter(year__in=w["years"][:2]).delete()
    with pytest.raises(DomainError, match=f"Umsatzzahlen für {w['years'][0]}, {w['years'][1]} \\(Ist-Zahlen\\)"):
        inhouse.award_decide(actor=w["admin"], award=w["award"], today=w["today"])


@pytest.mark.parametrize(("controlling", "result"), [("8001000", "warning"), ("8500000", "ok")])
def test_the_warning_band_needs_the_acknowledgement(
    inhouse_world: dict[str, Any], controlling: str, result: str
) -> None:
    w = inhouse_world
    for year in w["years"]:
        _year(w, year, controlling)
    award = inhouse.award_decide(actor=w["admin"], award=w["award"], acknowledge_warning=True, today=w["today"])
    assert (award.status, award.assessment["activity"]["result"]) == ("awarded", result)
    assert award.warning_acknowledged == (result == "warning")


def test_projection_when_the_entity_is_new(inhouse_world: dict[str, Any]) -> None:
    w = inhouse_world
    year = w["today"].year
    InHouseTurnover.objects.filter(year=w["years"][0]).delete()
    with pytest.raises(DomainError) as exc:
        inhouse.turnover_save(
            actor=w["admin"],
            entity=w["entity"],
            year=year,
            controlling_turnover=Decimal("9"),
            total_turnover=Decimal("10"),
            is_projection=True,
        )
    assert exc.value.field == "note"
    for offset in range(3):
        inhouse.turnover_save(
            actor=w["admin"],
            entity=w["entity"],
            year=year + offset,
            controlling_turnover=Decimal("950000"),
            total_turnover=Decimal("1000000"),
            is_projection=True,
            note="Wirtschaftsplan",
        )
    award = inhouse.award_decide(actor=w["admin"], award=w["award"], today=w["today"])
    activity = award.assessment["activity"]
    assert (activity["basis"], [y["year"] for y in activity["years"]], Decimal(activity["share"])) == (
        "projection",
        [year, year + 1, year + 2],
        Decimal(95),
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"controlling_turnover": Decimal("11"), "total_turnover": Decimal("10")}, "controlling_turnover"),
        ({"controlling_turnover": Decimal("-1"), "total_turnover": Decimal("10")}, "controlling_turnover"),
        ({"controlling_turnover": Decimal("0"), "total_turnover": Decimal("0")}, "total_turnover"),
        ({"year": 1800, "controlling_turnover": Decimal("1"), "total_turnover": Decimal("10")}, "year"),
    ],
)
def test_turnover_input_is_checked(inhouse_world: dict[str, Any], kwargs: dict[str, Any], field: str) -> None:
    w = inhouse_world

    def figures() -> tuple[Any, ...]:
        return (list(InHouseTurnover.objects.values_list("year", "controlling_turnover")), AuditEntry.objects.count())

    before = figures()
    with pytest.raises(DomainError) as exc:
        inhouse.turnover_save(actor=w["admin"], entity=w["entity"], **{"year": 2020, **kwargs})
    assert exc.value.field == field
    assert figures() == before


def test_joint_control(inhouse_world: dict[str, Any]) -> None:
    w = inhouse_world
    magdeburg = make_member("Landeshauptstadt Magdeburg", admin=w["admin"], number=1)
    with pytest.raises(DomainError) as exc:
        _entity(w, control_kind="joint", controlling_members=[w["zeitz"]])
    assert exc.value.field == "controlling_members"
    _entity(w, control_kind="joint", controlling_members=[w["zeitz"], magdeburg])
    before = state(w)
    with pytest.raises(DomainError) as exc:
        inhouse.award_decide(actor=w["admin"], award=w["award"], today=w["today"])
    assert exc.value.field == "members" and "nicht beteiligt: Stadt Wernigerode" in exc.value.message
    assert state(w) == before
    _entity(w, controlling_members=[w["zeitz"], magdeburg, w["wernigerode"]])
    award = inhouse.award_decide(actor=w["admin"], award=w["award"], today=w["today"])
    assert award.assessment["control"]["controllers"] == [
        "Landeshauptstadt Magdeburg",
        "Stadt Wernigerode",
        "Stadt Zeitz",
    ]


def test_only_the_office_writes(inhouse_world: dict[str, Any]) -> None:
    w = inhouse_world
    before = state(w)
    for role in ("contract_manager", "member_admin", "requester", "supplier_user"):
        actor = w["users"][role]
        with pytest.raises(PermissionDenied):
            inhouse.award_decide(actor=actor, award=w["award"], today=w["today"])
        with pytest.raises(PermissionDenied):
            _year({**w, "admin": actor}, 2020, "1")
        with pytest.raises(PermissionDenied):
            inhouse.entity_save(actor=actor, entity=w["entity"], control_confirmed=False)
    assert state(w) == before and not InHouseTurnover.objects.filter(year=2020).exists()


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("vertrag.pdf", PDF_BYTES, None),
        ("satzung.docx", b"PK\x03\x04" + b"0" * 40, None),
        ("programm.exe", b"MZ" + b"0" * 40, "Dateityp nicht erlaubt"),
        ("falsch.pdf", b"<html>kein pdf</html>", "passt nicht zur Endung .pdf"),
        ("leer.pdf", b"", "leer"),
    ],
)
def test_documents_are_checked(inhouse_world: dict[str, Any], name: str, content: bytes, error: str | None) -> None:
    w = inhouse_world
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    if error is None:
        document = inhouse.document_add(actor=w["admin"], award=w["award"], title="", file=upload)
        assert (document.title, document.filename, document.size) == (name.rsplit(".", 1)[0], name, len(content))
        assert document.file.read() == content
        return
    with pytest.raises(DomainError, match=error) as exc:
        inhouse.document_add(actor=w["admin"], award=w["award"], title="x", file=upload)
    assert exc.value.field == "file" and not InHouseDocument.objects.exists()


def test_documents_over_20_mb_are_refused(inhouse_world: dict[str, Any]) -> None:
    w = inhouse_world
    upload = SimpleUploadedFile("gross.pdf", PDF_BYTES + b"0" * (20 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(DomainError, match="größer als 20 MB"):
        inhouse.document_add(actor=w["admin"], award=w["award"], title="x", file=upload)
    assert not InHouseDocument.objects.exists()


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_award_note_pdf(inhouse_world: dict[str, Any]) -> None:
    w = inhouse_world
    y1, y2, y3 = w["years"]
    _year(w, y1, "8800000")
    _year(w, y2, "9000000", "10500000")
    award = inhouse.award_decide(actor=w["admin"], award=w["award"], today=w["today"])
    record = inhouse.award_record(award)
    text = " ".join(pdf_text(inhouse_pdf.render(record)).split())
    # (8.8 + 9.0 + 9.0) / (10 + 10.5 + 10) million = 87.868… %
    for expected in (
        "Vergabevermerk IH-1",
        "§ 108 GWB",
        "KID Magdeburg GmbH, Alter Markt 6, 39104 Magdeburg",
        "Betrieb des kommunalen Rechenzentrums",
        "500.000,00 €",
        f"01.01.{w['today'].year} – 31.12.{w['today'].year + 3}",
        "Stadt Wernigerode",
        "Kontrolle wie über eine eigene Dienststelle",
        "Gesellschaftsvertrag § 7",
        "keine direkte private Kapitalbeteiligung",
        f"{y1} 8.800.000,00 € 10.000.000,00 € 88,00 %",
        f"{y2} 9.000.000,00 € 10.500.000,00 € 85,71 %",
        f"{y3} 9.000.000,00 € 10.000.000,00 € 90,00 %",
        "Durchschnitt 8.933.333,33 € 10.166.666,67 € 87,86 %",
        "Tätigkeitsquote: 87,86 % – Ergebnis: erfüllt (mindestens 85 %)",
        "die Voraussetzungen einer Inhouse-Vergabe nach § 108 GWB erfüllt",
        f"Datum {w['today']:%d.%m.%Y}",
        f"Bearbeitet von {w['admin'].full_name}",
        "Status vergeben",
    ):
        assert expected in text, expected
    assert "ENTWURF" not in text
    assert inhouse_pdf.filename(record) == "Vergabevermerk-IH-1.pdf"


def test_draft_note_shows_the_blocked_test(inhouse_world: dict[str, Any]) -> None:
    w = inhouse_world
    for year in w["years"]:
        _year(w, year, "8000000")
    text = " ".join(pdf_text(inhouse_pdf.render(inhouse.award_record(w["award"], user=w["admin"]))).split())
    assert "ENTWURF – noch nicht vergeben" in text
    assert "Tätigkeitsquote: 80,00 % – Ergebnis: nicht erfüllt (höchstens 80 %)" in text
    assert "Eine Inhouse-Vergabe ist ausgeschlossen." in text
    assert dt.date.today().year - 1 == w["years"][-1]
