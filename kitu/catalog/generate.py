"""Writes BMEcat 2005 catalogs (T_NEW_CATALOG) — for the demo data, the benchmarks and tests."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO
from xml.sax.saxutils import escape

NS = "http://www.bmecat.org/bmecat/2005"


@dataclass
class GeneratedArticle:
    pid: str
    short: str
    long: str
    manufacturer: str
    manufacturer_pid: str
    ean: str
    price: Decimal
    list_price: Decimal
    eclass: str
    unit: str = "C62"
    tiers: list[tuple[int, Decimal]] = field(default_factory=list)
    image: str = ""


def write_catalog(
    out: IO[str], *, agreement_id: str, supplier: str, articles: Iterable[GeneratedArticle], version: str = "1.0"
) -> None:
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<BMECAT version="2005" xmlns="{NS}">\n<HEADER>\n')
    out.write(f"<CATALOG><LANGUAGE>deu</LANGUAGE><CATALOG_ID>{escape(agreement_id)}</CATALOG_ID>")
    out.write(f"<CATALOG_VERSION>{escape(version)}</CATALOG_VERSION><CURRENCY>EUR</CURRENCY></CATALOG>\n")
    out.write(f"<AGREEMENT><AGREEMENT_ID>{escape(agreement_id)}</AGREEMENT_ID></AGREEMENT>\n")
    out.write(f"<SUPPLIER><SUPPLIER_NAME>{escape(supplier)}</SUPPLIER_NAME></SUPPLIER>\n</HEADER>\n<T_NEW_CATALOG>\n")
    for a in articles:
        out.write(f'<PRODUCT mode="new"><SUPPLIER_PID>{escape(a.pid)}</SUPPLIER_PID><PRODUCT_DETAILS>')
        out.write(f'<DESCRIPTION_SHORT lang="deu">{escape(a.short)}</DESCRIPTION_SHORT>')
        out.write(f'<DESCRIPTION_LONG lang="deu">{escape(a.long)}</DESCRIPTION_LONG>')
        out.write(f"<EAN>{a.ean}</EAN><MANUFACTURER_PID>{escape(a.manufacturer_pid)}</MANUFACTURER_PID>")
        out.write(f"<MANUFACTURER_NAME>{escape(a.manufacturer)}</MANUFACTURER_NAME></PRODUCT_DETAILS>")
        out.write("<PRODUCT_FEATURES><REFERENCE_FEATURE_SYSTEM_NAME>ECLASS-13.0</REFERENCE_FEATURE_SYSTEM_NAME>")
        out.write(f"<REFERENCE_FEATURE_GROUP_ID>{a.eclass}</REFERENCE_FEATURE_GROUP_ID></PRODUCT_FEATURES>")
        out.write(f"<PRODUCT_ORDER_DETAILS><ORDER_UNIT>{a.unit}</ORDER_UNIT><CONTENT_UNIT>{a.unit}</CONTENT_UNIT>")
        out.write("<NO_CU_PER_OU>1</NO_CU_PER_OU><PRICE_QUANTITY>1</PRICE_QUANTITY><QUANTITY_MIN>1</QUANTITY_MIN>")
        out.write("<QUANTITY_INTERVAL>1</QUANTITY_INTERVAL></PRODUCT_ORDER_DETAILS><PRODUCT_PRICE_DETAILS>")
        out.write('<DATETIME type="valid_start_date"><DATE>2026-01-01</DATE></DATETIME>')
        out.write('<DATETIME type="valid_end_date"><DATE>2027-12-31</DATE></DATETIME>')
        out.write(f'<PRODUCT_PRICE price_type="net_list"><PRICE_AMOUNT>{a.list_price}</PRICE_AMOUNT>')
        out.write("<PRICE_CURRENCY>EUR</PRICE_CURRENCY><TAX>0.19</TAX></PRODUCT_PRICE>")
        for bound, amount in [(1, a.price), *a.tiers]:
            out.write(f'<PRODUCT_PRICE price_type="net_customer"><PRICE_AMOUNT>{amount}</PRICE_AMOUNT>')
            out.write(
                f"<PRICE_CURRENCY>EUR</PRICE_CURRENCY><TAX>0.19</TAX><LOWER_BOUND>{bound}</LOWER_BOUND></PRODUCT_PRICE>"
            )
        out.write("</PRODUCT_PRICE_DETAILS>")
        if a.image:
            out.write(f"<MIME_INFO><MIME><MIME_TYPE>image/png</MIME_TYPE><MIME_SOURCE>{escape(a.image)}</MIME_SOURCE>")
            out.write("<MIME_PURPOSE>normal</MIME_PURPOSE></MIME></MIME_INFO>")
        out.write("</PRODUCT>\n")
    out.write("</T_NEW_CATALOG>\n</BMECAT>\n")


# Plausible IT goods for demo and benchmark catalogs: (kind, ECLASS group, price range, manufacturers, models)
KINDS = (
    (
        "Notebook",
        "19030104",
        (650, 1900),
        ("Lenovo", "Dell", "HP", "Fujitsu"),
        ("ThinkPad T14", "Latitude 5450", "EliteBook 840", "Lifebook U7"),
    ),
    (
        "Desktop-PC",
        "19030101",
        (550, 1400),
        ("Dell", "HP", "Lenovo", "Fujitsu"),
        ("OptiPlex 7020", "ProDesk 400", "ThinkCentre M70q", "Esprimo G6012"),
    ),
    (
        "Monitor",
        "19020101",
        (140, 620),
        ("Dell", "Eizo", "iiyama", "LG"),
        ("P2425H", "FlexScan EV2490", "ProLite XUB2493", "24BA450"),
    ),
    (
        "Dockingstation",
        "19030290",
        (120, 330),
        ("Lenovo", "Dell", "HP"),
        ("ThinkPad Universal USB-C Dock", "WD19S", "USB-C Dock G5"),
    ),
    ("Tastatur", "19030503", (18, 95), ("Cherry", "Logitech", "Fujitsu"), ("KC 1000", "K120", "KB410")),
    (
        "Multifunktionsdrucker",
        "24300701",
        (290, 2400),
        ("Kyocera", "Brother", "Canon", "HP"),
        ("ECOSYS MA4000cifx", "MFC-L8900CDW", "i-SENSYS MF752Cdw", "LaserJet Pro 4102"),
    ),
    ("Tablet", "19030110", (280, 980), ("Apple", "Samsung", "Lenovo"), ("iPad 10,9", "Galaxy Tab S9 FE", "Tab P12")),
    (
        "Switch",
        "19170301",
        (180, 3200),
        ("Cisco", "HPE Aruba", "Lancom", "Zyxel"),
        ("Catalyst 1300-24P", "Aruba 6000 24G", "GS-3628X", "XGS2220-30"),
    ),
    ("Access Point", "19170302", (150, 890), ("Lancom", "HPE Aruba", "Ubiquiti"), ("LW-600", "AP-505", "U6 Pro")),
)


def demo_articles(
    count: int, *, prefix: str, kinds: tuple[int, ...] | None = None, seed: int = 1
) -> Iterable[GeneratedArticle]:
    """``count`` plausible IT articles; deterministic for a seed."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    chosen = [KINDS[i] for i in kinds] if kinds else list(KINDS)
    for n in range(count):
        kind, eclass, (low, high), makers, models = chosen[n % len(chosen)]
        pick = rng.randrange(len(makers))  # makers and models are paired by position
        maker, model = makers[pick], models[pick]
        variant = rng.choice(("", " Pro", " Plus", " (2026)", " mit Garantieverlängerung 5 Jahre"))
        price = Decimal(rng.randrange(low * 100, high * 100)) / 100
        list_price = (price * Decimal(rng.choice(("1.12", "1.18", "1.25", "1.35")))).quantize(Decimal("0.01"))
        ean = f"40{rng.randrange(10**10, 10**11 - 1)}"
        ean += str((10 - sum((3 if i % 2 else 1) * int(d) for i, d in enumerate(ean)) % 10) % 10)
        tiers = [
            (10, (price * Decimal("0.97")).quantize(Decimal("0.01"))),
            (50, (price * Decimal("0.94")).quantize(Decimal("0.01"))),
        ]
        yield GeneratedArticle(
            pid=f"{prefix}-{n + 1:06d}",
            short=f"{kind} {maker} {model}{variant}"[:150],
            long=f"{kind} {maker} {model}{variant}. Für den Einsatz in der Kommunalverwaltung, inklusive Lieferung "
            f"frei Verwendungsstelle und Entsorgung der Verpackung.",
            manufacturer=maker,
            manufacturer_pid=f"{maker[:3].upper()}-{rng.randrange(10000, 99999)}",
            ean=ean,
            price=price,
            list_price=list_price,
            eclass=eclass,
            tiers=tiers if n % 3 == 0 else [],
        )
