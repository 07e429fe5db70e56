import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from kitu.members.rules import business_year_end, exit_date_after_notice, settlement_due_on

YEAR_ENDS = st.sampled_from([(12, 31), (6, 30), (3, 31), (9, 30)])
DAYS = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))
PERIODS = st.integers(min_value=1, max_value=60)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (dt.date(2026, 9, 30), dt.date(2026, 12, 31)),  # last day to give notice for this year end
        (dt.date(2026, 10, 1), dt.date(2027, 12, 31)),  # one day late: a year later
        (dt.date(2026, 1, 2), dt.date(2026, 12, 31)),
        (dt.date(2026, 12, 31), dt.date(2027, 12, 31)),
    ],
)
def test_exit_date_calendar_year_three_months(received: dt.date, expected: dt.date) -> None:
    assert exit_date_after_notice(received, notice_months=3, year_end=(12, 31)) == expected


def test_exit_date_longer_period_and_other_business_year() -> None:
    assert exit_date_after_notice(dt.date(2026, 3, 31), notice_months=24, year_end=(12, 31)) == dt.date(2028, 12, 31)
    assert exit_date_after_notice(dt.date(2026, 3, 31), notice_months=3, year_end=(6, 30)) == dt.date(2026, 6, 30)
    assert exit_date_after_notice(dt.date(2026, 4, 1), notice_months=3, year_end=(6, 30)) == dt.date(2027, 6, 30)


def test_exit_date_uses_settings(settings) -> None:  # type: ignore[no-untyped-def]
    settings.KITU_NOTICE_PERIOD_MONTHS = 12
    settings.KITU_BUSINESS_YEAR_END = "12-31"
    assert exit_date_after_notice(dt.date(2026, 1, 1)) == dt.date(2027, 12, 31)


@pytest.mark.parametrize("months", [0, 61, -3])
def test_notice_period_outside_gen_g_is_refused(months: int) -> None:
    with pytest.raises(ValueError, match="1 to 60 months"):
        exit_date_after_notice(dt.date(2026, 1, 1), notice_months=months, year_end=(12, 31))


@settings(max_examples=400, deadline=None)
@given(received=DAYS, months=PERIODS, year_end=YEAR_ENDS)
def test_exit_date_properties(received: dt.date, months: int, year_end: tuple[int, int]) -> None:
    exit_date = exit_date_after_notice(received, notice_months=months, year_end=year_end)
    # always the end of a business year
    assert (exit_date.month, exit_date.day) == year_end
    # at least the notice period after receipt
    assert received + relativedelta(months=months) <= exit_date
    # the earliest such date: the business-year end before it is too early
    previous = business_year_end(exit_date.year - 1, year_end)
    assert previous < received or received + relativedelta(months=months) > previous


def test_settlement_is_due_six_months_after_exit() -> None:
    assert settlement_due_on(dt.date(2026, 12, 31)) == dt.date(2027, 6, 30)
