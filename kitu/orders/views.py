"""Pages of the cart, the orders, the approvals and a member's approval rules."""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.accounts.models import User
from kitu.accounts.selectors import role_pairs
from kitu.catalog.models import Article
from kitu.core.errors import DomainError, NotFound
from kitu.core.forms import add_domain_error, errors_text, run_action
from kitu.members.models import Member

from . import selectors, services
from .forms import (
    AddForm,
    ApproverForm,
    DefaultsForm,
    LineForm,
    OrderFilterForm,
    PolicyForm,
    QuickOrderForm,
    RejectForm,
)
from .models import ApprovalPolicy, Approver, Cart, CartLine, Order, OrderStatus
from .policies import can_manage_rules, ordering_members


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)


def _member(request: HttpRequest) -> Member:
    """The member the user orders for: ?mitglied= / POST member, else the first one; 404 if none."""
    raw = request.POST.get("member") or request.GET.get("mitglied")
    members = ordering_members(request.user)
    if not members:
        raise Http404
    if raw and raw.isdigit():
        for member in members:
            if member.pk == int(raw):
                return member
        raise Http404
    return members[0]


def _cart_url(member: Member) -> str:
    return reverse("orders:cart") + f"?mitglied={member.pk}"


def _order(request: HttpRequest, order_id: int) -> Order:
    try:
        return selectors.order_for(request.user, order_id)
    except NotFound as exc:
        raise Http404 from exc


@login_required
def cart(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    the_cart = selectors.cart_of(request.user, member) or Cart(user=_me(request), member=member)
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
            "defaults_form": DefaultsForm(
                initial={"cost_centre": the_cart.cost_centre_id, "site": the_cart.site_id}, member=member
            ),
        },
    )


@login_required
@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = AddForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect(_cart_url(member))
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
    return redirect(_cart_url(member))


@login_required
@require_POST
def quick_order(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = QuickOrderForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
    else:
        run_action(
            request,
            lambda: services.cart_quick_add(actor=request.user, member=member, **form.cleaned_data),
            _("Die Position ist im Warenkorb."),
        )
    return redirect(_cart_url(member))


@login_required
@require_POST
def cart_defaults(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    form = DefaultsForm(request.POST, member=member)
    if not form.is_valid():
        messages.error(request, errors_text(form))
    else:
        run_action(
            request,
            lambda: services.cart_defaults(actor=request.user, member=member, **form.cleaned_data),
            _("Die Vorgaben des Warenkorbs sind gespeichert."),
        )
    return redirect(_cart_url(member))


@login_required
@require_POST
def cart_line(request: HttpRequest, line_id: int) -> HttpResponse:
    line = (
        CartLine.objects.filter(pk=line_id, cart__user=_me(request)).select_related("cart__member", "article").first()
    )
    if line is None:
        raise Http404
    member = line.cart.member
    if "remove" in request.POST:
        services.cart_line_update(actor=request.user, line=line, quantity=0)
        messages.success(request, _("Die Position ist entfernt."))
        return redirect(_cart_url(member))
    form = LineForm(request.POST, member=member, prefix=f"l{line.pk}")
    if not form.is_valid():
        messages.error(request, errors_text(form))
    else:
        run_action(
            request,
            lambda: services.cart_line_update(actor=request.user, line=line, **form.cleaned_data),
            _("Die Position ist geändert."),
        )
    return redirect(_cart_url(member))


@login_required
@require_POST
def checkout(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    try:
        orders = services.checkout(actor=request.user, member=member)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_cart_url(member))
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


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    orders = selectors.visible_orders(request.user)
    form = OrderFilterForm(request.GET or None)
    if form.is_valid():
        if form.cleaned_data["status"]:
            orders = orders.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["number"]:
            orders = orders.filter(number__icontains=form.cleaned_data["number"].strip())
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="bestellungen-{timezone.localdate():%Y-%m-%d}.csv"'
        writer = csv.writer(response, delimiter=";")
        writer.writerow(
            [
                "Bestellnummer",
                "Datum",
                "Mitglied",
                "Rahmenvertrag",
                "Lieferant",
                "Status",
                "Summe (EUR netto)",
                "Ersparnis (EUR netto)",
            ]
        )
        for o in orders[:5000]:
            writer.writerow(
                [
                    o.number,
                    f"{timezone.localtime(o.created_at):%d.%m.%Y}",
                    o.member.name,
                    o.contract.number,
                    o.supplier.organisation.name,
                    o.get_status_display(),
                    f"{o.total:.2f}".replace(".", ","),
                    f"{o.savings:.2f}".replace(".", ","),
                ]
            )
        return response
    return render(
        request,
        "orders/order_list.html",
        {
            "orders": orders[:200],
            "form": form if form.is_bound else OrderFilterForm(),
            "query": request.GET.urlencode(),
            "can_order": bool(ordering_members(request.user)),
            "awaiting": selectors.awaiting_approval(request.user).count(),
        },
    )


@login_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    may_approve = selectors.awaiting_approval(request.user).filter(pk=order.pk).exists()
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "lines": order.lines.select_related("cost_centre", "site"),
            "events": order.events.select_related("actor"),
            "may_approve": may_approve,
            "reject_form": RejectForm(),
            "may_cancel": order.status in (OrderStatus.PENDING, OrderStatus.APPROVED)
            and (order.requester_id == request.user.pk or can_manage_rules(request.user, order.member)),
            "may_reorder": any(m.pk == order.member_id for m in ordering_members(request.user)),
        },
    )


@login_required
@require_POST
def approve(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    run_action(request, lambda: services.approve(actor=request.user, order=order), _("Die Freigabe ist erteilt."))
    if request.POST.get("next") == "approvals":
        return redirect("orders:approvals")
    return redirect("orders:detail", order_id=order.pk)


@login_required
@require_POST
def reject(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
    else:
        run_action(
            request,
            lambda: services.reject(actor=request.user, order=order, reason=form.cleaned_data["reason"]),
            _("Die Bestellung ist abgelehnt."),
        )
    return redirect("orders:detail", order_id=order.pk)


@login_required
@require_POST
def cancel(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    run_action(request, lambda: services.cancel(actor=request.user, order=order), _("Die Bestellung ist storniert."))
    return redirect("orders:detail", order_id=order.pk)


@login_required
@require_POST
def to_cart(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    if not any(m.pk == order.member_id for m in ordering_members(request.user)):
        raise DjangoPermissionDenied
    if run_action(
        request,
        lambda: services.order_to_cart(actor=request.user, order=order),
        _("Die Positionen sind im Warenkorb; ändern Sie sie dort und senden Sie neu ab."),
    ):
        return redirect(_cart_url(order.member))
    return redirect("orders:detail", order_id=order.pk)


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    return render(request, "orders/approvals.html", {"orders": selectors.awaiting_approval(request.user)})


def _admin_member(request: HttpRequest) -> Member:
    orgs = sorted(org for org, role in role_pairs(request.user) if role == "member_admin")
    raw = request.POST.get("member") or request.GET.get("mitglied")
    members = list(Member.objects.with_name().filter(organisation_id__in=orgs))
    if not members:
        raise DjangoPermissionDenied
    if raw and raw.isdigit():
        found = [m for m in members if m.pk == int(raw)]
        if not found:
            raise Http404
        return found[0]
    return members[0]


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    """A member admin's approval rules: amount limits and who approves at which step."""
    member = _admin_member(request)
    policy = ApprovalPolicy.objects.filter(member=member).first()
    policy_form = PolicyForm(
        request.POST if request.method == "POST" and "policy" in request.POST else None,
        initial={
            "auto_approve_up_to": policy.auto_approve_up_to if policy else 0,
            "second_step_from": policy.second_step_from if policy else None,
        },
    )
    approver_form = ApproverForm(
        request.POST if request.method == "POST" and "approver" in request.POST else None, member=member
    )
    status = 200
    if request.method == "POST":
        form: Any = policy_form if "policy" in request.POST else approver_form
        if form.is_valid():
            try:
                if form is policy_form:
                    services.policy_save(actor=request.user, member=member, **form.cleaned_data)
                else:
                    services.approver_set(actor=request.user, member=member, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Die Freigaberegeln sind gespeichert."))
                return redirect(reverse("orders:rules") + f"?mitglied={member.pk}")
        status = 400
    return render(
        request,
        "orders/rules.html",
        {
            "member": member,
            "policy_form": policy_form,
            "approver_form": approver_form,
            "approvers": Approver.objects.filter(member=member).select_related("user"),
        },
        status=status,
    )


@login_required
@require_POST
def approver_remove(request: HttpRequest, approver_id: int) -> HttpResponse:
    approver = Approver.objects.filter(pk=approver_id).select_related("member").first()
    if approver is None or not can_manage_rules(request.user, approver.member):
        raise Http404
    run_action(
        request,
        lambda: services.approver_remove(actor=request.user, approver=approver),
        _("Die Person ist nicht mehr freigabeberechtigt."),
    )
    return redirect(reverse("orders:rules") + f"?mitglied={approver.member_id}")
