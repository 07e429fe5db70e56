"""Streaming, hardened reader for BMEcat 1.2 and 2005 (also 2005.1/2005.2 namespaces, foreign or no
namespace). It yields one record per product and never holds the whole document in memory.

Elements are matched by local name, so ``{any-namespace}PRODUCT`` and ``ARTICLE`` are read alike.
Security: no DTD is loaded, no entity is resolved, no network is touched; a document whose prolog
declares entities is refused before parsing. Memory stays flat for any input: the bytes pass a
``CheckedStream`` (no comment, tag or text longer than 2 MB, no UTF-8 in a document declared ISO-8859-1),
the HEADER and each product may be at most ``MAX_RECORD`` large, and everything else is dropped from the
tree as soon as it is complete (lxml builds every element, also those the tag filter hides)."""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO

from django.utils.translation import gettext as _
from lxml import etree

from .sources import CheckedStream, RefusedDocument

TRANSACTIONS = ("T_NEW_CATALOG", "T_UPDATE_PRODUCTS", "T_UPDATE_PRICES")
PRODUCT_TAGS = ("PRODUCT", "ARTICLE")
GERMAN = ("deu", "ger", "de", "de-de")
# Common non-Rec.-20 order units and their UN/ECE Recommendation 20 codes.
UNIT_ALIASES = {
    "PCE": "C62",
    "PCS": "C62",
    "ST": "C62",
    "STK": "C62",
    "STCK": "C62",
    "EA": "EA",
    "PK": "PK",
    "PAK": "PK",
}
UNIT_RE = re.compile(r"^[A-Z0-9]{1,3}$")
PROLOG_BYTES = 64 * 1024
MAX_RECORD = 1024 * 1024  # bytes of the HEADER or of one product (BMEcat allows 64,000 characters of text)
XML_DECLARATION = re.compile(rb"""\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']""")
PROLOG_NOISE = re.compile(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*>|\s+", re.DOTALL)
ROOT_TAG = re.compile(rb"<([A-Za-z_][^\s/>]*)")
WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
EAN_RE = re.compile(r"\d{8}|\d{12,14}")
ONE = Decimal("1")


class HostileDocument(RefusedDocument):
    """The document tries something a catalog never needs (entities, DTD subsets)."""


@dataclass
class Header:
    version: str = ""
    transaction: str = ""
    prev_version: str = ""
    agreement_id: str = ""
    catalog_id: str = ""
    catalog_version: str = ""
    language: str = ""
    currency: str = "EUR"
    currency_line: int = 0
    supplier_name: str = ""


@dataclass
class Price:
    price_type: str
    amount: Decimal | None
    currency: str
    tax: Decimal | None
    lower_bound: Decimal


@dataclass
class Product:
    line: int
    mode: str  # new | update | delete (T_UPDATE_PRODUCTS), price (T_UPDATE_PRICES), else "new"
    supplier_pid: str = ""
    description_short: str = ""
    description_long: str = ""
    manufacturer_name: str = ""
    manufacturer_pid: str = ""
    ean: str = ""
    order_unit: str = ""
    content_unit: str = ""
    content_per_unit: Decimal = Decimal("1")
    price_quantity: Decimal = Decimal("1")
    quantity_min: Decimal = Decimal("1")
    quantity_interval: Decimal = Decimal("1")
    eclass_system: str = ""
    eclass_group: str = ""
    cpv: str = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    prices: list[Price] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def local(tag: object) -> str:
    """The local name of ``{namespace}NAME`` (comments and processing instructions have none)."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def child(el: etree._Element | None, *path: str) -> etree._Element | None:
    for name in path:
        if el is None:
            return None
        el = next((c for c in el if local(c.tag) == name), None)
    return el


def text(el: etree._Element | None, *path: str) -> str:
    found = child(el, *path) if path else el
    return (found.text or "").strip() if found is not None else ""


def check_prolog(head: bytes) -> str | None:
    """Refuse internal DTD subsets with entity declarations (billion laughs, XXE), documents whose root is
    not BMECAT and UTF-16/32. Returns the declared encoding as written if it is not UTF-8 (ISO-8859-1,
    windows-1252, …), else None."""
    prolog = head.split(b"<BMECAT", 1)[0] if b"<BMECAT" in head else head
    if re.search(rb"<!ENTITY", prolog, re.IGNORECASE):
        raise HostileDocument(
            "Die Datei deklariert XML-Entitäten (<!ENTITY>); das ist aus Sicherheitsgründen nicht erlaubt."
        )
    if re.search(rb"<!DOCTYPE[^>]*\[", prolog, re.IGNORECASE):
        raise HostileDocument("Die Datei enthält eine interne DTD; das ist aus Sicherheitsgründen nicht erlaubt.")
    declared = XML_DECLARATION.match(head)
    label = declared.group(1).decode() if declared else "UTF-8"
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        codec = "utf-8"  # lxml names the unknown encoding
    if head.startswith(WIDE_BOMS) or b"\x00" in head[:4] or codec.startswith(("utf-16", "utf-32")):
        raise RefusedDocument(_("Die Datei ist in UTF-16 oder UTF-32 kodiert; bitte als UTF-8 speichern."))
    pos = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    while (noise := PROLOG_NOISE.match(head, pos)) and noise.end() > pos:  # declaration, comments, DOCTYPE
        pos = noise.end()
    root = ROOT_TAG.match(head, pos)
    if root is None:
        raise RefusedDocument(_("Die Datei beginnt nicht mit einem BMECAT-Element; sie ist kein BMEcat-Katalog."))
    if root.group(1).rpartition(b":")[2] != b"BMECAT":
        raise RefusedDocument(
            _("Das Wurzelelement der Datei ist „%(name)s“, nicht BMECAT; sie ist kein BMEcat-Katalog.")
            % {"name": root.group(1).decode(errors="replace")[:100]}
        )
    return None if codec == "utf-8" else label


def _decimal(value: str, what: str, errors: list[str]) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", ".")) if value.count(",") == 1 and "." not in value else Decimal(value)
    except InvalidOperation:
        errors.append(f"{what}: „{value}“ ist keine Zahl")
        return None
    if not number.is_finite():
        errors.append(f"{what}: „{value}“ ist keine Zahl")
        return None
    return number


def _date(value: str, what: str, errors: list[str]) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        errors.append(f"{what}: „{value}“ ist kein Datum (JJJJ-MM-TT)")
        return None


def normalise_unit(value: str, errors: list[str]) -> str:
    unit = value.strip().upper()
    unit = UNIT_ALIASES.get(unit, unit)
    if not UNIT_RE.match(unit):
        errors.append(f"ORDER_UNIT: „{value}“ ist kein Code nach UN/ECE Recommendation 20")
    return unit


class Node:
    """An element with its children indexed by local name in one pass: a product is read with a few
    dozen dictionary lookups instead of a scan of the children for every field."""

    __slots__ = ("el", "kids")

    def __init__(self, el: etree._Element) -> None:
        self.el = el
        kids: dict[str, list[etree._Element]] = {}
        for c in el:
            tag = c.tag
            if isinstance(tag, str):
                kids.setdefault(tag.rpartition("}")[2], []).append(c)
        self.kids = kids

    def all(self, *names: str) -> list[etree._Element]:
        return [c for name in names for c in self.kids.get(name, ())]

    def first(self, *names: str) -> etree._Element | None:
        """The first child named by one of ``names`` (the BMEcat 2005 name first, then the 1.2 name)."""
        for name in names:
            if name in self.kids:
                return self.kids[name][0]
        return None

    def node(self, *names: str) -> Node | None:
        found = self.first(*names)
        return None if found is None else Node(found)

    def text(self, *names: str) -> str:
        """The text of the first child named by one of ``names`` that has any."""
        for name in names:
            for c in self.kids.get(name, ()):
                if value := (c.text or "").strip():
                    return value
        return ""

    def localized(self, name: str) -> str:
        """The German text where several languages are given, else the first."""
        options = self.kids.get(name, [])
        for option in options:
            if (option.get("lang") or "").lower() in GERMAN:
                return (option.text or "").strip()
        return (options[0].text or "").strip() if options else ""


def texts(el: etree._Element) -> dict[str, str]:
    """Of each child element, by local name, the first text that is not blank (stripped), as
    ``Node.text`` reads it: one pass and no index, for the small elements a product has many of (a
    price, a date, the order details)."""
    found: dict[str, str] = {}
    for c in el:
        tag = c.tag
        if isinstance(tag, str):
            name = tag.rpartition("}")[2]
            if name not in found and (value := (c.text or "").strip()):
                found[name] = value
    return found


def _prices(product_node: Node, product: Product) -> None:
    for details in map(Node, product_node.all("PRODUCT_PRICE_DETAILS", "ARTICLE_PRICE_DETAILS")):
        for stamp in details.all("DATETIME"):
            kind = stamp.get("type", "")
            day = _date(texts(stamp).get("DATE", ""), f"DATETIME {kind}", product.errors)
            if kind == "valid_start_date":
                product.valid_from = day
            elif kind == "valid_end_date":
                product.valid_until = day
        for price_el in details.all("PRODUCT_PRICE", "ARTICLE_PRICE"):
            price = texts(price_el)
            price_type = price_el.get("price_type", "")
            amount = _decimal(price.get("PRICE_AMOUNT", ""), f"PRICE_AMOUNT ({price_type})", product.errors)
            tax = _decimal(price.get("TAX", ""), "TAX", product.errors)
            bound = _decimal(price.get("LOWER_BOUND", ""), "LOWER_BOUND", product.errors)
            if amount is not None and amount < 0:
                product.errors.append(f"PRICE_AMOUNT ({price_type}): negativ")
            product.prices.append(
                Price(price_type, amount, price.get("PRICE_CURRENCY", ""), tax, bound if bound is not None else ONE)
            )


def read_product(el: etree._Element, mode: str) -> Product:
    """One PRODUCT (2005) or ARTICLE (1.2) element as a record; problems go to ``errors``."""
    p = Product(line=el.sourceline or 0, mode=mode)
    product = Node(el)
    p.supplier_pid = product.text("SUPPLIER_PID", "SUPPLIER_AID")
    details = product.node("PRODUCT_DETAILS", "ARTICLE_DETAILS")
    order_el = product.first("PRODUCT_ORDER_DETAILS", "ARTICLE_ORDER_DETAILS")
    order = None if order_el is None else texts(order_el)
    if not p.supplier_pid:
        p.errors.append("SUPPLIER_PID fehlt")
    elif len(p.supplier_pid) > 32:
        p.errors.append(f"SUPPLIER_PID ist länger als 32 Zeichen ({len(p.supplier_pid)})")
    if details is not None:
        p.description_short = details.localized("DESCRIPTION_SHORT")
        p.description_long = details.localized("DESCRIPTION_LONG")
        p.manufacturer_name = details.text("MANUFACTURER_NAME")[:100]
        p.manufacturer_pid = details.text("MANUFACTURER_PID", "MANUFACTURER_AID")[:50]
        p.ean = details.text("EAN")
        for pid in details.all("INTERNATIONAL_PID"):
            if (pid.get("type") or "").lower() in ("gtin", "ean") and not p.ean:
                p.ean = (pid.text or "").strip()
    if p.ean and not EAN_RE.fullmatch(p.ean):
        p.errors.append(f"EAN „{p.ean}“ hat nicht 8, 12, 13 oder 14 Ziffern")
    if mode not in ("delete", "price"):
        if details is None:
            p.errors.append("PRODUCT_DETAILS fehlen")
        if details is not None and not p.description_short:
            p.errors.append("DESCRIPTION_SHORT fehlt")
        if len(p.description_short) > 150:
            p.errors.append(f"DESCRIPTION_SHORT ist länger als 150 Zeichen ({len(p.description_short)})")
    if order is not None:
        unit = order.get("ORDER_UNIT", "")
        p.order_unit = normalise_unit(unit, p.errors) if unit else ""
        content_unit = order.get("CONTENT_UNIT", "").upper()
        p.content_unit = UNIT_ALIASES.get(content_unit, content_unit)[:3]
        for attr, tag in (
            ("content_per_unit", "NO_CU_PER_OU"),
            ("price_quantity", "PRICE_QUANTITY"),
            ("quantity_min", "QUANTITY_MIN"),
            ("quantity_interval", "QUANTITY_INTERVAL"),
        ):
            value = _decimal(order.get(tag, ""), tag, p.errors)
            if value is not None:
                if value <= 0:
                    p.errors.append(f"{tag} muss größer als 0 sein")
                setattr(p, attr, value)
    elif mode in ("new", "update"):
        p.errors.append("ORDER_UNIT fehlt")
    if mode in ("new", "update") and order is not None and not p.order_unit:
        p.errors.append("ORDER_UNIT fehlt")
    _prices(product, p)
    for features in map(texts, product.all("PRODUCT_FEATURES", "ARTICLE_FEATURES")):
        system = features.get("REFERENCE_FEATURE_SYSTEM_NAME", "")
        group = features.get("REFERENCE_FEATURE_GROUP_ID", "")
        if system.upper().startswith(("ECLASS", "ECL@SS", "ECL")) and not p.eclass_group:
            p.eclass_system, p.eclass_group = system[:20], group[:20]
        elif system.upper().startswith("CPV") and not p.cpv:
            p.cpv = group[:12]
    mime_info = product.node("MIME_INFO")
    if mime_info is not None:
        for mime in map(texts, mime_info.all("MIME")):
            if mime.get("MIME_TYPE", "").startswith("image/") and mime.get("MIME_SOURCE"):
                p.images.append(mime["MIME_SOURCE"])
    return p


def read_header(el: etree._Element, header: Header) -> None:
    catalog = child(el, "CATALOG")
    header.catalog_id = text(catalog, "CATALOG_ID")
    header.catalog_version = text(catalog, "CATALOG_VERSION")
    header.language = text(catalog, "LANGUAGE")
    header.currency = text(catalog, "CURRENCY") or "EUR"
    currency = child(catalog, "CURRENCY")
    header.currency_line = (currency.sourceline or 0) if currency is not None else 0
    header.agreement_id = text(el, "AGREEMENT", "AGREEMENT_ID")
    supplier = child(el, "SUPPLIER")
    header.supplier_name = text(supplier, "SUPPLIER_NAME") or text(supplier, "PARTY", "ADDRESS", "NAME")


def read(stream: IO[bytes]) -> Iterator[Header | Product]:
    """Yield the header (once, before the first product), then each product. Raises RefusedDocument
    (HostileDocument), or etree.XMLSyntaxError (with its line number) for documents that are not
    well-formed."""
    head = stream.read(PROLOG_BYTES)
    stream.seek(0)
    checked = CheckedStream(stream, encoding=check_prolog(head))
    header = Header()
    header_sent = False
    context = etree.iterparse(
        checked,
        events=("start", "end"),
        # only these elements reach Python; "{*}" matches any namespace and none
        tag=[f"{{*}}{name}" for name in ("BMECAT", "HEADER", *TRANSACTIONS, *PRODUCT_TAGS)],
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,  # libxml2's limits stay: 10 MB a text node, nesting depth, …
        remove_comments=True,
        remove_pis=True,
    )
    root: etree._Element | None = None
    record: etree._Element | None = None  # the HEADER or product being read (the outermost one)
    record_start = record_line = 0

    def before_read() -> None:
        """Between two reads of the parser (every event so far has been handled): the open record may not
        grow past MAX_RECORD, and every complete element outside it is dropped (its text and tail too) —
        along the path of open elements, all children but the last (which may still be open)."""
        if record is not None and checked.delivered - record_start > MAX_RECORD:
            raise RefusedDocument(
                _("Zeile %(line)d: %(what)s ab Zeile %(start)d ist größer als %(mb)d MB; so groß ist kein Artikel.")
                % {
                    "line": checked.line(),
                    "what": local(record.tag),
                    "start": record_line,
                    "mb": MAX_RECORD // 1024 // 1024,
                }
            )
        node = root
        while node is not None and node is not record:
            if len(node) > 1:
                del node[:-1]
            node = node[-1] if len(node) else None

    checked.before_read = before_read
    for event, el in context:
        name = local(el.tag)
        if event == "start":
            if root is None:
                root = el
            if name == "BMECAT":
                header.version = el.get("version", "")
            elif name in TRANSACTIONS:
                header.transaction = name
                header.prev_version = el.get("prev_version", "")
            elif record is None and (name == "HEADER" or name in PRODUCT_TAGS):
                record, record_start, record_line = el, checked.delivered, el.sourceline or 0
            continue
        if el is not record:
            continue  # the end of BMECAT, a transaction, or a HEADER/product inside a record
        record = None
        if name == "HEADER":
            read_header(el, header)
        elif header.transaction:
            if not header_sent:
                header_sent = True
                yield header
            mode = {"T_UPDATE_PRODUCTS": el.get("mode", "new"), "T_UPDATE_PRICES": "price"}.get(
                header.transaction, "new"
            )
            yield read_product(el, mode)
        # keep memory flat: drop the record and the siblings already read
        el.clear()
        parent = el.getparent()
        if parent is not None:
            while el.getprevious() is not None:
                del parent[0]
    if not header_sent:
        yield header
