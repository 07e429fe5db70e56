"""Building blocks of the JSON API's input: strict bodies and bounded numbers.

A misspelt or unknown field is an error naming it (422), never silently ignored; an id or number the
database cannot hold is refused at the edge with the field named, never a 500 from the database.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field

MAX_ID = 2**63 - 1  # PostgreSQL bigint; larger ids cannot exist
MAX_QUANTITY = 1_000_000  # order quantities per line (the column is a 32-bit integer)

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Year = Annotated[int, Field(ge=1900, le=9999)]


def _iso_day(value: Any) -> Any:
    """A day only as ``YYYY-MM-DD``: pydantic would otherwise read ``0`` or ``1700000000`` as Unix time."""
    if isinstance(value, dt.date) or (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
        return value
    raise ValueError("a day as YYYY-MM-DD (ISO 8601), e.g. 2026-12-31")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_day)]


class StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid")
