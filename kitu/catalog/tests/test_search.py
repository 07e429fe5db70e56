from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from conftest import OWN, ROLES
from kitu.accounts.services import api_token_create
from kitu.catalog import selectors
from kitu.catalog.models import Article, ArticleSearch, CatalogImport
from kitu.core.actors import SYSTEM

from .samples import catalog_2005, product_2005

pytestmark = pytest.mark.django_db
MANAGERS = {"coop_admin", "contract_manager"}


def pids(result: selectors.SearchResult) -> list[str]:
    return [a.supplier_pid for a in result.page]


def test_german_stemming_finds_singular_and_plural(catalog: dict[str, Any]) -> None:
    user = catalog["users"]["requester"]
    assert sorted(pids(selectors.search_articles(user, q="Notebooks"))) == ["BAG-1", "DS-1", "NB-1", "NB-2"]
    # the docking station and the bag are made by Lenovo and are "für Notebooks"
    assert sorted(pids(selectors.search_articles(user, q="notebook lenovo"))) == ["BAG-1", "DS-1", "NB-1"]
    assert pids(selectors.search_articles(user, q="Monitore")) == ["MON-1"]


def test_search_by_numbers_and_manufacturer(catalog: dict[str, Any]) -> None:
    user = catalog["users"]["requester"]
    assert pids(selectors.search_articles(user, q="NB-2")) == ["NB-2"]
    assert pids(selectors.search_articles(user, q="21HD-MON-1")) == ["MON-1"]  # manufacturer article number
    assert len(pids(selectors.search_articles(user, q="4012345678901"))) == 5  # EAN (all active samples share one)
    assert pids(selectors.search_articles(user, q="Eizo")) == ["MON-1"]


def test_relevance_puts_title_matches_first(catalog: dict[str, Any]) -> None:
    result = selectors.search_articles(catalog["users"]["requester"], q="Notebook")
    assert sorted(pids(result)[:3]) == ["DS-1", "NB-1", "NB-2"]
    assert pids(result)[3:] == ["BAG-1"]  # mentions notebooks only in its description


def test_filters_sort_and_facets(catalog: dict[str, Any]) -> None:
    user = catalog["users"]["requester"]
    assert pids(selectors.search_articles(user, sort="price_asc")) == ["BAG-1", "DS-1", "MON-1", "NB-1", "NB-2"]
    assert pids(
        selectors.search_articles(user, sort="price_desc", price_max=Decimal("900"), price_min=Decimal("100"))
    ) == ["NB-1", "MON-1", "DS-1"]
    result = selectors.search_articles(user, manufacturer="Lenovo")
    assert sorted(pids(result)) == ["BAG-1", "DS-1", "NB-1"]
    full = selectors.search_articles(user)
    assert [(f.label, f.count) for f in full.facets["manufacturer"]] == [("Lenovo", 3), ("Dell", 1), ("Eizo", 1)]
    assert [(f.value, f.count) for f in full.facets["eclass"]] == [("24010101", 4), ("24010201", 1)]
    assert [(f.label, f.count) for f in full.facets["supplier"]] == [("Beispiel IT GmbH", 5)]
    assert pids(selectors.search_articles(user, eclass="24010201")) == ["MON-1"]


def test_scoping_members_suppliers_managers(catalog: dict[str, Any]) -> None:
    users = catalog["users"]
    assert selectors.search_articles(users["other_requester"], q="Notebook").total == 0  # Zeitz not eligible
    assert selectors.search_articles(users["requester"]).total == 5  # the inactive one is hidden
    assert not selectors.visible_articles(users["requester"]).filter(supplier_pid="OLD-1").exists()
    assert selectors.visible_articles(users["supplier_user"]).filter(supplier_pid="OLD-1").exists()  # its own
    assert selectors.visible_articles(users["contract_manager"]).count() == 6
    # an expired contract's articles disappear for members
    catalog["contract"].__class__.objects.filter(pk=catalog["contract"].pk).update(ends_on="2025-06-30")
    assert selectors.search_articles(users["requester"]).total == 0


def test_words_inside_compounds_when_nothing_starts_with_them(catalog: dict[str, Any]) -> None:
    user = catalog["users"]["requester"]
    result = selectors.search_articles(user, q="station")  # no word starts with it: "Dockingstation"
    assert pids(result) == ["DS-1"] and result.total == 1 and not result.typo_tolerant
    assert pids(selectors.search_articles(user, q="Tasche 15")) == ["BAG-1"]  # "Schutztasche 15,6 Zoll"
    escaped = selectors.search_articles(user, q="stati_n")  # "_" is no LIKE wildcard here
    assert escaped.total == 0 or escaped.typo_tolerant  # (PostgreSQL finds it as a similar spelling)


def test_pages_and_total_of_a_ranked_search(catalog: dict[str, Any]) -> None:
    user = catalog["users"]["requester"]
    first = selectors.search_articles(user, q="Notebook", per_page=3)
    second = selectors.search_articles(user, q="Notebook", per_page=3, page=2)
    beyond = selectors.search_articles(user, q="Notebook", per_page=3, page=9)  # clamps to the last page
    assert (first.total, first.page.paginator.num_pages, len(first.page)) == (4, 2, 3)
    assert pids(second) == ["BAG-1"] and second.page.number == 2
    assert pids(beyond) == ["BAG-1"] and beyond.page.number == 2
    assert pids(first) + pids(second) == pids(selectors.search_articles(user, q="Notebook"))
    by_price = selectors.search_articles(user, q="Notebook", sort="price_desc", per_page=2, page=2)
    assert pids(by_price) == ["DS-1", "BAG-1"] and by_price.total == 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the search index table exists on PostgreSQL only")
def test_postgresql_search_index_follows_every_write(catalog: dict[str, Any]) -> None:
    user = catalog["users"]["requester"]
    assert ArticleSearch.objects.count() == Article.objects.count() == 6
    Article.objects.filter(supplier_pid="MON-1").update(description_short="Bildschirm Eizo FlexScan")
    assert pids(selectors.search_articles(user, q="Bildschirm")) == ["MON-1"]
    Article.objects.filter(supplier_pid="NB-2").update(is_active=False)
    assert ArticleSearch.objects.get(article__supplier_pid="NB-2").is_active is False
    assert "NB-2" not in pids(selectors.search_articles(user, q="Notebook"))
    Article.objects.filter(supplier_pid="OLD-1").delete()
    assert ArticleSearch.objects.count() == 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="typo tolerance needs pg_trgm (PostgreSQL)")
def test_typo_tolerance_on_postgresql(catalog: dict[str, Any]) -> None:
    result = selectors.search_articles(catalog["users"]["requester"], q="Noteboook Lenovo")
    assert result.typo_tolerant and pids(result)[0] == "NB-1"


@pytest.mark.parametrize("role", ROLES)
def test_catalog_pages_permissions(catalog: dict[str, Any], client_for: Any, role: str | None) -> None:
    client = client_for(role)
    nb1 = Article.objects.get(supplier_pid="NB-1")
    sees = MANAGERS | OWN | {"supplier_user"}
    response = client.get(reverse("catalog:search"), {"q": "Notebook"})
    assert response.status_code == (302 if role is None else 200)
    if role is not None:
        assert ("ThinkPad" in response.content.decode()) == (role in sees)
    assert client.get(reverse("catalog:article", args=[nb1.pk])).status_code == (
        302 if role is None else 200 if role in sees else 404
    )
    compare = client.get(reverse("catalog:compare"), {"id": [nb1.pk]})
    if role is not None:
        assert [a.pk for a in compare.context["articles"]] == ([nb1.pk] if role in sees else [])
    upload = client.get(reverse("catalog:imports", args=[catalog["contract"].pk]))
    assert upload.status_code == (302 if role is None else 200 if role in MANAGERS else 403)
    before = CatalogImport.objects.count()
    client.post(
        reverse("catalog:imports", args=[catalog["contract"].pk]), {"file": SimpleUploadedFile("x.xml", b"<x/>")}
    )
    if role not in MANAGERS:
        assert CatalogImport.objects.count() == before


def test_upload_runs_import_and_shows_result(
    catalog: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for("contract_manager")
    content = catalog_2005(product_2005("NEU-1", "Tablet Samsung Galaxy Tab S9 FE"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("catalog:imports", args=[catalog["contract"].pk]),
            {"file": SimpleUploadedFile("neu.xml", content.encode())},
        )
    record = CatalogImport.objects.latest("started_at")
    assert response["Location"] == reverse("catalog:import_result", args=[record.pk])
    record.refresh_from_db()
    assert (record.status, record.articles_new, record.articles_deactivated) == ("succeeded", 1, 5)
    page = client.get(response["Location"]).content.decode()
    assert "Import erfolgreich." in page
    history = client.get(reverse("catalog:imports", args=[catalog["contract"].pk])).content.decode()
    assert "neu.xml" in history and "contracts@test.example" in history


def test_upload_rejects_other_file_types(catalog: dict[str, Any], client_for: Any) -> None:
    client = client_for("contract_manager")
    before = CatalogImport.objects.count()
    response = client.post(
        reverse("catalog:imports", args=[catalog["contract"].pk]), {"file": SimpleUploadedFile("k.csv", b"a;b")}
    )
    assert response.context["form"].errors == {
        "file": ["Bitte eine BMEcat-Datei (.xml) oder ein ZIP-Archiv hochladen."]
    }
    assert CatalogImport.objects.count() == before


def test_api_articles(catalog: dict[str, Any]) -> None:
    _t, secret = api_token_create(actor=SYSTEM, user=catalog["users"]["requester"], name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    data = client.get("/api/v1/catalog/articles", {"q": "Notebooks", "sort": "price_asc"}).json()
    assert data["count"] == 4
    item = data["items"][0]
    assert {
        k: item[k] for k in ("supplier_pid", "description", "price", "list_price", "currency", "order_unit", "contract")
    } == {
        "supplier_pid": "BAG-1",
        "description": "Schutztasche 15,6 Zoll",
        "price": "29.00",
        "list_price": None,
        "currency": "EUR",
        "order_unit": "C62",
        "contract": "RV-2025-01",
    }
    assert client.get("/api/v1/catalog/articles", {"sort": "cheap"}).status_code == 422
    _t, other = api_token_create(actor=SYSTEM, user=catalog["users"]["other_requester"], name="t")
    other_client = Client(HTTP_AUTHORIZATION=f"Bearer {other}")
    assert other_client.get("/api/v1/catalog/articles").json()["count"] == 0
    assert other_client.get(f"/api/v1/catalog/articles/{item['id']}").status_code == 404
