"""A search that forgives (issue 18.8): synonyms the office keeps, typo correction with "Meinten Sie …?",
the search kept when going to an article and back, active filters as removable chips, adding to the cart
from the results. Every test runs on SQLite and on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from conftest import ROLES, STAFF
from kitu.catalog import selectors, services
from kitu.catalog.models import Article, SynonymGroup, SynonymTerm
from kitu.core.actors import SYSTEM
from kitu.core.errors import DomainError, PermissionDenied
from kitu.core.models import AuditEntry
from kitu.orders.models import CartLine

pytestmark = pytest.mark.django_db
NOTEBOOKS = ["BAG-1", "DS-1", "NB-1", "NB-2"]  # "Notebook" in the title or the long description


def pids(result: selectors.SearchResult) -> list[str]:
    return sorted(a.supplier_pid for a in result.page)


def group_of(word: str) -> SynonymGroup:
    return SynonymTerm.objects.get(word=word).group


# --- synonyms ---------------------------------------------------------------------------------------------


def test_the_default_synonyms_are_seeded() -> None:
    groups = {tuple(t.word for t in g.terms.all()) for g in SynonymGroup.objects.prefetch_related("terms")}
    assert {("Laptop", "Notebook"), ("Bildschirm", "Monitor"), ("Beamer", "Projektor")} <= groups
    assert SynonymTerm.objects.get(word="Laptop").key == "laptop"


def test_a_synonym_finds_the_articles_of_its_group_both_ways(catalog: dict[str, Any]) -> None:
    user = catalog["users"]["requester"]
    assert pids(selectors.search_articles(user, q="Notebook")) == NOTEBOOKS
    laptop = selectors.search_articles(user, q="Laptop")
    assert pids(laptop) == NOTEBOOKS and laptop.total == 4 and not laptop.suggestion and not laptop.typo_tolerant
    assert pids(selectors.search_articles(user, q="Laptops")) == NOTEBOOKS  # stemmed like every word
    assert pids(selectors.search_articles(user, q="laptop lenovo")) == ["BAG-1", "DS-1", "NB-1"]  # with another word
    assert pids(selectors.search_articles(user, q="Bildschirm")) == ["MON-1"]
    # the filters and the scope still apply
    assert pids(selectors.search_articles(user, q="Laptop", manufacturer="Dell")) == ["NB-2"]
    assert selectors.search_articles(catalog["users"]["other_requester"], q="Laptop").total == 0


def test_editing_the_synonym_list_changes_the_results(catalog: dict[str, Any]) -> None:
    user, office = catalog["users"]["requester"], catalog["users"]["coop_admin"]
    services.synonym_group_delete(actor=office, group_id=group_of("Laptop").pk)
    assert selectors.search_articles(user, q="Laptop").total == 0
    services.synonym_group_add(actor=office, terms="Laptop, Notebook")
    assert pids(selectors.search_articles(user, q="Laptop")) == NOTEBOOKS
    # a synonym inside a compound word: "Hülle" finds the "Schutztasche" (the look inside descriptions)
    assert selectors.search_articles(user, q="Hülle").total == 0
    services.synonym_group_add(actor=catalog["users"]["contract_manager"], terms="Hülle; Tasche")
    assert pids(selectors.search_articles(user, q="Hülle")) == ["BAG-1"]


def test_synonym_groups_are_checked(catalog: dict[str, Any]) -> None:
    office = catalog["users"]["coop_admin"]
    cases = {
        "Beamer": "mindestens zwei verschiedene Begriffe",
        "Monitor, Monitore": "mindestens zwei verschiedene Begriffe",  # the same word to the search
        "USB-Stick, Speicherstick": "„USB-Stick“ ist kein einzelnes Wort",
        "Notebook, Klapprechner": "„Notebook“ steht schon in der Gruppe „Laptop, Notebook“",
        ", ".join(f"Wort{chr(97 + i)}" for i in range(11)): "höchstens 10 Begriffe",
        "Kurz, " + "x" * 51: "ist zu lang (höchstens 50 Zeichen)",
        "Nul\x00, Null": "kein einzelnes Wort",
    }
    before = SynonymTerm.objects.count()
    for terms, message in cases.items():
        with pytest.raises(DomainError) as exc:
            services.synonym_group_add(actor=office, terms=terms)
        assert message in exc.value.message and exc.value.field == "terms", terms
    assert SynonymTerm.objects.count() == before


def test_only_the_office_edits_synonyms_and_every_change_is_audited(catalog: dict[str, Any]) -> None:
    users = catalog["users"]
    for role in ("member_admin", "requester", "supplier_user"):
        with pytest.raises(PermissionDenied):
            services.synonym_group_add(actor=users[role], terms="Beamer2, Projektor2")
        with pytest.raises(PermissionDenied):
            services.synonym_group_delete(actor=users[role], group_id=group_of("Beamer").pk)
    with pytest.raises(PermissionDenied):
        services.synonym_group_add(actor=SYSTEM, terms="Headset, Sprechgarnitur")
    group = services.synonym_group_add(actor=users["coop_admin"], terms="Headset, Sprechgarnitur")
    assert [(t.word, t.key) for t in group.terms.all()] == [("Headset", "heads"), ("Sprechgarnitur", "sprechgarnitur")]
    services.synonym_group_delete(actor=users["coop_admin"], group_id=group.pk)
    rows = AuditEntry.objects.filter(object_type="catalog.SynonymGroup", object_id=str(group.pk)).order_by("pk")
    assert [(r.action, r.changes) for r in rows] == [
        ("create", {"terms": [None, ["Headset", "Sprechgarnitur"]]}),
        ("delete", {"terms": [["Headset", "Sprechgarnitur"], None]}),
    ]


# --- typos --------------------------------------------------------------------------------------------------


def test_a_misspelt_word_is_corrected(catalog: dict[str, Any]) -> None:
    user = catalog["users"]["requester"]
    result = selectors.search_articles(user, q="Notbook")
    assert (pids(result), result.suggestion, result.typo_tolerant) == (NOTEBOOKS, "Notebook", True)
    two = selectors.search_articles(user, q="Notbook Lenvoo")
    assert (pids(two), two.suggestion) == (["BAG-1", "DS-1", "NB-1"], "Notebook Lenovo")
    monitor = selectors.search_articles(user, q="Monitr")
    assert (pids(monitor), monitor.suggestion) == (["MON-1"], "Monitor")
    # a misspelt synonym: corrected to the synonym, which finds its group
    laptop = selectors.search_articles(user, q="Lapptop")
    assert (pids(laptop), laptop.suggestion) == (NOTEBOOKS, "Laptop")
    # article numbers and short words stay as typed
    assert selectors.search_articles(user, q="NB-9").suggestion == ""


def test_the_api_names_the_correction(catalog: dict[str, Any], client_for: Any) -> None:
    client = client_for("requester")
    typo = client.get("/api/v1/catalog/articles", {"q": "Notbook"}).json()
    assert (typo["count"], typo["suggestion"]) == (4, "Notebook")
    assert client.get("/api/v1/catalog/articles", {"q": "Laptop"}).json()["suggestion"] == ""


def test_no_suggestion_where_nothing_is_close_or_nothing_would_be_found(catalog: dict[str, Any]) -> None:
    users = catalog["users"]
    nothing = selectors.search_articles(users["requester"], q="Xylophon")
    assert (nothing.total, nothing.suggestion, nothing.typo_tolerant) == (0, "", False)
    # every word is known: the combination finds nothing, there is nothing to correct
    assert selectors.search_articles(users["requester"], q="Notebook Eizo").suggestion == ""
    # another member's requester sees no notebooks: no suggestion that would reveal them
    other = selectors.search_articles(users["other_requester"], q="Notbook")
    assert (other.total, other.suggestion) == (0, "")
    # the filters apply to the corrected query too
    filtered = selectors.search_articles(users["requester"], q="Notbook", manufacturer="Eizo")
    assert (filtered.total, filtered.suggestion) == (0, "")


def test_the_page_offers_the_correction_as_a_link(catalog: dict[str, Any], client_for: Any) -> None:
    response = client_for("requester").get(reverse("catalog:search"), {"q": "Notbook", "manufacturer": "Lenovo"})
    page = response.content.decode()
    link = f"{reverse('catalog:search')}?q=Notebook&amp;manufacturer=Lenovo"
    assert f'Meinten Sie <a class="kern-link" href="{link}">Notebook</a>?' in page
    assert "Keine Treffer für „Notbook“." in page
    assert sorted(a.supplier_pid for a in response.context["result"].page) == ["BAG-1", "DS-1", "NB-1"]
    exact = client_for("requester").get(reverse("catalog:search"), {"q": "Notebook"}).content.decode()
    assert "Meinten Sie" not in exact


# --- the search kept: article and back ---------------------------------------------------------------------


def test_article_links_carry_the_results_page_and_the_article_links_back(
    catalog: dict[str, Any], client_for: Any
) -> None:
    client = client_for("requester")
    params = {"q": "Notebook", "manufacturer": "Lenovo", "sort": "price_asc"}
    response = client.get(reverse("catalog:search"), params)
    here = response.context["here"]
    assert here == f"{reverse('catalog:search')}?q=Notebook&manufacturer=Lenovo&sort=price_asc"
    nb1 = Article.objects.get(supplier_pid="NB-1")
    back = "%2Fkatalog%2F%3Fq%3DNotebook%26manufacturer%3DLenovo%26sort%3Dprice_asc"
    article_url = f"{reverse('catalog:article', args=[nb1.pk])}?back={back}"
    assert f'href="{article_url}"' in response.content.decode()
    article = client.get(article_url).content.decode()
    back_link = '<a class="kern-link" href="/katalog/?q=Notebook&amp;manufacturer=Lenovo&amp;sort=price_asc">'
    assert back_link + "Zurück zu den Suchergebnissen</a>" in article
    # the results page the link leads to is the same
    again = client.get(here)
    assert [a.pk for a in again.context["result"].page] == [a.pk for a in response.context["result"].page]


@pytest.mark.parametrize(
    "back", ["https://evil.example/katalog/", "//evil.example/katalog/", "/\\evil.example", "javascript:alert(1)", ""]
)
def test_a_back_link_elsewhere_is_ignored(catalog: dict[str, Any], client_for: Any, back: str) -> None:
    nb1 = Article.objects.get(supplier_pid="NB-1")
    page = client_for("requester").get(reverse("catalog:article", args=[nb1.pk]), {"back": back}).content.decode()
    assert '<a class="kern-link" href="/katalog/">Zurück zum Katalog</a>' in page
    assert "Zurück zu den Suchergebnissen" not in page


def test_the_page_number_is_kept_too(catalog: dict[str, Any], client_for: Any) -> None:
    response = client_for("requester").get(reverse("catalog:search"), {"q": "Notebook", "page": "1"})
    assert response.context["here"] == "/katalog/?q=Notebook&page=1"


# --- active filters as chips --------------------------------------------------------------------------------


def test_each_chip_removes_exactly_one_filter(catalog: dict[str, Any], client_for: Any) -> None:
    client = client_for("requester")
    supplier = catalog["supplier"]
    params = {
        "q": "Notebook",
        "contract": str(catalog["contract"].pk),
        "supplier": str(supplier.pk),
        "manufacturer": "Lenovo",
        "price_min": "100",
        "price_max": "1100",
        "sort": "price_asc",
        "page": "1",
    }
    response = client.get(reverse("catalog:search"), params)
    assert pids(response.context["result"]) == ["DS-1", "NB-1"]
    chips = dict(response.context["chips"])
    assert list(chips) == [
        "Rahmenvertrag: RV-2025-01 Notebooks und Dockingstationen",
        "Lieferant: Beispiel IT GmbH",
        "Hersteller: Lenovo",
        "Preis ab 100,00\xa0€",
        "Preis bis 1.100,00\xa0€",
    ]
    removed = {
        "Rahmenvertrag: RV-2025-01 Notebooks und Dockingstationen": "contract",
        "Lieferant: Beispiel IT GmbH": "supplier",
        "Hersteller: Lenovo": "manufacturer",
        "Preis ab 100,00\xa0€": "price_min",
        "Preis bis 1.100,00\xa0€": "price_max",
    }
    for label, url in chips.items():
        parts = urlsplit(url)
        kept = {k: v[0] for k, v in parse_qs(parts.query).items()}
        assert parts.path == reverse("catalog:search")
        assert kept == {k: v for k, v in params.items() if k not in (removed[label], "page")}, label
    page = response.content.decode()
    assert 'aria-label="Filter „Hersteller: Lenovo“ entfernen"' in page
    # following a chip: that filter is gone, the others stay
    without_maker = client.get(chips["Hersteller: Lenovo"])
    assert pids(without_maker.context["result"]) == ["DS-1", "NB-1", "NB-2"]
    assert [label for label, _url in without_maker.context["chips"]] == [
        "Rahmenvertrag: RV-2025-01 Notebooks und Dockingstationen",
        "Lieferant: Beispiel IT GmbH",
        "Preis ab 100,00\xa0€",
        "Preis bis 1.100,00\xa0€",
    ]
    assert pids(client.get(chips["Preis ab 100,00\xa0€"]).context["result"]) == ["BAG-1", "DS-1", "NB-1"]


def test_chips_name_what_the_user_sees_and_no_more(catalog: dict[str, Any], client_for: Any) -> None:
    draft = catalog["draft"]  # not published: members do not see it
    response = client_for("requester").get(reverse("catalog:search"), {"contract": draft.pk, "eclass": "24010201"})
    assert [label for label, _url in response.context["chips"]] == [
        "Rahmenvertrag: unbekannt",
        "Warengruppe: " + selectors.eclass_names.label("24010201"),
    ]
    assert "Drucker" not in response.content.decode()
    assert client_for("requester").get(reverse("catalog:search"), {"q": "x"}).context["chips"] == []


# --- adding to the cart from the results ---------------------------------------------------------------------


def test_cart_forms_of_the_results_come_back_to_the_results(catalog: dict[str, Any], client_for: Any) -> None:
    client = client_for("requester")
    response = client.get(reverse("catalog:search"), {"q": "Notebook", "manufacturer": "Dell"})
    nb2 = Article.objects.get(supplier_pid="NB-2")
    page = response.content.decode()
    here = "/katalog/?q=Notebook&amp;manufacturer=Dell"
    assert (
        f'<form method="post" action="/bestellungen/warenkorb/hinzufuegen/" id="cart-{nb2.pk}" '
        f'hx-post="/bestellungen/warenkorb/hinzufuegen/" hx-target="#added-{nb2.pk}" hx-swap="innerHTML" hidden>'
    ) in page
    assert f'<input type="hidden" name="next" value="{here}">' in page
    assert f'<div id="added-{nb2.pk}" class="kitu-cart-added" aria-live="polite"></div>' in page
    member = catalog["wernigerode"]
    data = {"article": nb2.pk, "member": member.pk, "quantity": "2", "next": response.context["here"]}
    # without JavaScript: back to the same results with a message
    posted = client.post(reverse("orders:cart_add"), data, follow=True)
    assert posted.redirect_chain == [("/katalog/?q=Notebook&manufacturer=Dell", 302)]
    assert [str(m) for m in posted.context["messages"]] == ["In den Warenkorb gelegt: 2 × Notebook Dell Latitude 5450"]
    # with htmx: the confirmation as a fragment for the row
    fragment = client.post(reverse("orders:cart_add"), data, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert "In den Warenkorb gelegt: 2 × Notebook Dell Latitude 5450" in fragment.content.decode()
    assert CartLine.objects.get(article=nb2).quantity == 4


# --- the synonym page ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_synonym_page_permissions(catalog: dict[str, Any], client_for: Any, role: str | None) -> None:
    client: Client = client_for(role)
    url = reverse("catalog:synonyms")
    beamer = group_of("Beamer")
    before = sorted(SynonymTerm.objects.values_list("key", flat=True))
    page = client.get(url)
    added = client.post(url, {"terms": "Headset, Sprechgarnitur"})
    deleted = client.post(reverse("catalog:synonym_delete", args=[beamer.pk]))
    search = client.get(reverse("catalog:search"))
    if role is None:
        assert {page.status_code, added.status_code, deleted.status_code} == {302}
        assert page["Location"].startswith(reverse("accounts:login"))
    elif role in STAFF:
        assert page.status_code == 200 and "Laptop · Notebook" in page.content.decode()
        assert added["Location"] == deleted["Location"] == url
        assert SynonymTerm.objects.filter(word="Headset").exists()
        assert not SynonymGroup.objects.filter(pk=beamer.pk).exists()
        assert 'href="/katalog/synonyme/"' in search.content.decode()
        return
    else:
        assert (page.status_code, added.status_code, deleted.status_code) == (403, 403, 403)
        assert 'href="/katalog/synonyme/"' not in search.content.decode()
    assert sorted(SynonymTerm.objects.values_list("key", flat=True)) == before  # nothing changed


def test_synonym_page_adds_shows_errors_and_deletes(catalog: dict[str, Any], client_for: Any) -> None:
    client = client_for("contract_manager")
    url = reverse("catalog:synonyms")
    refused = client.post(url, {"terms": "Projektor, Videoprojektor"})
    assert refused.status_code == 200
    assert refused.context["form"].errors == {"terms": ["„Projektor“ steht schon in der Gruppe „Beamer, Projektor“."]}
    empty = client.post(url, {"terms": ""})
    assert list(empty.context["form"].errors) == ["terms"]
    added = client.post(url, {"terms": "Videoprojektor, Präsentationsgerät"}, follow=True)
    page = added.content.decode()
    assert "Die Synonymgruppe ist angelegt." in page and "Videoprojektor · Präsentationsgerät" in page
    group = group_of("Videoprojektor")
    deleted = client.post(reverse("catalog:synonym_delete", args=[group.pk]), follow=True)
    assert "Die Synonymgruppe „Videoprojektor, Präsentationsgerät“ ist gelöscht." in deleted.content.decode()
    assert client.post(reverse("catalog:synonym_delete", args=[group.pk])).status_code == 404
    assert client.get(reverse("catalog:synonym_delete", args=[group.pk])).status_code == 405
