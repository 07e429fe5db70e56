"""API days are ISO 8601 dates only (kitu.core.schemas.IsoDate): no Unix times, no other formats."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import TypeAdapter, ValidationError

from kitu.core.schemas import IsoDate

DAY = TypeAdapter(IsoDate)


def test_an_iso_day_is_read() -> None:
    assert DAY.validate_python("2026-12-31") == dt.date(2026, 12, 31)
    assert DAY.validate_python(dt.date(2026, 1, 2)) == dt.date(2026, 1, 2)


@pytest.mark.parametrize("value", [0, "0", 1_700_000_000, "31.12.2026", "2026-12-31T00:00:00", "2026-02-30", ""])
def test_anything_else_is_refused(value: object) -> None:
    with pytest.raises(ValidationError):
        DAY.validate_python(value)
