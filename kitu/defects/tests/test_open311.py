"""Open311 GeoReport v2 conformance: every endpoint in JSON (validated against the community's JSON
Schemas) and XML, the filters of GET requests, POST with api_key, jurisdictions and the error format."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft4Validator
from lxml import etree
from PIL import Image
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from kitu.defects import services
from kitu.defects.models import Report, ReportStatus

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).resolve().parent / "georeport_v2"
BASE = "/open311/v2"


def schema_check(name: str, data: Any) -> None:
    """Validate against ``georeport_v2/<name>.json``, following its relative $refs."""
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT4))
        for path in SCHEMAS.glob("*.json")
    ]
    registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    errors = [e.message for e in Draft4Validator(schema, registry=registry).iter_errors(data)]
    assert errors == [], errors


def report(w: dict[str, Any], *, published: bool = True, **extra: Any) -> Report:
    data = {"category_code": "strassenschaden", "description": "Schlagloch vor Hausnummer 5", "lat": "51.835"}
    data |= {"lon": "10.785"} | extra
    created = services.report_create(service=w["w_service"], **data)
    Report.objects.filter(pk=created.pk).update(is_published=published)
    return Report.objects.get(pk=created.pk)


def get(url: str, **params: Any) -> Any:
    return Client().get(BASE + url, params)


def test_discovery_in_both_formats(defect_world: dict[str, Any]) -> None:
    data = get("/discovery.json").json()
    assert data["endpoints"] == [
        {
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": "http://testserver/open311/v2/",
            "changeset": "2026-11-22T00:00:00+01:00",
            "type": "production",
            "formats": ["application/json", "text/xml"],
        }
    ]
    xml = etree.fromstring(get("/discovery.xml").content)
    assert xml.tag == "discovery"
    assert [e.text for e in xml.findall("endpoints/endpoint/formats/format")] == ["application/json", "text/xml"]


def test_services_need_the_jurisdiction_when_several_towns_are_served(defect_world: dict[str, Any]) -> None:
    refused = get("/services.json")
    assert (refused.status_code, refused.json()) == (
        400,
        [{"code": 400, "description": "jurisdiction_id is required: more than one jurisdiction is served here"}],
    )
    assert get("/services.json", jurisdiction_id="halle").json() == [
        {"code": 404, "description": "jurisdiction_id 'halle' not found"}
    ]
    data = get("/services.json", jurisdiction_id="wernigerode").json()
    schema_check("services", data)
    assert (
        data
        == [
            {
                "service_code": "strassenschaden",
                "service_name": "Straßenschaden",
                "description": "Schlaglöcher, lose Gehwegplatten",
                "metadata": False,
                "type": "realtime",
                "keywords": None,
                "group": "Straße",
            },
            {
                "service_code": "beleuchtung",
                "service_name": "Straßenbeleuchtung",
                "description": None,
                "metadata": False,
                "type": "realtime",
                "keywords": None,
                "group": None,
            },
        ][::-1]
    )  # ordered by name: Straßenbeleuchtung before Straßenschaden
    xml = etree.fromstring(get("/services.xml", jurisdiction_id="zeitz").content)
    assert (xml.tag, [s.findtext("service_code") for s in xml.findall("service")]) == ("services", ["muell"])
    assert xml.find("service/metadata").text == "false"
    # with one town enabled the jurisdiction may be left out
    defect_world["z_service"].is_enabled = False
    defect_world["z_service"].save()
    assert [s["service_code"] for s in get("/services.json").json()] == ["beleuchtung", "strassenschaden"]


def test_service_definition(defect_world: dict[str, Any]) -> None:
    data = get("/services/strassenschaden.json", jurisdiction_id="wernigerode").json()
    schema_check("service-definition", data)
    assert data == {"service_code": "strassenschaden", "attributes": []}
    missing = get("/services/muell.json", jurisdiction_id="wernigerode")  # Zeitz's category
    assert (missing.status_code, missing.json()) == (
        404,
        [{"code": 404, "description": "service_code 'muell' not found"}],
    )
    xml = etree.fromstring(get("/services/strassenschaden.xml", jurisdiction_id="wernigerode").content)
    assert (xml.tag, xml.findtext("service_code")) == ("service_definition", "strassenschaden")


def test_post_request_needs_a_key_of_that_town_and_a_location(defect_world: dict[str, Any]) -> None:
    w = defect_world
    client = Client(enforce_csrf_checks=True)  # machines post without a session or CSRF token
    form = {"jurisdiction_id": "wernigerode", "service_code": "beleuchtung", "description": "Laterne defekt"}
    for key in ("", w["zeitz_key"], "falsch"):
        refused = client.post(f"{BASE}/requests.json", {**form, "lat": "51.83", "long": "10.78", "api_key": key})
        assert refused.status_code == 403
        assert refused.json() == [{"code": 403, "description": "api_key is missing or not valid for this jurisdiction"}]
    cases = [
        ({}, "lat/long or address_string: Bitte den Ort angeben: auf der Karte, als Adresse oder als Koordinaten."),
        ({"lat": "51.83"}, "long: Bitte Breite und Länge zusammen angeben."),
        ({"lat": "x", "long": "10.7"}, "lat: lat ist keine Zahl."),
        (
            {"lat": "51.05", "long": "12.14"},  # Zeitz, not Wernigerode
            "lat/long or address_string: Der Ort liegt außerhalb von Stadt Wernigerode. "
            "Zuständig ist dort der Landkreis Harz.",
        ),
        ({"service_code": "muell", "address_string": "Markt 1"}, "service_code: Unbekannte Kategorie „muell“."),
        (  # strict input: a misspelt field is an error, not silently dropped
            {"address_string": "Markt 1", "descripton": "Laterne flackert"},
            "descripton: unknown parameter; known are jurisdiction_id, service_code, api_key, description, "
            "address_string, address_id, email, media_url, lat, long, first_name, last_name, phone, device_id, "
            "account_id",
        ),
        (
            {"address_string": "Markt 1", "attribute[farbe]": "rot"},
            "attribute[farbe]: unknown parameter; known are "
            "jurisdiction_id, service_code, api_key, description, address_string, address_id, email, media_url, lat, "
            "long, first_name, last_name, phone, device_id, account_id",
        ),
    ]
    for extra, description in cases:
        refused = client.post(f"{BASE}/requests.json", {**form, "api_key": w["key"], **extra})
        assert (refused.status_code, refused.json()) == (400, [{"code": 400, "description": description}]), extra
    assert Report.objects.count() == 0
    created = client.post(
        f"{BASE}/requests.json",
        {**form, "api_key": w["key"], "lat": "51.8347", "long": "10.7852", "email": "buerger@example.org"},
    )
    assert created.status_code == 201
    (answer,) = created.json()
    new = Report.objects.get()
    assert answer == {
        "service_request_id": str(new.pk),
        "service_notice": "Ihre Meldung wird geprüft und dann veröffentlicht.",
    }
    # the same kind of report as one from the web: waiting for moderation, from this client
    assert (new.source, new.api_client.name, new.is_published, new.email) == (
        "open311",
        "Stadt-App",
        False,
        "buerger@example.org",
    )
    xml = etree.fromstring(
        client.post(f"{BASE}/requests.xml", {**form, "api_key": w["key"], "address_string": "Breite Straße 1"}).content
    )
    assert (xml.tag, xml.findtext("request/service_request_id")) == (
        "service_requests",
        str(Report.objects.order_by("-pk").first().pk),
    )


def test_get_requests_lists_published_reports_with_the_filters(defect_world: dict[str, Any]) -> None:
    w = defect_world
    road = report(w)
    light = report(w, category_code="beleuchtung", address="Marktplatz", lat=None, lon=None)
    hidden = report(w, published=False)
    old = report(w)
    Report.objects.filter(pk=old.pk).update(requested_at=timezone.now() - dt.timedelta(days=120))
    Report.objects.filter(pk=light.pk).update(status=ReportStatus.CLOSED, status_notes="Leuchtmittel getauscht")

    def ids(**params: Any) -> list[str]:
        data = get("/requests.json", jurisdiction_id="wernigerode", **params).json()
        schema_check("requests", data)
        return sorted(r["service_request_id"] for r in data)

    assert ids() == sorted([str(road.pk), str(light.pk)])  # published, last 90 days
    assert ids(service_code="beleuchtung") == [str(light.pk)]
    assert ids(status="open") == [str(road.pk)]
    assert ids(status="closed") == [str(light.pk)]
    assert ids(status="open,closed") == sorted([str(road.pk), str(light.pk)])
    since = (timezone.now() - dt.timedelta(days=200)).replace(microsecond=0).isoformat()
    assert ids(start_date=since) == sorted([str(road.pk), str(light.pk), str(old.pk)])
    until = (timezone.now() - dt.timedelta(days=100)).replace(microsecond=0).isoformat()
    assert ids(end_date=until) == [str(old.pk)]
    assert ids(service_request_id=f"{old.pk},{hidden.pk}") == [str(old.pk)]  # ids ignore the date range
    assert get("/requests.json", jurisdiction_id="wernigerode", status="pending").json() == [
        {"code": 400, "description": "status must be open, closed or both"}
    ]
    assert get("/requests.json", jurisdiction_id="wernigerode", start_date="gestern").json() == [
        {"code": 400, "description": "start_date is not a W3C date-time (e.g. 2026-11-22T10:00:00+01:00)"}
    ]
    assert get("/requests.json", jurisdiction_id="zeitz").json() == []  # another town's reports stay there
    closed = next(r for r in get("/requests.json", jurisdiction_id="wernigerode").json() if r["status"] == "closed")
    assert (closed["status_notes"], closed["address"], closed["lat"], closed["agency_responsible"]) == (
        "Leuchtmittel getauscht",
        "Marktplatz",
        None,
        "Stadt Wernigerode",
    )
    xml = etree.fromstring(get("/requests.xml", jurisdiction_id="wernigerode", status="open").content)
    assert [r.findtext("service_request_id") for r in xml.findall("request")] == [str(road.pk)]
    assert xml.find("request/lat").text == "51.835"


def test_one_request_and_its_token(defect_world: dict[str, Any]) -> None:
    w = defect_world
    waiting = report(w, published=False)
    published = report(w)
    (data,) = get(f"/requests/{published.pk}.json", jurisdiction_id="wernigerode").json()
    schema_check("request", data)
    assert (data["status"], data["description"], data["service_code"]) == (
        "open",
        "Schlagloch vor Hausnummer 5",
        "strassenschaden",
    )
    assert get(f"/requests/{published.pk}.json", jurisdiction_id="zeitz").json() == [
        {"code": 404, "description": f"service_request_id '{published.pk}' not found"}
    ]
    tokens = get(f"/tokens/{waiting.token}.json", jurisdiction_id="wernigerode").json()
    assert tokens == [{"service_request_id": str(waiting.pk), "token": str(waiting.token)}]
    assert get("/tokens/kein-token.json", jurisdiction_id="wernigerode").status_code == 404
    xml = etree.fromstring(get(f"/tokens/{waiting.token}.xml", jurisdiction_id="wernigerode").content)
    assert xml.findtext("request/token") == str(waiting.token)
    assert get("/services.csv", jurisdiction_id="wernigerode").json() == [
        {"code": 404, "description": "format 'csv' not supported: use json or xml"}
    ]


def test_an_unpublished_request_is_not_found_until_it_is_published(defect_world: dict[str, Any]) -> None:
    """Ids are sequential: before moderation a report must not be readable by counting through them."""
    w = defect_world
    waiting = report(w, published=False, email="buerger@example.org", address="Hinter dem Rathaus 3")
    missing = f"service_request_id '{waiting.pk}' not found"
    refused = get(f"/requests/{waiting.pk}.json", jurisdiction_id="wernigerode")
    assert (refused.status_code, refused.json()) == (404, [{"code": 404, "description": missing}])
    refused = get(f"/requests/{waiting.pk}.xml", jurisdiction_id="wernigerode")
    assert refused.status_code == 404
    xml = etree.fromstring(refused.content)
    assert (xml.tag, xml.findtext("error/code"), xml.findtext("error/description")) == ("errors", "404", missing)
    assert b"Hinter dem Rathaus" not in refused.content
    # the same answer as for an id that does not exist
    absent = get(f"/requests/{waiting.pk + 1000}.json", jurisdiction_id="wernigerode").json()
    assert absent == [{"code": 404, "description": f"service_request_id '{waiting.pk + 1000}' not found"}]
    # the reporter keeps following it: the Open311 token and the tracking page
    assert get(f"/tokens/{waiting.token}.json", jurisdiction_id="wernigerode").json() == [
        {"service_request_id": str(waiting.pk), "token": str(waiting.token)}
    ]
    track = Client().get(reverse("defects:track", args=["wernigerode", waiting.token]))
    assert track.status_code == 200 and "Hinter dem Rathaus 3" in track.content.decode()
    Report.objects.filter(pk=waiting.pk).update(is_published=True)
    (data,) = get(f"/requests/{waiting.pk}.json", jurisdiction_id="wernigerode").json()
    assert (data["service_request_id"], data["address"]) == (str(waiting.pk), "Hinter dem Rathaus 3")
    xml = etree.fromstring(get(f"/requests/{waiting.pk}.xml", jurisdiction_id="wernigerode").content)
    assert xml.findtext("request/service_request_id") == str(waiting.pk)


def test_create_open311_key_prints_a_working_key(defect_world: dict[str, Any]) -> None:
    out = io.StringIO()
    call_command("create_open311_key", "--jurisdiction", "zeitz", "Mängel-App Zeitz", stdout=out)
    key = out.getvalue().strip()
    assert len(key) == 43 and "\n" not in key
    created = Client().post(
        f"{BASE}/requests.json",
        {"jurisdiction_id": "zeitz", "api_key": key, "service_code": "muell", "address_string": "Altmarkt 1"},
    )
    assert created.status_code == 400  # the description is missing, but the key was accepted
    assert created.json() == [{"code": 400, "description": "description: Bitte beschreiben Sie den Mangel."}]


def test_media_url_from_a_client_and_of_a_published_photo(defect_world: dict[str, Any]) -> None:
    w = defect_world
    form = {
        "jurisdiction_id": "wernigerode",
        "service_code": "beleuchtung",
        "description": "Laterne",
        "api_key": w["key"],
    }
    form |= {"address_string": "Markt 1"}
    refused = Client().post(f"{BASE}/requests.json", {**form, "media_url": "javascript:alert(1)"})
    assert refused.json() == [
        {"code": 400, "description": "media_url: media_url ist keine http(s)-Adresse (höchstens 500 Zeichen)."}
    ]
    created = Client().post(f"{BASE}/requests.json", {**form, "media_url": "https://app.example/foto/1.jpg"})
    new = Report.objects.get(pk=created.json()[0]["service_request_id"])
    Report.objects.filter(pk=new.pk).update(is_published=True)
    data = get(f"/requests/{new.pk}.json", jurisdiction_id="wernigerode").json()[0]
    assert data["media_url"] == "https://app.example/foto/1.jpg"
    schema_check("requests", [data])
    image = io.BytesIO()
    Image.new("RGB", (40, 30)).save(image, "PNG")
    with_photo = report(w, uploads=[(io.BytesIO(image.getvalue()), "a.png", image.tell())])
    photo = with_photo.photos.get()
    listed = {
        r["service_request_id"]: r["media_url"] for r in get("/requests.json", jurisdiction_id="wernigerode").json()
    }
    assert listed[str(with_photo.pk)] == f"{settings.KITU_BASE_URL}/maengel/foto/{photo.pk}/"
    Report.objects.filter(pk=with_photo.pk).update(is_published=False)  # withdrawn: neither it nor its photo
    assert get(f"/requests/{with_photo.pk}.json", jurisdiction_id="wernigerode").status_code == 404
    listed_now = get("/requests.json", jurisdiction_id="wernigerode").json()
    assert str(with_photo.pk) not in {r["service_request_id"] for r in listed_now}
