"""Cart pages: the cart, adding (article page, quick order, placeholder, standard basket), defaults, lines, checkout."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.catalog.models import Article
from kitu.core.errors import DomainError
from kitu.core.forms import errors_text, run_action, run_form_action

from .. import selectors, services
from ..forms import (
    AddForm,
    DefaultsForm,
    LineForm,
    PlaceholderForm,
    QuickOrderForm,
)
from ..models import Cart, CartLine, OrderStatus
from ..policies import ordering_members
from .common import cart_url, me, member_of


@login_required
def cart(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    the_cart = selectors.cart_of(request.user, member) or Cart(user=me(request), member=member)
    rows = []
    total = Decimal(0)
    for line in the_cart.lines.all() if the_cart.pk else []:
        price = selectors.line_price(line)
        line_total = (price or Decimal(0)) * line.quantity
        total += line_total
        form = LineForm(
            initial={"quantity": line.quantity, "cost_centre": line.cost_centre_id, "site": line.site_id},
            member=member,
            prefix=f"l{line.pk}",
        )
        rows.append({"line": line, "price": price, "total": line_total, "form": form})
    return render(
        request,
        "orders/cart.html",
        {
            "member": member,
            "members": ordering_members(request.user),
            "cart": the_cart,
            "rows": rows,
            "total": total,
            "quick_form": QuickOrderForm(),
            "placeholder_form": PlaceholderForm(member=member),
            "defaults_form": DefaultsForm(
                initial={"cost_centre": the_cart.cost_centre_id, "site": the_cart.site_id}, member=member
            ),
        },
    )


@login_required
@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    form = AddForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect(cart_url(member))
    article = Article.objects.filter(pk=form.cleaned_data["article"], contract__eligible_members=member).first()
    if article is None:
        raise Http404
    run_action(
        request,
        lambda: services.cart_add(
            actor=request.user, member=member, article=article, quantity=form.cleaned_data["quantity"]
        ),
        _("%(article)s ist im Warenkorb.") % {"article": article.description_short},
    )
    return redirect(cart_url(member))


@login_required
@require_POST
def placeholder_add(request: HttpRequest) -> HttpResponse:
    """A free-text line priced on quotation, with the quotation attached (multipart form)."""
    member = member_of(request)
    form = PlaceholderForm(request.POST, request.FILES, member=member)
    run_form_action(
        request,
        form,
        lambda data: services.cart_add_placeholder(actor=request.user, member=member, **data),
        _("Die Freitextposition ist im Warenkorb."),
    )
    return redirect(cart_url(member))


@login_required
@require_POST
def quick_order(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    form = QuickOrderForm(request.POST)
    run_form_action(
        request,
        form,
        lambda data: services.cart_quick_add(actor=request.user, member=member, **data),
        _("Die Position ist im Warenkorb."),
    )
    return redirect(cart_url(member))


@login_required
@require_POST
def cart_defaults(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    form = DefaultsForm(request.POST, member=member)
    run_form_action(
        request,
        form,
        lambda data: services.cart_defaults(actor=request.user, member=member, **data),
        _("Die Vorgaben des Warenkorbs sind gespeichert."),
    )
    return redirect(cart_url(member))


@login_required
@require_POST
def cart_line(request: HttpRequest, line_id: int) -> HttpResponse:
    line = CartLine.objects.filter(pk=line_id, cart__user=me(request)).select_related("cart__member", "article").first()
    if line is None:
        raise Http404
    member = line.cart.member
    if "remove" in request.POST:
        services.cart_line_update(actor=request.user, line=line, quantity=0)
        messages.success(request, _("Die Position ist entfernt."))
        return redirect(cart_url(member))
    form = LineForm(request.POST, member=member, prefix=f"l{line.pk}")
    run_form_action(
        request,
        form,
        lambda data: services.cart_line_update(actor=request.user, line=line, **data),
        _("Die Position ist geändert."),
    )
    return redirect(cart_url(member))


@login_required
@require_POST
def checkout(request: HttpRequest) -> HttpResponse:
    member = member_of(request)
    try:
        orders = services.checkout(actor=request.user, member=member)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(cart_url(member))
    for order in orders:
        text = (
            _("Bestellung %(number)s ist freigegeben.")
            if order.status == OrderStatus.APPROVED
            else _("Bestellung %(number)s wartet auf Freigabe.")
        )
        messages.success(request, text % {"number": order.number})
        for warning in order.warnings:
            messages.warning(request, f"{order.number}: {warning}")
    return redirect("orders:list")
