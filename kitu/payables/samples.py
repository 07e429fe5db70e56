"""XRechnung documents built from the official XRechnung test-suite samples (01.01a, UBL and CII; Apache-2.0,
vendored in ``samples/`` with their licence): seller, buyer, payment data and structure stay the sample's;
the invoice number, dates, buyer reference (BT-10), order reference (BT-13) and the lines with their totals
are set. Used by the demo data, the tests (with the samples from ../shared/data as ``template``) and
bench/payables.py."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent / "samples"
UBL_SAMPLE = HERE / "01.01a-INVOICE_ubl.xml"
CII_SAMPLE = HERE / "01.01a-INVOICE_uncefact.xml"
NS = {
    "ubl": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
CENT = Decimal("0.01")
VAT = Decimal("19")


@dataclass
class Item:
    pid: str
    name: str
    quantity: Decimal | int
    price: Decimal | str
    position: int | None = None  # the order line reference (BT-132)


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _amounts(items: list[Item]) -> tuple[list[Decimal], Decimal, Decimal, Decimal]:
    nets = [_q(Decimal(i.quantity) * Decimal(i.price)) for i in items]
    net = sum(nets, Decimal("0"))
    tax = _q(net * VAT / 100)
    return nets, net, tax, net + tax


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    prefix, local = tag.split(":")
    element = etree.SubElement(parent, f"{{{NS[prefix]}}}{local}", **attrs)
    if text is not None:
        element.text = text
    return element


def _el(tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    prefix, local = tag.split(":")
    element = etree.Element(f"{{{NS[prefix]}}}{local}", **attrs)
    if text is not None:
        element.text = text
    return element


def ubl(
    *,
    number: str,
    buyer_reference: str,
    order_number: str | None,
    items: list[Item],
    credit_note: bool = False,
    issue_date: str = "2026-11-30",
    template: Path | None = None,
    seller_name: str | None = None,
) -> bytes:
    root = etree.parse(str(template or UBL_SAMPLE)).getroot()
    if seller_name:
        party = root.find("cac:AccountingSupplierParty/cac:Party", NS)
        party.find("cac:PartyName/cbc:Name", NS).text = seller_name
        party.find("cac:PartyLegalEntity/cbc:RegistrationName", NS).text = seller_name
    root.find("cbc:ID", NS).text = number
    root.find("cbc:IssueDate", NS).text = issue_date
    buyer = root.find("cbc:BuyerReference", NS)
    buyer.text = buyer_reference
    if order_number is not None:
        ref = _el("cac:OrderReference")
        _sub(ref, "cbc:ID", order_number)
        buyer.addnext(ref)
    line_template = root.findall("cac:InvoiceLine", NS)[1]
    for old in root.findall("cac:InvoiceLine", NS):
        root.remove(old)
    nets, net, tax, gross = _amounts(items)
    for n, (item, line_net) in enumerate(zip(items, nets, strict=True), start=1):
        line = copy.deepcopy(line_template)
        line.find("cbc:ID", NS).text = str(n)
        qty = line.find("cbc:InvoicedQuantity", NS)
        qty.text, qty.attrib["unitCode"] = str(item.quantity), "H87"
        amount = line.find("cbc:LineExtensionAmount", NS)
        amount.text = str(line_net)
        if item.position is not None:
            ref = _el("cac:OrderLineReference")
            _sub(ref, "cbc:LineID", str(item.position))
            amount.addnext(ref)
        name = line.find("cac:Item/cbc:Name", NS)
        name.text = item.name
        seller_id = _el("cac:SellersItemIdentification")
        _sub(seller_id, "cbc:ID", item.pid)
        name.addnext(seller_id)
        line.find("cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", NS).text = str(VAT)
        line.find("cac:Price/cbc:PriceAmount", NS).text = str(Decimal(item.price))
        root.append(line)
    tax_total = root.find("cac:TaxTotal", NS)
    tax_total.find("cbc:TaxAmount", NS).text = str(tax)
    tax_total.find("cac:TaxSubtotal/cbc:TaxableAmount", NS).text = str(net)
    tax_total.find("cac:TaxSubtotal/cbc:TaxAmount", NS).text = str(tax)
    tax_total.find("cac:TaxSubtotal/cac:TaxCategory/cbc:Percent", NS).text = str(VAT)
    totals = root.find("cac:LegalMonetaryTotal", NS)
    for tag, value in (
        ("LineExtensionAmount", net),
        ("TaxExclusiveAmount", net),
        ("TaxInclusiveAmount", gross),
        ("PayableAmount", gross),
    ):
        totals.find(f"cbc:{tag}", NS).text = str(value)
    text = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    if credit_note:
        text = (
            text.replace(b"xsd:Invoice-2", b"xsd:CreditNote-2")
            .replace(b"ubl:Invoice", b"ubl:CreditNote")
            .replace(
                b"<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>",
                b"<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>",
            )
            .replace(b"cac:InvoiceLine", b"cac:CreditNoteLine")
            .replace(b"cbc:InvoicedQuantity", b"cbc:CreditedQuantity")
        )
    return text


def cii(
    *,
    number: str,
    buyer_reference: str,
    order_number: str | None,
    items: list[Item],
    credit_note: bool = False,
    issue_date: str = "20261130",
    template: Path | None = None,
    seller_name: str | None = None,
) -> bytes:
    root = etree.parse(str(template or CII_SAMPLE)).getroot()
    if seller_name:
        seller = ".//ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty"
        root.find(f"{seller}/ram:Name", NS).text = seller_name
        root.find(f"{seller}/ram:SpecifiedLegalOrganization/ram:TradingBusinessName", NS).text = seller_name
    doc = root.find("rsm:ExchangedDocument", NS)
    doc.find("ram:ID", NS).text = number
    doc.find("ram:TypeCode", NS).text = "381" if credit_note else "380"
    doc.find("ram:IssueDateTime/udt:DateTimeString", NS).text = issue_date
    tx = root.find("rsm:SupplyChainTradeTransaction", NS)
    agreement = tx.find("ram:ApplicableHeaderTradeAgreement", NS)
    agreement.find("ram:BuyerReference", NS).text = buyer_reference
    if order_number is not None:
        ref = _sub(agreement, "ram:BuyerOrderReferencedDocument")
        _sub(ref, "ram:IssuerAssignedID", order_number)
    old_lines = tx.findall("ram:IncludedSupplyChainTradeLineItem", NS)
    line_template = old_lines[1]
    for old in old_lines:
        tx.remove(old)
    nets, net, tax, gross = _amounts(items)
    for n, (item, line_net) in enumerate(zip(items, nets, strict=True), start=1):
        line = copy.deepcopy(line_template)
        line.find("ram:AssociatedDocumentLineDocument/ram:LineID", NS).text = str(n)
        name = line.find("ram:SpecifiedTradeProduct/ram:Name", NS)
        name.text = item.name
        name.addprevious(_el("ram:SellerAssignedID", item.pid))
        trade = line.find("ram:SpecifiedLineTradeAgreement", NS)
        if item.position is not None:
            ref = _el("ram:BuyerOrderReferencedDocument")
            _sub(ref, "ram:LineID", str(item.position))
            trade.insert(0, ref)
        trade.find("ram:NetPriceProductTradePrice/ram:ChargeAmount", NS).text = str(Decimal(item.price))
        qty = line.find("ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", NS)
        qty.text, qty.attrib["unitCode"] = str(item.quantity), "H87"
        settlement = line.find("ram:SpecifiedLineTradeSettlement", NS)
        settlement.find("ram:ApplicableTradeTax/ram:RateApplicablePercent", NS).text = str(VAT)
        settlement.find("ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount", NS).text = str(
            line_net
        )
        agreement.addprevious(line)
    settlement = tx.find("ram:ApplicableHeaderTradeSettlement", NS)
    tax_el = settlement.find("ram:ApplicableTradeTax", NS)
    tax_el.find("ram:CalculatedAmount", NS).text = str(tax)
    tax_el.find("ram:BasisAmount", NS).text = str(net)
    tax_el.find("ram:RateApplicablePercent", NS).text = str(VAT)
    sums = settlement.find("ram:SpecifiedTradeSettlementHeaderMonetarySummation", NS)
    for tag, value in (
        ("LineTotalAmount", net),
        ("TaxBasisTotalAmount", net),
        ("TaxTotalAmount", tax),
        ("GrandTotalAmount", gross),
        ("DuePayableAmount", gross),
    ):
        sums.find(f"ram:{tag}", NS).text = str(value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
