"""OParl over HTTP: bad parameters, limits, hostile paths, CORS, errors inside, everyone reading the same, and
the files' access and download."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import ROLES, login
from kitu.council.models import File, Paper
from kitu.council.visibility import Visibility

from .oparl_client import API, SCHEMA, W, get, pk_of, walk_all

# --- parameters, errors, CORS ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=-1", "limit"),
        ("limit=abc", "limit"),
        ("limit=1e3", "limit"),
        ("limit=", "limit"),
        ("limit=99999999999999999999999999", "limit"),
        ("after=abc", "after"),
        ("after=-5", "after"),
        ("after=99999999999999999999", "after"),
        ("created_since=2026-01-01T00%3A00%3A00", "created_since"),
        ("created_until=2026-01-01", "created_until"),
        ("modified_since=yesterday", "modified_since"),
        ("modified_until=2026-13-01T00%3A00%3A00Z", "modified_until"),
        ("modified_since=0000-01-01T00%3A00%3A00%2B01%3A00", "modified_since"),
        ("modified_since=0001-01-01T00%3A00%3A00%2B01%3A00", "modified_since"),
        ("created_since=2026-01-01T00%3A00%3A00%2B25%3A00", "created_since"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(
    client: Client, council_world: dict[str, Any], query: str, parameter: str
) -> None:
    for url in (f"{W}/paper?{query}", f"{API}/body?{query}"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert response["Access-Control-Allow-Origin"] == "*"
        data = response.json()
        assert data["type"] == SCHEMA + "Error"
        assert f"„{parameter}“" in data["message"]
        assert data["debug"].startswith(f"parameter {parameter}")


@pytest.mark.django_db
def test_limit_edges(client: Client, rich_world: dict[str, Any]) -> None:
    total = Visibility.public(rich_world["body"]).files().count()
    assert len(get(client, f"{W}/file?limit=1")["data"]) == 1
    assert len(get(client, f"{W}/file?limit=1000")["data"]) == total
    assert get(client, f"{W}/file")["pagination"] == {"elementsPerPage": 100}
    last = get(client, f"{W}/file")["data"][-1]
    assert get(client, f"{W}/file?after={pk_of(last['id'])}")["data"] == []


@pytest.mark.django_db
def test_nul_and_hostile_paths_are_json_errors(client: Client, council_world: dict[str, Any]) -> None:
    for url, status in (
        (f"{W}/paper?created_since=2026%00", 400),
        (f"{W}/paper?limit=1%00", 400),
        (f"{W}/papers", 404),
        (f"{W}/paper/abc", 404),
        (f"{W}/paper/00001", 200),
        (f"{API}/body/../../admin", 404),
        (f"{API}/", 404),
        (f"{API}/body/wernigerode/paper/1/access", 404),
        (f"{API}/body/" + "x" * 300, 404),
        ("/oparl/", 404),
        ("/oparl/v2/system", 404),
    ):
        response = client.get(url)
        assert response["Access-Control-Allow-Origin"] == "*", url
        if status != 200:
            assert response.status_code == status, url
            assert response.json()["type"] == SCHEMA + "Error", url


@pytest.mark.django_db
def test_cors_preflight_and_read_only(client: Client, council_world: dict[str, Any]) -> None:
    paper = council_world["public_paper"]
    before = Paper.objects.get(pk=paper.pk).modified
    response = client.options(f"{W}/paper", HTTP_ORIGIN="https://example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(f"{W}/paper/{paper.pk}", data="{}", content_type="application/json")
        assert response.status_code == 405, method
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response.json()["type"] == SCHEMA + "Error"
    assert Paper.objects.get(pk=paper.pk).modified == before
    assert client.head(f"{W}/paper").status_code == 200


@pytest.mark.django_db
def test_an_error_inside_is_a_json_500(client: Client, council_world: dict[str, Any], monkeypatch: Any) -> None:
    from kitu.council.oparl import render

    def broken(ctx: Any, obj: Any) -> dict[str, Any]:
        raise RuntimeError("boom")

    monkeypatch.setattr(render, "system", broken)
    response = client.get(f"{API}/system")
    assert response.status_code == 500
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json()["type"] == SCHEMA + "Error"
    assert "boom" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*ROLES, "council_office", "councillor", "committee_councillor", "other_councillor"])
def test_everyone_reads_the_same_public_data(client: Client, rich_world: dict[str, Any], role: str | None) -> None:
    """OParl is the public's interface: a signed-in council office or councillor reads exactly what the
    anonymous public reads (never the non-public items they may see on their own pages), and cannot write."""
    anonymous = walk_all(Client())
    if role is not None:
        login(client, rich_world["users"][role])
    assert walk_all(client) == anonymous
    count = Paper.objects.count()
    assert client.post(f"{W}/paper", data={"name": "x"}).status_code == 405
    assert Paper.objects.count() == count


# --- files ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_file_access_and_download(client: Client, rich_world: dict[str, Any]) -> None:
    doc = rich_world["public_file"]
    meta = get(client, f"{W}/file/{doc.pk}")
    content = File.objects.get(pk=doc.pk).content.read()
    access = client.get(meta["accessUrl"].removeprefix("http://testserver"))
    assert access.status_code == 200
    assert b"".join(access.streaming_content) == content
    assert access["Content-Type"] == "application/pdf"
    assert "attachment" not in access.get("Content-Disposition", "")
    assert access["Access-Control-Allow-Origin"] == "*"
    assert access["ETag"] and access["Last-Modified"]
    download = client.get(meta["downloadUrl"].removeprefix("http://testserver"))
    assert download["Content-Disposition"] == 'attachment; filename="Bebauungsplan Begruendung.pdf"'
    assert b"".join(download.streaming_content) == content
    assert int(download["Content-Length"]) == meta["size"] == len(content)
    assert (
        client.get(meta["accessUrl"].removeprefix("http://testserver"), HTTP_IF_NONE_MATCH=access["ETag"]).status_code
        == 304
    )
    # a type a browser would run is never shown inline
    File.objects.filter(pk=doc.pk).update(mime_type="text/html")
    assert client.get(meta["accessUrl"].removeprefix("http://testserver"))["Content-Type"] == "application/octet-stream"
    # every file of a walk can be fetched, a result file of an unpublished meeting cannot
    for obj in walk_all(client)["file"]:
        assert client.get(obj["downloadUrl"].removeprefix("http://testserver")).status_code == 200
    held_protocol = File.objects.get(meeting=rich_world["held"])
    assert client.get(f"{W}/file/{held_protocol.pk}/access").status_code == 404
