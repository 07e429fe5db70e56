"""A broad query is counted and ranked up to MAX_COUNT matches (here lowered to 2 of the 4 notebooks):
the count says "more than", price orders stay exact, pages end at the cap, facets count the sample."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kitu.accounts.services import api_token_create
from kitu.catalog import selectors
from kitu.core.actors import SYSTEM

pytestmark = pytest.mark.django_db
NOTEBOOKS = {"BAG-1", "DS-1", "NB-1", "NB-2"}  # what "Notebook" finds in the sample catalog


@pytest.fixture
def cap_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "MAX_COUNT", 2)


def pids(result: selectors.SearchResult) -> list[str]:
    return [a.supplier_pid for a in result.page]


def test_under_the_cap_the_count_is_exact(catalog: dict[str, Any]) -> None:
    result = selectors.search_articles(catalog["users"]["requester"], q="Notebook")
    assert (result.total, result.capped, set(pids(result))) == (4, False, NOTEBOOKS)


@pytest.mark.usefixtures("cap_2")
def test_above_the_cap_the_count_stops_and_says_so(catalog: dict[str, Any]) -> None:
    user = catalog["users"]["requester"]
    for q in ("Notebook", "", "tasche"):  # full-text search, no query, words inside compounds (one match)
        result = selectors.search_articles(user, q=q)
        expected = (1, False) if q == "tasche" else (2, True)
        assert (result.total, result.capped) == expected, q
        assert len(result.page) == result.total and result.page.paginator.num_pages == 1
    ranked = selectors.search_articles(user, q="Notebook")
    assert set(pids(ranked)) <= NOTEBOOKS and len(set(pids(ranked))) == 2


@pytest.mark.usefixtures("cap_2")
def test_price_orders_stay_exact_above_the_cap(catalog: dict[str, Any]) -> None:
    user = catalog["users"]["requester"]
    cheapest = selectors.search_articles(user, q="Notebook", sort="price_asc")
    assert (pids(cheapest), cheapest.total, cheapest.capped) == (["BAG-1", "DS-1"], 2, True)
    dearest = selectors.search_articles(user, q="Notebook", sort="price_desc")
    assert pids(dearest) == ["NB-2", "NB-1"]


@pytest.mark.usefixtures("cap_2")
def test_pages_end_at_the_cap(catalog: dict[str, Any]) -> None:
    user = catalog["users"]["requester"]
    first = selectors.search_articles(user, q="Notebook", per_page=1)
    second = selectors.search_articles(user, q="Notebook", per_page=1, page=2)
    beyond = selectors.search_articles(user, q="Notebook", per_page=1, page=3)  # the last page: the second
    assert (first.page.paginator.num_pages, second.page.number, beyond.page.number) == (2, 2, 2)
    assert len({*pids(first), *pids(second)}) == 2 and pids(beyond) == pids(second)
    by_price = selectors.search_articles(user, q="Notebook", sort="price_asc", per_page=1, page=4)
    assert (by_price.page.number, pids(by_price)) == (2, ["DS-1"])


@pytest.mark.usefixtures("cap_2")
def test_facets_count_the_first_matches_above_the_cap(catalog: dict[str, Any]) -> None:
    result = selectors.search_articles(catalog["users"]["requester"], q="Notebook")
    assert sum(f.count for f in result.facets["supplier"]) == 2
    assert sum(f.count for f in result.facets["contract"]) == 2
    uncapped = selectors.search_articles(catalog["users"]["requester"], q="Notebook", per_page=1)
    assert uncapped.capped  # the cap, not the page size, decides


@pytest.mark.usefixtures("cap_2")
def test_api_and_page_say_more_than(catalog: dict[str, Any], client_for: Any) -> None:
    _t, secret = api_token_create(actor=SYSTEM, user=catalog["users"]["requester"], name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    data = api.get("/api/v1/catalog/articles", {"q": "Notebook"}).json()
    assert (data["count"], data["capped"], data["pages"], len(data["items"])) == (2, True, 1, 2)
    narrow = api.get("/api/v1/catalog/articles", {"q": "Monitor"}).json()
    assert (narrow["count"], narrow["capped"]) == (1, False)
    page = client_for("requester").get(reverse("catalog:search"), {"q": "Notebook"}).content.decode()
    assert "Mehr als 2 Artikel gefunden" in page
    exact = client_for("requester").get(reverse("catalog:search"), {"q": "Monitor"}).content.decode()
    assert "1 Artikel gefunden" in exact and "Mehr als" not in exact
