"""Standard baskets: members put one into their cart (n times); the office creates and fills them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.catalog.models import Article
from kitu.core.errors import DomainError
from kitu.core.forms import errors_text, run_action, save_form

from .. import baskets, selectors
from ..forms import BasketForm, BasketLineForm, BasketToCartForm
from ..models import StandardBasket
from ..policies import can_manage_baskets, ordering_members
from .common import cart_url, member_of


def _rows(basket: StandardBasket) -> tuple[list[dict[str, Any]], Decimal]:
    rows, total = [], Decimal(0)
    for line in basket.lines.all():
        price = selectors.unit_price(line.article, line.quantity) or Decimal(0)
        rows.append({"line": line, "price": price, "total": price * line.quantity})
        total += price * line.quantity
    return rows, total


@login_required
def basket_list(request: HttpRequest) -> HttpResponse:
    office = can_manage_baskets(request.user)
    members = ordering_members(request.user)
    if not (office or members):
        raise DjangoPermissionDenied
    form = BasketForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not office:
        raise DjangoPermissionDenied
    done = save_form(
        request,
        form,
        lambda data: baskets.basket_save(actor=request.user, **data),
        _("Der Standardwarenkorb ist angelegt."),
        lambda basket: redirect("orders:basket", basket_id=basket.pk),
    )
    if done:
        return done
    items = [(b, *_rows(b)) for b in selectors.visible_baskets(request.user)]
    return render(
        request,
        "orders/baskets.html",
        {"baskets": items, "members": members, "to_cart_form": BasketToCartForm(), "form": form if office else None},
        status=400 if form.is_bound else 200,
    )


@login_required
def basket_detail(request: HttpRequest, basket_id: int) -> HttpResponse:
    """The office edits a basket: its name and visibility, and its articles."""
    if not can_manage_baskets(request.user):
        raise DjangoPermissionDenied
    basket = StandardBasket.objects.filter(pk=basket_id).first()
    if basket is None:
        raise Http404
    posted = request.POST if request.method == "POST" else None
    form = BasketForm(
        posted if posted and "basket" in posted else None,
        initial={"name": basket.name, "description": basket.description, "is_active": basket.is_active},
    )
    line_form = BasketLineForm(posted if posted and "line" in posted else None)
    done = save_form(
        request,
        form,
        lambda data: baskets.basket_save(actor=request.user, basket=basket, **data),
        _("Der Standardwarenkorb ist gespeichert."),
        lambda _b: redirect("orders:basket", basket_id=basket.pk),
    ) or save_form(
        request,
        line_form,
        lambda data: _set_line(request, basket, data),
        _("Der Standardwarenkorb ist gespeichert."),
        lambda _b: redirect("orders:basket", basket_id=basket.pk),
    )
    if done:
        return done
    rows, total = _rows(basket)
    return render(
        request,
        "orders/basket_detail.html",
        {"basket": basket, "form": form, "line_form": line_form, "rows": rows, "total": total},
        status=400 if posted else 200,
    )


def _set_line(request: HttpRequest, basket: StandardBasket, data: dict[str, Any]) -> None:
    article = Article.objects.filter(contract=data["contract"], supplier_pid=data["supplier_pid"].strip()).first()
    if article is None:
        raise DomainError(
            _("Im Rahmenvertrag %(number)s gibt es keine Artikelnummer %(pid)s.")
            % {"number": data["contract"].number, "pid": data["supplier_pid"]},
            field="supplier_pid",
        )
    baskets.basket_line_set(actor=request.user, basket=basket, article=article, quantity=data["quantity"])


@login_required
@require_POST
def basket_to_cart(request: HttpRequest, basket_id: int) -> HttpResponse:
    member = member_of(request)
    basket = selectors.visible_baskets(request.user).filter(pk=basket_id).first()
    if basket is None:
        raise Http404
    form = BasketToCartForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("orders:baskets")
    if run_action(
        request,
        lambda: baskets.basket_to_cart(
            actor=request.user, member=member, basket=basket, times=form.cleaned_data["times"]
        ),
        _("„%(name)s“ ist im Warenkorb.") % {"name": basket.name},
    ):
        return redirect(cart_url(member))
    return redirect("orders:baskets")
