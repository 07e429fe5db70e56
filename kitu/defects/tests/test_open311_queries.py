"""The lean Open311 path (issue 23.3): a POST and the default GET list take a fixed number of queries,
however many reports and photos there are (the list is read as values, the photos in one query)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image

from kitu.defects.models import Photo, Report
from kitu.defects.tests.test_open311 import BASE, report

pytestmark = pytest.mark.django_db

# jurisdiction, api key, savepoint, category, insert, release
POST_QUERIES = 6
# jurisdiction (with the town), the reports as values, their first photos
GET_QUERIES = 3


def test_open311_post_takes_a_fixed_number_of_queries(
    defect_world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    w = defect_world
    form = {
        "jurisdiction_id": "wernigerode",
        "service_code": "beleuchtung",
        "description": "Laterne defekt",
        "lat": "51.83",
        "long": "10.78",
        "api_key": w["key"],
    }
    with django_assert_num_queries(POST_QUERIES):
        created = Client().post(f"{BASE}/requests.json", form)
    assert created.status_code == 201
    (stored,) = Report.objects.all()
    assert created.json()[0]["service_request_id"] == str(stored.pk)
    assert (stored.category.code, stored.description, stored.source) == ("beleuchtung", "Laterne defekt", "open311")


@pytest.mark.parametrize("count", [2, 6])
def test_open311_list_takes_the_same_queries_for_more_reports(
    defect_world: dict[str, Any], django_assert_num_queries: Any, count: int
) -> None:
    w = defect_world
    image = io.BytesIO()
    Image.new("RGB", (40, 30)).save(image, "PNG")
    made = [report(w, uploads=[(io.BytesIO(image.getvalue()), "a.png", image.tell())]) for _ in range(count)]
    hidden = report(w, published=False)
    with django_assert_num_queries(GET_QUERIES):
        listed = Client().get(f"{BASE}/requests.json", {"jurisdiction_id": "wernigerode"}).json()
    assert sorted(int(r["service_request_id"]) for r in listed) == sorted(r.pk for r in made)
    assert str(hidden.pk) not in [r["service_request_id"] for r in listed]
    photos = {str(p.report_id): p.pk for p in Photo.objects.filter(report__in=made)}
    for row in listed:
        assert row["media_url"] == f"{settings.KITU_BASE_URL}/maengel/foto/{photos[row['service_request_id']]}/"
        assert (row["description"], row["agency_responsible"]) == ("Schlagloch vor Hausnummer 5", "Stadt Wernigerode")
