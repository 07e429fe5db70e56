"""Hostile search input: every query, filter and page value answers 200 with a sensible result or a clear
4xx, never a 500 — on PostgreSQL (tsquery syntax, bigint and numeric ranges) and on SQLite (FTS5)."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kitu.catalog import selectors
from kitu.catalog.forms import SearchForm
from kitu.catalog.models import Article
from kitu.core.errors import DomainError

pytestmark = pytest.mark.django_db

API = "/api/v1/catalog/articles"
BIG = str(2**63)  # one past the largest bigint
HUGE = str(2**64)
ACTIVE = 5  # active articles of the sample catalog the requester sees
NOTEBOOKS = ["BAG-1", "DS-1", "NB-1", "NB-2"]

# query → the articles found (sorted); the same on both databases
QUERIES: list[tuple[str, list[str]]] = [
    ("'", []),
    ("!!", []),
    ("&", []),
    ("|", []),
    (":*", []),
    ("\\", []),
    ("😀", []),
    ("<->", []),
    ("( ) :* & | ! <-> ~", []),
    ("%", []),
    ("_", []),
    ("''';--", []),
    ("\u200b", []),  # zero-width space
    ("²", []),  # a word character without a lexeme in PostgreSQL
    ("und der", []),  # German stop words (the simple reading still searches them)
    ("Note:*book", ["DS-1", "NB-1", "NB-2"]),  # no word starts with "book": both inside a description
    ("Notebook:*", NOTEBOOKS),
    ("!Notebook", NOTEBOOKS),  # no negation: the word is searched
    ("Monitor & | !Eizo", ["MON-1"]),  # operators are no words: both words required, none negated
    ("NB-2'", ["NB-2"]),
    ("'NB-2", ["NB-2"]),
    ("Notebook😀", NOTEBOOKS),
    ("x" * 5000, []),
    ("ß" * 3000, []),
    ("Notebook " * 500, NOTEBOOKS),  # cut to the first 200 characters, still a search for "Notebook"
    ("Notebook " * 23 + "Eizo", NOTEBOOKS),  # only the first 200 characters are searched: "Eizo" is cut off
]


def api_get(client: Client, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
    response = client.get(API, params)
    return response.status_code, response.json()


@pytest.fixture
def requester(catalog: dict[str, Any], client_for: Any) -> Client:
    return client_for("requester")  # type: ignore[no-any-return]


@pytest.mark.parametrize(("q", "found"), QUERIES, ids=[repr(q[:12]) for q, _ in QUERIES])
def test_hostile_queries_in_selector_api_and_page(
    requester: Client, catalog: dict[str, Any], q: str, found: list[str]
) -> None:
    result = selectors.search_articles(catalog["users"]["requester"], q=q)
    assert (sorted(a.supplier_pid for a in result.page), result.total) == (found, len(found))
    status, data = api_get(requester, {"q": q, "facets": "true"})
    assert (status, sorted(i["supplier_pid"] for i in data["items"]), data["count"]) == (200, found, len(found))
    page = requester.get(reverse("catalog:search"), {"q": q})
    assert page.status_code == 200
    assert page.context["result"].total == len(found)
    assert page.context["form"].errors == {}


@pytest.mark.parametrize("field", ["q", "manufacturer", "eclass"])
def test_nul_byte_is_a_clear_400_in_the_api_and_a_form_error_on_the_page(
    requester: Client, catalog: dict[str, Any], settings: Any, field: str
) -> None:
    # the catalog's own answer, without any site-wide NUL filter in front of it
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("RejectNulMiddleware")]
    with pytest.raises(DomainError) as exc:
        selectors.search_articles(catalog["users"]["requester"], **{field: "\x00"})
    assert (exc.value.message, exc.value.field) == ("Die Eingabe enthält ein Nullzeichen.", field)
    status, data = api_get(requester, {field: "Note\x00book"})
    assert (status, data) == (400, {"detail": "Die Eingabe enthält ein Nullzeichen.", "field": field})
    page = requester.get(reverse("catalog:search"), {field: "Note\x00book", "sort": "price_asc"})
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert (set(errors), errors) == ({field}, SearchForm({field: "\x00"}).errors)
    if field == "q":  # the visible field shows its error
        assert errors["q"][0] in page.content.decode()
    # the valid part of the input still applies
    assert [a.supplier_pid for a in page.context["result"].page] == ["BAG-1", "DS-1", "MON-1", "NB-1", "NB-2"]


# API parameters → (status, count) with today's schema; a stricter schema may answer 422 instead of 200
# for ids and page numbers out of range, never anything else
API_CASES: list[tuple[dict[str, str], int, int | None]] = [
    ({"page": "9223372036854775807"}, 200, ACTIVE),
    ({"page": BIG}, 200, ACTIVE),
    ({"page": HUGE, "q": "Notebook", "sort": "price_desc"}, 200, 4),
    ({"page": "9223372036854775807", "q": "Notebook"}, 200, 4),
    ({"page": "9223372036854775807", "q": "station"}, 200, 1),  # found inside words
    ({"page": "0"}, 422, None),
    ({"page": "-1"}, 422, None),
    ({"page": "-9223372036854775809"}, 422, None),
    ({"page": "eins"}, 422, None),
    ({"page_size": "0"}, 422, None),
    ({"page_size": HUGE}, 422, None),
    ({"contract": BIG}, 200, 0),
    ({"contract": HUGE}, 200, 0),
    ({"contract": "-1"}, 200, 0),
    ({"contract": "-" + HUGE, "q": "Notebook"}, 200, 0),
    ({"supplier": BIG, "q": "Notebook"}, 200, 0),
    ({"supplier": HUGE}, 200, 0),
    ({"contract": "abc"}, 422, None),
    ({"price_min": "abc"}, 422, None),
    ({"price_min": "NaN"}, 422, None),
    ({"price_max": "Infinity"}, 422, None),
    ({"price_min": "-1"}, 422, None),
    ({"price_min": "1e30"}, 200, 0),
    ({"price_min": "1e30", "q": "Notebook"}, 200, 0),
    ({"price_max": "1e30"}, 200, ACTIVE),
    ({"price_max": "1e30", "q": "Notebook"}, 200, 4),
    ({"price_min": "1e999999999", "q": "Notebook"}, 200, 0),
    ({"price_max": "1e999999999"}, 200, ACTIVE),
    ({"price_min": "1e-999999999", "q": "Notebook"}, 200, 4),
    ({"price_max": "1e-999999999"}, 200, 0),
    ({"price_min": "29.001", "price_max": "149.009"}, 200, 1),  # only DS-1 (149.00); BAG-1 costs 29.00
    ({"price_min": "9999999999.99"}, 200, 0),
    ({"price_max": "9999999999.995"}, 200, ACTIVE),
    ({"eclass": "x" * 10000, "q": "Notebook"}, 200, 0),
    ({"manufacturer": "'; DROP TABLE catalog_article; --"}, 200, 0),
    ({"manufacturer": "Lenovo", "q": "'"}, 200, 0),
    ({"sort": "price_asc; DROP"}, 422, None),
    ({"q": "'", "page": BIG, "contract": HUGE, "sort": "price_desc", "facets": "true"}, 200, 0),
]


@pytest.mark.parametrize(("params", "status", "count"), API_CASES, ids=[str(p)[:60] for p, _s, _c in API_CASES])
def test_hostile_filters_and_pages_in_the_api(
    requester: Client, params: dict[str, str], status: int, count: int | None
) -> None:
    got, data = api_get(requester, params)
    if status == 200 and got == 422 and set(params) & {"page", "contract", "supplier"}:
        return  # a stricter schema refuses the number: a clear 4xx is allowed as well
    assert got == status, data
    if status == 200:
        assert (data["count"], len(data["items"])) == (count, min(count or 0, 20))
        assert data["page"] == 1  # a page past the end shows the last page
    else:
        assert data["detail"]  # ninja names the parameter at fault


# page parameters → (total found, the form fields with an error)
PAGE_CASES: list[tuple[dict[str, str], int, set[str]]] = [
    ({"page": "9223372036854775807"}, ACTIVE, set()),
    ({"page": "9223372036854775807", "q": "Notebook"}, 4, set()),
    ({"page": HUGE, "q": "'"}, 0, set()),
    ({"page": "-1"}, ACTIVE, set()),
    ({"page": "²"}, ACTIVE, set()),  # a digit that int() refuses
    ({"page": "٣"}, ACTIVE, set()),  # an Arabic-Indic three: not an ASCII number, page 1
    ({"contract": BIG}, 0, set()),
    ({"contract": HUGE, "q": "Notebook"}, 0, set()),
    ({"supplier": "-" + HUGE}, 0, set()),
    ({"contract": "abc", "q": "Notebook"}, 4, {"contract"}),  # the valid fields still apply
    ({"price_min": "abc", "q": "Notebook"}, 4, {"price_min"}),
    ({"price_min": "1e30"}, 0, set()),
    ({"price_max": "1e999999999", "q": "Notebook"}, 4, set()),
    ({"price_min": "1e-999999999", "q": "Notebook"}, 4, {"price_min"}),  # more than two decimal places
    ({"sort": "cheap", "q": "Notebook"}, 4, {"sort"}),
    ({"eclass": "x" * 10000}, 0, set()),
]


@pytest.mark.parametrize(("params", "total", "invalid"), PAGE_CASES, ids=[str(p)[:60] for p, _t, _e in PAGE_CASES])
def test_hostile_filters_and_pages_on_the_search_page(
    requester: Client, params: dict[str, str], total: int, invalid: set[str]
) -> None:
    response = requester.get(reverse("catalog:search"), params)
    assert response.status_code == 200
    form = response.context["form"]
    assert (response.context["result"].total, set(form.errors)) == (total, invalid)
    assert form.errors == SearchForm(params).errors  # the form's own messages, shown on the page
    page = response.content.decode()
    for field in invalid - {"contract"}:  # a hidden field shows no message
        assert all(message in page for message in form.errors[field])
    assert response.context["result"].page.number == 1


def test_selector_clamps_pages_ids_and_price_bounds(catalog: dict[str, Any]) -> None:
    user = catalog["users"]["requester"]
    search = selectors.search_articles
    assert search(user, page=2**63, per_page=2).page.number == 3  # the last page
    assert search(user, q="Notebook", page=2**70, per_page=3).page.number == 2
    assert search(user, page=-(2**70)).page.number == 1
    assert len(search(user, q="Notebook", per_page=2**64, page=2).page) == 4  # at most 100 a page (LIMIT is bigint)
    assert len(search(user, per_page=-5).page) == 1
    assert search(user, contract=2**64).total == search(user, supplier=-(2**63) - 1).total == 0
    assert search(user, q="Notebook", contract=2**63).total == 0
    assert search(user, price_min=Decimal("1E+999999999")).total == 0
    assert search(user, price_max=Decimal("1E+999999999")).total == ACTIVE
    assert search(user, price_max=Decimal("-1")).total == 0
    assert search(user, price_min=Decimal("-1E+999999999"), q="Notebook").total == 4
    assert search(user, price_min=Decimal("29.001")).total == ACTIVE - 1  # BAG-1 (29.00) is below


def test_compare_and_article_with_hostile_ids(requester: Client, catalog: dict[str, Any]) -> None:
    nb1 = Article.objects.get(supplier_pid="NB-1")
    response = requester.get(reverse("catalog:compare"), {"id": ["²", HUGE, BIG, "-1", str(nb1.pk)]})
    assert response.status_code == 200
    assert [a.pk for a in response.context["articles"]] == [nb1.pk]
    assert requester.get(f"/katalog/artikel/{HUGE}/").status_code == 404
    assert requester.get(f"{API}/{HUGE}").status_code in (404, 422)
