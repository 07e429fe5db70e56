"""Order pages: history with filters and CSV/XLSX export, the order, approval decisions, reorder, approvals list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.core import charts, storage
from kitu.core.forms import run_action, run_form_action

from .. import export, fulfilment, selectors, services
from ..forms import ConfirmForm, OrderFilterForm, ReceiveForm, RejectForm, ShipForm
from ..models import Order, OrderStatus
from ..policies import (
    can_manage_rules,
    can_order_for,
    can_see_all_orders,
    is_supplier_of,
    order_member_org_ids,
    ordering_members,
)
from .common import cart_url, visible_order

ORDERS_PAGE = 50
# What the list shows of an order (issue 23.4: no requester, warnings or dates it does not show per row).
LIST_FIELDS = (
    "number",
    "created_at",
    "status",
    "steps_done",
    "steps_required",
    "total",
    "member__organisation__name",
    "contract__number",
    "supplier__organisation__name",
)


@dataclass(frozen=True)
class OrderPage:
    """One page of the order list, newest first, without counting every order (the office sees 220,000 at
    11,000 members; a COUNT is a scan of them all): a page reads ORDERS_PAGE + 1 rows to know of a next."""

    orders: list[Order]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def order_page(orders: QuerySet[Order], asked: str | None) -> OrderPage:
    """The page ``asked`` (``?page=``; anything else than a number from 1 up is page 1)."""
    number = int(asked) if asked and asked.isdecimal() and len(asked) < 7 and int(asked) > 0 else 1
    start = (number - 1) * ORDERS_PAGE
    rows = list(
        orders.select_related(None)
        .select_related("member__organisation", "contract", "supplier__organisation")
        .only(*LIST_FIELDS)[start : start + ORDERS_PAGE + 1]
    )
    return OrderPage(rows[:ORDERS_PAGE], number, len(rows) > ORDERS_PAGE)


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    orders = selectors.visible_orders(request.user)
    form = OrderFilterForm(request.GET or None)
    if form.is_valid():
        if form.cleaned_data["status"]:
            orders = orders.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["number"]:
            orders = orders.filter(number__icontains=form.cleaned_data["number"].strip())
        if form.cleaned_data["year"]:
            orders = orders.filter(created_at__year=form.cleaned_data["year"])
        if form.cleaned_data["member"]:
            orders = orders.filter(member__organisation__name__icontains=form.cleaned_data["member"].strip())
    if request.GET.get("format") == "csv":
        return export.csv_response(orders)
    if request.GET.get("format") == "xlsx":
        return export.xlsx_response(orders)
    page = order_page(orders, request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "orders/order_list.html",
        {
            "orders": page.orders,
            "page": page,
            "form": form if form.is_bound else OrderFilterForm(),
            "query": filters.urlencode(),
            "can_order": bool(ordering_members(request.user)),
            "show_savings": can_see_all_orders(request.user) or bool(order_member_org_ids(request.user)),
            "awaiting": selectors.awaiting_approval(request.user).count(),
        },
    )


@login_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    """The order with its lines, shipments and history, and what the viewer may do: approve or reject,
    cancel, reorder; as the supplier confirm or ship; as the member book the goods receipt."""
    order = visible_order(request, order_id)
    user = request.user
    lines = list(order.lines.select_related("cost_centre", "site"))
    supplier = is_supplier_of(user, order.supplier.organisation_id)
    member_side = can_order_for(user, order.member)
    shipments = list(order.shipments.prefetch_related("lines__line").select_related("shipped_by", "received_by"))
    today = timezone.localdate()
    delivery: dict[int, tuple[Any, list[int]]] = {}
    for ln in lines:
        if ln.site is not None:
            delivery.setdefault(ln.site.pk, (ln.site, []))[1].append(ln.position)
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "lines": lines,
            "delivery": list(delivery.values()),
            "events": order.events.select_related("actor"),
            "may_approve": selectors.awaiting_approval(user).filter(pk=order.pk).exists(),
            "reject_form": RejectForm(),
            "may_cancel": order.status in (OrderStatus.PENDING, OrderStatus.APPROVED)
            and (order.requester_id == user.pk or can_manage_rules(user, order.member)),
            "may_reorder": member_side,
            "confirm_form": ConfirmForm(lines=lines, initial={"delivery_date": today + dt.timedelta(days=7)})
            if supplier and order.status in fulfilment.CONFIRMABLE
            else None,
            "ship_form": ShipForm(lines=lines, initial={"shipped_on": today})
            if supplier and order.status in fulfilment.SHIPPABLE and any(ln.open_quantity for ln in lines)
            else None,
            "shipments": [
                (s, ReceiveForm(prefix=f"s{s.pk}", initial={"received_on": today}) if member_side else None)
                for s in shipments
            ],
        },
    )


@login_required
def attachment(request: HttpRequest, order_id: int, line_id: int) -> HttpResponseBase:
    """The quotation attached to a placeholder line, for whoever sees the order."""
    order = visible_order(request, order_id)
    line = order.lines.filter(pk=line_id).exclude(attachment="").first()
    if line is None:
        raise Http404
    return storage.hand_over(line.attachment, filename=PurePath(line.attachment.name).name)


@login_required
def savings(request: HttpRequest) -> HttpResponse:
    """Volume ordered and saved against list prices, per member and year, with a chart per year."""
    orders = selectors.visible_orders(request.user)
    if not can_see_all_orders(request.user):
        if not order_member_org_ids(request.user):
            raise DjangoPermissionDenied  # suppliers and others: no member's figures
        orders = orders.filter(member__organisation_id__in=order_member_org_ids(request.user))
    rows = selectors.savings_by_member_year(orders)
    years: dict[int, list[Decimal]] = {}
    for row in rows:
        paid, saved = years.setdefault(row.year, [Decimal(0), Decimal(0)])
        years[row.year] = [paid + row.total, saved + row.savings]
    categories = [str(y) for y in sorted(years)]
    chart = charts.stacked_bars(
        title=_("Abrufe und Ersparnis je Jahr (EUR, netto)"),
        description=_("Je Jahr ein Balken: unten die Summe zu Vertragspreisen, oben die Ersparnis zum Listenpreis."),
        categories=categories,
        series=[
            charts.Series(_("zu Vertragspreisen"), [int(years[int(y)][0]) for y in categories]),
            charts.Series(_("Ersparnis"), [int(years[int(y)][1]) for y in categories]),
        ],
        axis_label=_("Betrag in € (netto)"),
    )
    return render(
        request,
        "orders/savings.html",
        {"rows": rows, "chart": chart if rows else None, "totals": [(y, *years[int(y)]) for y in categories]},
    )


@login_required
@require_POST
def approve(request: HttpRequest, order_id: int) -> HttpResponse:
    order = visible_order(request, order_id)
    run_action(request, lambda: services.approve(actor=request.user, order=order), _("Die Freigabe ist erteilt."))
    if request.POST.get("next") == "approvals":
        return redirect("orders:approvals")
    return redirect("orders:detail", order_id=order.pk)


@login_required
@require_POST
def reject(request: HttpRequest, order_id: int) -> HttpResponse:
    order = visible_order(request, order_id)
    form = RejectForm(request.POST)
    run_form_action(
        request,
        form,
        lambda data: services.reject(actor=request.user, order=order, reason=data["reason"]),
        _("Die Bestellung ist abgelehnt."),
    )
    return redirect("orders:detail", order_id=order.pk)


@login_required
@require_POST
def cancel(request: HttpRequest, order_id: int) -> HttpResponse:
    order = visible_order(request, order_id)
    run_action(request, lambda: services.cancel(actor=request.user, order=order), _("Die Bestellung ist storniert."))
    return redirect("orders:detail", order_id=order.pk)


@login_required
@require_POST
def to_cart(request: HttpRequest, order_id: int) -> HttpResponse:
    order = visible_order(request, order_id)
    if not any(m.pk == order.member_id for m in ordering_members(request.user)):
        raise DjangoPermissionDenied
    if run_action(
        request,
        lambda: services.order_to_cart(actor=request.user, order=order),
        _("Die Positionen sind im Warenkorb; ändern Sie sie dort und senden Sie neu ab."),
    ):
        return redirect(cart_url(order.member))
    return redirect("orders:detail", order_id=order.pk)


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    return render(request, "orders/approvals.html", {"orders": selectors.awaiting_approval(request.user)})
