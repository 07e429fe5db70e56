"""Pages of the demand bundling: campaigns, the members' reports, offers, optimiser runs and the award."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from kitu.contracts.models import Eligibility, Supplier
from kitu.core import charts
from kitu.core import jobs as core_jobs
from kitu.core.confirm import Confirmation, carried, confirmation_page, confirmed
from kitu.core.errors import DomainError, NotFound
from kitu.core.forms import add_domain_error, errors_text, run_action
from kitu.core.money import format_eur
from kitu.core.numbers import format_number

from . import jobs, selectors, services, tasks, xlsx
from .forms import AwardForm, CampaignForm, ImportForm, ItemForm, OfferForm, OfferLotForm, ReportForm
from .models import Campaign, CampaignState, DemandReport, Offer, OfferLot, Quarter
from .policies import can_manage_campaigns

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    try:
        return selectors.campaign_for(request.user, campaign_id)
    except NotFound as exc:
        raise Http404 from exc


def _managed(request: HttpRequest, campaign_id: int) -> Campaign:
    """The campaign for the cooperative's pages: 404 if invisible, 403 if visible but not managed."""
    campaign = _campaign(request, campaign_id)
    if not can_manage_campaigns(request.user):
        raise DjangoPermissionDenied
    return campaign


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns: list[Campaign] = list(
        selectors.visible_campaigns(request.user).annotate(eligible_count=Count("eligible_members", distinct=True))
    )
    manager = can_manage_campaigns(request.user)
    answered = set() if manager else selectors.answered_campaign_ids(request.user, campaigns)
    return render(
        request,
        "bundling/campaign_list.html",
        {"campaigns": campaigns, "can_manage": manager, "answered": answered, "today": timezone.localdate()},
    )


def _aggregate_chart(agg: selectors.Aggregate) -> Any:
    if not any(t.quantity for t in agg.items):
        return None
    return charts.stacked_bars(
        title=_("Gemeldete Mengen je Position und Lieferquartal"),
        description=_("Je Position die Summe der gemeldeten Mengen, gestapelt nach Lieferquartal."),
        categories=[t.item.code for t in agg.items],
        series=[charts.Series(str(label), [t.by_quarter[q - 1] for t in agg.items]) for q, label in Quarter.choices],
        axis_label=_("gemeldete Menge"),
    )


def _members_chart(agg: selectors.Aggregate) -> Any:
    rows = [row for row in agg.members if any(row.quantities)]
    if not rows:
        return None
    return charts.horizontal_bars(
        title=_("Gemeldete Mengen je Mitglied"),
        description=_("Je Mitglied mit Bedarf die gemeldeten Mengen, gestapelt nach Position."),
        categories=[row.member.name for row in rows],
        series=[
            charts.Series(f"{t.item.code} {t.item.title}", [row.quantities[i] for row in rows])
            for i, t in enumerate(agg.items)
        ],
        axis_label=_("gemeldete Menge"),
    )


@login_required
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(request, campaign_id)
    manager = can_manage_campaigns(request.user)
    context: dict[str, Any] = {
        "campaign": campaign,
        "items": selectors.items_of(campaign),
        "can_manage": manager,
        "accepts": campaign.accepts_reports_on(timezone.localdate()),
    }
    if manager:
        agg = selectors.aggregate(campaign)
        context |= {
            "agg": agg,
            "chart": _aggregate_chart(agg),
            "members_chart": _members_chart(agg),
            "quarters": Quarter.choices,
            "item_form": ItemForm() if campaign.state == CampaignState.DRAFT else None,
            "runs": campaign.runs.all()[:10],
        }
    else:
        context["reports"] = [
            (member, selectors.report_of(campaign, member))
            for member in selectors.answering_members(request.user, campaign)
        ]
    return render(request, "bundling/campaign_detail.html", context)


def _campaign_form_view(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    if not can_manage_campaigns(request.user):
        raise DjangoPermissionDenied
    initial: dict[str, Any] = {}
    if campaign is not None:
        initial = {f: getattr(campaign, f) for f in services.CAMPAIGN_FIELDS}
        if campaign.participation == Eligibility.SELECTED:
            initial["eligible_members"] = list(campaign.eligible_members.all())
    form = CampaignForm(request.POST if request.method == "POST" else None, initial=initial)
    if campaign is not None and campaign.state != CampaignState.DRAFT:
        for name in set(form.fields) - set(services.OPEN_FIELDS):
            form.fields[name].disabled = True
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            saved = services.campaign_save(
                actor=request.user, campaign=campaign, eligible_members=list(data.pop("eligible_members")), **data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Die Bedarfsabfrage ist gespeichert."))
            return redirect("bundling:detail", campaign_id=saved.pk)
    title = _("Bedarfsabfrage bearbeiten") if campaign else _("Neue Bedarfsabfrage")
    status = 400 if request.method == "POST" else 200
    return render(request, "bundling/form.html", {"form": form, "title": title, "campaign": campaign}, status=status)


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    return _campaign_form_view(request, None)


@login_required
def campaign_edit(request: HttpRequest, campaign_id: int) -> HttpResponse:
    return _campaign_form_view(request, _campaign(request, campaign_id))


@login_required
@require_POST
def item_add(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    form = ItemForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
    else:
        data = {k: v for k, v in form.cleaned_data.items() if k != "article_pid"}
        run_action(
            request,
            lambda: services.item_save(actor=request.user, campaign=campaign, **data),
            _("Position gespeichert."),
        )
    return redirect("bundling:detail", campaign_id=campaign.pk)


@login_required
@require_POST
def item_remove(request: HttpRequest, campaign_id: int, item_id: int) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    item = campaign.items.filter(pk=item_id).first()
    if item is None:
        raise Http404
    run_action(request, lambda: services.item_remove(actor=request.user, item=item), _("Position entfernt."))
    return redirect("bundling:detail", campaign_id=campaign.pk)


TRANSITIONS: dict[str, tuple[Callable[..., Any], Any]] = {
    "oeffnen": (
        services.campaign_open,
        gettext_lazy("Die Abfrage ist geöffnet; die Mitglieder werden benachrichtigt."),
    ),
    "schliessen": (services.campaign_close, gettext_lazy("Die Abfrage ist geschlossen.")),
    "auswerten": (services.campaign_evaluate, gettext_lazy("Die Auswertung ist abgeschlossen.")),
}


@login_required
@require_POST
def transition(request: HttpRequest, campaign_id: int, action: str) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    if action not in TRANSITIONS:
        raise Http404
    if not confirmed(request):
        return confirmation_page(request, _transition_confirmation(campaign, action))
    service, success = TRANSITIONS[action]
    done = run_action(request, lambda: service(actor=request.user, campaign=campaign), str(success))
    if done and action == "oeffnen":
        job = core_jobs.latest_job(tasks.OPEN_MAILS, campaign)
        if job is not None:
            return redirect("core:job", job_id=job.pk)
    return redirect("bundling:detail", campaign_id=campaign.pk)


def _members(n: int) -> str:
    return ngettext("%(n)s Mitglied", "%(n)s Mitgliedern", n) % {"n": n}


def _transition_confirmation(campaign: Campaign, action: str) -> Confirmation:
    back = reverse("bundling:detail", args=[campaign.pk])
    target = reverse("bundling:transition", args=[campaign.pk, action])
    eligible = campaign.eligible_members.count()
    answered = jobs.reported(campaign)
    if action == "oeffnen":
        preview = jobs.open_preview(campaign)
        people = ngettext("%(n)s Person", "%(n)s Personen", preview.people) % {"n": preview.people}
        consequence = _(
            "Bedarfsabfrage öffnen und %(people)s aus %(members)s benachrichtigen – eine verschickte "
            "Benachrichtigung lässt sich nicht zurückholen."
        ) % {"people": people, "members": _members(preview.reached)}
        if preview.reached < preview.members:
            consequence += " " + _(
                "%(n)s der berechtigten Mitglieder haben niemanden, der benachrichtigt werden kann."
            ) % {"n": preview.members - preview.reached}
        return Confirmation(
            title=_("Bedarfsabfrage „%(title)s“ öffnen?") % {"title": campaign.title},
            consequence=consequence,
            button=_("Öffnen und %(people)s benachrichtigen") % {"people": people},
            action=target,
            back=back,
            facts=[
                (_("Meldeschluss"), f"{campaign.closes_on:%d.%m.%Y}"),
                (_("teilnahmeberechtigte Mitglieder"), preview.members),
                (_("Personen, die eine Mail erhalten"), preview.people),
            ],
        )
    if action == "schliessen":
        consequence = _(
            "Die Abfrage vor dem Meldeschluss schließen: %(answered)s von %(eligible)s Mitgliedern haben gemeldet; "
            "danach sind keine Meldungen mehr möglich. Das lässt sich nicht rückgängig machen."
        ) % {"answered": answered, "eligible": eligible}
        button = _("Abfrage jetzt schließen")
    else:
        consequence = _(
            "Die Meldungen von %(answered)s Mitgliedern als endgültigen Bedarf festschreiben; danach folgen "
            "Ausschreibung und Angebote. Das lässt sich nicht rückgängig machen."
        ) % {"answered": answered}
        button = _("Auswertung abschließen")
    return Confirmation(
        title=_("Bedarfsabfrage „%(title)s“: %(button)s?") % {"title": campaign.title, "button": button},
        consequence=consequence,
        button=button,
        action=target,
        back=back,
    )


def _report_initial(report: DemandReport | None) -> dict[str, Any]:
    if report is None:
        return {}
    initial: dict[str, Any] = {"no_demand": report.no_demand}
    for line in report.lines.all():
        p = f"i{line.item_id}_"
        initial |= {
            p + "quantity": line.quantity,
            p + "quarter": line.delivery_quarter,
            p + "cost_centre": line.cost_centre_id,
            p + "budget": line.budget_secured,
            p + "comment": line.comment,
        }
    return initial


@login_required
def report(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """A member's demand report: the one form its requesters and budget holders fill in and change
    (``?mitglied=`` picks one of the user's members; the office may pick any eligible member)."""
    campaign = _campaign(request, campaign_id)
    # members answer for themselves; the office records answers that came by letter or e-mail
    if can_manage_campaigns(request.user):
        members = list(campaign.eligible_members.with_name())
    else:
        members = selectors.answering_members(request.user, campaign)
    if not members:
        raise Http404
    member = next((m for m in members if str(m.pk) == request.GET.get("mitglied", "")), members[0])
    existing = selectors.report_of(campaign, member)
    items = selectors.items_of(campaign)
    accepts = campaign.accepts_reports_on(timezone.localdate())
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        initial=_report_initial(existing),
        items=items,
        member=member,
    )
    if not accepts:
        for field in form.fields.values():
            field.disabled = True
    status = 200
    if request.method == "POST":
        if not accepts:
            messages.error(request, _("Die Abfrage ist geschlossen; Meldungen sind nicht mehr möglich."))
            return redirect("bundling:detail", campaign_id=campaign.pk)
        if form.is_valid():
            data = form.cleaned_data
            lines = [
                services.LineInput(
                    item=item,
                    quantity=data[f"i{item.pk}_quantity"],
                    delivery_quarter=data[f"i{item.pk}_quarter"],
                    cost_centre=data[f"i{item.pk}_cost_centre"],
                    budget_secured=data[f"i{item.pk}_budget"],
                    comment=data[f"i{item.pk}_comment"],
                )
                for item in items
                if data.get(f"i{item.pk}_quantity")
            ]
            try:
                services.report_save(
                    actor=request.user, campaign=campaign, member=member, lines=lines, no_demand=data["no_demand"]
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request, _("Ihre Meldung ist gespeichert. Bis zum Meldeschluss können Sie sie ändern.")
                )
                return redirect("bundling:detail", campaign_id=campaign.pk)
        status = 400
    return render(
        request,
        "bundling/report.html",
        {
            "campaign": campaign,
            "member": member,
            "members": members,
            "form": form,
            "report": existing,
            "accepts": accepts,
        },
        status=status,
    )


@login_required
def tender_export(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    content = xlsx.tender_workbook(campaign, selectors.aggregate(campaign))
    return _xlsx(content, f"ausschreibungsmengen-{campaign.pk}.xlsx")


@login_required
def offers(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Offers of the joint tender: entered one by one or imported, and the optimiser's runs."""
    campaign = _managed(request, campaign_id)
    editable = campaign.state in services.OFFER_STATES
    form = OfferForm(request.POST if request.method == "POST" else None, campaign=campaign)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            offer = services.OfferInput(d["supplier"], d["item"], d["min_quantity"], d["max_quantity"], d["tiers"])
            try:
                services.offer_save(actor=request.user, campaign=campaign, offer=offer)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Angebot gespeichert."))
                return redirect("bundling:offers", campaign_id=campaign.pk)
        status = 400
    return render(
        request,
        "bundling/offers.html",
        {
            "campaign": campaign,
            "offers": selectors.offers_of(campaign),
            "lots": selectors.offer_lots_of(campaign),
            "editable": editable,
            "form": form,
            "lot_form": OfferLotForm(campaign=campaign),
            "import_form": ImportForm(),
            "runs": campaign.runs.all()[:10],
        },
        status=status,
    )


@login_required
@require_POST
def offer_remove(request: HttpRequest, campaign_id: int, offer_id: int) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    offer = Offer.objects.filter(campaign=campaign, pk=offer_id).first()
    if offer is None:
        raise Http404
    run_action(request, lambda: services.offer_remove(actor=request.user, offer=offer), _("Angebot entfernt."))
    return redirect("bundling:offers", campaign_id=campaign.pk)


@login_required
@require_POST
def offer_lot_add(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    form = OfferLotForm(request.POST, campaign=campaign)
    if not form.is_valid():
        messages.error(request, errors_text(form))
    else:
        d = form.cleaned_data
        run_action(
            request,
            lambda: services.offer_lot_save(
                actor=request.user, campaign=campaign, supplier=d["supplier"], name=d["name"], items=list(d["items"])
            ),
            _("Los gespeichert."),
        )
    return redirect("bundling:offers", campaign_id=campaign.pk)


@login_required
@require_POST
def offer_lot_remove(request: HttpRequest, campaign_id: int, lot_id: int) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    lot = OfferLot.objects.filter(campaign=campaign, pk=lot_id).first()
    if lot is None:
        raise Http404
    run_action(request, lambda: services.offer_lot_remove(actor=request.user, lot=lot), _("Los entfernt."))
    return redirect("bundling:offers", campaign_id=campaign.pk)


@login_required
@require_POST
def offers_import(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Bitte eine XLSX-Datei wählen."))
        return redirect("bundling:offers", campaign_id=campaign.pk)

    def run() -> None:
        offers_, lots = xlsx.read_offers(campaign, form.cleaned_data["file"])
        services.offers_replace(actor=request.user, campaign=campaign, offers=offers_, lots=lots)

    run_action(request, run, _("Die Angebote sind importiert."))
    return redirect("bundling:offers", campaign_id=campaign.pk)


@login_required
def offers_template(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    suppliers = list(Supplier.objects.select_related("organisation").order_by("organisation__name"))
    return _xlsx(xlsx.offer_template(campaign, suppliers), f"angebote-vorlage-{campaign.pk}.xlsx")


@login_required
@require_POST
def optimise(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    try:
        job = jobs.optimiser_start(actor=request.user, campaign=campaign)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("bundling:offers", campaign_id=campaign.pk)
    return redirect("core:job", job_id=job.pk)


def _run(request: HttpRequest, campaign_id: int, run_id: int) -> tuple[Campaign, Any]:
    campaign = _managed(request, campaign_id)
    run = campaign.runs.filter(pk=run_id).first()
    if run is None:
        raise Http404
    return campaign, run


@login_required
def run_detail(request: HttpRequest, campaign_id: int, run_id: int) -> HttpResponse:
    campaign, run = _run(request, campaign_id, run_id)
    result = selectors.run_report(run)
    chart = None
    if run.status == "optimal" and result.members:
        chart = charts.horizontal_bars(
            title=_("Kosten gebündelt und Einsparung je Mitglied (EUR)"),
            description=_(
                "Je Mitglied ein Balken: Kosten in der Bündelung und daran anschließend die Einsparung gegenüber "
                "dem Einzelkauf; die Länge des ganzen Balkens sind die Kosten allein. Die Zahlen stehen in der "
                "Tabelle unter dem Diagramm."
            ),
            categories=[m.member for m in result.members],
            series=[
                charts.Series(_("Kosten gebündelt"), [round(m.spend) for m in result.members]),
                charts.Series(_("Einsparung"), [max(round(m.savings), 0) for m in result.members]),
            ],
            unit="€",
            axis_label=_("Kosten in € (netto)"),
            label_width=260,
            row=28,
        )
    current = run.instance == selectors.optimiser_instance(campaign)
    return render(
        request,
        "bundling/run.html",
        {
            "campaign": campaign,
            "run": run,
            "result": result,
            "chart": chart,
            "current": current,
            "reason": selectors.infeasible_text(run.result["message"]) if run.status != "optimal" else "",
            "gap_text": _gap_text(run.status, run.result.get("gap") or 0),
            "alone_estimated": "bought alone" in run.result["message"],
        },
    )


def _gap_text(status: str, gap: float) -> str:
    """The optimiser's gap in words, only when the result is not proven cheapest."""
    if status == "optimal" or not gap:
        return ""
    return _("Die beste gefundene Vergabe ist höchstens %(pct)s %% teurer als die günstigste mögliche.") % {
        "pct": format_number(gap * 100, 1)
    }


@login_required
def run_export(request: HttpRequest, campaign_id: int, run_id: int) -> HttpResponse:
    campaign, run = _run(request, campaign_id, run_id)
    return _xlsx(xlsx.result_workbook(campaign, selectors.run_report(run)), f"zuschlag-{campaign.pk}-{run.pk}.xlsx")


@login_required
def award(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _managed(request, campaign_id)
    form = AwardForm(
        request.POST if request.method == "POST" else None, campaign=campaign, initial={"title": campaign.title}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid() and not confirmed(request):
            return confirmation_page(request, _award_confirmation(request, campaign, form.cleaned_data))
        if form.is_valid():
            try:
                contract = services.campaign_award(actor=request.user, campaign=campaign, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Der Rahmenvertrag ist als Entwurf angelegt."))
                return redirect("contracts:detail", contract_id=contract.pk)
        status = 400
    return render(request, "bundling/award.html", {"campaign": campaign, "form": form}, status=status)


def _award_confirmation(request: HttpRequest, campaign: Campaign, data: dict[str, Any]) -> Confirmation:
    preview = jobs.award_preview(data["run"])
    return Confirmation(
        title=_("Rahmenvertrag %(number)s anlegen?") % {"number": data["number"]},
        consequence=_(
            "Rahmenvertrag %(number)s im Entwurf anlegen: %(suppliers)s, %(items)s, %(members)s mit Kontingenten – "
            "die Bedarfsabfrage ist danach vergeben; das lässt sich nicht rückgängig machen."
        )
        % {
            "number": data["number"],
            "suppliers": ngettext(
                "%(n)s Los für einen Lieferanten", "%(n)s Lose für je einen Lieferanten", preview.suppliers
            )
            % {"n": preview.suppliers},
            "items": ngettext("%(n)s Position", "%(n)s Positionen", preview.items) % {"n": preview.items},
            "members": ngettext(
                "%(n)s abrufberechtigtes Mitglied", "%(n)s abrufberechtigte Mitglieder", preview.members
            )
            % {"n": preview.members},
        },
        button=_("Rahmenvertrag anlegen und Abfrage vergeben"),
        action=reverse("bundling:award", args=[campaign.pk]),
        back=reverse("bundling:award", args=[campaign.pk]),
        facts=[
            (_("Titel"), data["title"]),
            (_("Laufzeit"), f"{data['starts_on']:%d.%m.%Y} – {data['ends_on']:%d.%m.%Y}"),
            (_("Gesamtkosten laut Berechnung"), format_eur(data["run"].total_cost)),
        ],
        hidden=carried(request.POST),
    )
