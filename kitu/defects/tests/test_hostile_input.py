"""Hostile input to the defect reporter (Open311, the citizens' form, the case workers' inbox): every bad value
is a 4xx naming the field — Open311 in its error list, in JSON and XML alike — and nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from lxml import etree

from kitu.defects import services
from kitu.defects.models import Category, DefectService, Report

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"
NOT_FINITE = ["NaN", "sNaN", "-nan", "Infinity", "-inf"]
NOT_A_NUMBER = "{field}: {field} ist keine Zahl."


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    cache.clear()


def open311_errors(response: Any, fmt: str) -> list[tuple[int, str]]:
    """The error list of an Open311 answer, read from JSON or XML."""
    if fmt == "json":
        return [(e["code"], e["description"]) for e in response.json()]
    root = etree.fromstring(response.content)
    assert root.tag == "errors"
    return [(int(e.findtext("code")), e.findtext("description")) for e in root.findall("error")]


def post_request(w: dict[str, Any], fmt: str, **fields: str) -> Any:
    data = {
        "jurisdiction_id": "wernigerode",
        "api_key": w["key"],
        "service_code": "beleuchtung",
        "description": "Laterne defekt",
        "address_string": "Markt 1",
    }
    return Client().post(f"{BASE}/requests.{fmt}", data | fields)


def refused_post(w: dict[str, Any], fields: dict[str, str], description: str) -> None:
    for fmt in ("json", "xml"):
        response = post_request(w, fmt, **fields)
        assert (response.status_code, open311_errors(response, fmt)) == (400, [(400, description)]), (fmt, fields)
    assert Report.objects.count() == 0, fields


@pytest.mark.parametrize("value", NOT_FINITE)
@pytest.mark.parametrize("field", ["lat", "long"])
def test_open311_post_refuses_coordinates_that_are_no_number(
    defect_world: dict[str, Any], field: str, value: str
) -> None:
    fields = {"lat": "51.835", "long": "10.785", field: value}
    refused_post(defect_world, fields, NOT_A_NUMBER.format(field=field))


def test_open311_post_refuses_coordinates_out_of_range(defect_world: dict[str, Any]) -> None:
    w = defect_world
    refused_post(w, {"lat": "1e999", "long": "10.785"}, "lat: lat liegt außerhalb von -90 bis 90.")
    refused_post(w, {"lat": "51.835", "long": "-1E+999"}, "long: long liegt außerhalb von -180 bis 180.")


@pytest.mark.parametrize(
    ("email", "description"),
    [
        ("buerger@example.org\r\nBcc: alle@example.org", "email: Das ist keine gültige E-Mail-Adresse."),
        ("buerger@example.org\nX-Evil: 1", "email: Das ist keine gültige E-Mail-Adresse."),
        ("kein-at-zeichen", "email: Das ist keine gültige E-Mail-Adresse."),
        ("a" * 243 + "@example.org", "email: höchstens 254 Zeichen (255)."),  # 255: a 500 on PostgreSQL before
    ],
)
def test_open311_post_checks_the_email_before_anything_is_stored(
    defect_world: dict[str, Any], email: str, description: str
) -> None:
    refused_post(defect_world, {"email": email}, description)


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("description", 4000),
        ("address_string", 250),
        ("address_id", 250),
        ("media_url", 500),
        ("first_name", 150),
        ("last_name", 150),
        ("phone", 40),
        ("device_id", 100),
        ("account_id", 100),
        ("service_code", 50),
        ("api_key", 100),
    ],
)
def test_open311_post_limits_the_length_of_every_field(defect_world: dict[str, Any], field: str, limit: int) -> None:
    w = defect_world
    refused_post(w, {field: "x" * (limit + 1)}, f"{field}: höchstens {limit} Zeichen ({limit + 1}).")
    # what reaches the limit is taken
    fits = {"first_name": "M" * 150, "last_name": "M" * 150, "phone": "0" * 40, "device_id": "d" * 100}
    fits |= {"account_id": "a" * 100, "description": "D" * 4000, "address_string": "A" * 250}
    assert post_request(w, "json", **fits).status_code == 201
    assert Report.objects.values_list("description", "address").get() == ("D" * 4000, "A" * 250)


def test_open311_post_refuses_control_characters(defect_world: dict[str, Any]) -> None:
    w = defect_world
    message = "{field}: enthält Steuerzeichen, die nicht erlaubt sind."
    for field, value in [
        ("description", "Laterne\x01defekt"),
        ("address_string", "Markt\x1b1"),
        ("first_name", "Max\x0c"),
        ("service_code", "beleuchtung\x7f\x08"),
        ("jurisdiction_id", "wernigerode\x0b"),
    ]:
        refused_post(w, {field: value}, message.format(field=field))
    # tab and line breaks belong to a description
    assert post_request(w, "json", description="Laterne defekt\r\n\tseit Montag").status_code == 201


def test_open311_nul_is_refused_and_nothing_stored(defect_world: dict[str, Any]) -> None:
    for fmt in ("json", "xml"):
        response = post_request(defect_world, fmt, email="buerger@example.org\x00")
        assert response.status_code == 400
    assert Report.objects.count() == 0


def test_open311_refused_post_is_not_half_stored_and_a_retry_makes_one_report(defect_world: dict[str, Any]) -> None:
    w = defect_world
    refused_post(
        w, {"email": "buerger@example.org\r\nBcc: x@example.org", "lat": "NaN"}, NOT_A_NUMBER.format(field="lat")
    )
    assert post_request(w, "xml", email="buerger@example.org").status_code == 201
    assert Report.objects.values_list("email", flat=True).get() == "buerger@example.org"


def get_requests(fmt: str = "json", **params: str) -> Any:
    return Client().get(f"{BASE}/requests.{fmt}", {"jurisdiction_id": "wernigerode", **params})


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("field", ["start_date", "end_date"])
def test_open311_get_refuses_impossible_dates(defect_world: dict[str, Any], fmt: str, field: str) -> None:
    w3c = f"{field} is not a W3C date-time (e.g. 2026-11-22T10:00:00+01:00)"
    out_of_range = f"{field}: das Datum liegt außerhalb des möglichen Zeitraums."
    for value, description in [
        ("2026-02-30T10:00:00+01:00", w3c),
        ("2026-13-01T10:00:00", w3c),
        ("2026-01-01T25:00:00", w3c),
        ("2026-01-01T10:00:00+99:00", w3c),
        ("NaN", w3c),
        ("0001-01-01T00:00:00", out_of_range),  # Berlin time: before year 1 in UTC
        ("9999-12-31T23:59:59-14:00", out_of_range),
    ]:
        response = get_requests(fmt, **{field: value})
        assert (response.status_code, open311_errors(response, fmt)) == (400, [(400, description)]), value
    assert get_requests(fmt, **{field: "0001-01-01T00:00:00+00:00"}).status_code == 200


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_get_refuses_ids_that_are_none(defect_world: dict[str, Any], fmt: str) -> None:
    not_ids = "service_request_id must be a comma-separated list of ids"
    for value, description in [
        ("99999999999999999999999", "service_request_id: eine Nummer ist größer als 9223372036854775807."),
        ("1,9223372036854775808", "service_request_id: eine Nummer ist größer als 9223372036854775807."),
        ("²", not_ids),  # a digit to str.isdigit(), not to int()
        ("١٢", not_ids),  # Arabic-Indic digits
        ("1e3", not_ids),
        (",".join(["1"] * 1001), "service_request_id: höchstens 1000 Nummern auf einmal."),
    ]:
        response = get_requests(fmt, service_request_id=value)
        assert (response.status_code, open311_errors(response, fmt)) == (400, [(400, description)]), value
    response = get_requests(fmt, service_request_id="9223372036854775807")
    assert response.status_code == 200


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_get_refuses_control_characters_and_overlong_parameters(defect_world: dict[str, Any], fmt: str) -> None:
    for params, description in [
        ({"service_code": "muell\x01"}, "service_code: enthält Steuerzeichen, die nicht erlaubt sind."),
        ({"status": "open\x1f"}, "status: enthält Steuerzeichen, die nicht erlaubt sind."),
        ({"jurisdiction_id": "w" * 51}, "jurisdiction_id: höchstens 50 Zeichen (51)."),
    ]:
        response = get_requests(fmt, **params)
        assert (response.status_code, open311_errors(response, fmt)) == (400, [(400, description)]), params
    response = Client().get(f"{BASE}/services.{fmt}", {"jurisdiction_id": "\x02"})
    assert open311_errors(response, fmt) == [(400, "jurisdiction_id: enthält Steuerzeichen, die nicht erlaubt sind.")]


def test_open311_xml_renders_control_characters_stored_earlier(defect_world: dict[str, Any]) -> None:
    w = defect_world
    report = services.report_create(
        service=w["w_service"], category_code="beleuchtung", description="Laterne", address="Markt 1"
    )
    Report.objects.filter(pk=report.pk).update(
        is_published=True, description="Laterne\x01aus", status_notes="Wir\x0bprüfen"
    )
    xml = etree.fromstring(get_requests("xml").content)
    assert (xml.findtext("request/description"), xml.findtext("request/status_notes")) == (
        "Laterne\ufffdaus",
        "Wir\ufffdprüfen",
    )
    assert get_requests("json").json()[0]["description"] == "Laterne\x01aus"  # JSON escapes it
    # a path segment echoed in an error
    for path, description in [
        ("/services/a%01b.xml?jurisdiction_id=wernigerode", "service_code 'a\ufffdb' not found"),
        ("/tokens/%01.xml?jurisdiction_id=wernigerode", "token '\ufffd' not found"),
    ]:
        response = Client().get(BASE + path)
        assert (response.status_code, open311_errors(response, "xml")) == (404, [(404, description)])


def web_form(**extra: str) -> dict[str, str]:
    return {"category": "strassenschaden", "description": "Schlagloch", "lat": "51.835", "lon": "10.785"} | extra


def post_web_form(**extra: str) -> Any:
    cache.clear()  # the rate limit counts every readable attempt
    return Client().post(reverse("defects:town", args=["wernigerode"]), web_form(**extra))


@pytest.mark.parametrize("value", [*NOT_FINITE, "1e999"])
@pytest.mark.parametrize(("field", "name", "limits"), [("lat", "lat", "-90 bis 90"), ("lon", "long", "-180 bis 180")])
def test_citizen_form_refuses_coordinates_that_are_no_place(
    defect_world: dict[str, Any], value: str, field: str, name: str, limits: str
) -> None:
    response = post_web_form(**{field: value})
    assert response.status_code == 400
    expected = f"{name} liegt außerhalb von {limits}." if value == "1e999" else f"{name} ist keine Zahl."
    assert response.context["form"].errors == {field: [expected]}
    assert Report.objects.count() == 0


def test_citizen_form_refuses_control_characters_and_overlong_email(defect_world: dict[str, Any]) -> None:
    control = "Der Text enthält Steuerzeichen, die nicht erlaubt sind."
    for extra, errors in [
        ({"description": "Schlag\x01loch"}, {"description": [control]}),
        ({"address": "Markt\x1b 1", "lat": "", "lon": ""}, {"address": [control]}),
        # valid to the form (up to 320 characters), longer than the column (254): a 500 on PostgreSQL before
        ({"email": "b" * 248 + "@example.org"}, {"email": ["Die E-Mail-Adresse ist länger als 254 Zeichen."]}),
    ]:
        response = post_web_form(**extra)
        assert (response.status_code, response.context["form"].errors) == (400, errors), extra
    assert Report.objects.count() == 0
    assert post_web_form(description="Schlagloch\r\n\tam Rand").status_code == 302


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        (
            {"bbox": "nan,10.78,51.84,10.79"},
            {"bbox": ["Breiten liegen zwischen -90 und 90, Längen zwischen -180 und 180."]},
        ),
        (
            {"bbox": "-1e999,-1e999,1e999,1e999"},
            {"bbox": ["Breiten liegen zwischen -90 und 90, Längen zwischen -180 und 180."]},
        ),
        (
            {"bbox": "51.83,-inf,51.84,inf"},
            {"bbox": ["Breiten liegen zwischen -90 und 90, Längen zwischen -180 und 180."]},
        ),
        (
            {"bbox": "0,0,99999999999999999999,1"},
            {"bbox": ["Breiten liegen zwischen -90 und 90, Längen zwischen -180 und 180."]},
        ),
        ({"since": "2026-02-30"}, {"since": ["Geben Sie das Datum im Format TT.MM.JJJJ ein."]}),
        ({"until": "99999-01-01"}, {"until": ["Geben Sie das Datum im Format TT.MM.JJJJ ein."]}),
        (
            {"category": "99999999999999999999999"},
            {"category": ["Bitte eine gültige Auswahl treffen. Dies ist keine gültige Auswahl."]},
        ),
    ],
)
def test_inbox_names_a_filter_it_cannot_read(
    defect_world: dict[str, Any], client_for: Any, query: dict[str, str], errors: dict[str, list[str]]
) -> None:
    response = client_for("case_worker").get(reverse("defects:inbox"), query)
    assert (response.status_code, response.context["form"].errors) == (400, errors)


def test_case_worker_answers_are_checked_before_they_are_stored(defect_world: dict[str, Any], client_for: Any) -> None:
    w = defect_world
    report = services.report_create(
        service=w["w_service"], category_code="beleuchtung", description="Laterne", address="Markt 1"
    )
    worker = client_for("case_worker")
    data = {"status": "in_progress", "status_notes": "", "category": w["light"].pk, "description": "Laterne"}
    control = ["Der Text enthält Steuerzeichen, die nicht erlaubt sind."]
    for extra, errors in [
        ({"status_notes": "Wir\x0bprüfen"}, {"status_notes": control}),
        ({"description": "Later\x1bne"}, {"description": control}),
    ]:
        response = worker.post(reverse("defects:case", args=[report.pk]), data | extra)
        assert (response.status_code, response.context["form"].errors) == (400, errors), extra
    assert Report.objects.values_list("status", "status_notes", "description").get() == ("open", "", "Laterne")


@pytest.mark.parametrize("corner", ["NaN, 10.7", "sNaN, 10.7", "51.8, -NaN", "Infinity, 10.7", "51.8, 1e999"])
def test_town_area_refuses_corners_that_are_no_number(world: dict[str, Any], client_for: Any, corner: str) -> None:
    url = reverse("defects:manage_service", args=[world["wernigerode"].pk])
    area = f"51.8, 10.7\n{corner}\n51.88, 10.85"
    data = {"slug": "wernigerode", "is_enabled": "on", "area": area, "retention_days": "365"}
    response = client_for("member_admin").post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "area": [f"Zeile 2: „{corner}“ ist kein Punkt „Breite, Länge“ (z. B. 51.8352, 10.7853)."]
    }
    assert DefectService.objects.count() == 0


@pytest.mark.parametrize("worker_id", ["99999999999999999999", "9223372036854775808", "²", "-1", "1.0"])
def test_category_refuses_case_worker_ids_that_are_none(
    defect_world: dict[str, Any], client_for: Any, worker_id: str
) -> None:
    w = defect_world
    url = reverse("defects:manage_category_new", args=[w["wernigerode"].pk])
    data = {"code": "gruen", "name": "Grünflächen", "department_email": "gruen@example.org", "is_active": "on"}
    response = client_for("member_admin").post(url, {**data, "case_workers": [worker_id]})
    assert response.status_code == 400
    assert response.context["form"].errors == {"case_workers": [f"„{worker_id}“ ist kein gültiger Wert."]}
    assert not Category.objects.filter(code="gruen").exists()
