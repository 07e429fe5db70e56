"""Checkout with a review step: the review page (orders, approval path, warnings), the review token (a
submit without review or after a change orders nothing), the required delivery site and cost centre on
page and API, the confirmation page, the supplier's view of address and contact, adding to the cart with
``next`` and htmx, the member's order settings, and the permission matrix of the new pages."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from conftest import ROLES, STAFF
from kitu.contracts.models import VolumeLimit
from kitu.core.errors import DomainError, PermissionDenied
from kitu.core.models import AuditEntry
from kitu.members import services as member_services
from kitu.members.models import Member, Site
from kitu.orders import planning, services
from kitu.orders.models import Cart, CartLine, Order
from kitu.orders.tests.test_api_pages import api, post, submit_reviewed

pytestmark = pytest.mark.django_db
ORDERING = {"requester", "member_admin"}


def review_url(w: dict[str, Any]) -> str:
    return reverse("orders:review") + f"?mitglied={w['wernigerode'].pk}"


def token_of(page: str) -> str:
    found = re.search(r'name="review_token" value="([0-9a-f]+)"', page)
    assert found is not None, page
    return found[1]


def state() -> tuple[Any, ...]:
    return (
        tuple(Order.objects.order_by("pk").values_list("number", "status")),
        tuple(CartLine.objects.order_by("pk").values_list("cart__user", "article", "quantity", "site", "cost_centre")),
        tuple(VolumeLimit.objects.order_by("pk").values_list("reserved_quantity", "consumed_quantity")),
        tuple(Member.objects.order_by("pk").values_list("default_site", "cost_centre_required")),
        AuditEntry.objects.count(),
    )


def fill(w: dict[str, Any], *items: tuple[str, int], role: str = "requester") -> None:
    for key, quantity in items:
        services.cart_add(actor=w["users"][role], member=w["wernigerode"], article=w[key], quantity=quantity)


def test_review_shows_each_order_with_its_approval_path(order_world: dict[str, Any], client_for: Any) -> None:
    w = order_world
    fill(w, ("notebook", 2), ("monitor", 60))
    page = client_for("requester").get(review_url(w)).content.decode().replace("\xa0", " ")
    assert "2 Bestellungen werden erstellt" in page
    first, second = page.split('id="h-order-1"')[1].split('id="h-order-2"')
    # 1: the notebooks, 1,600 EUR: one step (the approver, not approver2 of step 2)
    assert "Beispiel IT GmbH" in first and "RV-2025-01" in first and "1.600,00 €" in first
    assert "eine Freigabestufe" in first and "Stufe 1: approver" in first and "Stufe 2" not in first
    assert "2 Stück" in first and "800,00 €" in first
    assert "Rathaus<br>Marktplatz 1<br>38855 Wernigerode" in first
    # 2: 60 monitors, 18,000 EUR: two steps and the direct-award warning
    assert "Harz Monitore GmbH" in second and "18.000,00 €" in second
    assert "zwei Freigabestufen" in second and "Stufe 1: approver" in second and "Stufe 2: approver2" in second
    assert "übersteigt die Wertgrenze für Direktaufträge" in second
    assert "2 Bestellungen verbindlich absenden" in page
    assert page.count('>ändern<span class="kern-sr-only">') == 2 * 2 + 2  # site and cost centre per order, each line
    # a small cart: no approval, one button naming the single order
    CartLine.objects.filter(article=w["monitor"]).delete()
    CartLine.objects.filter(article=w["notebook"]).update(quantity=1)
    page = client_for("requester").get(review_url(w)).content.decode()
    assert "ohne Freigabe – die Bestellung geht nach dem Absenden an den Lieferanten." in page
    assert "Bestellung verbindlich absenden" in page and "Bestellungen verbindlich" not in page


def test_the_review_shows_the_budget_warning_across_the_orders(order_world: dict[str, Any], client_for: Any) -> None:
    w = order_world
    centre = w["wernigerode"].cost_centres.create(code="10-IT", name="IT", annual_budget=Decimal("1000"))
    Cart.objects.create(user=w["users"]["requester"], member=w["wernigerode"], cost_centre=centre)
    fill(w, ("notebook", 1), ("monitor", 1))  # 800 + 300 on one cost centre: the second order passes 1,000
    plan = planning.review(w["users"]["requester"], w["wernigerode"])
    assert [p.order.warnings for p in plan.orders] == [
        [],
        ["Kostenstelle 10-IT IT: mit dieser Bestellung 1100.00 EUR von 1000.00 EUR Haushaltsansatz 2026."],
    ]
    submit_reviewed(client_for("requester"), w["wernigerode"])
    assert [o.warnings for o in Order.objects.order_by("number")] == [p.order.warnings for p in plan.orders]


def test_submit_without_review_or_after_a_change_orders_nothing(order_world: dict[str, Any], client_for: Any) -> None:
    w = order_world
    fill(w, ("notebook", 2))
    client = client_for("requester")
    before = state()
    for data in ({"member": w["wernigerode"].pk}, {"member": w["wernigerode"].pk, "review_token": "0" * 64}):
        response = client.post(reverse("orders:checkout"), data, follow=True)
        assert response.redirect_chain == [(review_url(w), 302)]
        assert (
            "Der Warenkorb hat sich seit der Prüfung geändert (oder wurde nicht geprüft)." in response.content.decode()
        )
        assert state() == before
    # reviewed, then the quantity changes in another tab: the old token no longer fits
    token = token_of(client.get(review_url(w)).content.decode())
    line = CartLine.objects.get()
    services.cart_line_update(actor=w["users"]["requester"], line=line, quantity=3)
    changed = state()
    response = client.post(reverse("orders:checkout"), {"member": w["wernigerode"].pk, "review_token": token})
    assert response["Location"] == review_url(w)
    assert state() == changed
    # a price change after the review is a change too
    token = token_of(client.get(review_url(w)).content.decode())
    w["notebook"].scale_prices.filter(lower_bound=1).update(amount=Decimal("799.00"))
    client.post(reverse("orders:checkout"), {"member": w["wernigerode"].pk, "review_token": token})
    assert state() == changed
    # reviewed as it is: sent
    response = submit_reviewed(client, w["wernigerode"])
    assert response.redirect_chain[0][0].startswith(reverse("orders:submitted") + "?bestellung=")
    assert list(Order.objects.values_list("status", flat=True)) == ["pending"]
    assert CartLine.objects.count() == 0


def test_one_users_token_does_not_fit_another_users_cart(order_world: dict[str, Any], client_for: Any) -> None:
    w = order_world
    fill(w, ("notebook", 1))
    fill(w, ("notebook", 1), role="member_admin")
    token = token_of(client_for("member_admin").get(review_url(w)).content.decode())
    before = state()
    client_for("requester").post(reverse("orders:checkout"), {"member": w["wernigerode"].pk, "review_token": token})
    assert state() == before


def test_delivery_site_is_required_on_the_page_and_the_api(order_world: dict[str, Any], client_for: Any) -> None:
    w = order_world
    u, member = w["users"], w["wernigerode"]
    member_services.order_settings_save(
        actor=u["member_admin"], member=member, default_site=None, cost_centre_required=False
    )
    fill(w, ("notebook", 1))
    client = client_for("requester")
    page = client.get(review_url(w)).content.decode()
    message = "Bitte wählen Sie einen Lieferort: ohne Lieferort kann nicht bestellt werden."
    assert message in page and "Noch nicht bestellbar" in page
    assert 'name="review_token"' not in page  # no button while something is missing
    # forcing the post with the review's token does not help
    token = planning.review(u["requester"], member).token
    machine = api(u["requester"])
    before = state()
    response = client.post(reverse("orders:checkout"), {"member": member.pk, "review_token": token}, follow=True)
    assert message in response.content.decode()
    assert state() == before
    refused = post(machine, "/api/v1/cart/checkout")
    assert (refused.status_code, refused.json()) == (400, {"detail": message, "field": "site"})
    assert state() == before
    # the cart form names the field and refuses an empty site
    page = client.post(reverse("orders:cart_defaults"), {"member": member.pk, "site": ""}, follow=True)
    assert "Lieferort: Wählen Sie einen Lieferort." in page.content.decode()
    # with a site on the cart it goes through
    client.post(reverse("orders:cart_defaults"), {"member": member.pk, "site": w["site"].pk})
    checkout = post(machine, "/api/v1/cart/checkout")
    assert checkout.status_code == 201
    assert list(Order.objects.get().lines.values_list("site", flat=True)) == [w["site"].pk]


def test_cost_centre_is_required_where_the_member_says_so(order_world: dict[str, Any], client_for: Any) -> None:
    w = order_world
    u, member = w["users"], w["wernigerode"]
    centre = member.cost_centres.create(code="10-IT", name="IT")
    fill(w, ("notebook", 1))
    assert planning.review(u["requester"], member).problems == []  # optional by default
    member_services.order_settings_save(
        actor=u["member_admin"], member=member, default_site=w["site"], cost_centre_required=True
    )
    message = "Bitte wählen Sie eine Kostenstelle: Stadt Wernigerode verlangt bei jeder Bestellung eine Kostenstelle."
    page = client_for("requester").get(review_url(w)).content.decode()
    assert message in page and 'name="review_token"' not in page
    machine = api(u["requester"])
    before = state()
    refused = post(machine, "/api/v1/cart/checkout")
    assert (refused.status_code, refused.json()) == (400, {"detail": message, "field": "cost_centre"})
    assert state() == before
    page = client_for("requester").post(
        reverse("orders:cart_defaults"), {"member": member.pk, "site": w["site"].pk}, follow=True
    )
    assert "Kostenstelle: Wählen Sie eine Kostenstelle; Stadt Wernigerode verlangt sie." in page.content.decode()
    line = CartLine.objects.get()
    services.cart_line_update(actor=u["requester"], line=line, quantity=1, cost_centre=centre)
    response = submit_reviewed(client_for("requester"), member)
    assert "Bestellung abgesendet" in response.content.decode()
    assert list(Order.objects.get().lines.values_list("cost_centre", flat=True)) == [centre.pk]


def test_confirmation_page_names_the_numbers_and_what_happens_next(
    order_world: dict[str, Any], client_for: Any
) -> None:
    w = order_world
    fill(w, ("notebook", 2))
    response = submit_reviewed(client_for("requester"), w["wernigerode"])
    order = Order.objects.get()
    text = response.content.decode()
    assert '<h1 class="kern-heading-large">Bestellung abgesendet</h1>' in text
    assert f"Ihre Bestellnummer: <strong>{order.number}</strong>" in text
    assert "wartet auf Freigabe (Stufe 1 von 1) durch approver." in text
    assert f'href="{reverse("orders:detail", args=[order.pk])}"' in text and 'href="/bestellungen/"' in text


@pytest.mark.parametrize("role", ROLES)
def test_review_and_confirmation_permission_matrix(
    order_world: dict[str, Any], client_for: Any, role: str | None
) -> None:
    w = order_world
    fill(w, ("notebook", 2))
    (order,) = services.checkout(actor=w["users"]["requester"], member=w["wernigerode"])
    fill(w, ("notebook", 1))
    client = client_for(role)
    anon = role is None
    review = client.get(review_url(w))
    assert review.status_code == (302 if anon else 200 if role in ORDERING else 404)
    confirmation = client.get(reverse("orders:submitted") + f"?bestellung={order.pk}")
    assert confirmation.status_code == (302 if anon else 200 if role == "requester" else 404)
    # nobody but the cart's owner sends it, with or without a token
    before = state()
    token = planning.review(w["users"]["requester"], w["wernigerode"]).token
    response = client.post(reverse("orders:checkout"), {"member": w["wernigerode"].pk, "review_token": token})
    if role == "requester":
        assert Order.objects.count() == 2
    else:
        assert response.status_code in (302, 404) and state() == before
        if not anon and role not in ORDERING:
            assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_order_settings_page_permission_matrix(world: dict[str, Any], client_for: Any, role: str | None) -> None:
    member = world["wernigerode"]
    site = Site.objects.create(member=member, name="Bauhof", street="Am Bauhof 3", postcode="38855", city="Wernigerode")
    url = reverse("members:order_settings", args=[member.pk])
    client = client_for(role)
    allowed = {"coop_admin", "member_admin"}
    sees = STAFF | {"member_admin", "requester", "approver", "case_worker", "workgroup_member"}
    expected = 302 if role is None else 200 if role in allowed else 403 if role in sees else 404
    assert client.get(url).status_code == expected
    before = state()
    response = client.post(url, {"default_site": site.pk, "cost_centre_required": "on"})
    if role in allowed:
        assert response.status_code == 302
        member.refresh_from_db()
        assert (member.default_site, member.cost_centre_required) == (site, True)
    else:
        assert response.status_code == expected and state() == before


def test_order_settings_service_rules(order_world: dict[str, Any]) -> None:
    w = order_world
    u, member = w["users"], w["wernigerode"]
    assert Member.objects.get(pk=member.pk).default_site == w["site"]  # the first site became the default
    foreign = Site.objects.create(member=w["zeitz"], name="Z", street="Z 1", postcode="06712", city="Zeitz")
    with pytest.raises(DomainError) as exc:
        member_services.order_settings_save(
            actor=u["member_admin"], member=member, default_site=foreign, cost_centre_required=False
        )
    assert exc.value.field == "default_site"
    for role in ("requester", "other_member_admin", "contract_manager"):
        with pytest.raises(PermissionDenied):
            member_services.order_settings_save(
                actor=u[role], member=member, default_site=None, cost_centre_required=True
            )
    second = member_services.subrecord_save(
        actor=u["member_admin"],
        member=member,
        instance=Site(),
        data={"name": "Bauhof", "street": "Am Bauhof 3", "postcode": "38855", "city": "Wernigerode"},
    )
    assert Member.objects.get(pk=member.pk).default_site == w["site"]  # a later site does not replace it
    assert second.pk != w["site"].pk


def test_supplier_sees_the_delivery_address_and_the_requester(order_world: dict[str, Any], client_for: Any) -> None:
    w = order_world
    requester = w["users"]["requester"]
    requester.full_name, requester.phone = "Erika Mustermann", "03943 654-0"
    requester.save()
    fill(w, ("notebook", 1))
    (order,) = services.checkout(actor=requester, member=w["wernigerode"])  # 800 EUR: approved at once
    page = client_for("supplier_user").get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "Stadt Wernigerode<br>Rathaus<br>Marktplatz 1<br>38855 Wernigerode" in page
    assert "Erika Mustermann<br>" in page and 'href="mailto:requester@test.example"' in page
    assert 'href="tel:03943654-0">03943 654-0</a>' in page


def test_cart_add_returns_to_next_or_answers_htmx(order_world: dict[str, Any], client_for: Any) -> None:
    w = order_world
    client = client_for("requester")
    article_page = reverse("catalog:article", args=[w["notebook"].pk])
    data = {"article": w["notebook"].pk, "quantity": 2, "member": w["wernigerode"].pk}
    response = client.post(reverse("orders:cart_add"), {**data, "next": article_page}, follow=True)
    assert response.redirect_chain == [(article_page, 302)]
    assert "In den Warenkorb gelegt: 2 × Notebook 14 Zoll" in response.content.decode()
    # another host is no place to go back to: the cart instead
    response = client.post(reverse("orders:cart_add"), {**data, "next": "https://evil.example/"})
    assert response["Location"] == reverse("orders:cart") + f"?mitglied={w['wernigerode'].pk}"
    # htmx: a fragment instead of a redirect, with the link to the cart and the line count
    response = client.post(reverse("orders:cart_add"), {**data, "next": article_page}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    text = response.content.decode()
    assert "In den Warenkorb gelegt: 2 × Notebook 14 Zoll" in text and "Zum Warenkorb (1 Position)" in text
    assert "<html" not in text
    assert CartLine.objects.get().quantity == 6
    # a refusal in the fragment (the dock comes in pairs), nothing added
    bad = client.post(
        reverse("orders:cart_add"),
        {"article": w["dock"].pk, "quantity": 3, "member": w["wernigerode"].pk},
        HTTP_HX_REQUEST="true",
    )
    assert 'role="alert"' in bad.content.decode() and "DS-1 wird in Schritten von 2 bestellt" in bad.content.decode()
    assert CartLine.objects.count() == 1


def test_header_shows_the_cart_line_count(order_world: dict[str, Any], client_for: Any) -> None:
    w = order_world
    fill(w, ("notebook", 1), ("monitor", 1))
    assert "Warenkorb (2 Positionen)" in client_for("requester").get(reverse("orders:list")).content.decode()
    assert "Warenkorb (0 Positionen)" in client_for("member_admin").get(reverse("orders:list")).content.decode()
    assert "kitu-cart-count" not in client_for("approver").get(reverse("orders:list")).content.decode()
