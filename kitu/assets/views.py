"""Pages of the asset register: list with filters and XLSX export, a device with its changes and status,
a device by hand, and the replacement plan per year (chart and table with the same figures) from which due
replacements go into a demand campaign after a confirmation page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.bundling.models import Campaign, CampaignState
from kitu.bundling.selectors import answering_member_ids
from kitu.core import charts, eclass
from kitu.core.confirm import Confirmation, carried, confirmation_page, confirmed
from kitu.core.errors import DomainError, NotFound
from kitu.core.forms import add_domain_error, errors_text, run_action
from kitu.members.models import Member

from . import export, lifecycle, selectors, services
from .forms import AssetCreateForm, AssetEditForm, CampaignForm, FilterForm, StatusForm
from .models import Asset
from .policies import EDIT_ROLES, can_edit, is_office, member_org_ids

PLAN_YEARS = 6


def _asset(request: HttpRequest, asset_id: int) -> Asset:
    try:
        return selectors.visible_asset(request.user, asset_id)
    except NotFound:
        raise Http404 from None


def _require_reader(request: HttpRequest) -> None:
    if not is_office(request.user) and not member_org_ids(request.user):
        raise DjangoPermissionDenied


def _editable_members(request: HttpRequest) -> list[Member]:
    orgs = member_org_ids(request.user, EDIT_ROLES)
    return list(Member.objects.filter(organisation_id__in=orgs).select_related("organisation"))


def _filtered(request: HttpRequest) -> tuple[FilterForm, Any]:
    office = is_office(request.user)
    members = Member.objects.filter(assets__isnull=False).distinct().select_related("organisation")
    form = FilterForm(request.GET or None, members=members.order_by("organisation__name") if office else None)
    return form, selectors.filtered(selectors.visible_assets(request.user), **form.filters())


@login_required
def asset_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    form, assets = _filtered(request)
    if request.GET.get("format") == "xlsx":
        return export.xlsx_response(assets)
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "assets/list.html",
        {
            "form": form,
            "assets": [(a, lifecycle.replacement_due(a.acquired_on, a.eclass_group)) for a in assets[:500]],
            "count": assets.count(),
            "office": is_office(request.user),
            "editable": _editable_members(request),
            "query": query.urlencode(),
        },
    )


@login_required
def asset_detail(request: HttpRequest, asset_id: int) -> HttpResponse:
    asset = _asset(request, asset_id)
    may_edit = can_edit(request.user, asset.member.organisation_id)
    form = AssetEditForm(request.POST or None, member=asset.member, initial=_initial(asset)) if may_edit else None
    if request.method == "POST":
        if form is None:
            raise DjangoPermissionDenied
        if form.is_valid():
            try:
                services.asset_update(actor=request.user, asset=asset, data=form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Die Angaben sind gespeichert."))
                return redirect("assets:detail", asset_id=asset.pk)
    return render(
        request,
        "assets/detail.html",
        {
            "a": asset,
            "form": form,
            "status_form": StatusForm(current=asset.status) if may_edit else None,
            "due": lifecycle.replacement_due(asset.acquired_on, asset.eclass_group),
            "eclass_label": eclass.label(asset.eclass_group),
        },
    )


def _initial(asset: Asset) -> dict[str, Any]:
    return {
        "inventory_number": asset.inventory_number,
        "serial_number": asset.serial_number,
        "site": asset.site_id,
        "cost_centre": asset.cost_centre_id,
        "responsible": asset.responsible,
        "warranty_end": asset.warranty_end,
    }


@login_required
@require_POST
def asset_status(request: HttpRequest, asset_id: int) -> HttpResponse:
    asset = _asset(request, asset_id)
    if not can_edit(request.user, asset.member.organisation_id):
        raise DjangoPermissionDenied
    form = StatusForm(request.POST, current=asset.status)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("assets:detail", asset_id=asset.pk)
    if form.cleaned_data["status"] == "retired" and not confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Gerät aussondern?"),
                consequence=_("„%(name)s“ wird ausgesondert. Ausgesonderte Geräte lassen sich nicht wieder einsetzen.")
                % {"name": str(asset)},
                button=_("Gerät aussondern"),
                action=request.path,
                back=reverse("assets:detail", args=[asset.pk]),
                hidden=carried(request.POST),
            ),
        )
    run_action(
        request,
        lambda: services.status_change(actor=request.user, asset=asset, status=form.cleaned_data["status"]),
        _("Der Status ist geändert."),
    )
    return redirect("assets:detail", asset_id=asset.pk)


@login_required
def asset_new(request: HttpRequest) -> HttpResponse:
    members = _editable_members(request)
    if not members:
        raise DjangoPermissionDenied
    member = next((m for m in members if str(m.pk) == request.GET.get("member")), members[0])
    form = AssetCreateForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        status = data.pop("status")
        try:
            asset = services.asset_create(actor=request.user, member=member, data=data, status=status)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Das Gerät ist erfasst."))
            return redirect("assets:detail", asset_id=asset.pk)
    return render(request, "assets/new.html", {"form": form, "member": member})


def _open_campaigns(request: HttpRequest) -> Any:
    today = timezone.localdate()
    return Campaign.objects.filter(
        state=CampaignState.OPEN,
        opens_on__lte=today,
        closes_on__gte=today,
        eligible_members__in=answering_member_ids(request.user),
    ).distinct()


@login_required
def plan(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    form, assets = _filtered(request)
    first = timezone.localdate().year
    years = selectors.replacement_plan(assets, first_year=first, years=PLAN_YEARS)
    classes = sorted({code for y in years for code in y.counts})
    chart = charts.stacked_bars(
        title=_("Fällige Austausche je Jahr (Geräte)"),
        description=_("Je Jahr ein Balken, je Geräteklasse eine Farbe; überfällige Geräte zählen im laufenden Jahr."),
        categories=[str(y.year) for y in years],
        series=[charts.Series(eclass.name(c) or eclass.label(c), [y.counts.get(c, 0) for y in years]) for c in classes],
        axis_label=_("Geräte"),
    )
    campaigns = _open_campaigns(request)
    return render(
        request,
        "assets/plan.html",
        {
            "form": form,
            "years": years,
            "classes": [(c, eclass.name(c) or eclass.label(c)) for c in classes],
            "chart": chart if classes else None,
            "campaign_form": CampaignForm(campaigns=campaigns) if campaigns.exists() else None,
        },
    )


@login_required
@require_POST
def into_campaign(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST, campaigns=_open_campaigns(request))
    if not form.is_valid():
        raise DjangoPermissionDenied  # no open campaign this user answers
    campaign: Campaign = form.cleaned_data["campaign"]
    members = [m for m in campaign.eligible_members.all() if m.pk in answering_member_ids(request.user)]
    member = next((m for m in members if str(m.pk) == request.POST.get("member")), members[0])
    today = timezone.localdate()
    due = selectors.due_by(
        selectors.visible_assets(request.user).filter(member=member), day=campaign.closes_on.replace(month=12, day=31)
    )
    proposal = services.propose(campaign=campaign, member=member, due=due, today=today)
    if not confirmed(request):
        facts: list[tuple[str, Any]] = [
            (f"{proposal.items[i].code} {proposal.items[i].title}", n) for i, n in proposal.counts.items()
        ]
        if proposal.unmatched:
            facts.append((_("ohne passende Position (nicht übernommen)"), len(proposal.unmatched)))
        return confirmation_page(
            request,
            Confirmation(
                title=_("Fällige Austausche in die Bedarfsabfrage übernehmen?"),
                consequence=_(
                    "%(n)s bis Ende %(year)s fällige Geräte von %(member)s werden als Bedarf in „%(campaign)s“ "
                    "gemeldet. Positionen, für die Sie schon mehr gemeldet haben, bleiben unverändert."
                )
                % {"n": proposal.total, "year": campaign.closes_on.year, "member": member.name, "campaign": campaign},
                button=_("Bedarf melden"),
                action=request.path,
                back=reverse("assets:plan"),
                facts=facts,
                hidden=carried(request.POST),
                irreversible=False,
            ),
        )
    if run_action(
        request,
        lambda: services.into_campaign(actor=request.user, proposal=proposal, today=today),
        _("Die fälligen Austausche sind als Bedarf gemeldet."),
    ):
        return redirect("bundling:detail", campaign_id=campaign.pk)
    return redirect("assets:plan")
