"""Cart pages: the cart, adding (article page, quick order, placeholder, standard basket), defaults, lines, checkout."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.catalog.models import Article
from kitu.contracts.eligibility import contracts_open_to
from kitu.core.errors import DomainError
from kitu.core.forms import errors_text, run_form_action
from kitu.members.models import Member

from .. import planning, selectors, services
from ..forms import (
    AddForm,
    DefaultsForm,
    LineForm,
    PlaceholderForm,
    QuickOrderForm,
)
from ..models import Cart, CartLine
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
                initial={"cost_centre": the_cart.cost_centre_id, "site": the_cart.site_id or member.default_site_id},
                member=member,
            ),
            "review_link": review_url(member),
        },
    )


def _next_url(request: HttpRequest) -> str | None:
    """The page to go back to after adding (``next`` in the form), if it is on this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@login_required
@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    """Put an article into the cart. Back to ``next`` (a page of this site) with a message, else to the
    cart; an htmx request gets the fragment ``orders/_cart_added.html`` (confirmation or error) instead."""
    member = member_of(request)
    form = AddForm(request.POST)
    back = _next_url(request) or cart_url(member)
    htmx = bool(getattr(request, "htmx", False))
    if not form.is_valid():
        if htmx:
            return render(request, "orders/_cart_added.html", {"error": errors_text(form), "member": member})
        messages.error(request, errors_text(form))
        return redirect(back)
    article = Article.objects.filter(pk=form.cleaned_data["article"], contract__in=contracts_open_to(member)).first()
    if article is None:
        raise Http404
    quantity = form.cleaned_data["quantity"]
    text = _("In den Warenkorb gelegt: %(quantity)s × %(article)s") % {
        "quantity": quantity,
        "article": article.description_short,
    }
    try:
        services.cart_add(actor=request.user, member=member, article=article, quantity=quantity)
    except DomainError as exc:
        if htmx:
            return render(request, "orders/_cart_added.html", {"error": exc.message, "member": member})
        messages.error(request, exc.message)
        return redirect(back)
    if htmx:
        return render(
            request,
            "orders/_cart_added.html",
            {"text": text, "member": member, "cart_count": planning.cart_line_count(request.user)},
        )
    messages.success(request, text)
    return redirect(back)


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
def review(request: HttpRequest) -> HttpResponse:
    """Check your answers: every order the cart will become, its approval path and warnings, with
    links back to the cart; one button sends them (with the review token of what was shown)."""
    member = member_of(request)
    plan = planning.review(request.user, member)
    return render(request, "orders/review.html", {"member": member, "plan": plan, "cart_link": cart_url(member)})


def review_url(member: Member) -> str:
    return reverse("orders:review") + f"?mitglied={member.pk}"


@login_required
@require_POST
def checkout(request: HttpRequest) -> HttpResponse:
    """Send the reviewed cart. Without the token of the review (or when the cart changed since), nothing
    is ordered and the user goes back to the review."""
    member = member_of(request)
    try:
        orders = services.checkout(actor=request.user, member=member, review_token=request.POST.get("review_token", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(review_url(member))
    query = "&".join(f"bestellung={order.pk}" for order in orders)
    return redirect(reverse("orders:submitted") + "?" + query)


@login_required
def submitted(request: HttpRequest) -> HttpResponse:
    """The confirmation after sending: the order numbers, what happens next and where to see the status.
    Only the requester's own orders (others: 404)."""
    ids = [int(x) for x in request.GET.getlist("bestellung") if x.isdigit() and len(x) < 12]
    orders = list(
        selectors.visible_orders(request.user)
        .filter(pk__in=ids, requester_id=request.user.pk)
        .order_by("number")
        .prefetch_related("member__approvers__user")
    )
    if not orders:
        raise Http404
    rows = []
    for order in orders:
        step = order.steps_done + 1
        approvers = [a for a in order.member.approvers.all() if a.step == step and a.user_id != order.requester_id]
        rows.append({"order": order, "approvers": approvers})
    return render(request, "orders/submitted.html", {"rows": rows, "count": len(orders)})
