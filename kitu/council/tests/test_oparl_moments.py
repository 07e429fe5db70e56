"""OParl moments formatted by PostgreSQL (``rows.GermanTime``) are the same text as ``http.iso`` makes
in Python, through both changes of the clock, at the last microsecond of a second and across years."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models import DateTimeField, Value

from kitu.council.models import Body
from kitu.council.oparl.http import iso
from kitu.council.oparl.rows import GermanTime, db_values

UTC = dt.UTC
MOMENTS = [
    dt.datetime(2000, 1, 1, 0, 0, 0, tzinfo=UTC),
    dt.datetime(2024, 3, 31, 0, 59, 59, 999999, tzinfo=UTC),  # the last second of winter time
    dt.datetime(2024, 3, 31, 1, 0, 0, tzinfo=UTC),  # 03:00 summer time
    dt.datetime(2024, 10, 27, 0, 59, 59, tzinfo=UTC),  # 02:59:59 summer time
    dt.datetime(2024, 10, 27, 1, 0, 0, tzinfo=UTC),  # 02:00 winter time again
    dt.datetime(2024, 7, 15, 22, 30, 5, 500000, tzinfo=UTC),  # the next day in Germany
    dt.datetime(2024, 12, 31, 23, 30, 0, tzinfo=UTC),  # the next year in Germany
    dt.datetime(2038, 1, 19, 3, 14, 8, tzinfo=UTC),
]


@pytest.mark.django_db
def test_postgresql_writes_every_moment_as_python_does(council_world: dict[str, Any]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the database formats moments on PostgreSQL only")
    town = Body.objects.filter(slug="wernigerode")
    for moment in MOMENTS:
        text = town.annotate(text=GermanTime(Value(moment, output_field=DateTimeField()))).get().text
        assert text == iso(moment), moment


@pytest.mark.django_db
def test_other_databases_read_plain_values_and_iso_formats_them(council_world: dict[str, Any]) -> None:
    body = Body.objects.get(slug="wernigerode")
    assert body.keyword == []
    row = (
        Body.objects.filter(pk=body.pk)
        .annotate(**db_values("created", "keyword"))
        .values_list("created_db", "keyword_db")
        .get()
    )
    if connection.vendor == "postgresql":
        assert row == (iso(body.created), None)  # text, and an empty list as NULL
    else:
        assert row == (body.created, [])
    assert iso(row[0]) == iso(body.created)
    Body.objects.filter(pk=body.pk).update(keyword=["Haushalt"])
    assert Body.objects.filter(pk=body.pk).annotate(**db_values("keyword")).get().keyword_db == ["Haushalt"]
