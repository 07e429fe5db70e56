"""Building blocks of the JSON API's input: strict bodies and bounded numbers.

A misspelt or unknown field is an error naming it (422), never silently ignored; an id or number the
database cannot hold is refused at the edge with the field named, never a 500 from the database.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field

MAX_ID = 2**63 - 1  # PostgreSQL bigint; larger ids cannot exist
MAX_QUANTITY = 1_000_000  # order quantities per line (the column is a 32-bit integer)

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Year = Annotated[int, Field(ge=1900, le=9999)]


class StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid")
