"""The business terms of a validated XRechnung (UBL Invoice/CreditNote or CII) that the platform stores and
matches: header, seller, payment data, totals and lines. Pure: a checked lxml tree in, a dataclass out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}


@dataclass
class Line:
    line_id: str  # BT-126
    name: str  # BT-153
    seller_item_id: str  # BT-155
    order_line_ref: str  # BT-132
    quantity: Decimal  # BT-129
    unit_code: str  # BT-130
    unit_price: Decimal  # BT-146 (net, per BT-149 base quantity)
    net_amount: Decimal  # BT-131
    vat_rate: Decimal | None  # BT-152


@dataclass
class Document:
    syntax: str
    kind: str
    number: str  # BT-1
    type_code: str  # BT-3
    issue_date: dt.date | None  # BT-2
    due_date: dt.date | None  # BT-9
    currency: str  # BT-5
    buyer_reference: str  # BT-10
    order_reference: str  # BT-13
    seller_name: str  # BT-27
    seller_vat_id: str  # BT-31
    seller_email: str  # BT-34 / contact
    buyer_name: str  # BT-44
    payment_means_code: str  # BT-81
    iban: str  # BT-84
    bic: str  # BT-86
    account_name: str  # BT-85
    payment_terms: str  # BT-20
    line_total: Decimal  # BT-106
    net_total: Decimal  # BT-109
    tax_total: Decimal  # BT-110
    gross_total: Decimal  # BT-112
    payable: Decimal  # BT-115
    lines: list[Line] = field(default_factory=list)


def _text(node: Any, path: str) -> str:
    return " ".join(str(node.xpath(f"string({path})", namespaces=NS)).split())


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text) if text else Decimal("0")
    except InvalidOperation:
        return Decimal("0")


def _date(text: str) -> dt.date | None:
    text = text.strip()
    try:
        if len(text) == 8 and text.isdigit():  # CII format 102
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _ubl(root: Any, kind: str) -> Document:
    line_tag, qty_tag = (
        ("CreditNoteLine", "CreditedQuantity") if kind == "credit_note" else ("InvoiceLine", "InvoicedQuantity")
    )
    type_tag = "CreditNoteTypeCode" if kind == "credit_note" else "InvoiceTypeCode"
    seller = "cac:AccountingSupplierParty/cac:Party"
    lines = []
    for node in root.xpath(f"cac:{line_tag}", namespaces=NS):
        qty = node.xpath(f"cbc:{qty_tag}", namespaces=NS)
        base = _decimal(_text(node, "cac:Price/cbc:BaseQuantity")) or Decimal("1")
        lines.append(
            Line(
                line_id=_text(node, "cbc:ID"),
                name=_text(node, "cac:Item/cbc:Name"),
                seller_item_id=_text(node, "cac:Item/cac:SellersItemIdentification/cbc:ID"),
                order_line_ref=_text(node, "cac:OrderLineReference/cbc:LineID"),
                quantity=_decimal(qty[0].text if qty else ""),
                unit_code=qty[0].get("unitCode", "") if qty else "",
                unit_price=_decimal(_text(node, "cac:Price/cbc:PriceAmount")) / base,
                net_amount=_decimal(_text(node, "cbc:LineExtensionAmount")),
                vat_rate=_decimal(_text(node, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent")) or None,
            )
        )
    total = "cac:LegalMonetaryTotal"
    currency = _text(root, "cbc:DocumentCurrencyCode")
    return Document(
        syntax="ubl",
        kind=kind,
        number=_text(root, "cbc:ID"),
        type_code=_text(root, f"cbc:{type_tag}"),
        issue_date=_date(_text(root, "cbc:IssueDate")),
        due_date=_date(_text(root, "cbc:DueDate") or _text(root, "cac:PaymentMeans/cbc:PaymentDueDate")),
        currency=currency,
        buyer_reference=_text(root, "cbc:BuyerReference"),
        order_reference=_text(root, "cac:OrderReference/cbc:ID"),
        seller_name=_text(root, f"{seller}/cac:PartyLegalEntity/cbc:RegistrationName")
        or _text(root, f"{seller}/cac:PartyName/cbc:Name"),
        seller_vat_id=_text(root, f"{seller}/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID"),
        seller_email=_text(root, f"{seller}/cbc:EndpointID") or _text(root, f"{seller}/cac:Contact/cbc:ElectronicMail"),
        buyer_name=_text(root, "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName"),
        payment_means_code=_text(root, "cac:PaymentMeans/cbc:PaymentMeansCode"),
        iban=_text(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID"),
        bic=_text(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID"),
        account_name=_text(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:Name"),
        payment_terms=_text(root, "cac:PaymentTerms/cbc:Note"),
        line_total=_decimal(_text(root, f"{total}/cbc:LineExtensionAmount")),
        net_total=_decimal(_text(root, f"{total}/cbc:TaxExclusiveAmount")),
        tax_total=_decimal(_text(root, f"cac:TaxTotal/cbc:TaxAmount[@currencyID='{currency}']")),
        gross_total=_decimal(_text(root, f"{total}/cbc:TaxInclusiveAmount")),
        payable=_decimal(_text(root, f"{total}/cbc:PayableAmount")),
        lines=lines,
    )


def _cii(root: Any, kind: str) -> Document:
    tx = "rsm:SupplyChainTradeTransaction"
    agreement = f"{tx}/ram:ApplicableHeaderTradeAgreement"
    settlement = f"{tx}/ram:ApplicableHeaderTradeSettlement"
    sums = f"{settlement}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    means = f"{settlement}/ram:SpecifiedTradeSettlementPaymentMeans"
    seller = f"{agreement}/ram:SellerTradeParty"
    lines = []
    for node in root.xpath(f"{tx}/ram:IncludedSupplyChainTradeLineItem", namespaces=NS):
        qty = node.xpath("ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", namespaces=NS)
        price = "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice"
        base = _decimal(_text(node, f"{price}/ram:BasisQuantity")) or Decimal("1")
        lines.append(
            Line(
                line_id=_text(node, "ram:AssociatedDocumentLineDocument/ram:LineID"),
                name=_text(node, "ram:SpecifiedTradeProduct/ram:Name"),
                seller_item_id=_text(node, "ram:SpecifiedTradeProduct/ram:SellerAssignedID"),
                order_line_ref=_text(
                    node, "ram:SpecifiedLineTradeAgreement/ram:BuyerOrderReferencedDocument/ram:LineID"
                ),
                quantity=_decimal(qty[0].text if qty else ""),
                unit_code=qty[0].get("unitCode", "") if qty else "",
                unit_price=_decimal(_text(node, f"{price}/ram:ChargeAmount")) / base,
                net_amount=_decimal(
                    _text(
                        node,
                        "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation"
                        "/ram:LineTotalAmount",
                    )
                ),
                vat_rate=_decimal(
                    _text(node, "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:RateApplicablePercent")
                )
                or None,
            )
        )
    currency = _text(root, f"{settlement}/ram:InvoiceCurrencyCode")
    return Document(
        syntax="cii",
        kind=kind,
        number=_text(root, "rsm:ExchangedDocument/ram:ID"),
        type_code=_text(root, "rsm:ExchangedDocument/ram:TypeCode"),
        issue_date=_date(_text(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")),
        due_date=_date(
            _text(root, f"{settlement}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString")
        ),
        currency=currency,
        buyer_reference=_text(root, f"{agreement}/ram:BuyerReference"),
        order_reference=_text(root, f"{agreement}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
        seller_name=_text(root, f"{seller}/ram:Name"),
        seller_vat_id=_text(root, f"{seller}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"),
        seller_email=_text(root, f"{seller}/ram:URIUniversalCommunication/ram:URIID"),
        buyer_name=_text(root, f"{agreement}/ram:BuyerTradeParty/ram:Name"),
        payment_means_code=_text(root, f"{means}/ram:TypeCode"),
        iban=_text(root, f"{means}/ram:PayeePartyCreditorFinancialAccount/ram:IBANID"),
        bic=_text(root, f"{means}/ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"),
        account_name=_text(root, f"{means}/ram:PayeePartyCreditorFinancialAccount/ram:AccountName"),
        payment_terms=_text(root, f"{settlement}/ram:SpecifiedTradePaymentTerms/ram:Description"),
        line_total=_decimal(_text(root, f"{sums}/ram:LineTotalAmount")),
        net_total=_decimal(_text(root, f"{sums}/ram:TaxBasisTotalAmount")),
        tax_total=_decimal(_text(root, f"{sums}/ram:TaxTotalAmount[@currencyID='{currency}']")),
        gross_total=_decimal(_text(root, f"{sums}/ram:GrandTotalAmount")),
        payable=_decimal(_text(root, f"{sums}/ram:DuePayableAmount")),
        lines=lines,
    )


def read(root: Any, syntax: str, kind: str) -> Document:
    return _cii(root, kind) if syntax == "cii" else _ubl(root, kind)
