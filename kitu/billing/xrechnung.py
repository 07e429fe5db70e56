"""XRechnung 3.0 (EN 16931 with the German CIUS) for issued invoices and credit notes, in both syntaxes:
UBL 2.1 (``Invoice`` / ``CreditNote``) and UN/CEFACT CII D16B. The business terms (BT-…) are named where
they are written; docs/billing.md lists which rules the tests check the output against."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F
from lxml import etree

from kitu.core.prepared import Prepared

from .models import Invoice, InvoiceKind, InvoiceLine
from .pricing import plain, totals

CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"  # BT-24
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"  # BT-23
SEPA_CREDIT_TRANSFER = "58"  # BT-81
LEITWEG_SCHEME = "0204"  # BT-49 scheme: the buyer's Leitweg-ID
UBL_NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CII_NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
SYNTAXES = ("ubl", "cii")


class NotIssued(ValueError):
    """Only issued invoices (with number and date) become XRechnung documents."""


def _amount(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')):f}"


def _category(rate: Decimal) -> str:
    return "S" if rate > 0 else "E"  # standard rate, or exempt (the membership fee; reason BT-120)


class TextBuilder:
    """Writes the document as text: the bytes lxml's ``tostring(…, xml_declaration=True, encoding="UTF-8",
    pretty_print=True)`` gives for the same tree (two spaces a level, ``<a/>`` for an element without text
    or children, lxml's escaping), without lxml's elements (~850 a document: most of the document's time).
    ``add(parent, "cbc:ID", text, **attributes)`` adds a child by its prefixed name; the prefixes are those
    declared on the root. :class:`LxmlBuilder` builds the same document with lxml (the tests compare them)."""

    def root(self, tag: str, nsmap: dict[str | None, str]) -> list[Any]:
        """The root element ``{namespace}name`` declaring ``nsmap`` (its tags as lxml writes them)."""
        start, end = _root_tags(tag, tuple(nsmap.items()))
        return [end, start, None, []]

    def add(self, parent: list[Any], tag: str, text: object = None, **attributes: str) -> list[Any]:
        start = "<" + tag
        if attributes:
            start += "".join(f' {name}="{_escaped(value, _ATTRIBUTE)}"' for name, value in attributes.items())
        node: list[Any] = [tag, start, None if text is None else _escaped(str(text), _TEXT), []]
        parent[3].append(node)
        return node

    def tostring(self, root: list[Any]) -> bytes:
        out = [_DECLARATION, root[1], ">\n"]

        def write(children: list[Any], indent: str) -> None:
            for tag, start, text, inner in children:
                if inner:
                    if text is not None:
                        raise ValueError(f"{tag}: text and children (lxml would not indent it)")
                    out.append(f"{indent}{start}>\n")
                    write(inner, indent + "  ")
                    out.append(f"{indent}</{tag}>\n")
                elif text is None:
                    out.append(f"{indent}{start}/>\n")
                else:
                    out.append(f"{indent}{start}>{text}</{tag}>\n")

        write(root[3], "  ")
        out.append(f"</{root[0]}>\n")
        return "".join(out).encode()


class LxmlBuilder:
    """The same documents built with lxml's elements (the reference :class:`TextBuilder` is tested against)."""

    def __init__(self) -> None:
        self.nsmap: dict[str | None, str] = {}

    def root(self, tag: str, nsmap: dict[str | None, str]) -> etree._Element:
        self.nsmap = nsmap
        return etree.Element(tag, nsmap=nsmap)

    def add(self, parent: etree._Element, tag: str, text: object = None, **attributes: str) -> etree._Element:
        prefix, local = tag.split(":")
        element = etree.SubElement(parent, f"{{{self.nsmap[prefix]}}}{local}", attributes)
        if text is not None:
            element.text = str(text)
        return element

    def tostring(self, root: etree._Element) -> bytes:
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


_DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>\n"
# lxml's escaping: of text &, <, > and CR; of attribute values also the quote, LF and TAB. Characters XML
# cannot hold (control characters, lone surrogates, U+FFFE/U+FFFF) are refused, as lxml refuses them.
_TEXT = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
_ATTRIBUTE = {**_TEXT, '"': "&quot;", "\n": "&#10;", "\t": "&#9;"}
_INVALID = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_SPECIAL = re.compile(f'[&<>"\r\n\t{_INVALID}]')
_REFUSED = re.compile(f"[{_INVALID}]")


def _escaped(value: str, table: dict[str, str]) -> str:
    if _SPECIAL.search(value) is None:
        return value
    if _REFUSED.search(value):
        raise ValueError(f"All strings must be XML compatible: {value!r}")
    return "".join(table.get(char, char) for char in value)


@functools.lru_cache(maxsize=8)
def _root_tags(tag: str, nsmap: tuple[tuple[str | None, str], ...]) -> tuple[str, str]:
    """The root's start tag without its ">", and its name, as lxml writes them (the declarations included)."""
    root = etree.Element(tag, nsmap=dict(nsmap))
    etree.SubElement(root, tag)
    text = etree.tostring(root, encoding="unicode", pretty_print=True).splitlines()
    return text[0][:-1], text[-1][2:-1]


# TextBuilder; LxmlBuilder writes the same bytes with lxml's elements (the tests compare both)
BUILDER: TextBuilder | LxmlBuilder = TextBuilder()


# What the renditions read of a line's service and cost centre, as values on the line (InvoiceLine declares them):
# one model instance a line instead of three (the cost centre's code is None without one).
_RELATED = {
    "service_code": F("service__code"),
    "service_name": F("service__name"),
    "cost_centre_code": F("subscription__cost_centre__code"),
}


_LINES: Prepared[InvoiceLine] = Prepared(  # compiled once (kitu.core.prepared)
    lambda invoice_id: (
        InvoiceLine.objects.filter(invoice_id=invoice_id)
        .only(*(f.name for f in InvoiceLine._meta.concrete_fields))
        .annotate(**_RELATED)
        .order_by("position")
    )
)


def document_lines(invoice: Invoice) -> list[InvoiceLine]:
    """The lines of an issued invoice as every rendition needs them (with their service's code and name and
    their cost centre's code), in one query: the mail loads them once for the XRechnung and the PDF."""
    if not invoice.number or not invoice.issue_date:
        raise NotIssued(f"invoice {invoice.pk} is a draft: only issued invoices have an XRechnung")
    return _LINES(invoice.pk)


def _load(invoice: Invoice, lines: list[InvoiceLine] | None) -> tuple[Invoice, list[InvoiceLine]]:
    if not invoice.number or not invoice.issue_date:
        raise NotIssued(f"invoice {invoice.pk} is a draft: only issued invoices have an XRechnung")
    return invoice, document_lines(invoice) if lines is None else lines


def _line_note(invoice: Invoice, line: InvoiceLine) -> str:
    return f"Leistungsvertrag {line.contract_reference}"  # BT-127, the contract of this service


def _cost_centre(line: InvoiceLine) -> str:
    return line.cost_centre_code or ""


# --- UBL 2.1 ---------------------------------------------------------------------------------------------


def _ubl_party_address(add: Callable[..., Any], party: Any, street: str, city: str, postcode: str) -> None:
    address = add(party, "cac:PostalAddress")
    add(address, "cbc:StreetName", street)
    add(address, "cbc:CityName", city)
    add(address, "cbc:PostalZone", postcode)
    add(add(address, "cac:Country"), "cbc:IdentificationCode", "DE")


def _ubl_tax_category(add: Callable[..., Any], parent: Any, tag: str, rate: Decimal, reason: bool) -> None:
    category = add(parent, tag)
    add(category, "cbc:ID", _category(rate))
    add(category, "cbc:Percent", plain(rate))
    if reason and rate == 0:
        add(category, "cbc:TaxExemptionReason", settings.KITU_SELLER["vat_exemption_reason"])  # BT-120
    add(add(category, "cac:TaxScheme"), "cbc:ID", "VAT")


def to_ubl(invoice: Invoice, lines: list[InvoiceLine] | None = None) -> bytes:
    """The UBL 2.1 document; ``lines`` as :func:`document_lines` gives them (loaded here when None)."""
    invoice, lines = _load(invoice, lines)
    seller, member = settings.KITU_SELLER, invoice.member
    credit = invoice.kind == InvoiceKind.CREDIT_NOTE
    root_name = "CreditNote" if credit else "Invoice"
    document_ns = f"urn:oasis:names:specification:ubl:schema:xsd:{root_name}-2"
    nsmap: dict[str | None, str] = {None: document_ns}
    nsmap.update(UBL_NS)
    xml = BUILDER
    root = xml.root(f"{{{document_ns}}}{root_name}", nsmap)
    add = xml.add
    add(root, "cbc:CustomizationID", CUSTOMIZATION)
    add(root, "cbc:ProfileID", PROFILE)
    add(root, "cbc:ID", invoice.number)  # BT-1
    add(root, "cbc:IssueDate", invoice.issue_date.isoformat())  # type: ignore[union-attr]  # BT-2
    if not credit and invoice.due_date:
        add(root, "cbc:DueDate", invoice.due_date.isoformat())  # BT-9
    add(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode", "381" if credit else "380")  # BT-3
    if invoice.note:
        add(root, "cbc:Note", invoice.note)  # BT-22
    add(root, "cbc:DocumentCurrencyCode", "EUR")  # BT-5
    add(root, "cbc:BuyerReference", invoice.leitweg_id)  # BT-10
    period = add(root, "cac:InvoicePeriod")  # BT-73, BT-74
    add(period, "cbc:StartDate", invoice.period_start.isoformat())
    add(period, "cbc:EndDate", invoice.period_end.isoformat())
    if invoice.corrects_id:
        corrected = invoice.corrects
        reference = add(add(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")  # BT-25, BT-26
        add(reference, "cbc:ID", corrected.number)  # type: ignore[union-attr]
        add(reference, "cbc:IssueDate", corrected.issue_date.isoformat())  # type: ignore[union-attr]
    add(add(root, "cac:ContractDocumentReference"), "cbc:ID", invoice.contract_reference)  # BT-12

    party = add(add(root, "cac:AccountingSupplierParty"), "cac:Party")
    add(party, "cbc:EndpointID", seller["contact_email"], schemeID="EM")  # BT-34
    add(add(party, "cac:PartyName"), "cbc:Name", seller["name"])
    _ubl_party_address(add, party, seller["street"], seller["city"], seller["postcode"])  # BG-5
    tax_scheme = add(party, "cac:PartyTaxScheme")
    add(tax_scheme, "cbc:CompanyID", seller["vat_id"])  # BT-31
    add(add(tax_scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    legal = add(party, "cac:PartyLegalEntity")
    add(legal, "cbc:RegistrationName", seller["name"])  # BT-27
    add(legal, "cbc:CompanyLegalForm", seller["register"])  # BT-33
    contact = add(party, "cac:Contact")  # BG-6, BR-DE-2
    add(contact, "cbc:Name", seller["contact_name"])
    add(contact, "cbc:Telephone", seller["contact_phone"])
    add(contact, "cbc:ElectronicMail", seller["contact_email"])

    party = add(add(root, "cac:AccountingCustomerParty"), "cac:Party")
    add(party, "cbc:EndpointID", invoice.leitweg_id, schemeID=LEITWEG_SCHEME)  # BT-49
    _ubl_party_address(add, party, member.street, member.city, member.postcode)  # BG-8
    add(add(party, "cac:PartyLegalEntity"), "cbc:RegistrationName", member.name)  # BT-44

    means = add(root, "cac:PaymentMeans")  # BG-16, BR-DE-1
    add(means, "cbc:PaymentMeansCode", SEPA_CREDIT_TRANSFER)
    add(means, "cbc:PaymentID", invoice.number)  # BT-83
    account = add(means, "cac:PayeeFinancialAccount")
    add(account, "cbc:ID", seller["iban"])  # BT-84
    add(account, "cbc:Name", seller["name"])  # BT-85
    add(add(account, "cac:FinancialInstitutionBranch"), "cbc:ID", seller["bic"])  # BT-86
    add(add(root, "cac:PaymentTerms"), "cbc:Note", payment_terms(invoice))  # BT-20

    net, vat, breakdown = totals(lines)
    tax_total = add(root, "cac:TaxTotal")
    add(tax_total, "cbc:TaxAmount", _amount(vat), currencyID="EUR")  # BT-110
    for rate, (taxable, tax) in breakdown.items():  # BG-23
        subtotal = add(tax_total, "cac:TaxSubtotal")
        add(subtotal, "cbc:TaxableAmount", _amount(taxable), currencyID="EUR")
        add(subtotal, "cbc:TaxAmount", _amount(tax), currencyID="EUR")
        _ubl_tax_category(add, subtotal, "cac:TaxCategory", rate, reason=True)
    monetary = add(root, "cac:LegalMonetaryTotal")  # BG-22
    for tag, value in (
        ("LineExtensionAmount", net),
        ("TaxExclusiveAmount", net),
        ("TaxInclusiveAmount", net + vat),
        ("PayableAmount", net + vat),
    ):
        add(monetary, f"cbc:{tag}", _amount(value), currencyID="EUR")

    for line in lines:  # BG-25
        element = add(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
        add(element, "cbc:ID", line.position)
        add(element, "cbc:Note", _line_note(invoice, line))
        add(
            element,
            "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity",
            plain(line.quantity),
            unitCode=line.unit_code,
        )
        add(element, "cbc:LineExtensionAmount", _amount(line.net_amount), currencyID="EUR")
        if cost_centre := _cost_centre(line):
            add(element, "cbc:AccountingCost", cost_centre)  # BT-133
        period = add(element, "cac:InvoicePeriod")
        add(period, "cbc:StartDate", line.period_start.isoformat())
        add(period, "cbc:EndDate", line.period_end.isoformat())
        item = add(element, "cac:Item")
        add(item, "cbc:Description", line.description)  # BT-154
        add(item, "cbc:Name", line.service_name)  # BT-153
        add(add(item, "cac:SellersItemIdentification"), "cbc:ID", line.service_code)  # BT-155
        _ubl_tax_category(add, item, "cac:ClassifiedTaxCategory", line.vat_rate, reason=False)
        add(add(element, "cac:Price"), "cbc:PriceAmount", plain(line.unit_price), currencyID="EUR")  # BT-146
    return xml.tostring(root)


# --- UN/CEFACT CII D16B ----------------------------------------------------------------------------------


def _cii_date(add: Callable[..., Any], parent: Any, tag: str, day: Any, qualified: bool = False) -> None:
    add(add(parent, tag), "qdt:DateTimeString" if qualified else "udt:DateTimeString", f"{day:%Y%m%d}", format="102")


def _cii_period(add: Callable[..., Any], parent: Any, start: Any, end: Any) -> None:
    period = add(parent, "ram:BillingSpecifiedPeriod")
    _cii_date(add, period, "ram:StartDateTime", start)
    _cii_date(add, period, "ram:EndDateTime", end)


def _cii_address(add: Callable[..., Any], party: Any, street: str, city: str, postcode: str) -> None:
    address = add(party, "ram:PostalTradeAddress")
    add(address, "ram:PostcodeCode", postcode)
    add(address, "ram:LineOne", street)
    add(address, "ram:CityName", city)
    add(address, "ram:CountryID", "DE")


def _cii_tax(add: Callable[..., Any], parent: Any, rate: Decimal, amounts: tuple[Decimal, Decimal] | None) -> None:
    tax = add(parent, "ram:ApplicableTradeTax")
    if amounts:
        add(tax, "ram:CalculatedAmount", _amount(amounts[1]))
    add(tax, "ram:TypeCode", "VAT")
    if amounts and rate == 0:
        add(tax, "ram:ExemptionReason", settings.KITU_SELLER["vat_exemption_reason"])  # BT-120
    if amounts:
        add(tax, "ram:BasisAmount", _amount(amounts[0]))
    add(tax, "ram:CategoryCode", _category(rate))
    add(tax, "ram:RateApplicablePercent", plain(rate))


def to_cii(invoice: Invoice, lines: list[InvoiceLine] | None = None) -> bytes:
    """The CII D16B document; ``lines`` as :func:`document_lines` gives them (loaded here when None)."""
    invoice, lines = _load(invoice, lines)
    seller, member = settings.KITU_SELLER, invoice.member
    xml = BUILDER
    nsmap: dict[str | None, str] = {}
    nsmap.update(CII_NS)
    root = xml.root(f"{{{CII_NS['rsm']}}}CrossIndustryInvoice", nsmap)
    add = xml.add
    context = add(root, "rsm:ExchangedDocumentContext")
    add(add(context, "ram:BusinessProcessSpecifiedDocumentContextParameter"), "ram:ID", PROFILE)
    add(add(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", CUSTOMIZATION)
    document = add(root, "rsm:ExchangedDocument")
    add(document, "ram:ID", invoice.number)
    add(document, "ram:TypeCode", "381" if invoice.kind == InvoiceKind.CREDIT_NOTE else "380")
    _cii_date(add, document, "ram:IssueDateTime", invoice.issue_date)
    if invoice.note:
        add(add(document, "ram:IncludedNote"), "ram:Content", invoice.note)

    transaction = add(root, "rsm:SupplyChainTradeTransaction")
    for line in lines:
        item = add(transaction, "ram:IncludedSupplyChainTradeLineItem")
        line_document = add(item, "ram:AssociatedDocumentLineDocument")
        add(line_document, "ram:LineID", line.position)
        add(add(line_document, "ram:IncludedNote"), "ram:Content", _line_note(invoice, line))
        product = add(item, "ram:SpecifiedTradeProduct")
        add(product, "ram:SellerAssignedID", line.service_code)
        add(product, "ram:Name", line.service_name)
        add(product, "ram:Description", line.description)
        agreement = add(item, "ram:SpecifiedLineTradeAgreement")
        add(add(agreement, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount", plain(line.unit_price))
        delivery = add(item, "ram:SpecifiedLineTradeDelivery")
        add(delivery, "ram:BilledQuantity", plain(line.quantity), unitCode=line.unit_code)
        settlement = add(item, "ram:SpecifiedLineTradeSettlement")
        _cii_tax(add, settlement, line.vat_rate, None)
        _cii_period(add, settlement, line.period_start, line.period_end)
        summation = add(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        add(summation, "ram:LineTotalAmount", _amount(line.net_amount))
        if cost_centre := _cost_centre(line):
            add(add(settlement, "ram:ReceivableSpecifiedTradeAccountingAccount"), "ram:ID", cost_centre)

    agreement = add(transaction, "ram:ApplicableHeaderTradeAgreement")
    add(agreement, "ram:BuyerReference", invoice.leitweg_id)
    party = add(agreement, "ram:SellerTradeParty")
    add(party, "ram:Name", seller["name"])
    add(party, "ram:Description", seller["register"])
    contact = add(party, "ram:DefinedTradeContact")
    add(contact, "ram:PersonName", seller["contact_name"])
    add(add(contact, "ram:TelephoneUniversalCommunication"), "ram:CompleteNumber", seller["contact_phone"])
    add(add(contact, "ram:EmailURIUniversalCommunication"), "ram:URIID", seller["contact_email"])
    _cii_address(add, party, seller["street"], seller["city"], seller["postcode"])
    add(add(party, "ram:URIUniversalCommunication"), "ram:URIID", seller["contact_email"], schemeID="EM")
    add(add(party, "ram:SpecifiedTaxRegistration"), "ram:ID", seller["vat_id"], schemeID="VA")
    party = add(agreement, "ram:BuyerTradeParty")
    add(party, "ram:Name", member.name)
    _cii_address(add, party, member.street, member.city, member.postcode)
    add(add(party, "ram:URIUniversalCommunication"), "ram:URIID", invoice.leitweg_id, schemeID=LEITWEG_SCHEME)
    add(add(agreement, "ram:ContractReferencedDocument"), "ram:IssuerAssignedID", invoice.contract_reference)
    add(transaction, "ram:ApplicableHeaderTradeDelivery")

    settlement = add(transaction, "ram:ApplicableHeaderTradeSettlement")
    add(settlement, "ram:PaymentReference", invoice.number)
    add(settlement, "ram:InvoiceCurrencyCode", "EUR")
    means = add(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    add(means, "ram:TypeCode", SEPA_CREDIT_TRANSFER)
    account = add(means, "ram:PayeePartyCreditorFinancialAccount")
    add(account, "ram:IBANID", seller["iban"])
    add(account, "ram:AccountName", seller["name"])
    add(add(means, "ram:PayeeSpecifiedCreditorFinancialInstitution"), "ram:BICID", seller["bic"])
    net, vat, breakdown = totals(lines)
    for rate, amounts in breakdown.items():
        _cii_tax(add, settlement, rate, amounts)
    _cii_period(add, settlement, invoice.period_start, invoice.period_end)
    terms = add(settlement, "ram:SpecifiedTradePaymentTerms")
    add(terms, "ram:Description", payment_terms(invoice))
    if invoice.kind == InvoiceKind.INVOICE and invoice.due_date:
        _cii_date(add, terms, "ram:DueDateDateTime", invoice.due_date)
    summation = add(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    add(summation, "ram:LineTotalAmount", _amount(net))
    add(summation, "ram:TaxBasisTotalAmount", _amount(net))
    add(summation, "ram:TaxTotalAmount", _amount(vat), currencyID="EUR")
    add(summation, "ram:GrandTotalAmount", _amount(net + vat))
    add(summation, "ram:DuePayableAmount", _amount(net + vat))
    if invoice.corrects_id:
        corrected = invoice.corrects
        reference = add(settlement, "ram:InvoiceReferencedDocument")
        add(reference, "ram:IssuerAssignedID", corrected.number)  # type: ignore[union-attr]
        _cii_date(add, reference, "ram:FormattedIssueDateTime", corrected.issue_date, qualified=True)  # type: ignore[union-attr]
    return xml.tostring(root)


def payment_terms(invoice: Invoice) -> str:
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        return (
            f"Gutschrift zur Rechnung {invoice.corrects.number if invoice.corrects else ''}: der Betrag wird erstattet."
        )
    return f"Zahlbar ohne Abzug bis {invoice.due_date:%d.%m.%Y} unter Angabe der Rechnungsnummer {invoice.number}."


def render(invoice: Invoice, syntax: str) -> bytes:
    """The XRechnung of an issued invoice in ``syntax`` "ubl" or "cii"."""
    if syntax not in SYNTAXES:
        raise ValueError(f"syntax {syntax!r}: expected ubl or cii")
    return to_ubl(invoice) if syntax == "ubl" else to_cii(invoice)
