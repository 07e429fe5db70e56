"""The SLA clock (kitu/servicedesk/sla.py, pure): exact examples for a holiday, a weekend and a pause across
the change to daylight saving time, and properties over generated moments and durations."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kitu.servicedesk import sla

BERLIN = ZoneInfo("Europe/Berlin")
HOURS = sla.ServiceHours()  # Mon–Fri 7–17, Sachsen-Anhalt
HOUR = 3600


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=BERLIN)


def test_parse_the_setting() -> None:
    hours = sla.ServiceHours.parse("0-3 07:00-17:00; 4 07:00-13:00")
    assert hours.weekly[-1] == (4, dt.time(7), dt.time(13))
    assert len(hours.weekly) == 5
    with pytest.raises(ValueError):
        sla.ServiceHours(weekly=())


def test_reformation_day_is_a_holiday_in_sachsen_anhalt() -> None:
    # Friday 30.10.2026 16:00, 4 service hours: 1 h on Friday, Saturday 31.10. (Reformationstag, also a
    # weekend), Sunday closed, Monday 2.11. 7:00 + 3 h = 10:00.
    assert sla.add_business_seconds(HOURS, at(2026, 10, 30, 16), 4 * HOUR) == at(2026, 11, 2, 10)
    # Epiphany (6.1., Heilige Drei Könige) is a holiday in Sachsen-Anhalt: Tuesday 6.1.2026 has no hours.
    assert sla.business_seconds(HOURS, at(2026, 1, 6), at(2026, 1, 7)) == 0
    assert sla.business_seconds(HOURS, at(2026, 1, 5), at(2026, 1, 8)) == 20 * HOUR
    # Ascension Day 14.5.2026 (Thursday)
    assert sla.add_business_seconds(HOURS, at(2026, 5, 13, 12), 8 * HOUR) == at(2026, 5, 15, 10)


def test_weekend_and_night_are_skipped() -> None:
    # Saturday evening opening: the clock starts Monday 7:00.
    assert sla.add_business_seconds(HOURS, at(2026, 3, 7, 20), 30 * 60) == at(2026, 3, 9, 7, 30)
    assert sla.business_seconds(HOURS, at(2026, 3, 6, 16), at(2026, 3, 9, 8)) == 2 * HOUR
    assert sla.add_business_seconds(HOURS, at(2026, 3, 9, 3), 0) == at(2026, 3, 9, 3)


def test_pause_across_the_change_to_daylight_saving_time() -> None:
    # Opened Thursday 26.3.2026 9:00 (CET, UTC+1), waiting for the member from Friday 27.3. 15:00 to Monday
    # 30.3. 9:00 (CEST, UTC+2: the clocks went forward on Sunday 29.3.). Target 16 service hours.
    opened, paused, resumed = at(2026, 3, 26, 9), at(2026, 3, 27, 15), at(2026, 3, 30, 9)
    assert opened.utcoffset() == dt.timedelta(hours=1) and resumed.utcoffset() == dt.timedelta(hours=2)
    assert sla.due_at(HOURS, opened, 16 * 60, 0, paused) is None  # unknown while paused
    pause = sla.pause_seconds(HOURS, paused, resumed)
    assert pause == 4 * HOUR  # Friday 15–17 and Monday 7–9
    due = sla.due_at(HOURS, opened, 16 * 60, pause)
    # Thu 9–17 (8 h) + Fri 7–15 (8 h) = 16 h had run when the pause began (without it: due Fri 15:00); the
    # pause adds its 4 service hours, so the clock runs out the moment it resumes, Monday 9:00 CEST.
    assert due == at(2026, 3, 30, 9)
    assert due is not None and due.astimezone(BERLIN).hour == 9  # 9:00 local time after the change, not 8:00
    assert sla.elapsed_seconds(HOURS, opened, at(2026, 3, 30, 12), pause) == 19 * HOUR
    assert sla.elapsed_seconds(HOURS, opened, at(2026, 3, 30, 12), 0, paused) == 16 * HOUR


def test_autumn_change_keeps_ten_service_hours() -> None:
    # Sunday 25.10.2026 the clocks go back; Monday 26.10. still has 7–17 local time.
    assert sla.business_seconds(HOURS, at(2026, 10, 23), at(2026, 10, 27)) == 20 * HOUR
    assert sla.add_business_seconds(HOURS, at(2026, 10, 23, 16), 2 * HOUR) == at(2026, 10, 26, 8)


def test_naive_moments_are_refused() -> None:
    with pytest.raises(ValueError):
        sla.business_seconds(HOURS, dt.datetime(2026, 1, 1), at(2026, 1, 2))


# whole seconds: the clock drops fractions (documented in sla.py)
moments = st.datetimes(
    min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31), timezones=st.just(BERLIN)
).map(lambda moment: moment.replace(microsecond=0))
durations = st.integers(min_value=0, max_value=80 * HOUR)


@settings(max_examples=60, deadline=None)
@given(start=moments, seconds=durations)
def test_adding_then_measuring_gives_the_same_seconds(start: dt.datetime, seconds: int) -> None:
    due = sla.add_business_seconds(HOURS, start, seconds)
    assert due >= start
    assert sla.business_seconds(HOURS, start, due) == seconds
    if seconds > 0:  # and it is the first such moment: one second earlier not yet
        assert sla.business_seconds(HOURS, start, due - dt.timedelta(seconds=1)) < seconds
        local = due.astimezone(BERLIN)
        assert local.weekday() < 5 and dt.time(7) < local.time() <= dt.time(17)


@settings(max_examples=60, deadline=None)
@given(start=moments, a=durations, b=durations)
def test_adding_is_additive(start: dt.datetime, a: int, b: int) -> None:
    assert sla.add_business_seconds(HOURS, sla.add_business_seconds(HOURS, start, a), b) == sla.add_business_seconds(
        HOURS, start, a + b
    )


@settings(max_examples=60, deadline=None)
@given(start=moments, gap1=st.integers(0, 20 * 24 * HOUR), gap2=st.integers(0, 20 * 24 * HOUR))
def test_measuring_splits_and_never_exceeds_wall_time(start: dt.datetime, gap1: int, gap2: int) -> None:
    middle = start + dt.timedelta(seconds=gap1)
    end = middle + dt.timedelta(seconds=gap2)
    whole = sla.business_seconds(HOURS, start, end)
    assert whole == sla.business_seconds(HOURS, start, middle) + sla.business_seconds(HOURS, middle, end)
    assert 0 <= whole <= gap1 + gap2
    assert whole <= 50 * HOUR * ((gap1 + gap2) // (7 * 24 * HOUR) + 1)  # at most 50 h a week


@settings(max_examples=60, deadline=None)
@given(
    opened=moments,
    minutes=st.integers(1, 40 * 60),
    pause_at=st.integers(0, 10 * 24 * HOUR),
    length=st.integers(0, 10 * 24 * HOUR),
)
def test_a_pause_moves_the_due_time_by_its_service_seconds(
    opened: dt.datetime, minutes: int, pause_at: int, length: int
) -> None:
    paused = opened + dt.timedelta(seconds=pause_at)
    resumed = paused + dt.timedelta(seconds=length)
    plain = sla.due_at(HOURS, opened, minutes)
    assert plain is not None
    if paused >= plain:
        return  # a pause after the due time does not stop a clock that has run out
    due = sla.due_at(HOURS, opened, minutes, sla.pause_seconds(HOURS, paused, resumed))
    assert due is not None and due >= plain
    # the clock ran exactly the target: before the pause, and after it up to the due time
    before = sla.business_seconds(HOURS, opened, paused)
    assert before + sla.business_seconds(HOURS, resumed, due) == minutes * 60
    assert sla.elapsed_seconds(HOURS, opened, due, sla.pause_seconds(HOURS, paused, resumed)) == minutes * 60
