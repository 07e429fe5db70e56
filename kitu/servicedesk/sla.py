"""The SLA clock, free of Django and the database: service hours, public holidays, pauses, due times.

- Service hours are a weekly pattern of local opening times (e.g. Monday to Friday 7:00–17:00) in a time zone
  (Europe/Berlin); the change to and from daylight saving time is handled by ``zoneinfo`` (a service day is
  still 7:00–17:00 local time, so the day of the change has its ten hours like any other).
- Public holidays of a German state (Sachsen-Anhalt: ``ST``) come from the maintained ``holidays`` package;
  no service hours on them.
- A ticket's clock runs in service hours from its opening. While the ticket waits for the member it is
  paused: ``paused_seconds`` holds the service seconds of finished pauses, ``paused_since`` the start of the
  running pause (None when none). A due time is the moment at which the service seconds elapsed since the
  opening, minus the paused ones, reach the target; while a pause runs the due time is unknown (None).

Every moment passed in must be timezone-aware; the clock counts whole seconds (fractions are dropped);
results are aware datetimes in UTC.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

UTC = dt.UTC
MAX_DAYS = 3660  # a clock never looks further than ten years for service hours


@dataclass(frozen=True)
class ServiceHours:
    """Opening times per weekday (0 = Monday): ``(start, end)`` local times; days not listed are closed."""

    weekly: tuple[tuple[int, dt.time, dt.time], ...] = tuple((d, dt.time(7), dt.time(17)) for d in range(5))
    timezone: str = "Europe/Berlin"
    country: str = "DE"
    subdivision: str = "ST"  # Sachsen-Anhalt

    def __post_init__(self) -> None:
        if not any(start < end for _day, start, end in self.weekly):
            raise ValueError("service hours need at least one day with start < end")

    @classmethod
    def parse(cls, text: str, *, timezone: str = "Europe/Berlin", subdivision: str = "ST") -> ServiceHours:
        """``"0-4 07:00-17:00"`` (weekdays Monday=0 … Sunday=6, a range or a comma list; several patterns
        separated by ``;``) — the form of the setting ``KITU_SERVICEDESK_HOURS``."""
        weekly: list[tuple[int, dt.time, dt.time]] = []
        for part in text.split(";"):
            days_text, times_text = part.split()
            start_text, end_text = times_text.split("-")
            start, end = dt.time.fromisoformat(start_text), dt.time.fromisoformat(end_text)
            for chunk in days_text.split(","):
                first, _sep, last = chunk.partition("-")
                weekly += [(day, start, end) for day in range(int(first), int(last or first) + 1)]
        return cls(tuple(sorted(weekly)), timezone, "DE", subdivision)


@lru_cache(maxsize=256)
def public_holidays(country: str, subdivision: str, year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


@lru_cache(maxsize=65536)
def windows(hours: ServiceHours, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    """The service windows of a local calendar day as UTC moments (none on a holiday or closed day)."""
    if day in public_holidays(hours.country, hours.subdivision, day.year):
        return ()
    zone = ZoneInfo(hours.timezone)
    return tuple(
        (
            dt.datetime.combine(day, start, tzinfo=zone).astimezone(UTC),
            dt.datetime.combine(day, end, tzinfo=zone).astimezone(UTC),
        )
        for weekday, start, end in hours.weekly
        if weekday == day.weekday() and start < end
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware moment")
    return moment.astimezone(UTC).replace(microsecond=0)  # the clock counts whole seconds


def _local_day(hours: ServiceHours, moment: dt.datetime) -> dt.date:
    return moment.astimezone(ZoneInfo(hours.timezone)).date()


def business_seconds(hours: ServiceHours, start: dt.datetime, end: dt.datetime) -> int:
    """Whole service seconds between two moments (0 when ``end`` is not after ``start``)."""
    start, end = _aware(start), _aware(end)
    if end <= start:
        return 0
    total = dt.timedelta(0)
    day, last = _local_day(hours, start), _local_day(hours, end)
    while day <= last:
        for opens, closes in windows(hours, day):
            overlap = min(closes, end) - max(opens, start)
            if overlap > dt.timedelta(0):
                total += overlap
        day += dt.timedelta(days=1)
    return total // dt.timedelta(seconds=1)


def add_business_seconds(hours: ServiceHours, start: dt.datetime, seconds: int) -> dt.datetime:
    """The first moment at which ``seconds`` service seconds have passed since ``start``."""
    start = _aware(start)
    if seconds <= 0:
        return start
    remaining = dt.timedelta(seconds=seconds)
    day = _local_day(hours, start)
    for _step in range(MAX_DAYS):
        for opens, closes in windows(hours, day):
            begin = max(opens, start)
            if closes <= begin:
                continue
            if remaining <= closes - begin:
                return begin + remaining
            remaining -= closes - begin
        day += dt.timedelta(days=1)
    raise ValueError("no service hours within ten years")


def due_at(
    hours: ServiceHours,
    opened: dt.datetime,
    target_minutes: int,
    paused_seconds: int = 0,
    paused_since: dt.datetime | None = None,
) -> dt.datetime | None:
    """When the clock of ``target_minutes`` service minutes runs out; None while a pause runs."""
    if paused_since is not None:
        return None
    return add_business_seconds(hours, opened, target_minutes * 60 + max(paused_seconds, 0))


def elapsed_seconds(
    hours: ServiceHours,
    opened: dt.datetime,
    now: dt.datetime,
    paused_seconds: int = 0,
    paused_since: dt.datetime | None = None,
) -> int:
    """Service seconds the clock has run from ``opened`` to ``now`` (pauses left out)."""
    upto = min(_aware(now), _aware(paused_since)) if paused_since is not None else now
    return max(business_seconds(hours, opened, upto) - paused_seconds, 0)


def pause_seconds(hours: ServiceHours, paused_since: dt.datetime, resumed: dt.datetime) -> int:
    """The service seconds of a pause, added to ``paused_seconds`` when it ends."""
    return business_seconds(hours, paused_since, resumed)
