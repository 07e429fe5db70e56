"""A product's column values: its contract and list price, scale prices, content hash and search words."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from kitu.core.money import money

from .. import bmecat
from ..text import stemmed
from .outcome import Outcome

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
HASHED = tuple(sorted(ARTICLE_FIELDS))  # the hash reads the values in name order
_HASH_ITEMS = tuple((f"({name!r}, ", name) for name in HASHED)  # each item's repr up to its value
PRICE_TYPES = ("net_customer", "net_customer_exp", "net_list", "gros_list", "nrp", "on_request")
DEFAULT_TAX = Decimal("0.19")


def content_hash(values: dict[str, Any], tiers: list[tuple[Decimal, Decimal]]) -> str:
    """The digest of an article's values (``ARTICLE_FIELDS``) and scale prices: an import skips an
    article whose digest is unchanged. The md5 of ``repr((sorted(values.items()), tiers))``, written out
    without sorting the names or building a tuple per value (whose reprs cost ~3 µs an article)."""
    items = ", ".join([start + repr(values[name]) + ")" for start, name in _HASH_ITEMS])
    return hashlib.md5(f"([{items}], {tiers!r})".encode(), usedforsecurity=False).hexdigest()


def search_text(product: bmecat.Product) -> str:
    words = " ".join([product.description_short, product.description_long[:1000], product.manufacturer_name])
    return f"{stemmed(words)} {product.supplier_pid.lower()} {product.manufacturer_pid.lower()} {product.ean}"


def _lower_bound(price: bmecat.Price) -> Decimal:
    return price.lower_bound


def price_values(
    product: bmecat.Product, currency: str, outcome: Outcome, where: str
) -> tuple[dict[str, Any], list[tuple[Decimal, Decimal]]]:
    """Contract price: ``net_customer`` (several tiers by LOWER_BOUND become scale prices), else
    ``net_customer_exp`` (the customer price given without ``net_customer``). List price, for the savings:
    ``net_list``, else ``gros_list`` or ``nrp`` (the recommended retail price, gross) without VAT.
    ``udp_*`` (user-defined) prices are not used; other types get a warning."""
    by_type: dict[str, list[bmecat.Price]] = {}  # the prices with an amount, by type, in file order
    types: set[str] = set()
    currencies: set[str] = set()
    tax: Decimal | None = None
    for p in product.prices:
        types.add(p.price_type)
        if p.amount is not None:
            by_type.setdefault(p.price_type, []).append(p)
        if tax is None and p.tax is not None:
            tax = p.tax
        if p.currency:
            currencies.add(p.currency)

    def of_type(price_type: str) -> list[bmecat.Price]:
        found = by_type.get(price_type, [])
        return sorted(found, key=_lower_bound) if len(found) > 1 else found

    customer = of_type("net_customer") or of_type("net_customer_exp")
    on_request = "on_request" in types
    if tax is not None and not Decimal("0") <= tax < Decimal("1"):
        outcome.error(f"{where}: TAX {tax} ist kein Steuersatz zwischen 0 und 1 (z. B. 0.19)")
    tax = tax if tax is not None else DEFAULT_TAX
    if not customer and not on_request:
        outcome.error(f'{where}: kein Vertragspreis (PRODUCT_PRICE price_type="net_customer")')
    if not types.issubset(PRICE_TYPES):
        unknown = sorted(t for t in types - set(PRICE_TYPES) if not t.startswith("udp_"))
        if unknown:
            outcome.warnings.append(f"{where}: Preisart {', '.join(unknown)} ist unbekannt und wurde nicht übernommen")
    if len(customer) > 1 and len({p.lower_bound for p in customer}) != len(customer):
        outcome.error(f"{where}: doppelte LOWER_BOUND in den Staffelpreisen")
    if customer and customer[0].lower_bound > product.quantity_min and customer[0].lower_bound != 1:
        outcome.warnings.append(f"{where}: der erste Staffelpreis beginnt erst ab {customer[0].lower_bound}")
    if currencies and currencies != {currency}:
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
