"""Pages of mini-competitions: the member's request (create, send after a confirmation page, follow,
compare, score, award), the supplier portal (the invitation and the own offer) and the office's reading.
Offers stay sealed before the deadline: no page shows their content or their number."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.accounts.policies import is_coop_admin, is_coop_staff
from kitu.contracts.eligibility import members_eligible
from kitu.contracts.models import Lot
from kitu.core import storage
from kitu.core.confirm import Confirmation, carried, confirmation_page, confirmed
from kitu.core.errors import DomainError, NotFound
from kitu.core.errors import PermissionDenied as KituPermissionDenied
from kitu.core.forms import add_domain_error
from kitu.core.money import format_eur
from kitu.members.models import Member
from kitu.orders.policies import order_member_org_ids, ordering_members

from . import pdf, policies, selectors, services
from .forms import AwardForm, BundleForm, RequestForm, ScoreForm
from .models import Competition, Offer, Status


def _competition(request: HttpRequest, competition_id: int) -> Competition:
    try:
        return selectors.competition_for(request.user, competition_id)
    except NotFound as exc:
        raise Http404 from exc


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
def competition_list(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.competitions_for(request.user)[:200])
    return render(
        request,
        "competitions/list.html",
        {"rows": rows, "can_start": bool(ordering_members(request.user)), "now": selectors.db_now()},
    )


@login_required
def competition_create(request: HttpRequest) -> HttpResponse:
    office = is_coop_admin(request.user)
    members = ordering_members(request.user)
    if not members and not office:
        raise DjangoPermissionDenied
    lot_id = _int(request.POST.get("lot") if request.method == "POST" else request.GET.get("los"))
    lot = Lot.objects.select_related("contract").filter(pk=lot_id).first() if lot_id else None
    if lot is None or not lot.requires_competition:
        raise Http404
    if office:  # on a member's behalf: every member that may call off the contract
        members = list(members_eligible(lot.contract).with_name())
    member_qs = Member.objects.with_name().filter(pk__in=[m.pk for m in members])
    initial: dict[str, Any] = {"lot": lot.pk, "title": f"{lot.contract.title} – {lot.title}"}
    member_id = _int(request.GET.get("mitglied"))
    member = next((m for m in members if m.pk == member_id), members[0] if len(members) == 1 else None)
    from_cart = False
    if member is not None:
        initial["member"] = member.pk
        cart_lines = selectors.cart_lines_of_lot(request.user, member.pk, lot.pk)
        if cart_lines:
            from_cart = True
            initial["lines"] = "\n".join(
                f"{cl.quantity}; {cl.article.order_unit if cl.article else 'Stück'}; {cl.label}" for cl in cart_lines
            )
    form = RequestForm(request.POST or None, initial=initial, members=member_qs)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                competition = services.competition_create(
                    actor=request.user,
                    member=data["member"],
                    lot=lot,
                    title=data["title"],
                    delivery_date=data["delivery_date"],
                    deadline=data["deadline"],
                    lines=data["lines"],
                    criteria=data["criteria"],
                    from_cart=request.POST.get("from_cart") == "1",
                )
            except KituPermissionDenied as exc:
                raise DjangoPermissionDenied from exc
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Die Anfrage ist angelegt. Prüfen Sie sie und versenden Sie sie dann."))
                return redirect("competitions:detail", competition_id=competition.pk)
    return render(
        request,
        "competitions/form.html",
        {
            "form": form,
            "lot": lot,
            "from_cart": from_cart or request.POST.get("from_cart") == "1",
            "office": office,
            "suppliers": lot.all_suppliers(),
            "min_days": services.min_days(),
        },
        status=status,
    )


@login_required
def bundle_create(request: HttpRequest) -> HttpResponse:
    """The office's request for several members of the contract (one order per member on the award)."""
    if not policies.can_request_bundle(request.user):
        raise DjangoPermissionDenied
    lot_id = _int(request.POST.get("lot") if request.method == "POST" else request.GET.get("los"))
    lot = Lot.objects.select_related("contract").filter(pk=lot_id).first() if lot_id else None
    if lot is None or not lot.requires_competition:
        raise Http404
    members = list(members_eligible(lot.contract).with_name())
    member_qs = Member.objects.with_name().filter(pk__in=[m.pk for m in members]).order_by("organisation__name")
    initial = {"lot": lot.pk, "title": f"{lot.contract.title} – {lot.title}"}
    form = BundleForm(request.POST or None, initial=initial, members=member_qs)
    status = 200
    if request.method == "POST":
        status = 400
        rows = form.bundle_lines() if form.is_valid() else None
        if rows is not None:
            data = form.cleaned_data
            try:
                competition = services.bundle_create(
                    actor=request.user,
                    members=list(data["members"]),
                    lot=lot,
                    title=data["title"],
                    delivery_date=data["delivery_date"],
                    deadline=data["deadline"],
                    lines=rows,
                    criteria=data["criteria"],
                )
            except KituPermissionDenied as exc:
                raise DjangoPermissionDenied from exc
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request, _("Die Bündelanfrage ist angelegt. Prüfen Sie sie und versenden Sie sie dann.")
                )
                return redirect("competitions:detail", competition_id=competition.pk)
    return render(
        request,
        "competitions/bundle_form.html",
        {"form": form, "lot": lot, "suppliers": lot.all_suppliers(), "min_days": services.min_days()},
        status=status,
    )


def _member_context(request: HttpRequest, competition: Competition) -> dict[str, Any]:
    context: dict[str, Any] = {
        "can_evaluate": policies.can_evaluate(request.user, competition),
        "can_send": policies.can_send(request.user, competition),
    }
    if competition.status != Status.DRAFT and not selectors.is_sealed(competition):
        comp = selectors.comparison(request.user, competition)
        names = {o.pk: o.supplier.name for o in comp.offers}
        context["comparison"] = comp
        context["table"] = [
            {
                "line": line,
                "cells": [comp.prices.get((line.pk, o.pk)) for o in comp.offers],
                "totals": [comp.cells.get((line.pk, o.pk)) for o in comp.offers],
            }
            for line in comp.lines
        ]
        context["ranking"] = [
            {
                "r": r,
                "name": names[r.key],
                "total": format_eur(r.total),
                "offer": next(o for o in comp.offers if o.pk == r.key),
            }
            for r in comp.ranking
        ]
        context["score_rows"] = [
            {"offer": o, "criterion": c, "score": comp.scores.get((o.pk, c.pk))}
            for o in comp.offers
            for c in competition.criteria.all()
        ]
    return context


@login_required
def competition_detail(request: HttpRequest, competition_id: int) -> HttpResponse:
    competition = _competition(request, competition_id)
    lines = list(competition.lines.all())
    context: dict[str, Any] = {
        "c": competition,
        "lines": lines,
        "criteria": list(competition.criteria.all()),
        "sealed": selectors.is_sealed(competition),
        "deadline": timezone.localtime(competition.deadline),
        "invited": [i.supplier for i in competition.invitations.select_related("supplier__organisation")],
        "suppliers": competition.lot.all_suppliers(),
    }
    if competition.is_bundle and policies.reads_as_member(request.user, competition):
        shares = list(
            competition.bundle_members.select_related("member__organisation", "order").prefetch_related("quantities")
        )
        seen = order_member_org_ids(request.user)
        context["bundle"] = [
            {
                "share": share,
                "order_visible": is_coop_staff(request.user) or share.member.organisation_id in seen,
                "quantities": [{q.line_id: q.quantity for q in share.quantities.all()}.get(ln.pk, 0) for ln in lines],
            }
            for share in shares
        ]
    if policies.reads_as_member(request.user, competition):
        context.update(_member_context(request, competition))
        context["as_member"] = True
    else:
        offer = selectors.own_offer(request.user, competition)
        context["offer"] = offer
        own = {ol.line_id: ol.unit_price for ol in offer.lines.all()} if offer else {}
        context["offer_rows"] = [{"line": line, "price": own.get(line.pk)} for line in context["lines"]]
        context["offer_total"] = format_eur(selectors.offer_total(offer)) if offer else ""
    return render(request, "competitions/detail.html", context)


@login_required
@require_POST
def competition_send(request: HttpRequest, competition_id: int) -> HttpResponse:
    competition = _competition(request, competition_id)
    if not policies.can_send(request.user, competition):
        raise DjangoPermissionDenied
    back = reverse("competitions:detail", args=[competition.pk])
    if competition.status != Status.DRAFT:
        messages.error(request, _("Die Anfrage ist schon versendet."))
        return redirect(back)
    suppliers = competition.lot.all_suppliers()
    if not confirmed(request):
        n = len(suppliers)
        return confirmation_page(
            request,
            Confirmation(
                title=_("Anfrage versenden?"),
                consequence=_(
                    "%(n)s Lieferanten werden eingeladen und erhalten die Anfrage per E-Mail und im Lieferantenportal. "
                    "Die Anfrage lässt sich danach nicht mehr ändern; Angebote werden bis %(at)s versiegelt."
                )
                % {"n": n, "at": timezone.localtime(competition.deadline).strftime("%d.%m.%Y %H:%M Uhr")},
                button=_("%(n)s Lieferanten einladen") % {"n": n},
                action=reverse("competitions:send", args=[competition.pk]),
                back=back,
                facts=[(_("Lieferanten"), ", ".join(s.name for s in suppliers)), (_("Gegenstand"), competition.title)],
            ),
        )
    try:
        services.competition_send(actor=request.user, competition=competition)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(
        request, _("Die Anfrage ist versendet; %(n)s Lieferanten sind eingeladen.") % {"n": len(suppliers)}
    )
    return redirect(back)


def _parse_date(value: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


@login_required
@require_POST
def offer_submit(request: HttpRequest, competition_id: int) -> HttpResponse:
    competition = _competition(request, competition_id)
    if policies.invited_supplier_id(request.user, competition) is None:
        raise DjangoPermissionDenied
    prices = {line.pk: request.POST.get(f"price_{line.pk}", "") for line in competition.lines.all()}
    try:
        services.offer_submit(
            actor=request.user,
            competition=competition,
            delivery_date=_parse_date(request.POST.get("delivery_date", "")),
            prices=prices,
            document=request.FILES.get("document"),
        )
    except DomainError as exc:
        return render(
            request,
            "competitions/error.html",
            {"c": competition, "message": exc.message, "field": exc.field},
            status=409 if exc.field == "deadline" else 400,
        )
    messages.success(
        request, _("Ihr Angebot ist abgegeben. Sie können es bis zum Ablauf der Frist ändern oder zurückziehen.")
    )
    return redirect("competitions:detail", competition_id=competition.pk)


@login_required
@require_POST
def offer_withdraw(request: HttpRequest, competition_id: int) -> HttpResponse:
    competition = _competition(request, competition_id)
    if policies.invited_supplier_id(request.user, competition) is None:
        raise DjangoPermissionDenied
    try:
        services.offer_withdraw(actor=request.user, competition=competition)
    except DomainError as exc:
        return render(request, "competitions/error.html", {"c": competition, "message": exc.message}, status=409)
    messages.success(request, _("Ihr Angebot ist zurückgezogen."))
    return redirect("competitions:detail", competition_id=competition.pk)


@login_required
def offer_document(request: HttpRequest, competition_id: int, offer_id: int) -> HttpResponseBase:
    """The offer document: for its supplier at any time, for the member and the office after the deadline."""
    competition = _competition(request, competition_id)
    own = selectors.own_offer(request.user, competition)
    if own is not None and own.pk == offer_id:
        offer: Offer | None = own
    else:
        try:
            offer = next((o for o in selectors.offers_opened(request.user, competition) if o.pk == offer_id), None)
        except NotFound as exc:
            raise Http404 from exc
    if offer is None or not offer.document:
        raise Http404
    name = offer.document.name.rsplit("/", 1)[-1]
    return storage.hand_over(offer.document, filename=name)


@login_required
@require_POST
def score(request: HttpRequest, competition_id: int) -> HttpResponse:
    competition = _competition(request, competition_id)
    if not policies.can_evaluate(request.user, competition):
        raise DjangoPermissionDenied
    form = ScoreForm(request.POST)
    back = reverse("competitions:detail", args=[competition.pk]) + "#h-scores"
    if not form.is_valid():
        return render(
            request,
            "competitions/error.html",
            {"c": competition, "message": _("Bitte Punkte und Begründung angeben."), "field": "points"},
            status=400,
        )
    data = form.cleaned_data
    offer = competition.offers.filter(pk=data["offer"]).first()
    criterion = competition.criteria.filter(pk=data["criterion"]).first()
    if offer is None or criterion is None:
        raise Http404
    try:
        services.score_save(
            actor=request.user, offer=offer, criterion=criterion, points=data["points"], reason=data["reason"]
        )
    except DomainError as exc:
        return render(
            request,
            "competitions/error.html",
            {"c": competition, "message": exc.message, "field": exc.field},
            status=400,
        )
    messages.success(request, _("Die Bewertung ist gespeichert."))
    return redirect(back)


@login_required
@require_POST
def award(request: HttpRequest, competition_id: int) -> HttpResponse:
    competition = _competition(request, competition_id)
    if not policies.can_evaluate(request.user, competition):
        raise DjangoPermissionDenied
    form = AwardForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "competitions/error.html",
            {
                "c": competition,
                "message": _("Bitte wählen Sie ein Angebot und begründen Sie den Zuschlag."),
                "field": "reason",
            },
            status=400,
        )
    offer = competition.offers.select_related("supplier__organisation").filter(pk=form.cleaned_data["offer"]).first()
    if offer is None or selectors.is_sealed(competition):
        raise Http404
    if not confirmed(request):
        others = competition.invitations.exclude(supplier=offer.supplier).count()
        consequence = _(
            "%(winner)s erhält den Zuschlag; daraus wird eine Abrufbestellung, die durch Ihre Freigabe "
            "geht. %(n)s weitere Lieferanten werden per E-Mail benachrichtigt. Das lässt sich nicht "
            "rückgängig machen."
        )
        if competition.is_bundle:
            consequence = _(
                "%(winner)s erhält den Zuschlag; daraus wird je Mitglied der Bündelung eine Abrufbestellung "
                "(%(m)s), die durch die Freigabe des Mitglieds geht. %(n)s weitere Lieferanten werden per E-Mail "
                "benachrichtigt. Das lässt sich nicht rückgängig machen."
            )
        return confirmation_page(
            request,
            Confirmation(
                title=_("Zuschlag erteilen?"),
                consequence=consequence
                % {"winner": offer.supplier.name, "n": others, "m": competition.bundle_members.count()},
                button=_("Zuschlag an %(winner)s erteilen") % {"winner": offer.supplier.name},
                action=reverse("competitions:award", args=[competition.pk]),
                back=reverse("competitions:detail", args=[competition.pk]),
                facts=[(_("Begründung"), form.cleaned_data["reason"])],
                hidden=carried(request.POST),
            ),
        )
    try:
        order = services.competition_award(
            actor=request.user, competition=competition, offer=offer, reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        return render(
            request,
            "competitions/error.html",
            {"c": competition, "message": exc.message, "field": exc.field},
            status=400,
        )
    if competition.is_bundle:
        numbers = competition.bundle_members.exclude(order=None).values_list("order__number", flat=True)
        messages.success(
            request,
            _("Zuschlag erteilt. Die Abrufbestellungen %(numbers)s sind angelegt.") % {"numbers": ", ".join(numbers)},
        )
    else:
        messages.success(
            request, _("Zuschlag erteilt. Die Abrufbestellung %(number)s ist angelegt.") % {"number": order.number}
        )
    return redirect("competitions:detail", competition_id=competition.pk)


@login_required
def award_note(request: HttpRequest, competition_id: int) -> HttpResponse:
    competition = _competition(request, competition_id)
    if competition.status != Status.AWARDED or not policies.reads_as_member(request.user, competition):
        raise Http404
    content = pdf.award_note(competition, selectors.comparison(request.user, competition))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="vergabevermerk-{competition.reference}.pdf"'
    return response
