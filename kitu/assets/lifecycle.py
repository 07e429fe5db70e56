"""Pure rules of a device's life: warranty end and replacement due date from dates and terms, and the
replacement plan per year. No database.

Replacement after how many months is a setting per ECLASS class (``KITU_ASSET_REPLACEMENT_MONTHS``,
a dict code → months, merged over ``DEFAULT_REPLACEMENT_MONTHS``); a class not listed is never due."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

# Usual useful lives in municipal IT (AfA tables: 3 years for computers; switches and printers longer).
DEFAULT_REPLACEMENT_MONTHS: dict[str, int] = {
    "19020101": 72,  # monitor
    "19030101": 60,  # desktop PC
    "19030104": 48,  # notebook
    "19030110": 48,  # tablet
    "19030290": 72,  # docking station
    "19170301": 96,  # switch
    "19170302": 84,  # WLAN access point
    "24300701": 72,  # multifunction device
}
# Devices worth an asset row: ECLASS classes of IT hardware (19-…) and multifunction devices. Paper is not.
ASSET_CLASS_PREFIXES = ("19", "243007")


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months; a day that does not exist in the target month becomes its last day
    (31.01. + 1 month = 28./29.02.)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def warranty_end(received_on: dt.date, *, article_months: int | None, contract_months: int | None) -> dt.date | None:
    """The warranty runs from the goods receipt for the article's term, else the contract's; none without
    a term. The end is the day before the same date after the term (24 months from 15.03.2026: 14.03.2028)."""
    months = article_months if article_months is not None else contract_months
    if months is None:
        return None
    return add_months(received_on, months) - dt.timedelta(days=1)


def replacement_months(eclass_group: str) -> int | None:
    table = {**DEFAULT_REPLACEMENT_MONTHS, **getattr(settings, "KITU_ASSET_REPLACEMENT_MONTHS", {})}
    return table.get((eclass_group or "").replace("-", "").strip())


def replacement_due(acquired_on: dt.date, eclass_group: str) -> dt.date | None:
    months = replacement_months(eclass_group)
    return add_months(acquired_on, months) if months is not None else None


def is_asset_class(eclass_group: str) -> bool:
    code = (eclass_group or "").replace("-", "").strip()
    return any(code.startswith(prefix) for prefix in ASSET_CLASS_PREFIXES)


@dataclass(frozen=True)
class PlanInput:
    eclass_group: str
    acquired_on: dt.date
    price: Decimal | None


@dataclass
class PlanYear:
    year: int
    counts: dict[str, int] = field(default_factory=dict)  # ECLASS class -> devices due
    value: Decimal = Decimal("0")  # sum of the purchase prices of the devices due (EUR, net)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def plan(devices: Iterable[PlanInput], *, first_year: int, years: int) -> list[PlanYear]:
    """Devices due for replacement per calendar year from ``first_year`` for ``years`` years; devices
    already overdue count in ``first_year``. Devices of a class without a replacement term are left out."""
    out = {year: PlanYear(year) for year in range(first_year, first_year + years)}
    for device in devices:
        due = replacement_due(device.acquired_on, device.eclass_group)
        if due is None:
            continue
        year = max(due.year, first_year)
        if year not in out:
            continue
        row = out[year]
        key = device.eclass_group.replace("-", "")
        row.counts[key] = row.counts.get(key, 0) + 1
        row.value += device.price or Decimal("0")
    return list(out.values())
