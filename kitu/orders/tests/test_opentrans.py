"""openTRANS 2.1 export of an order, validated against the official XSD."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from lxml import etree

from kitu.orders import opentrans, services

pytestmark = pytest.mark.django_db
NS = {"ot": opentrans.OT, "bm": opentrans.BM}


def test_order_is_a_valid_opentrans_release_naming_the_agreement(order_world: dict[str, Any]) -> None:
    w = order_world
    u, member = w["users"], w["wernigerode"]
    centre = member.cost_centres.create(code="10-IT", name="IT")
    site = member.sites.create(name="Bauhof", street="Am Bauhof 3", postcode="38855", city="Wernigerode")
    u["requester"].full_name, u["requester"].phone = "Erika Mustermann", "03943 654-0"
    u["requester"].save()
    services.cart_add(actor=u["requester"], member=member, article=w["notebook"], quantity=5)
    line = services.cart_add(actor=u["requester"], member=member, article=w["dock"], quantity=2)
    services.cart_line_update(actor=u["requester"], line=line, quantity=2, cost_centre=centre, site=site)
    (order,) = services.checkout(actor=u["requester"], member=member)
    xml = opentrans.order_xml(order)
    assert opentrans.validate(xml) == []
    root = etree.fromstring(xml)
    assert (root.tag, root.get("type"), root.get("version")) == (f"{{{opentrans.OT}}}ORDER", "release", "2.1")

    def text(path: str) -> list[str]:
        return [e.text for e in root.xpath(path, namespaces=NS)]

    assert text("ot:ORDER_HEADER/ot:SOURCING_INFO/ot:AGREEMENT/bm:AGREEMENT_ID") == ["RV-2025-01"]
    assert text("ot:ORDER_HEADER/ot:ORDER_INFO/ot:ORDER_ID") == [order.number]
    assert text("//ot:PARTY[ot:PARTY_ROLE='buyer']/ot:ADDRESS/bm:NAME") == ["Stadt Wernigerode"]
    assert text("//ot:PARTY[ot:PARTY_ROLE='supplier']/ot:ADDRESS/bm:NAME") == ["Beispiel IT GmbH"]
    # two delivery addresses (the cart's default site and the dock's own), each with the requester to ask
    delivery = "//ot:PARTY[ot:PARTY_ROLE='delivery']/ot:ADDRESS"
    assert text(f"{delivery}/bm:NAME") == ["Stadt Wernigerode", "Stadt Wernigerode"]
    assert text(f"{delivery}/bm:NAME2") == ["Rathaus", "Bauhof"]
    assert text(f"{delivery}/bm:STREET") == ["Marktplatz 1", "Am Bauhof 3"]
    assert text(f"{delivery}/bm:ZIP") == ["38855", "38855"]
    assert text(f"{delivery}/bm:CITY") == ["Wernigerode", "Wernigerode"]
    assert text(f"{delivery}/ot:CONTACT_DETAILS/bm:CONTACT_NAME") == ["Mustermann", "Mustermann"]
    assert text(f"{delivery}/ot:CONTACT_DETAILS/bm:FIRST_NAME") == ["Erika", "Erika"]
    assert text(f"{delivery}/ot:CONTACT_DETAILS/bm:PHONE") == ["03943 654-0", "03943 654-0"]
    assert text(f"{delivery}/ot:CONTACT_DETAILS/bm:EMAILS/bm:EMAIL") == ["requester@test.example"] * 2
    assert text("//ot:ORDER_ITEM/ot:SHIPMENT_PARTIES_REFERENCE/ot:DELIVERY_IDREF") == [
        f"KITU-L{w['site'].pk}",
        f"KITU-L{site.pk}",
    ]
    assert text("//ot:ORDER_PARTIES_REFERENCE/ot:SHIPMENT_PARTIES_REFERENCE/ot:DELIVERY_IDREF") == []
    assert text("//ot:ORDER_ITEM/ot:PRODUCT_ID/bm:SUPPLIER_PID") == ["NB-1", "DS-1"]
    assert text("//ot:ORDER_ITEM/ot:QUANTITY") == ["5", "2"]
    assert text("//ot:ORDER_ITEM/ot:PRODUCT_PRICE_FIX/bm:PRICE_AMOUNT") == ["750.00", "150.00"]
    assert text("//ot:ORDER_ITEM/ot:PRICE_LINE_AMOUNT") == ["3750.00", "300.00"]
    assert text("//ot:ORDER_ITEM/bm:ACCOUNTING_INFO/bm:COST_CATEGORY_ID[@type='cost_center']") == ["10-IT"]
    assert text("ot:ORDER_SUMMARY/ot:TOTAL_ITEM_NUM") == ["2"]
    assert text("ot:ORDER_SUMMARY/ot:TOTAL_AMOUNT") == ["4050.00"]
    # the command prints the same document
    out = io.StringIO()
    call_command("export_order", order.number, "--format", "opentrans", stdout=out)
    assert out.getvalue().encode() == xml.decode().encode()
    with pytest.raises(CommandError, match="Keine Bestellung B-1999-000001"):
        call_command("export_order", "B-1999-000001", stdout=io.StringIO())


def test_one_delivery_site_is_named_for_the_whole_order(order_world: dict[str, Any]) -> None:
    w = order_world
    u, member = w["users"], w["wernigerode"]
    services.cart_add(actor=u["requester"], member=member, article=w["notebook"], quantity=1)
    (order,) = services.checkout(actor=u["requester"], member=member)
    xml = opentrans.order_xml(order)
    assert opentrans.validate(xml) == []
    root = etree.fromstring(xml)
    refs = root.xpath("//ot:ORDER_PARTIES_REFERENCE/ot:SHIPMENT_PARTIES_REFERENCE/ot:DELIVERY_IDREF", namespaces=NS)
    assert [e.text for e in refs] == [f"KITU-L{w['site'].pk}"]
    address = root.xpath("//ot:PARTY[ot:PARTY_ROLE='delivery']/ot:ADDRESS", namespaces=NS)[0]
    assert [e.text for e in address.xpath("bm:NAME2|bm:STREET|bm:ZIP|bm:CITY", namespaces=NS)] == [
        "Rathaus",
        "Marktplatz 1",
        "38855",
        "Wernigerode",
    ]


def test_the_validator_reports_where_a_document_breaks_the_schema() -> None:
    broken = b'<ORDER xmlns="http://www.opentrans.org/XMLSchema/2.1" version="2.1" type="release"></ORDER>'
    errors = opentrans.validate(broken)
    assert len(errors) == 1 and errors[0].startswith("line 1: ") and "ORDER_HEADER" in errors[0]
