"""Date rules of the Genossenschaftsgesetz, as pure functions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings


def parse_year_end(text: str) -> tuple[int, int]:
    month, day = (int(part) for part in text.split("-"))
    dt.date(2001, month, day)  # raises on an impossible date; 29 February is not a business-year end
    return month, day


def business_year_end(year: int, year_end: tuple[int, int]) -> dt.date:
    return dt.date(year, *year_end)


def business_year_end_on_or_after(day: dt.date, year_end: tuple[int, int] | None = None) -> dt.date:
    """The last day of the business year that contains ``day``."""
    year_end = year_end or parse_year_end(settings.KITU_BUSINESS_YEAR_END)
    end = business_year_end(day.year, year_end)
    return end if end >= day else business_year_end(day.year + 1, year_end)


def exit_date_after_notice(
    received_on: dt.date,
    *,
    notice_months: int | None = None,
    year_end: tuple[int, int] | None = None,
) -> dt.date:
    """§ 65 GenG: notice is only possible to the end of a business year and must be received at least
    the notice period before it ends. The exit date is the end of the first business year that ends
    at least ``notice_months`` after receipt (a period counted back from the year end, § 188 BGB)."""
    notice_months = settings.KITU_NOTICE_PERIOD_MONTHS if notice_months is None else notice_months
    if not 0 < notice_months <= 60:
        raise ValueError("The notice period is 1 to 60 months (§ 65 (2) GenG: at most five years).")
    year_end = year_end or parse_year_end(settings.KITU_BUSINESS_YEAR_END)
    earliest = received_on + relativedelta(months=notice_months)
    end = business_year_end_on_or_after(received_on, year_end)
    while end < earliest:
        end = business_year_end(end.year + 1, year_end)
    return end


def settlement_due_on(exit_date: dt.date) -> dt.date:
    """§ 73 GenG: the paid-in capital is paid out within six months after the exit."""
    return exit_date + relativedelta(months=settings.KITU_SETTLEMENT_MONTHS)


# Shares a joining member subscribes (statutes): at least one; more up to the statutes' maximum per member.
MIN_SHARES = 1
DEFAULT_MAX_SHARES = 20


def max_shares() -> int:
    """The most shares one member may hold (statutes; setting ``KITU_MAX_SHARES``, default 20)."""
    return int(getattr(settings, "KITU_MAX_SHARES", DEFAULT_MAX_SHARES))


def shares_allowed(count: int) -> bool:
    return MIN_SHARES <= count <= max_shares()


def share_value() -> Decimal:
    """The nominal value of one share (statutes; setting ``KITU_SHARE_NOMINAL_VALUE``), in EUR."""
    return Decimal(settings.KITU_SHARE_NOMINAL_VALUE).quantize(Decimal("0.01"))
