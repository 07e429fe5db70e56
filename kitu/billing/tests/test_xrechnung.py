"""XRechnung 3.0 output: every generated invoice and credit note, in UBL 2.1 and CII D16B, passes the schema,
the CEN EN 16931 rules, the German CIUS rules and the Leitweg-ID check (einvoice_check); the fields the
members' systems rely on are asserted exactly.

Only the validation needs ``../shared/data`` and the checking packages (it skips without them, and fails under
CI); the field and command tests run everywhere."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.checks import Error
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from lxml import etree

from kitu.billing import pdf, pricing, runs, xrechnung
from kitu.billing.checks import check_seller
from kitu.billing.models import Invoice
from kitu.members.models import CostCentre

from . import einvoice_check
from .test_documents import pdf_text

pytestmark = pytest.mark.django_db
D = dt.date
NS = {**xrechnung.UBL_NS, **xrechnung.CII_NS}


@pytest.fixture
def issued(billing_world: dict[str, Any]) -> dict[str, Any]:
    """The first quarter issued (Wernigerode at 19 %, 7 % and 0 %; Zeitz at 19 % and 0 %), and a credit note."""
    w = billing_world
    w["subs"]["ap"].cost_centre = CostCentre.objects.create(member=w["wernigerode"], code="1.1.4-IT", name="IT")
    w["subs"]["ap"].save()
    run = runs.run_create(actor=w["admin"], period="2026-Q1").run
    runs.run_review(actor=w["admin"], run=run)
    runs.run_issue(actor=w["admin"], run=run, today=D(2026, 4, 2))
    wernigerode, zeitz = Invoice.objects.get(member=w["wernigerode"]), Invoice.objects.get(member=w["zeitz"])
    note = runs.credit_note_create(actor=w["admin"], invoice=zeitz, reason="Falscher Beginn", today=D(2026, 4, 9))
    return {**w, "wernigerode_invoice": wernigerode, "zeitz_invoice": zeitz, "credit_note": note}


def texts(xml: bytes, path: str) -> list[str]:
    return [e.text or "" for e in etree.fromstring(xml).xpath(path, namespaces=NS)]


@pytest.mark.parametrize("syntax", xrechnung.SYNTAXES)
def test_every_generated_document_is_valid(issued: dict[str, Any], syntax: str) -> None:
    einvoice_check.require_tools()
    documents = [issued["wernigerode_invoice"], issued["zeitz_invoice"], issued["credit_note"]]
    for invoice in documents:
        xml = xrechnung.render(invoice, syntax)
        assert einvoice_check.problems(xml) == [], (invoice.number, syntax)


def test_ubl_invoice_fields(issued: dict[str, Any]) -> None:
    xml = xrechnung.render(issued["wernigerode_invoice"], "ubl")
    assert etree.fromstring(xml).tag == "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
    expected = {
        "cbc:CustomizationID": "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
        "cbc:ID": "2026-000001",
        "cbc:IssueDate": "2026-04-02",
        "cbc:DueDate": "2026-05-02",
        "cbc:InvoiceTypeCode": "380",
        "cbc:BuyerReference": "04011000-1234512345-06",
        "cac:ContractDocumentReference/cbc:ID": "KITU-DL-RV",
        "cac:AccountingSupplierParty/cac:Party/cbc:EndpointID": "rechnung@kitu.example",
        "cac:AccountingSupplierParty/cac:Party/cac:Contact/cbc:Telephone": "+49 391 5551230",
        "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:CityName": "Magdeburg",
        "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID": "04011000-1234512345-06",
        "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName": "Stadt Wernigerode",
        "cac:PaymentMeans/cbc:PaymentMeansCode": "58",
        "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID": "DE02120300000000202051",
        "cac:TaxTotal/cbc:TaxAmount": "1376.13",
        "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount": "8440.90",
        "cac:LegalMonetaryTotal/cbc:PayableAmount": "9817.03",
    }
    assert {path: texts(xml, f"/*/{path}") for path in expected} == {k: [v] for k, v in expected.items()}
    endpoint = etree.fromstring(xml).xpath("//cac:AccountingCustomerParty//cbc:EndpointID", namespaces=NS)[0]
    assert endpoint.get("schemeID") == "0204"
    breakdown = [
        (
            s.findtext("cac:TaxCategory/cbc:ID", namespaces=NS),
            s.findtext("cac:TaxCategory/cbc:Percent", namespaces=NS),
            s.findtext("cbc:TaxableAmount", namespaces=NS),
            s.findtext("cbc:TaxAmount", namespaces=NS),
            s.findtext("cac:TaxCategory/cbc:TaxExemptionReason", namespaces=NS),
        )
        for s in etree.fromstring(xml).xpath("//cac:TaxSubtotal", namespaces=NS)
    ]
    assert breakdown == [
        ("E", "0", "591.78", "0.00", "Nicht steuerbar: echter Mitgliedsbeitrag"),
        ("S", "7", "960.00", "67.20", None),
        ("S", "19", "6889.12", "1308.93", None),
    ]
    assert texts(xml, "//cac:InvoiceLine/cbc:LineExtensionAmount") == [
        "2000.00",
        "1237.50",
        "2980.65",
        "670.97",
        "591.78",
        "960.00",
    ]
    assert texts(xml, "//cac:InvoiceLine/cbc:AccountingCost") == ["1.1.4-IT", "1.1.4-IT"]
    assert texts(xml, "//cac:InvoiceLine[1]/cbc:Note") == ["Leistungsvertrag DLV-2024-02"]


def test_a_single_contract_is_bt12_and_the_credit_note_references_the_invoice(issued: dict[str, Any]) -> None:
    zeitz, note = issued["zeitz_invoice"], issued["credit_note"]
    assert zeitz.contract_reference == "KITU-DL-RV"  # hosting and membership fee: two contracts
    assert note.contract_reference == "KITU-DL-RV" and note.note == "Falscher Beginn"
    xml = xrechnung.render(note, "ubl")
    assert etree.fromstring(xml).tag == "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote"
    assert texts(xml, "/*/cbc:CreditNoteTypeCode") == ["381"]
    assert texts(xml, "/*/cbc:Note") == ["Falscher Beginn"]
    assert texts(xml, "/*/cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == [zeitz.number]
    assert texts(xml, "/*/cac:LegalMonetaryTotal/cbc:PayableAmount") == [f"{zeitz.gross_total:f}"]
    assert len(texts(xml, "//cac:CreditNoteLine")) == 2
    cii = xrechnung.render(note, "cii")
    assert texts(cii, "//rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    assert texts(cii, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == [zeitz.number]
    assert texts(cii, "//ram:FormattedIssueDateTime/qdt:DateTimeString") == ["20260402"]


@pytest.fixture
def fee_only(billing_world: dict[str, Any]) -> Invoice:
    """Wernigerode's January with the membership fee only: one contract, 0 % VAT only."""
    w = billing_world
    for key in ("hosting", "ap", "training", "zeitz_hosting", "zeitz_fee"):
        w["subs"][key].delete()
    run = runs.run_create(actor=w["admin"], period="2026-01").run
    runs.run_review(actor=w["admin"], run=run)
    (invoice,) = runs.run_issue(actor=w["admin"], run=run, today=D(2026, 2, 1))
    return invoice


def test_one_contract_only_is_written_as_bt12(fee_only: Invoice) -> None:
    assert fee_only.contract_reference == "Satzung § 12"
    cii = xrechnung.render(fee_only, "cii")
    assert texts(cii, "//ram:ContractReferencedDocument/ram:IssuerAssignedID") == ["Satzung § 12"]
    assert texts(cii, "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:DuePayableAmount") == ["203.84"]


@pytest.mark.parametrize("syntax", xrechnung.SYNTAXES)
def test_an_invoice_at_0_percent_only_is_valid(fee_only: Invoice, syntax: str) -> None:
    einvoice_check.require_tools()
    assert einvoice_check.problems(xrechnung.render(fee_only, syntax)) == []


def test_cii_invoice_fields(issued: dict[str, Any]) -> None:
    xml = xrechnung.render(issued["wernigerode_invoice"], "cii")
    assert texts(xml, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == [xrechnung.CUSTOMIZATION]
    assert texts(xml, "//ram:ApplicableHeaderTradeAgreement/ram:BuyerReference") == ["04011000-1234512345-06"]
    assert texts(xml, "//ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID") == ["04011000-1234512345-06"]
    assert texts(xml, "//ram:SellerTradeParty/ram:DefinedTradeContact/ram:PersonName") == [
        "Geschäftsstelle, Rechnungswesen"
    ]
    assert texts(xml, "//ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == ["DE02120300000000202051"]
    assert texts(xml, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CalculatedAmount") == [
        "0.00",
        "67.20",
        "1308.93",
    ]
    assert texts(xml, "//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString") == ["20260502"]
    assert texts(xml, "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:GrandTotalAmount") == ["9817.03"]


def test_the_checker_catches_broken_invoices(issued: dict[str, Any]) -> None:
    """The gate is not a rubber stamp: a missing buyer reference, a wrong VAT sum and a Leitweg-ID with
    wrong check digits are reported."""
    einvoice_check.require_tools()
    xml = xrechnung.render(issued["wernigerode_invoice"], "ubl")
    without_bt10 = xml.replace(b"<cbc:BuyerReference>04011000-1234512345-06</cbc:BuyerReference>", b"")
    assert any(p.startswith("BR-DE-15") for p in einvoice_check.problems(without_bt10))
    wrong_vat = xml.replace(
        b'<cbc:TaxAmount currencyID="EUR">1376.13</cbc:TaxAmount>',
        b'<cbc:TaxAmount currencyID="EUR">1376.14</cbc:TaxAmount>',
        1,
    )
    assert any(p.startswith("BR-CO-14") for p in einvoice_check.problems(wrong_vat))
    wrong_leitweg = xml.replace(b"04011000-1234512345-06", b"04011000-12345-34")
    assert einvoice_check.problems(wrong_leitweg) == [
        "BT-10 '04011000-12345-34': not a Leitweg-ID with valid check digits"
    ]
    cii = xrechnung.render(issued["wernigerode_invoice"], "cii")
    broken = cii.replace(
        b"<ram:CalculatedAmount>67.20</ram:CalculatedAmount>", b"<ram:CalculatedAmount>67.21</ram:CalculatedAmount>"
    )
    assert any(p.startswith("BR-CO-14") for p in einvoice_check.problems(broken))
    misordered = cii.replace(b"<ram:ApplicableHeaderTradeDelivery/>", b"")
    assert any(
        p.startswith("XSD") and "ApplicableHeaderTradeSettlement': This element is not expected" in p
        for p in einvoice_check.problems(misordered)
    )


def test_drafts_have_no_xrechnung(billing_world: dict[str, Any]) -> None:
    runs.run_create(actor=billing_world["admin"], period="2026-01")
    draft = Invoice.objects.filter(member=billing_world["wernigerode"]).get()
    with pytest.raises(xrechnung.NotIssued):
        xrechnung.render(draft, "ubl")
    with pytest.raises(ValueError, match="syntax 'pdf': expected ubl or cii"):
        xrechnung.render(draft, "pdf")


def test_export_invoice_command_prints_the_xml(issued: dict[str, Any]) -> None:
    out = io.StringIO()
    call_command("export_invoice", "2026-000001", "--syntax", "cii", stdout=out)
    assert out.getvalue().encode() == xrechnung.render(issued["wernigerode_invoice"], "cii")
    out = io.StringIO()
    call_command("export_invoice", "2026-000003", stdout=out)  # UBL by default: the credit note
    assert "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>" in out.getvalue()
    with pytest.raises(CommandError, match="Rechnung 2026-999999 gibt es nicht"):
        call_command("export_invoice", "2026-999999")


def test_the_sellers_bank_account_and_vat_id_are_checked() -> None:
    from django.conf import settings

    assert check_seller() == []
    broken = {**settings.KITU_SELLER, "iban": "DE02120300000000202052", "vat_id": "DE123", "bic": "XX"}
    with override_settings(KITU_SELLER=broken):
        assert [(e.id, e.msg) for e in check_seller()] == [
            ("billing.E001", "KITU_SELLER iban 'DE02120300000000202052' is not a valid IBAN"),
            ("billing.E002", "KITU_SELLER bic 'XX' is not a valid BIC"),
            ("billing.E003", "KITU_SELLER vat_id 'DE123' is not a valid VAT ID"),
        ]
        assert all(isinstance(e, Error) for e in check_seller())


def test_amount_formats() -> None:
    assert pricing.plain(Decimal("40.0000")) == "40"
    assert pricing.plain(Decimal("22.500000")) == "22.5"
    assert pricing.plain(Decimal("0.00")) == "0"
    assert xrechnung._amount(Decimal("1237.5")) == "1237.50"


def test_every_document_the_tests_generate_goes_through_the_check(
    issued: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """conftest wraps the generators, so pages, downloads, mails and commands are checked too."""
    einvoice_check.require_tools()
    assert xrechnung.to_ubl.__name__ == xrechnung.to_cii.__name__ == "checked"
    monkeypatch.setattr(einvoice_check, "problems", lambda xml: ["BR-XX: broken"])
    for syntax in xrechnung.SYNTAXES:
        with pytest.raises(AssertionError, match="2026-000001"):
            xrechnung.render(issued["wernigerode_invoice"], syntax)


def guard_outcome() -> tuple[str, str]:
    """What einvoice_check.require_tools() does here: ("run", ""), ("skip", reason) or ("fail", reason)."""
    try:
        einvoice_check.require_tools()
    except pytest.skip.Exception as exc:
        return "skip", str(exc)
    except pytest.fail.Exception as exc:
        return "fail", str(exc)
    return "run", ""


def test_validation_skips_without_the_tools_but_fails_under_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    monkeypatch.setattr(einvoice_check, "DATA", missing)
    reason = f"../shared/data not found at {missing}: the XSDs for the e-invoice check are missing"
    monkeypatch.delenv("CI", raising=False)
    assert guard_outcome() == ("skip", reason)
    monkeypatch.setenv("CI", "false")
    assert guard_outcome() == ("skip", reason)
    monkeypatch.setenv("CI", "true")
    assert guard_outcome() == ("fail", f"{reason} (CI=true: the e-invoice validation must run, not skip)")
    monkeypatch.setattr(einvoice_check, "DATA", tmp_path)  # the data is there, a checking package is not
    monkeypatch.setattr(einvoice_check, "TOOLS", ("lxml", "kitu_no_such_checker"))
    assert guard_outcome() == (
        "fail",
        "kitu_no_such_checker not installed (requirements-dev.txt): no e-invoice rule check "
        "(CI=true: the e-invoice validation must run, not skip)",
    )
    assert not einvoice_check.available()
    monkeypatch.setattr(einvoice_check, "TOOLS", ("lxml",))
    assert guard_outcome() == ("run", "")
    assert einvoice_check.available()


FIELD_AND_COMMAND_TESTS = (
    test_ubl_invoice_fields,
    test_a_single_contract_is_bt12_and_the_credit_note_references_the_invoice,
    test_cii_invoice_fields,
    test_export_invoice_command_prints_the_xml,
)


def test_field_and_command_tests_run_without_the_validation_tools(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With ../shared/data gone and CI=true, a require_tools() in the fixture or in one of these tests would
    fail this test; they run through instead (the generators' check steps aside)."""
    monkeypatch.setattr(einvoice_check, "DATA", tmp_path / "missing")
    monkeypatch.setenv("CI", "true")
    assert not einvoice_check.available()
    issued = request.getfixturevalue("issued")
    for test in FIELD_AND_COMMAND_TESTS:
        test(issued)


@pytest.mark.parametrize("kind", ["ubl", "cii", "pdf"])
def test_each_document_reads_its_lines_in_one_query(issued: dict[str, Any], kind: str) -> None:
    """Service, subscription and cost centre come with the lines (fields left in the database by
    ``document_lines`` would cost a query per line when read)."""
    pk = issued["wernigerode_invoice"].pk
    invoice = Invoice.objects.select_related("member__organisation", "corrects").get(pk=pk)
    assert any(line.subscription and line.subscription.cost_centre for line in invoice.lines.all())
    render = {"ubl": xrechnung.to_ubl, "cii": xrechnung.to_cii, "pdf": pdf.render}[kind]
    with CaptureQueriesContext(connection) as queries:
        document = render(invoice)
    assert len(queries.captured_queries) == 1, [q["sql"] for q in queries.captured_queries]
    text = pdf_text(document) if kind == "pdf" else document.decode()
    assert "1.1.4-IT" in text  # the cost centre (BT-133), read through the subscription


ODD = "A & B <C> \"D\" 'E'\r\nF\tG ä € \U0001d11e"


@pytest.mark.parametrize("syntax", xrechnung.SYNTAXES)
def test_the_text_builder_writes_byte_for_byte_what_lxml_writes(
    issued: dict[str, Any], syntax: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Invoices and the credit note as they are, and with odd texts in elements and attributes (escaping,
    CR/LF/TAB, characters beyond the BMP) and an empty one (``<cbc:ID></cbc:ID>``, not ``<cbc:ID/>``)."""
    monkeypatch.setattr(einvoice_check, "available", lambda: False)  # the odd texts make no valid invoice
    render = {"ubl": xrechnung.to_ubl, "cii": xrechnung.to_cii}[syntax]
    cases = []
    for name in ("wernigerode_invoice", "zeitz_invoice", "credit_note"):
        invoice = Invoice.objects.select_related("member__organisation", "corrects").get(pk=issued[name].pk)
        cases.append((invoice, xrechnung.document_lines(invoice)))
    odd, odd_lines = cases[0]
    odd.member.organisation.name, odd.note, odd.contract_reference = ODD, ODD, ""
    odd_lines[0].description, odd_lines[0].unit_code = ODD, ODD
    written = {}
    for builder in (xrechnung.TextBuilder(), xrechnung.LxmlBuilder()):
        monkeypatch.setattr(xrechnung, "BUILDER", builder)
        written[type(builder).__name__] = [render(invoice, lines) for invoice, lines in cases]
    assert written["TextBuilder"] == written["LxmlBuilder"]
    text = written["TextBuilder"][0].decode()
    assert "A &amp; B &lt;C&gt; \"D\" 'E'&#13;\nF\tG ä € \U0001d11e" in text
    if syntax == "ubl":
        assert "<cbc:ID></cbc:ID>" in text
        assert "unitCode=\"A &amp; B &lt;C&gt; &quot;D&quot; 'E'&#13;&#10;F&#9;G ä € \U0001d11e\"" in text
    odd.note = "Steuerzeichen \x07"
    for builder in (xrechnung.TextBuilder(), xrechnung.LxmlBuilder()):
        monkeypatch.setattr(xrechnung, "BUILDER", builder)
        with pytest.raises(ValueError, match="XML compatible"):
            render(odd, odd_lines)
