"""openTRANS 2.1 ORDER of type "release" (a call-off from a framework agreement, named in
SOURCING_INFO/AGREEMENT), validated against the official schema shipped in ``xsd/``."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path, PurePath
from typing import Any

from django.utils import timezone
from lxml import etree

from kitu.members.models import Site

from .models import Order

OT = "http://www.opentrans.org/XMLSchema/2.1"
BM = "http://www.bmecat.org/bmecat/2005"
XSD = Path(__file__).resolve().parent / "xsd" / "opentrans_2_1.xsd"


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def _el(parent: etree._Element, ns: str, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _party(
    parties: etree._Element,
    party_id: str,
    role: str,
    name: str,
    lines: list[tuple[str, str]],
    *,
    name2: str = "",
    contact: Any = None,
) -> None:
    party = _el(parties, OT, "PARTY")
    _el(party, BM, "PARTY_ID", party_id, type="buyer_specific")
    _el(party, OT, "PARTY_ROLE", role)
    address = _el(party, OT, "ADDRESS")
    _el(address, BM, "NAME", name[:50])
    if name2:
        _el(address, BM, "NAME2", name2[:50])
    if contact is not None:
        _contact(address, contact)
    for tag, value in lines:
        if value:
            _el(address, BM, tag, value)


def _contact(address: etree._Element, user: Any) -> None:
    """The requester as the contact for questions: surname, first name, phone, e-mail."""
    first, _sep, last = (user.full_name or "").strip().rpartition(" ")
    details = _el(address, OT, "CONTACT_DETAILS")
    _el(details, BM, "CONTACT_NAME", (last or user.email)[:50])
    if first:
        _el(details, BM, "FIRST_NAME", first[:50])
    _el(details, OT, "CONTACT_ROLE", "Besteller/in", type="commercial")
    if user.phone:
        _el(details, BM, "PHONE", user.phone[:50], type="office")
    _el(_el(details, BM, "EMAILS"), BM, "EMAIL", user.email)


def order_xml(order: Order) -> bytes:
    """The order as openTRANS 2.1 XML (UTF-8, with declaration)."""
    member, supplier, contract = order.member, order.supplier, order.contract
    root = etree.Element(f"{{{OT}}}ORDER", {"version": "2.1", "type": "release"}, nsmap={None: OT, "bmecat": BM})
    header = _el(root, OT, "ORDER_HEADER")
    agreement = _el(_el(header, OT, "SOURCING_INFO"), OT, "AGREEMENT")
    _el(agreement, BM, "AGREEMENT_ID", contract.number)
    _el(agreement, BM, "AGREEMENT_START_DATE", f"{contract.starts_on:%Y-%m-%d}T00:00:00")
    _el(agreement, BM, "AGREEMENT_END_DATE", f"{contract.ends_on:%Y-%m-%d}T23:59:59")
    info = _el(header, OT, "ORDER_INFO")
    _el(info, OT, "ORDER_ID", order.number)
    _el(info, OT, "ORDER_DATE", timezone.localtime(order.created_at).replace(microsecond=0).isoformat())
    parties = _el(info, OT, "PARTIES")
    buyer_id, supplier_id = f"KITU-M{member.pk}", f"KITU-S{supplier.pk}"
    _party(
        parties,
        buyer_id,
        "buyer",
        member.name,
        [
            ("STREET", member.street),
            ("ZIP", member.postcode),
            ("CITY", member.city),
            ("COUNTRY_CODED", "DE"),
            ("EMAIL", member.invoice_email),
        ],
        contact=order.requester,
    )
    _party(
        parties,
        supplier_id,
        "supplier",
        supplier.organisation.name,
        [
            ("STREET", supplier.street),
            ("ZIP", supplier.postcode),
            ("CITY", supplier.city),
            ("COUNTRY_CODED", "DE"),
            ("VAT_ID", supplier.vat_id),
            ("EMAIL", supplier.order_email),
        ],
    )
    lines = list(order.lines.select_related("cost_centre", "site"))
    sites: dict[int, Site] = {ln.site.pk: ln.site for ln in lines if ln.site is not None}
    for site in sites.values():  # the delivery address, with the requester to ask
        _party(
            parties,
            f"KITU-L{site.pk}",
            "delivery",
            member.name,
            [("STREET", site.street), ("ZIP", site.postcode), ("CITY", site.city), ("COUNTRY_CODED", "DE")],
            name2=site.name,
            contact=order.requester,
        )
    refs = _el(info, OT, "ORDER_PARTIES_REFERENCE")
    _el(refs, BM, "BUYER_IDREF", buyer_id, type="buyer_specific")
    _el(refs, BM, "SUPPLIER_IDREF", supplier_id, type="buyer_specific")
    if len(sites) == 1:  # one delivery address for the whole order
        shipment_refs = _el(refs, OT, "SHIPMENT_PARTIES_REFERENCE")
        _el(shipment_refs, OT, "DELIVERY_IDREF", f"KITU-L{next(iter(sites))}", type="buyer_specific")
    _el(info, BM, "CURRENCY", "EUR")
    _el(info, OT, "PARTIAL_SHIPMENT_ALLOWED", "true")
    items = _el(root, OT, "ORDER_ITEM_LIST")
    for line in lines:
        item = _el(items, OT, "ORDER_ITEM")
        _el(item, OT, "LINE_ITEM_ID", str(line.position))
        product = _el(item, OT, "PRODUCT_ID")
        if line.supplier_pid:
            _el(product, BM, "SUPPLIER_PID", line.supplier_pid, type="supplier_specific")
        _el(product, BM, "DESCRIPTION_SHORT", line.description[:150], lang="deu")
        _el(item, OT, "QUANTITY", str(line.quantity))
        _el(item, BM, "ORDER_UNIT", line.order_unit)
        _el(_el(item, OT, "PRODUCT_PRICE_FIX"), BM, "PRICE_AMOUNT", _amount(line.unit_price))
        _el(item, OT, "PRICE_LINE_AMOUNT", _amount(line.total))
        if line.cost_centre is not None:
            accounting = _el(item, BM, "ACCOUNTING_INFO")
            _el(accounting, BM, "COST_CATEGORY_ID", line.cost_centre.code, type="cost_center")
        if line.site is not None:
            shipment = _el(item, OT, "SHIPMENT_PARTIES_REFERENCE")
            _el(shipment, OT, "DELIVERY_IDREF", f"KITU-L{line.site.pk}", type="buyer_specific")
        if not line.supplier_pid:  # a placeholder: priced on the supplier's quotation, which goes with the mail
            remark = "Freitextposition, Preis laut Ihrem Angebot"
            if line.attachment:
                remark += f" (Anlage {PurePath(line.attachment.name).name})"
            _el(item, OT, "REMARKS", remark, type="quotation", lang="deu")
    summary = _el(root, OT, "ORDER_SUMMARY")
    _el(summary, OT, "TOTAL_ITEM_NUM", str(len(lines)))
    _el(summary, OT, "TOTAL_AMOUNT", _amount(order.total))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def validate(xml: bytes) -> list[str]:
    """Schema errors as "line N: message" (empty when valid)."""
    xsd = schema()
    if xsd.validate(etree.fromstring(xml)):
        return []
    return [f"line {e.line}: {e.message}" for e in xsd.error_log]
