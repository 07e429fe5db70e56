"""Matching an inbound invoice against its order and the booked goods receipts (pure: no database).

Per invoice line:
- the order line it bills: the order line reference (BT-132) naming the position number, otherwise the first
  order line with the seller's item number (BT-155) as its article number;
- quantity: what all the order's invoices bill for that line, credit notes subtracted, including this one,
  must not exceed the quantity received (goods receipt booked); a credit note must not credit more than
  was invoiced;
- unit price: the invoiced net unit price (BT-146 per base quantity) may differ from the order's contract
  price by at most the tolerance (``KITU_PAYABLES_PRICE_TOLERANCE``, EUR per unit, net);
- amount: quantity × unit price = line net amount (to the cent).
For the invoice: the line amounts add up to the line total (BT-106), net + VAT = gross (BT-109 + BT-110 =
BT-112), the currency is EUR, and an order is referenced and found.

The result is "matched" when no reason was found; otherwise "to review" with every reason in German words."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

CENT = Decimal("0.01")


@dataclass(frozen=True)
class OrderLineFacts:
    id: int
    position: int
    supplier_pid: str
    description: str
    quantity: int
    unit_price: Decimal
    received_quantity: int


@dataclass(frozen=True)
class InvoiceLineFacts:
    line_id: str
    name: str
    seller_item_id: str
    order_line_ref: str
    quantity: Decimal
    unit_price: Decimal
    net_amount: Decimal


@dataclass
class LineResult:
    order_line_id: int | None
    problems: list[str] = field(default_factory=list)


@dataclass
class MatchResult:
    lines: list[LineResult]
    problems: list[str]  # every reason, header and lines, in order

    @property
    def matched(self) -> bool:
        return not self.problems


def _german(text: str) -> str:
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def _money(value: Decimal) -> str:
    """1234.5 → "1.234,50" (money always with two decimals; more where a unit price has them)."""
    exponent = value.normalize().as_tuple().exponent
    places = min(4, max(2, -exponent)) if isinstance(exponent, int) else 2
    return _german(f"{value:,.{places}f}")


def _qty(value: Decimal | int) -> str:
    """4.0000 → "4", 2.5 → "2,5"."""
    value = Decimal(value)
    text = f"{value.normalize():f}" if value != value.to_integral() else str(int(value))
    return _german(text)


def _find(line: InvoiceLineFacts, order_lines: list[OrderLineFacts]) -> OrderLineFacts | None:
    ref = line.order_line_ref.strip()
    if ref.isdigit():
        for candidate in order_lines:
            if candidate.position == int(ref):
                return candidate
    if line.seller_item_id:
        for candidate in order_lines:
            if candidate.supplier_pid == line.seller_item_id:
                return candidate
    return None


def match(
    *,
    credit_note: bool,
    lines: list[InvoiceLineFacts],
    order_found: bool,
    order_reference: str,
    order_lines: list[OrderLineFacts],
    invoiced_before: dict[int, Decimal],
    currency: str,
    line_total: Decimal,
    net_total: Decimal,
    tax_total: Decimal,
    gross_total: Decimal,
    tolerance: Decimal,
) -> MatchResult:
    """``invoiced_before``: net quantity per order line id billed by the order's other invoices (credit notes
    subtracted, rejected ones left out)."""
    header: list[str] = []
    if not order_reference:
        header.append(_("Die Rechnung nennt keine Bestellnummer (BT-13)."))
    elif not order_found:
        header.append(
            _("Die Bestellnummer „%(number)s“ ist keine Bestellung dieses Mitglieds bei diesem Lieferanten.")
            % {"number": order_reference}
        )
    if currency != "EUR":
        header.append(_("Die Rechnung ist nicht in Euro ausgestellt (%(currency)s).") % {"currency": currency})
    total = sum((ln.net_amount for ln in lines), Decimal("0"))
    if total.quantize(CENT) != line_total.quantize(CENT):
        header.append(
            _("Die Positionen ergeben %(sum)s EUR, die Rechnung nennt als Summe der Positionen %(total)s EUR.")
            % {"sum": _money(total), "total": _money(line_total)}
        )
    if (net_total + tax_total).quantize(CENT) != gross_total.quantize(CENT):
        header.append(
            _("Netto %(net)s EUR und Umsatzsteuer %(tax)s EUR ergeben nicht den Bruttobetrag %(gross)s EUR.")
            % {"net": _money(net_total), "tax": _money(tax_total), "gross": _money(gross_total)}
        )
    results: list[LineResult] = []
    running = dict(invoiced_before)
    line_problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        label = _("Position %(n)s (%(name)s)") % {"n": number, "name": line.name or line.line_id}
        problems: list[str] = []
        order_line = _find(line, order_lines) if order_found else None
        if order_found and order_line is None:
            problems.append(
                _("%(line)s: keine passende Bestellposition (Artikelnummer „%(pid)s“).")
                % {"line": label, "pid": line.seller_item_id or "–"}
            )
        if order_line is not None:
            before = running.get(order_line.id, Decimal("0"))
            after = before - line.quantity if credit_note else before + line.quantity
            running[order_line.id] = after
            if credit_note and after < 0:
                problems.append(
                    _("%(line)s: gutgeschrieben %(qty)s, berechnet waren bisher nur %(before)s.")
                    % {"line": label, "qty": _qty(line.quantity), "before": _qty(before)}
                )
            elif not credit_note and after > order_line.received_quantity:
                problems.append(
                    _(
                        "%(line)s: insgesamt %(after)s berechnet (davon bisher %(before)s), aber nur "
                        "%(received)s als Wareneingang gebucht."
                    )
                    % {
                        "line": label,
                        "after": _qty(after),
                        "before": _qty(before),
                        "received": order_line.received_quantity,
                    }
                )
            difference = (line.unit_price - order_line.unit_price).copy_abs()
            if difference > tolerance:
                problems.append(
                    _(
                        "%(line)s: Einzelpreis %(price)s EUR weicht vom Vertragspreis %(contract)s EUR um "
                        "%(diff)s EUR ab (erlaubt: %(tolerance)s EUR)."
                    )
                    % {
                        "line": label,
                        "price": _money(line.unit_price),
                        "contract": _money(order_line.unit_price),
                        "diff": _money(difference),
                        "tolerance": _money(tolerance),
                    }
                )
        if (line.quantity * line.unit_price).quantize(CENT) != line.net_amount.quantize(CENT):
            problems.append(
                _("%(line)s: Menge × Einzelpreis ergibt nicht den Positionsbetrag %(amount)s EUR.")
                % {"line": label, "amount": _money(line.net_amount)}
            )
        results.append(LineResult(order_line.id if order_line else None, problems))
        line_problems += problems
    return MatchResult(results, header + line_problems)
