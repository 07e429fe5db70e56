"""Applying the products of a BMEcat file to a contract's catalog: the checks of each product, new,
changed, unchanged and deleted articles, and the articles a new catalog no longer lists."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils.translation import gettext as _

from kitu.contracts.models import FrameworkContract, Lot, Supplier

from .. import bmecat
from ..models import Article
from ..sources import Archive
from .checks import column_problems
from .known import KnownArticles
from .outcome import Outcome
from .reading import read_ahead
from .values import content_hash, price_values, search_text
from .writing import SQL_CHUNK, Writer, checked_per_statement, sink

IMAGE_MAX_BYTES = 10 * 1024 * 1024
CURRENCY_RE = re.compile(r"[A-Z]{3}")


def _resolve_supplier(contract: FrameworkContract, header: bmecat.Header, outcome: Outcome) -> Supplier | None:
    suppliers = list(contract.suppliers.select_related("organisation"))
    if len(suppliers) == 1:
        return suppliers[0]
    match = [s for s in suppliers if s.name.casefold() == header.supplier_name.casefold()]
    if len(match) == 1:
        return match[0]
    outcome.error(f"Lieferant „{header.supplier_name}“ aus dem HEADER ist keiner der Vertragspartner")
    return None


def apply(
    stream: IO[bytes],
    archive: Archive | None,
    contract: FrameworkContract,
    outcome: Outcome,
    *,
    dry_run: bool,
    lot_number: int | None,
    progress: Callable[[int], None] | None,
) -> None:
    existing = KnownArticles.of(contract)
    with checked_per_statement(), read_ahead(stream) as items:
        apply_items(
            items, archive, contract, outcome, existing, dry_run=dry_run, lot_number=lot_number, progress=progress
        )


def _writer_for(
    header: bmecat.Header, contract: FrameworkContract, outcome: Outcome, lot_number: int | None
) -> tuple[Supplier, Lot] | None:
    """The supplier and lot the header's catalog goes to, or None (with the error said)."""
    if not header.transaction:
        outcome.error("Die Datei enthält keine Transaktion (T_NEW_CATALOG, T_UPDATE_PRODUCTS oder T_UPDATE_PRICES)")
        return None
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
        return None
    supplier = _resolve_supplier(contract, header, outcome)
    lots = contract.lots.filter(supplier=supplier) if supplier else contract.lots.none()
    lot = lots.filter(number=lot_number).first() if lot_number else lots.order_by("number").first()
    if supplier is not None and lot is None:
        outcome.error(f"Der Vertrag {contract.number} hat kein Los des Lieferanten {supplier.name}")
    if supplier is None or lot is None:
        return None
    return supplier, lot


def apply_items(
    items: Iterator[bmecat.Header | bmecat.Product],
    archive: Archive | None,
    contract: FrameworkContract,
    outcome: Outcome,
    existing: KnownArticles,
    *,
    dry_run: bool,
    lot_number: int | None,
    progress: Callable[[int], None] | None,
) -> None:
    seen: set[str] = set()  # the numbers of new articles the file has named (of known ones: ``existing``)
    writer: Writer | None = None
    header: bmecat.Header | None = None
    postgres = connection.vendor == "postgresql"
    with sink() as writes:
        for item in items:
            if isinstance(item, bmecat.Header):
                header = outcome.header = item
                target = _writer_for(header, contract, outcome, lot_number)
                if target is None:
                    return
                supplier, lot = target
                writer = Writer(contract, lot, supplier, outcome, dry_run, writes)
                if header.transaction == "T_UPDATE_PRICES":
                    writer.prices_only()
                continue
            assert header is not None and writer is not None
            product = item
            outcome.total += 1
            where = outcome.where = f"Zeile {product.line}, Artikel {product.supplier_pid or '?'}"
            product.errors.extend(column_problems(product))
            for problem in product.errors:
                outcome.error(f"{where}: {problem}")
            if product.errors:
                continue
            pid = product.supplier_pid
            if product.mode == "update" and pid not in existing:
                outcome.error(f'{where}: zu ändernder Artikel (mode="update") ist nicht im Katalog')
                continue
            if pid in seen or existing.named_before(pid):
                outcome.error(f"{where}: Artikelnummer kommt in der Datei mehrfach vor")
                continue
            if not existing.name(pid):
                seen.add(pid)
            known = existing.get(pid)
            if product.mode == "delete":
                if known is None:
                    outcome.error(f"{where}: zu löschender Artikel ist nicht im Katalog")
                elif known.active:
                    writer.deactivate.append(known.id)
                    outcome.deactivated += 1
                continue
            prices, tiers = price_values(product, header.currency, outcome, where)
            if header.transaction == "T_UPDATE_PRICES":
                if known is None:
                    outcome.error(f"{where}: Preisänderung für einen Artikel, der nicht im Katalog ist")
                    continue
                # content_hash "" makes the next full catalog compare every field again
                writer.update.append(({"id": known.id, "content_hash": "", **prices}, tiers))
                if prices["price"] != known.price:
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
                digest = content_hash(values, tiers)
                if known is not None and known.content_hash == digest and known.active:
                    continue  # unchanged
                # the stemmed words feed SQLite's FTS5 index; PostgreSQL builds its tsvector from the columns
                values["supplier_pid"] = pid
                values["is_active"] = True
                values["content_hash"] = digest
                values["search_text"] = "" if postgres else search_text(product)
                values["image"] = ""
                if product.images and archive is not None and not dry_run and not outcome.error_count:
                    values["image"] = _store_image(archive, product.images[0], contract, outcome, where)
                if known is None:
                    writer.create.append((values, tiers))
                    outcome.new += 1
                else:
                    values["id"] = known.id
                    writer.update.append((values, tiers))
                    outcome.changed += 1
                    if prices["price"] != known.price:
                        outcome.price_changes += 1
            if progress and outcome.total % 1000 == 0:
                progress(outcome.total)
            writer.flush()
        if writer is None:
            if header is None or not outcome.errors:
                outcome.error("Die Datei enthält keinen BMEcat-HEADER")
            return
        writer.flush(force=True)
        writes.drain()  # every batch is written: the connection is this thread's alone again
    if header is not None and header.transaction == "T_NEW_CATALOG":
        # a new catalog replaces the catalog of its lot (a contract may have several lots and suppliers)
        dropped = existing.unnamed_active(writer.lot.pk)
        writer.deactivate.extend(dropped)
        outcome.deactivated += len(dropped)
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
