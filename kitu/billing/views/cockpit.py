"""The service catalog, subscriptions and requests: the member cockpit and the office's decisions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.core.errors import DomainError
from kitu.core.forms import run_form_action, save_form

from .. import runs, selectors, subscriptions
from ..forms import (
    ChangeRequestForm,
    DecisionForm,
    MemberFilterForm,
    NewRequestForm,
    PriceForm,
    ServiceForm,
)
from ..models import RequestStatus, Service, SubscriptionRequest
from ..policies import can_manage_billing, can_request_for, can_see_all_billing, can_use_billing
from .common import require, without_page


def _requesting_members(request: HttpRequest) -> list[Any] | None:
    """The members this person files requests for; None: the office, for any member (picked by search)."""
    if can_manage_billing(request.user):  # the office requests for any member of the register
        return None
    return [m for m in selectors.reader_members(request.user) if can_request_for(request.user, m)]


# --- catalog and subscriptions ---------------------------------------------------------------------------


@login_required
def catalog(request: HttpRequest) -> HttpResponse:
    require(can_use_billing(request.user))
    today = timezone.localdate()
    services = []
    for service in selectors.catalog(request.user):
        terms = runs.terms_of(service)
        price = terms.price_on(today)
        upcoming = [p for p in terms.prices if p.valid_from > today]
        services.append({"service": service, "price": price, "upcoming": upcoming})
    members = _requesting_members(request)
    return render(
        request,
        "billing/catalog.html",
        {
            "services": services,
            "request_form": NewRequestForm(
                members=members, initial={"effective_from": today, "member": members[0].pk if members else None}
            )
            if members is None or members
            else None,
            "office": can_manage_billing(request.user),
        },
    )


@login_required
@require_POST
def price_add(request: HttpRequest, service_id: int) -> HttpResponse:
    require(can_manage_billing(request.user))
    service = Service.objects.filter(pk=service_id).first()
    if service is None:
        raise Http404
    form = PriceForm(request.POST)
    run_form_action(
        request,
        form,
        lambda data: subscriptions.price_add(actor=request.user, service=service, **data),
        _("Der neue Preis ist eingetragen."),
    )
    return redirect("billing:service_edit", service_id=service.pk)


@login_required
def service_edit(request: HttpRequest, service_id: int | None = None) -> HttpResponse:
    """The office creates a service (with its first price and tiers) or changes one."""
    require(can_manage_billing(request.user))
    service = None
    if service_id is not None:
        service = Service.objects.filter(pk=service_id).first()
        if service is None:
            raise Http404
    posted = request.POST if request.method == "POST" else None
    form = ServiceForm(posted, instance=service, prefix="service")
    price_form = PriceForm(posted, prefix="price") if service is None else None

    def save(data: dict[str, Any]) -> Service:
        if price_form is not None and not price_form.is_valid():
            raise DomainError(_("Bitte den ersten Preis angeben."), field="price")
        with transaction.atomic():
            saved = subscriptions.service_save(actor=request.user, service=service, **data)
            if price_form is not None:
                subscriptions.price_add(actor=request.user, service=saved, **price_form.cleaned_data)
        return saved

    done = save_form(request, form, save, _("Die Leistung ist gespeichert."), lambda _s: redirect("billing:catalog"))
    if done:
        return done
    return render(
        request,
        "billing/service_form.html",
        {
            "form": form,
            "price_form": price_form,
            "service": service,
            "new_price_form": PriceForm() if service else None,
            "prices": service.prices.prefetch_related("tiers") if service else [],
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def request_new(request: HttpRequest) -> HttpResponse:
    members = _requesting_members(request)
    require(members is None or bool(members))
    form = NewRequestForm(request.POST, members=members)
    run_form_action(
        request,
        form,
        lambda data: subscriptions.request_create(actor=request.user, kind="new", **data),
        _("Ihr Antrag ist eingegangen; die Geschäftsstelle entscheidet."),
    )
    return redirect("billing:subscriptions")


@login_required
def subscription_list(request: HttpRequest) -> HttpResponse:
    require(can_use_billing(request.user))
    today = timezone.localdate()
    subs = selectors.visible_subscriptions(request.user)
    member_id = request.GET.get("mitglied", "")
    if member_id.isdigit():
        subs = subs.filter(member_id=int(member_id))
    office = can_see_all_billing(request.user)
    page = Paginator(subs, 50).get_page(request.GET.get("page"))
    rows = [
        {
            "subscription": s,
            "quantity": subscriptions.current_quantity(s, today),
            "active": s.starts_on <= today and (s.ends_on is None or s.ends_on >= today),
            "can_request": can_request_for(request.user, s.member),
        }
        for s in page
    ]
    requests = selectors.visible_requests(request.user)
    return render(
        request,
        "billing/subscriptions.html",
        {
            "rows": rows,
            "page": page,
            "query": without_page(request),
            # the office searches the register; a member's people choose among their own few members
            "member_filter": MemberFilterForm({"mitglied": member_id}) if office else None,
            "members": [] if office else selectors.reader_members(request.user),
            "member_id": member_id,
            "pending": requests.filter(status=RequestStatus.PENDING),
            "decided": requests.exclude(status=RequestStatus.PENDING)[:20],
            "change_form": ChangeRequestForm(initial={"effective_from": today}),
            "decision_form": DecisionForm() if can_manage_billing(request.user) else None,
        },
    )


@login_required
@require_POST
def request_change(request: HttpRequest, subscription_id: int) -> HttpResponse:
    subscription = selectors.visible_subscriptions(request.user).filter(pk=subscription_id).first()
    if subscription is None:
        raise Http404
    require(can_request_for(request.user, subscription.member))
    run_form_action(
        request,
        ChangeRequestForm(request.POST),
        lambda data: subscriptions.request_create(
            actor=request.user, member=subscription.member, subscription=subscription, **data
        ),
        _("Ihr Antrag ist eingegangen; die Geschäftsstelle entscheidet."),
    )
    return redirect("billing:subscriptions")


@login_required
@require_POST
def request_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    require(can_manage_billing(request.user))
    subscription_request = SubscriptionRequest.objects.filter(pk=request_id).first()
    if subscription_request is None:
        raise Http404
    run_form_action(
        request,
        DecisionForm(request.POST),
        lambda data: subscriptions.request_decide(
            actor=request.user,
            request=subscription_request,
            approve=data["decision"] == "approve",
            note=data["decision_note"],
        ),
        _("Die Entscheidung ist gespeichert."),
    )
    return redirect("billing:subscriptions")
