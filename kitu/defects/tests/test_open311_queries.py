"""The lean Open311 path (issue 23.3): a POST and the default GET list take a fixed number of queries,
however many reports and photos there are (the list is read as tuples, each with its first photo). A POST
reads town, category and key in one query and inserts the report without a transaction of its own; when
that read finds nothing, the one-by-one reads answer the first error as before."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, TestCase
from django.utils import timezone
from PIL import Image

from kitu.core import inserts
from kitu.defects import services
from kitu.defects.models import ApiClient, Category, DefectService, Photo, Report
from kitu.defects.tests.test_open311 import BASE, report

pytestmark = pytest.mark.django_db

# category with its town and the key's client (one query), insert
POST_QUERIES = 2
# the reports with their town's name and first photos (the town alone only when nothing is found)
GET_QUERIES = 1


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
    assert stored.api_client == ApiClient.objects.get(name="Stadt-App")


def form(w: dict[str, Any], **extra: str) -> dict[str, str]:
    return {
        "jurisdiction_id": "wernigerode",
        "service_code": "beleuchtung",
        "description": "Laterne defekt",
        "lat": "51.83",
        "long": "10.78",
        "api_key": w["key"],
    } | extra


def test_open311_post_one_query_read_refuses_what_the_separate_reads_refuse(defect_world: dict[str, Any]) -> None:
    """The single read of town, category and key asks the same as the reads it replaces: a revoked key, an
    inactive category, a disabled town and another town's key are refused, and nothing is stored."""
    w = defect_world
    post = Client().post
    refused = post(f"{BASE}/requests.json", form(w, api_key=w["zeitz_key"]))
    assert (refused.status_code, refused.json()[0]["code"]) == (403, 403)
    assert post(f"{BASE}/requests.json", form(w, api_key=w["key"] + "x")).status_code == 403
    Category.objects.filter(code="beleuchtung").update(is_active=False)
    inactive = post(f"{BASE}/requests.json", form(w))
    assert inactive.json() == [{"code": 400, "description": "service_code: Unbekannte Kategorie „beleuchtung“."}]
    Category.objects.filter(code="beleuchtung").update(is_active=True)
    ApiClient.objects.filter(name="Stadt-App").update(revoked_at=timezone.now())
    assert post(f"{BASE}/requests.json", form(w)).status_code == 403
    ApiClient.objects.filter(name="Stadt-App").update(revoked_at=None)
    DefectService.objects.filter(slug="wernigerode").update(is_enabled=False)
    disabled = post(f"{BASE}/requests.json", form(w))
    assert disabled.json() == [{"code": 404, "description": "jurisdiction_id 'wernigerode' not found"}]
    assert Report.objects.count() == 0
    DefectService.objects.filter(slug="wernigerode").update(is_enabled=True)
    assert post(f"{BASE}/requests.json", form(w)).status_code == 201


def test_open311_post_queues_the_mail_after_the_commit(defect_world: dict[str, Any]) -> None:
    w = defect_world
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        created = Client().post(f"{BASE}/requests.json", form(w))
    assert (created.status_code, mail.outbox) == (201, [])  # nothing sent before the commit
    for callback in callbacks:
        callback()
    (department,) = mail.outbox
    assert department.to == ["licht@wernigerode.example"]


def test_a_report_with_photos_is_stored_with_them_or_not_at_all(
    defect_world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without photos the report is one INSERT; with photos report and photos share a transaction."""
    w = defect_world
    image = io.BytesIO()
    Image.new("RGB", (40, 30)).save(image, "PNG")

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Photo.objects, "create", broken)
    with pytest.raises(RuntimeError):
        services.report_create(
            service=w["w_service"],
            category_code="beleuchtung",
            description="Laterne defekt",
            address="Markt 1",
            uploads=[(io.BytesIO(image.getvalue()), "a.png", len(image.getvalue()))],
        )
    assert Report.objects.count() == 0


def test_report_create_ignores_a_category_that_does_not_fit(defect_world: dict[str, Any]) -> None:
    """A category passed in is used only when it is the active one of the code in this town."""
    w = defect_world
    made = services.report_create(
        service=w["w_service"], category_code="beleuchtung", category=w["waste"], description="Laterne", address="M 1"
    )
    assert made.category == w["light"]
    with pytest.raises(services.DomainError):
        services.report_create(
            service=w["w_service"], category_code="muell", category=w["waste"], description="Müll", address="M 1"
        )
    assert Report.objects.count() == 1


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


def test_open311_list_answers_an_unknown_or_disabled_town_first(defect_world: dict[str, Any]) -> None:
    """The list reads the town with its reports; an unknown or disabled town is still a 404, also when a
    parameter is wrong as well, and a town without reports an empty list."""
    w = defect_world
    report(w)
    get = Client().get
    unknown = [{"code": 404, "description": "jurisdiction_id 'halle' not found"}]
    assert get(f"{BASE}/requests.json", {"jurisdiction_id": "halle"}).json() == unknown
    assert get(f"{BASE}/requests.json", {"jurisdiction_id": "halle", "status": "x"}).json() == unknown
    wrong = get(f"{BASE}/requests.json", {"jurisdiction_id": "wernigerode", "status": "x"})
    assert wrong.json() == [{"code": 400, "description": "status must be open, closed or both"}]
    assert (get(f"{BASE}/requests.json", {"jurisdiction_id": "zeitz"}).json()) == []
    DefectService.objects.filter(slug="wernigerode").update(is_enabled=False)
    disabled = get(f"{BASE}/requests.json", {"jurisdiction_id": "wernigerode"})
    assert (disabled.status_code, disabled.json()) == (
        404,
        [{"code": 404, "description": "jurisdiction_id 'wernigerode' not found"}],
    )


def test_open311_times_are_local_to_the_second_in_summer_and_winter(defect_world: dict[str, Any]) -> None:
    """The list reads times as text (no converter per row): the town's offset on either side of the
    change to summer time, microseconds cut off, as before."""
    w = defect_world
    summer, winter = report(w), report(w)
    utc = dt.UTC
    Report.objects.filter(pk=summer.pk).update(
        requested_at=dt.datetime(2026, 7, 1, 10, 0, 5, 654321, tzinfo=utc),
        updated_at=dt.datetime(2026, 7, 2, 23, 30, tzinfo=utc),
    )
    Report.objects.filter(pk=winter.pk).update(
        requested_at=dt.datetime(2026, 1, 15, 10, 0, tzinfo=utc), updated_at=dt.datetime(2026, 3, 29, 1, 0, tzinfo=utc)
    )
    listed = (
        Client()
        .get(f"{BASE}/requests.json", {"jurisdiction_id": "wernigerode", "start_date": "2026-01-01T00:00:00Z"})
        .json()
    )
    times = {r["service_request_id"]: (r["requested_datetime"], r["updated_datetime"]) for r in listed}
    assert times == {
        str(summer.pk): ("2026-07-01T12:00:05+02:00", "2026-07-03T01:30:00+02:00"),
        str(winter.pk): ("2026-01-15T11:00:00+01:00", "2026-03-29T03:00:00+02:00"),
    }


def test_the_compiled_insert_writes_the_row_save_writes(defect_world: dict[str, Any]) -> None:
    """report_create writes the report with the INSERT compiled once (kitu.core.inserts): every column as
    Model.save(force_insert=True) writes it — defaults, the reporter's values, both times set on insert —
    and the instance knows its id and that it is stored."""
    category = Category.objects.get(code="beleuchtung")
    values = {
        "service": category.service,
        "category": category,
        "description": "Laterne defekt",
        "lat": Decimal("51.830000"),
        "lon": Decimal("10.780000"),
        "address": "Markt 1",
        "email": "anna@example.org",
        "source": "open311",
        "api_client_id": ApiClient.objects.get(name="Stadt-App").pk,
        "media_url": "https://example.org/a.jpg",
    }
    assert inserts.statement(Report) is not None  # compiled, not left to save(), on either database
    before = timezone.now()
    compiled = inserts.insert(Report(**values))
    saved = Report(**values)
    saved.save(force_insert=True)
    assert compiled.pk is not None and compiled.pk != saved.pk
    assert (compiled._state.adding, compiled._state.db) == (False, "default")
    skip = {"id", "token", "requested_at", "updated_at"}
    columns = [f.attname for f in Report._meta.concrete_fields if f.attname not in skip]
    rows = {r["id"]: r for r in Report.objects.filter(pk__in=[compiled.pk, saved.pk]).values()}
    assert {c: rows[compiled.pk][c] for c in columns} == {c: rows[saved.pk][c] for c in columns}
    assert rows[compiled.pk]["token"] == compiled.token and rows[compiled.pk]["token"] != saved.token
    assert before <= rows[compiled.pk]["requested_at"] <= rows[compiled.pk]["updated_at"] <= timezone.now()
    assert rows[compiled.pk]["status"] == "open" and rows[compiled.pk]["is_published"] is False
