"""Importing a BMEcat file into a contract's catalog: all or nothing, streaming, with a history row.

``import_catalog`` runs everything in one transaction. Every problem is collected with its line number
and article number; if there is any, or for a dry run, the transaction is rolled back and nothing
changes. Memory stays flat: the reader streams, and articles are written in batches."""

from __future__ import annotations

import hashlib
import logging
import queue
import re
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from lxml import etree

from kitu.contracts.models import FrameworkContract, Lot, Supplier
from kitu.core.money import money

from . import bmecat
from .models import Article, CatalogImport, ScalePrice
from .sources import Archive, RefusedDocument, open_catalog
from .text import stemmed

log = logging.getLogger(__name__)
BATCH = 2000
MAX_ERRORS = 1000
IMAGE_MAX_BYTES = 10 * 1024 * 1024
CURRENCY_RE = re.compile(r"[A-Z]{3}")
ARTICLE_FIELDS = (
    "description_short",
    "description_long",
    "manufacturer_name",
    "manufacturer_pid",
    "ean",
    "order_unit",
    "content_unit",
    "content_per_unit",
    "price_quantity",
    "quantity_min",
    "quantity_interval",
    "eclass_system",
    "eclass_group",
    "cpv",
    "currency",
    "price",
    "list_price",
    "tax_rate",
    "price_on_request",
    "valid_from",
    "valid_until",
    "image_source",
)
PRICE_FIELDS = ("price", "list_price", "tax_rate", "currency", "price_on_request", "valid_from", "valid_until")


class ImportRolledBack(Exception):
    pass


@dataclass
class Outcome:
    total: int = 0
    new: int = 0
    changed: int = 0
    deactivated: int = 0
    price_changes: int = 0
    errors: list[str] = field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)
    header: bmecat.Header | None = None
    saved_files: list[str] = field(default_factory=list)
    where: str = ""  # the product being read, for an unexpected error
    stored_images: dict[str, str] = field(default_factory=dict)  # member of the ZIP → stored path

    def error(self, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(message)


_FITS: set[tuple[int, int, Decimal]] = set()  # (max_digits, places, value) known to fit; numbers repeat
FITS_REMEMBERED = 4096


def _column_problem(value: Decimal, column: Any, *, rounds: bool = False) -> str | None:
    """Why ``value`` does not fit the DecimalField ``column`` (max_digits, decimal_places), or None.
    ``rounds``: the importer rounds the value to the column's places (prices to cents), so only its size
    counts; other numbers must not have more places than the column keeps."""
    whole = column.max_digits - column.decimal_places
    if not rounds and value.is_finite():
        # whether a number fits depends on its value alone (1.000 fits where 1 fits): quantities, tax rates
        # and bounds repeat from article to article, so most are answered from the set
        key = (column.max_digits, column.decimal_places, value)
        if key in _FITS:
            return None
        problem = _checked(value, column, whole, rounds=False)
        if problem is None and len(_FITS) < FITS_REMEMBERED:
            _FITS.add(key)
        return problem
    return _checked(value, column, whole, rounds=rounds)


def _checked(value: Decimal, column: Any, whole: int, *, rounds: bool) -> str | None:
    # the common case, decided without arithmetic: well below the limit (rounding cannot carry it over) and
    # with no more places than the column keeps
    if value.is_finite() and value.adjusted() < whole - 1:
        exponent = value.as_tuple().exponent
        if rounds or (isinstance(exponent, int) and exponent >= -column.decimal_places):
            return None
    limit = Decimal(10) ** whole

    def too_large() -> str:  # the message only when needed: this runs for every number of every article
        return ngettext(
            "%(value)s ist zu groß (höchstens %(digits)d Stelle vor dem Komma)",
            "%(value)s ist zu groß (höchstens %(digits)d Stellen vor dem Komma)",
            whole,
        ) % {"value": value, "digits": whole}

    if value.copy_abs() >= limit:  # first: abs() and quantize() fail beyond the decimal context (1E+999999999)
        return too_large()
    rounded = value.quantize(Decimal(1).scaleb(-column.decimal_places), rounding=ROUND_HALF_UP)
    if rounded.copy_abs() >= limit:
        return too_large()
    if rounded != value and not rounds:
        return _("%(value)s hat mehr als %(places)d Nachkommastellen") % {
            "value": value,
            "places": column.decimal_places,
        }
    return None


ORDER_NUMBERS = (
    ("content_per_unit", "NO_CU_PER_OU"),
    ("price_quantity", "PRICE_QUANTITY"),
    ("quantity_min", "QUANTITY_MIN"),
    ("quantity_interval", "QUANTITY_INTERVAL"),
)


def _column_problems(product: bmecat.Product) -> list[str]:
    """What of ``product`` the database columns cannot hold (PostgreSQL refuses it; SQLite would store it)."""
    problems = []
    fields = Article._meta
    for attr, tag in ORDER_NUMBERS:
        if problem := _column_problem(getattr(product, attr), fields.get_field(attr)):
            problems.append(f"{tag}: {problem}")
    price_column, tax_column = fields.get_field("price"), fields.get_field("tax_rate")
    bound_column = ScalePrice._meta.get_field("lower_bound")
    for price in product.prices:
        if price.amount is not None and (problem := _column_problem(price.amount, price_column, rounds=True)):
            problems.append(f"PRICE_AMOUNT ({price.price_type}): {problem}")
        if price.tax is not None and (problem := _column_problem(price.tax, tax_column)):
            problems.append(f"TAX: {problem}")
        if problem := _column_problem(price.lower_bound, bound_column):
            problems.append(f"LOWER_BOUND: {problem}")
    longest = fields.get_field("image_source").max_length or 0
    if product.images and len(product.images[0]) > longest:
        problems.append(
            _("MIME_SOURCE ist länger als %(max)d Zeichen (%(length)d)")
            % {"max": longest, "length": len(product.images[0])}
        )
    return problems


def _content_hash(values: dict[str, Any], tiers: list[tuple[Decimal, Decimal]]) -> str:
    return hashlib.md5(repr((sorted(values.items()), tiers)).encode(), usedforsecurity=False).hexdigest()


def _search_text(product: bmecat.Product) -> str:
    words = " ".join([product.description_short, product.description_long[:1000], product.manufacturer_name])
    return f"{stemmed(words)} {product.supplier_pid.lower()} {product.manufacturer_pid.lower()} {product.ean}"


PRICE_TYPES = ("net_customer", "net_customer_exp", "net_list", "gros_list", "nrp", "on_request")


def _price_values(
    product: bmecat.Product, currency: str, outcome: Outcome, where: str
) -> tuple[dict[str, Any], list[tuple[Decimal, Decimal]]]:
    """Contract price: ``net_customer`` (several tiers by LOWER_BOUND become scale prices), else
    ``net_customer_exp`` (the customer price given without ``net_customer``). List price, for the savings:
    ``net_list``, else ``gros_list`` or ``nrp`` (the recommended retail price, gross) without VAT.
    ``udp_*`` (user-defined) prices are not used; other types get a warning."""

    def of_type(price_type: str) -> list[bmecat.Price]:
        return sorted(
            (p for p in product.prices if p.price_type == price_type and p.amount is not None),
            key=lambda p: p.lower_bound,
        )

    customer = of_type("net_customer") or of_type("net_customer_exp")
    on_request = any(p.price_type == "on_request" for p in product.prices)
    tax = next((p.tax for p in product.prices if p.tax is not None), None)
    if tax is not None and not Decimal("0") <= tax < Decimal("1"):
        outcome.error(f"{where}: TAX {tax} ist kein Steuersatz zwischen 0 und 1 (z. B. 0.19)")
    tax = tax if tax is not None else Decimal("0.19")
    if not customer and not on_request:
        outcome.error(f'{where}: kein Vertragspreis (PRODUCT_PRICE price_type="net_customer")')
    unknown = sorted({p.price_type for p in product.prices} - set(PRICE_TYPES))
    if unknown := [t for t in unknown if not t.startswith("udp_")]:
        outcome.warnings.append(f"{where}: Preisart {', '.join(unknown)} ist unbekannt und wurde nicht übernommen")
    bounds = [p.lower_bound for p in customer]
    if len(set(bounds)) != len(bounds):
        outcome.error(f"{where}: doppelte LOWER_BOUND in den Staffelpreisen")
    if customer and customer[0].lower_bound > product.quantity_min and customer[0].lower_bound != 1:
        outcome.warnings.append(f"{where}: der erste Staffelpreis beginnt erst ab {customer[0].lower_bound}")
    currencies = {p.currency for p in product.prices if p.currency}
    if currencies - {currency}:
        outcome.error(f"{where}: Währung {', '.join(sorted(currencies))} weicht von der Katalogwährung {currency} ab")
    list_price: Decimal | None = None
    if net_list := of_type("net_list"):
        list_price = money(net_list[0].amount or 0)
    elif gross := of_type("gros_list") or of_type("nrp"):
        list_price = money((gross[0].amount or 0) / (1 + tax))
    values = {
        "price": money(customer[0].amount) if customer and customer[0].amount is not None else None,
        "list_price": list_price,
        "tax_rate": tax,
        "currency": currency,
        "price_on_request": on_request and not customer,
        "valid_from": product.valid_from,
        "valid_until": product.valid_until,
    }
    tiers = [(p.lower_bound, money(p.amount)) for p in customer[1:] if p.amount is not None]
    return values, tiers


def _resolve_supplier(contract: FrameworkContract, header: bmecat.Header, outcome: Outcome) -> Supplier | None:
    suppliers = list(contract.suppliers.select_related("organisation"))
    if len(suppliers) == 1:
        return suppliers[0]
    match = [s for s in suppliers if s.name.casefold() == header.supplier_name.casefold()]
    if len(match) == 1:
        return match[0]
    outcome.error(f"Lieferant „{header.supplier_name}“ aus dem HEADER ist keiner der Vertragspartner")
    return None


SQL_CHUNK = 900  # ids per IN (...) list, under SQLite's variable limit


def _insert(table: str, columns: list[str], rows: list[list[Any]]) -> None:
    """Insert ``rows``: COPY on PostgreSQL, executemany on SQLite (the search indexes follow by triggers).
    Table and column names are constants of this module; all values are bound or streamed."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows)  # noqa: S608


class _Writer:
    """Collects article rows (dicts of column values) and writes them in batches as plain rows, without
    model instances; the search indexes are kept by database triggers (catalog migrations 0002, 0003)."""

    def __init__(
        self, contract: FrameworkContract, lot: Lot, supplier: Supplier, outcome: Outcome, dry_run: bool
    ) -> None:
        self.contract, self.lot, self.supplier, self.outcome, self.dry_run = contract, lot, supplier, outcome, dry_run
        self.create: list[tuple[dict[str, Any], list[tuple[Decimal, Decimal]]]] = []
        self.update: list[tuple[dict[str, Any], list[tuple[Decimal, Decimal]] | None]] = []
        self.deactivate: list[int] = []
        self.columns = [*ARTICLE_FIELDS, "is_active", "content_hash", "search_text", "image"]

    def prices_only(self) -> None:
        self.columns = [*PRICE_FIELDS, "content_hash"]

    def flush(self, *, force: bool = False) -> None:
        if self.outcome.error_count or self.dry_run:
            self.create.clear()
            self.update.clear()
            return
        if self.create and (force or len(self.create) >= BATCH):
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            fixed = [self.contract.pk, self.lot.pk, self.supplier.pk]
            _insert(
                "catalog_article",
                ["contract_id", "lot_id", "supplier_id", "supplier_pid", *self.columns, "updated_at"],
                [[*fixed, v["supplier_pid"], *(v[c] for c in self.columns), now] for v, _ in self.create],
            )
            tiered = [(v["supplier_pid"], tiers) for v, tiers in self.create if tiers]
            ids = self._ids([pid for pid, _ in tiered]) if tiered else {}
            self._write_tiers([(ids[pid], tiers) for pid, tiers in tiered], replace=False)
            self.create.clear()
        if self.update and (force or len(self.update) >= BATCH):
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            assignments = ", ".join(f"{c} = %s" for c in [*self.columns, "updated_at"])
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE catalog_article SET {assignments} WHERE id = %s",  # noqa: S608 (constants)
                    [[*(v[c] for c in self.columns), now, v["id"]] for v, _ in self.update],
                )
            self._write_tiers([(v["id"], t) for v, t in self.update if t is not None], replace=True)
            self.update.clear()

    def _ids(self, pids: list[str]) -> dict[str, int]:
        ids: dict[str, int] = {}
        for start in range(0, len(pids), SQL_CHUNK):
            chunk = pids[start : start + SQL_CHUNK]
            ids.update(
                Article.objects.filter(contract=self.contract, supplier_pid__in=chunk).values_list("supplier_pid", "pk")
            )
        return ids

    @staticmethod
    def _write_tiers(tiers_by_id: list[tuple[int, list[tuple[Decimal, Decimal]]]], *, replace: bool) -> None:
        """Scale prices of the articles just written; ``replace`` drops their old tiers first."""
        if replace:
            for start in range(0, len(tiers_by_id), SQL_CHUNK):
                chunk = [pk for pk, _ in tiers_by_id[start : start + SQL_CHUNK]]
                ScalePrice.objects.filter(article_id__in=chunk).delete()  # one DELETE (no cascades)
        rows = [[pk, bound, amount] for pk, tiers in tiers_by_id for bound, amount in tiers]
        if rows:
            _insert("catalog_scaleprice", ["article_id", "lower_bound", "amount"], rows)


READ_AHEAD = 256  # products per hand-over from the reading thread
_END = object()


@contextmanager
def _read_ahead(stream: IO[bytes]) -> Iterator[Iterator[bmecat.Header | bmecat.Product]]:
    """``bmecat.read(stream)``, parsed in a second thread a few hundred products ahead: the parsing runs
    while this thread waits for the database (COPY, the search index trigger), so the two overlap.
    The reader never touches the database; an error it raises is raised here, after the products read
    before it. Leaving the block early stops the reader."""
    handed: queue.Queue[list[Any]] = queue.Queue(maxsize=8)  # bounded: memory stays flat
    stop = threading.Event()
    language = translation.get_language()

    def put(chunk: list[Any]) -> bool:
        while not stop.is_set():
            try:
                handed.put(chunk, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        chunk: list[Any] = []
        with translation.override(language):  # the reader's messages in the caller's language
            try:
                for item in bmecat.read(stream):
                    chunk.append(item)
                    if len(chunk) >= READ_AHEAD or isinstance(item, bmecat.Header):
                        if not put(chunk):
                            return  # the importer stopped reading
                        chunk = []
                chunk.append(_END)
            except Exception as exc:  # noqa: BLE001 (handed over and raised in the importing thread)
                chunk.append(exc)
            put(chunk)

    def consume() -> Iterator[bmecat.Header | bmecat.Product]:
        while True:
            for item in handed.get():
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item

    reader = threading.Thread(target=produce, name="bmecat-reader", daemon=True)
    reader.start()
    try:
        yield consume()
    finally:
        stop.set()
        reader.join()


def _apply(
    stream: IO[bytes],
    archive: Archive | None,
    contract: FrameworkContract,
    outcome: Outcome,
    *,
    dry_run: bool,
    lot_number: int | None,
    progress: Callable[[int], None] | None,
) -> None:
    existing: dict[str, tuple[int, str, Decimal | None, bool, int]] = {
        pid: (pk, h, price, active, lot_id)
        for pid, pk, h, price, active, lot_id in Article.objects.filter(contract=contract).values_list(
            "supplier_pid", "pk", "content_hash", "price", "is_active", "lot_id"
        )
    }
    with _read_ahead(stream) as items:
        _apply_items(
            items, archive, contract, outcome, existing, dry_run=dry_run, lot_number=lot_number, progress=progress
        )


def _apply_items(
    items: Iterator[bmecat.Header | bmecat.Product],
    archive: Archive | None,
    contract: FrameworkContract,
    outcome: Outcome,
    existing: dict[str, tuple[int, str, Decimal | None, bool, int]],
    *,
    dry_run: bool,
    lot_number: int | None,
    progress: Callable[[int], None] | None,
) -> None:
    seen: set[str] = set()
    writer: _Writer | None = None
    header: bmecat.Header | None = None
    for item in items:
        if isinstance(item, bmecat.Header):
            header = outcome.header = item
            if not header.transaction:
                outcome.error(
                    "Die Datei enthält keine Transaktion (T_NEW_CATALOG, T_UPDATE_PRODUCTS oder T_UPDATE_PRICES)"
                )
                return
            if header.agreement_id and header.agreement_id != contract.number:
                outcome.warnings.append(
                    f"AGREEMENT_ID „{header.agreement_id}“ im HEADER passt nicht zum Vertrag {contract.number}; "
                    f"importiert in {contract.number}"
                )
            elif not header.agreement_id:
                outcome.warnings.append(f"Der HEADER nennt keine AGREEMENT_ID; importiert in {contract.number}")
            if not CURRENCY_RE.fullmatch(header.currency):
                outcome.error(
                    _("Zeile %(line)d: CURRENCY „%(value)s“ ist kein Währungscode nach ISO 4217 (drei Buchstaben)")
                    % {"line": header.currency_line, "value": header.currency}
                )
                return
            supplier = _resolve_supplier(contract, header, outcome)
            lots = contract.lots.filter(supplier=supplier) if supplier else contract.lots.none()
            lot = lots.filter(number=lot_number).first() if lot_number else lots.order_by("number").first()
            if supplier is not None and lot is None:
                outcome.error(f"Der Vertrag {contract.number} hat kein Los des Lieferanten {supplier.name}")
            if supplier is None or lot is None:
                return
            writer = _Writer(contract, lot, supplier, outcome, dry_run)
            if header.transaction == "T_UPDATE_PRICES":
                writer.prices_only()
            continue
        assert header is not None and writer is not None
        product = item
        outcome.total += 1
        where = outcome.where = f"Zeile {product.line}, Artikel {product.supplier_pid or '?'}"
        product.errors.extend(_column_problems(product))
        for problem in product.errors:
            outcome.error(f"{where}: {problem}")
        if product.errors:
            continue
        if product.mode == "update" and product.supplier_pid not in existing:
            outcome.error(f'{where}: zu ändernder Artikel (mode="update") ist nicht im Katalog')
            continue
        if product.supplier_pid in seen:
            outcome.error(f"{where}: Artikelnummer kommt in der Datei mehrfach vor")
            continue
        seen.add(product.supplier_pid)
        known = existing.get(product.supplier_pid)
        if product.mode == "delete":
            if known is None:
                outcome.error(f"{where}: zu löschender Artikel ist nicht im Katalog")
            elif known[3]:
                writer.deactivate.append(known[0])
                outcome.deactivated += 1
            continue
        prices, tiers = _price_values(product, header.currency, outcome, where)
        if header.transaction == "T_UPDATE_PRICES":
            if known is None:
                outcome.error(f"{where}: Preisänderung für einen Artikel, der nicht im Katalog ist")
                continue
            # content_hash "" makes the next full catalog compare every field again
            writer.update.append(({"id": known[0], "content_hash": "", **prices}, tiers))
            if prices["price"] != known[2]:
                outcome.price_changes += 1
            outcome.changed += 1
        else:
            values = {
                "description_short": product.description_short,
                "description_long": product.description_long,
                "manufacturer_name": product.manufacturer_name,
                "manufacturer_pid": product.manufacturer_pid,
                "ean": product.ean,
                "order_unit": product.order_unit or "C62",
                "content_unit": product.content_unit,
                "content_per_unit": product.content_per_unit,
                "price_quantity": product.price_quantity,
                "quantity_min": product.quantity_min,
                "quantity_interval": product.quantity_interval,
                "eclass_system": product.eclass_system,
                "eclass_group": product.eclass_group,
                "cpv": product.cpv,
                "image_source": product.images[0] if product.images else "",
                **prices,
            }
            digest = _content_hash(values, tiers)
            if known is not None and known[1] == digest and known[3]:
                continue  # unchanged
            # the stemmed words feed SQLite's FTS5 index; PostgreSQL builds its tsvector from the columns
            search = "" if connection.vendor == "postgresql" else _search_text(product)
            row = {
                **values,
                "supplier_pid": product.supplier_pid,
                "is_active": True,
                "content_hash": digest,
                "search_text": search,
                "image": "",
            }
            if product.images and archive is not None and not dry_run and not outcome.error_count:
                row["image"] = _store_image(archive, product.images[0], contract, outcome, where)
            if known is None:
                writer.create.append((row, tiers))
                outcome.new += 1
            else:
                row["id"] = known[0]
                writer.update.append((row, tiers))
                outcome.changed += 1
                if prices["price"] != known[2]:
                    outcome.price_changes += 1
        if progress and outcome.total % 1000 == 0:
            progress(outcome.total)
        writer.flush()
    if writer is None:
        if header is None or not outcome.errors:
            outcome.error("Die Datei enthält keinen BMEcat-HEADER")
        return
    writer.flush(force=True)
    if header is not None and header.transaction == "T_NEW_CATALOG":
        # a new catalog replaces the catalog of its lot (a contract may have several lots and suppliers)
        for pid, (pk, _h, _p, active, lot_id) in existing.items():
            if active and pid not in seen and lot_id == writer.lot.pk:
                writer.deactivate.append(pk)
                outcome.deactivated += 1
    if writer.deactivate and not outcome.error_count and not dry_run:
        for start in range(0, len(writer.deactivate), SQL_CHUNK):
            Article.objects.filter(pk__in=writer.deactivate[start : start + SQL_CHUNK]).update(is_active=False)


def _store_image(archive: Archive, name: str, contract: FrameworkContract, outcome: Outcome, where: str) -> str:
    """Store image ``name`` of the ZIP once per import (articles often share one), at most 10 MB."""
    member = archive.find(name)
    if member is None:
        outcome.warnings.append(f"{where}: Bild {name} ist nicht in der ZIP-Datei")
        return ""
    if member in outcome.stored_images:
        return outcome.stored_images[member]
    data = archive.read(member, IMAGE_MAX_BYTES)
    if len(data) > IMAGE_MAX_BYTES:
        outcome.warnings.append(f"{where}: Bild {name} ist größer als 10 MB und wurde ausgelassen")
        return ""
    # the storage shortens a long name to what the column holds (the image path is varchar(100))
    longest = Article._meta.get_field("image").max_length
    path = default_storage.save(f"catalog/{contract.pk}/{Path(name).name}", ContentFile(data), max_length=longest)
    outcome.saved_files.append(path)
    outcome.stored_images[member] = path
    return path


def _after_bulk_load() -> None:
    """PostgreSQL, after many rows changed: merge the GIN index's pending list (every search would scan
    it otherwise) and refresh the planner statistics, so the next search is fast at once."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list('catalog_article_search_vector')")
            cursor.execute("ANALYZE catalog_article, catalog_article_search")


def import_catalog(
    *,
    actor: Any,
    contract: FrameworkContract,
    path: Path,
    filename: str = "",
    dry_run: bool = False,
    lot_number: int | None = None,
    record: CatalogImport | None = None,
    progress: Callable[[int], None] | None = None,
) -> CatalogImport:
    """Import the BMEcat file (XML or ZIP) at ``path`` into ``contract``; the returned history row says
    what happened. A file with any error, or a dry run, changes nothing."""
    if record is None:
        record = CatalogImport.objects.create(
            contract=contract,
            started_by=actor if getattr(actor, "is_authenticated", False) else None,
            filename=filename or path.name,
            dry_run=dry_run,
            status=CatalogImport.Status.RUNNING,
        )
    else:
        CatalogImport.objects.filter(pk=record.pk).update(status=CatalogImport.Status.RUNNING)
    outcome = Outcome()
    try:
        limits = {
            "max_bytes": settings.KITU_CATALOG_UNZIPPED_MAX_BYTES,
            "max_ratio": settings.KITU_CATALOG_UNZIP_MAX_RATIO,
        }
        with open_catalog(path, **limits) as (stream, archive), transaction.atomic():
            _apply(stream, archive, contract, outcome, dry_run=dry_run, lot_number=lot_number, progress=progress)
            if outcome.error_count or dry_run:
                raise ImportRolledBack
    except ImportRolledBack:
        pass
    except RefusedDocument as exc:
        outcome.error(str(exc))
    except etree.XMLSyntaxError as exc:
        outcome.error(f"Zeile {exc.lineno}: die Datei ist kein wohlgeformtes XML ({exc.msg})")
    except zipfile.BadZipFile as exc:
        outcome.error(_("Die ZIP-Datei ist beschädigt oder unvollständig (%(reason)s).") % {"reason": exc})
    except Exception as exc:  # any other failure ends the import as failed, never "running"
        log.exception("catalog import %s failed unexpectedly", record.pk)
        reason = f"{type(exc).__name__}: {exc}"[:300]
        message = _(
            "unerwarteter Fehler beim Import (%(reason)s); der Katalog ist unverändert. "
            "Bitte melden Sie den Fehler dem Betrieb."
        ) % {"reason": reason}
        outcome.error(f"{outcome.where}: {message}" if outcome.where else message[0].upper() + message[1:])
    if not outcome.error_count and not dry_run and outcome.new + outcome.changed >= BATCH:
        _after_bulk_load()
    if outcome.error_count:
        for saved in outcome.saved_files:
            default_storage.delete(saved)
        if outcome.error_count > len(outcome.errors):
            outcome.errors.append(f"… und {outcome.error_count - len(outcome.errors)} weitere Fehler")
    header = outcome.header
    record.status = CatalogImport.Status.FAILED if outcome.error_count else CatalogImport.Status.SUCCEEDED
    record.finished_at = timezone.now()
    record.transaction = header.transaction if header else ""
    record.catalog_version = header.catalog_version[:20] if header else ""
    record.articles_total = outcome.total
    record.articles_new, record.articles_changed = outcome.new, outcome.changed
    record.articles_deactivated, record.price_changes = outcome.deactivated, outcome.price_changes
    record.errors, record.warnings = outcome.errors, outcome.warnings[:MAX_ERRORS]
    record.save()
    return record
