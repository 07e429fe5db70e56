"""Pages of billing: the service catalog, subscriptions and requests (member cockpit, approval by the office),
invoices with XML and PDF downloads, receivables with payments, reminders and CSV export, billing runs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kitu.core import charts
from kitu.core import jobs as core_jobs
from kitu.core.confirm import Confirmation, carried, confirmation_page, confirmed
from kitu.core.errors import DomainError, NotFound
from kitu.core.forms import errors_text, run_action, run_form_action, save_form
from kitu.core.money import format_eur

from . import jobs, mails, pdf, pricing, receivables, runs, selectors, subscriptions, xrechnung
from .forms import (
    ChangeRequestForm,
    CreditNoteForm,
    DecisionForm,
    MemberFilterForm,
    NewRequestForm,
    PaymentForm,
    PeriodForm,
    PriceForm,
    ServiceForm,
)
from .models import BillingRun, InvoiceStatus, RequestStatus, RunStatus, Service, SubscriptionRequest
from .policies import can_manage_billing, can_request_for, can_see_all_billing, can_use_billing


def _require(allowed: bool) -> None:
    if not allowed:
        raise DjangoPermissionDenied


def _requesting_members(request: HttpRequest) -> list[Any] | None:
    """The members this person files requests for; None: the office, for any member (picked by search)."""
    if can_manage_billing(request.user):  # the office requests for any member of the register
        return None
    return [m for m in selectors.reader_members(request.user) if can_request_for(request.user, m)]


# --- catalog and subscriptions ---------------------------------------------------------------------------


@login_required
def catalog(request: HttpRequest) -> HttpResponse:
    _require(can_use_billing(request.user))
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
    _require(can_manage_billing(request.user))
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
    _require(can_manage_billing(request.user))
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
    _require(members is None or bool(members))
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
    _require(can_use_billing(request.user))
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
            "query": _without_page(request),
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
    _require(can_request_for(request.user, subscription.member))
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
    _require(can_manage_billing(request.user))
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


# --- invoices and receivables ----------------------------------------------------------------------------


def _invoice(request: HttpRequest, invoice_id: int) -> Any:
    try:
        return selectors.invoice_for(request.user, invoice_id)
    except NotFound as exc:
        raise Http404 from exc


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _receivables_chart(months: dict[str, dict[str, Any]]) -> Any:
    if not months:
        return None
    labels = list(months)
    return charts.stacked_bars(
        title=_("Forderungen nach Fälligkeitsmonat (EUR, brutto)"),
        description=_("Je Monat ein Balken: bezahlt, offen und überfällig."),
        categories=labels,
        series=[
            charts.Series(str(receivables.STATES[key]), [int(months[m][key]) for m in labels])
            for key in (receivables.PAID, receivables.OPEN, receivables.OVERDUE)
        ],
        axis_label=_("Betrag in € (brutto)"),
    )


@login_required
def invoice_list(request: HttpRequest) -> HttpResponse:
    _require(can_use_billing(request.user))
    today = timezone.localdate()
    invoices = selectors.visible_invoices(request.user)
    member_id, state = request.GET.get("mitglied", ""), request.GET.get("status", "")
    if member_id.isdigit():
        invoices = invoices.filter(member_id=int(member_id))
    if state in receivables.STATES:
        invoices = selectors.state_filter(invoices, state, today)
    office = can_see_all_billing(request.user)
    issued = invoices.filter(status=InvoiceStatus.ISSUED).order_by("-issue_date", "-number", "-pk")
    page = Paginator(issued, 50).get_page(request.GET.get("page"))
    months = selectors.receivables_by_month(invoices, today)
    cancelled = selectors.cancelled_ids([i.pk for i in page])
    rows = [
        {
            "invoice": i,
            "state": receivables.state(i, today, cancelled=i.pk in cancelled),
            "open": receivables.outstanding(i),
        }
        for i in page
    ]
    return render(
        request,
        "billing/invoices.html",
        {
            "rows": rows,
            "page": page,
            "drafts": invoices.filter(status=InvoiceStatus.DRAFT).count() if office else 0,
            # the office searches the register; a member's people choose among their own few members
            "member_filter": MemberFilterForm({"mitglied": member_id}) if office else None,
            "members": [] if office else selectors.reader_members(request.user),
            "member_id": member_id,
            "state": state,
            "states": [(k, v) for k, v in receivables.STATES.items() if k in ("open", "paid", "overdue")],
            "summary": selectors.receivable_summary(months),
            "chart": _receivables_chart(months) if office else None,
            "office": office,
            "query": _without_page(request),
        },
    )


@login_required
def invoice_csv(request: HttpRequest) -> HttpResponse:
    _require(can_see_all_billing(request.user))
    today = timezone.localdate()
    invoices = selectors.visible_invoices(request.user).filter(status=InvoiceStatus.ISSUED)
    state = request.GET.get("status", "")
    if state in receivables.STATES:
        invoices = selectors.state_filter(invoices, state, today)
    invoices = invoices.order_by("number")
    with translation.override("de"):
        cancelled = selectors.cancelled_ids(list(invoices.values_list("pk", flat=True)))
        text = receivables.receivables_csv(invoices, today, cancelled)
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="forderungen-{today:%Y-%m-%d}.csv"'
    return response


@login_required
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    _require(can_use_billing(request.user))
    invoice = _invoice(request, invoice_id)
    today = timezone.localdate()
    lines = list(invoice.lines.select_related("subscription__cost_centre").order_by("position"))
    _net, _vat, breakdown = pricing.totals(lines)
    manage = can_manage_billing(request.user) and invoice.status == InvoiceStatus.ISSUED
    is_cancelled = invoice.corrections.exists()
    state = receivables.state(invoice, today, cancelled=is_cancelled)
    return render(
        request,
        "billing/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": lines,
            "breakdown": breakdown,
            "state": state,
            "state_label": receivables.STATES[state],
            "open": receivables.outstanding(invoice),
            "reminder": receivables.REMINDERS.get(invoice.reminder_level, ""),
            "payment_form": PaymentForm(initial={"paid_on": today, "amount": receivables.outstanding(invoice)})
            if manage and state in (receivables.OPEN, receivables.OVERDUE)
            else None,
            "can_remind": manage and state == receivables.OVERDUE,
            "credit_form": CreditNoteForm() if manage and invoice.kind == "invoice" and not is_cancelled else None,
            "corrections": invoice.corrections.all(),
            "perms_runs": can_manage_billing(request.user),
        },
    )


@login_required
def invoice_file(request: HttpRequest, invoice_id: int, syntax: str) -> HttpResponse:
    _require(can_use_billing(request.user))
    invoice = _invoice(request, invoice_id)
    if invoice.status != InvoiceStatus.ISSUED or syntax not in (*xrechnung.SYNTAXES, "pdf"):
        raise Http404
    if syntax == "pdf":
        response = HttpResponse(pdf.render(invoice), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
        return response
    response = HttpResponse(xrechnung.render(invoice, syntax), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}-xrechnung-{syntax}.xml"'
    return response


@login_required
@require_POST
def invoice_payment(request: HttpRequest, invoice_id: int) -> HttpResponse:
    _require(can_manage_billing(request.user))
    invoice = _invoice(request, invoice_id)
    run_form_action(
        request,
        PaymentForm(request.POST),
        lambda data: receivables.payment_record(actor=request.user, invoice=invoice, **data),
        _("Der Zahlungseingang ist gebucht."),
    )
    return redirect("billing:invoice", invoice_id=invoice.pk)


@login_required
@require_POST
def invoice_reminder(request: HttpRequest, invoice_id: int) -> HttpResponse:
    _require(can_manage_billing(request.user))
    invoice = _invoice(request, invoice_id)
    if not confirmed(request):
        to = mails.recipients(invoice)
        level = receivables.REMINDERS.get(invoice.reminder_level + 1, _("Mahnung"))
        return confirmation_page(
            request,
            Confirmation(
                title=_("%(level)s senden?") % {"level": level},
                consequence=_(
                    "%(level)s zu Rechnung %(number)s über %(open)s offen an %(member)s senden (%(to)s) – "
                    "eine verschickte Mahnung lässt sich nicht zurückholen."
                )
                % {
                    "level": level,
                    "number": invoice.number,
                    "open": format_eur(receivables.outstanding(invoice)),
                    "member": invoice.member.name,
                    "to": ", ".join(to) or _("kein Empfänger"),
                },
                button=_("%(level)s senden") % {"level": level},
                action=reverse("billing:invoice_reminder", args=[invoice.pk]),
                back=reverse("billing:invoice", args=[invoice.pk]),
            ),
        )
    run_action(
        request,
        lambda: receivables.reminder_send(actor=request.user, invoice=invoice),
        _("Die Mahnung ist verschickt."),
    )
    return redirect("billing:invoice", invoice_id=invoice.pk)


@login_required
@require_POST
def invoice_credit_note(request: HttpRequest, invoice_id: int) -> HttpResponse:
    _require(can_manage_billing(request.user))
    invoice = _invoice(request, invoice_id)
    form = CreditNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("billing:invoice", invoice_id=invoice.pk)
    if not confirmed(request):
        to = mails.recipients(invoice)
        return confirmation_page(
            request,
            Confirmation(
                title=_("Rechnung %(number)s stornieren?") % {"number": invoice.number},
                consequence=_(
                    "Eine Gutschrift über %(total)s zu Rechnung %(number)s ausstellen und an %(member)s senden – "
                    "die Rechnung ist damit vollständig storniert; das lässt sich nicht rückgängig machen."
                )
                % {"total": format_eur(invoice.gross_total), "number": invoice.number, "member": invoice.member.name},
                button=_("Gutschrift ausstellen und verschicken"),
                action=reverse("billing:invoice_credit_note", args=[invoice.pk]),
                back=reverse("billing:invoice", args=[invoice.pk]),
                facts=[
                    (_("Rechnung"), invoice.number),
                    (_("Mitglied"), invoice.member.name),
                    (_("Betrag der Gutschrift"), format_eur(invoice.gross_total)),
                    (_("Grund"), form.cleaned_data["reason"]),
                    (_("Empfänger"), ", ".join(to) or _("kein Empfänger")),
                ],
                hidden=carried(request.POST),
            ),
        )
    created: list[Any] = []
    run_form_action(
        request,
        form,
        lambda data: created.append(runs.credit_note_create(actor=request.user, invoice=invoice, **data)),
        _("Die Gutschrift ist ausgestellt und verschickt."),
    )
    return redirect("billing:invoice", invoice_id=created[0].pk if created else invoice.pk)


# --- billing runs ----------------------------------------------------------------------------------------


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    _require(can_manage_billing(request.user))
    form = PeriodForm(request.POST or None)
    if request.method == "POST":
        created: list[Any] = []
        ok = run_form_action(
            request,
            form,
            lambda data: created.append(runs.run_create(actor=request.user, **data)),
            _("Der Abrechnungslauf ist berechnet."),
        )
        if ok:
            result = created[0]
            if result.skipped:
                messages.warning(
                    request,
                    _("Ohne Leitweg-ID nicht abgerechnet: %(names)s") % {"names": ", ".join(result.skipped)},
                )
            return redirect("billing:run", run_id=result.run.pk)
        return redirect("billing:runs")
    return render(
        request,
        "billing/runs.html",
        {"runs": BillingRun.objects.all(), "form": form, "unmailed": selectors.unmailed_invoices(request.user)},
    )


@login_required
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    _require(can_manage_billing(request.user))
    run = BillingRun.objects.filter(pk=run_id).first()
    if run is None:
        raise Http404
    invoices = (
        run.invoices.select_related("member__organisation")
        .prefetch_related("lines")
        .order_by("member__organisation__name", "leitweg_id")
    )
    return render(
        request,
        "billing/run_detail.html",
        {
            "run": run,
            "invoices": invoices,
            "unmailed": selectors.unmailed_invoices(request.user),
            "job": core_jobs.latest_job(jobs.ISSUE, run),
        },
    )


@login_required
@require_POST
def run_step(request: HttpRequest, run_id: int, step: str) -> HttpResponse:
    _require(can_manage_billing(request.user))
    run = BillingRun.objects.filter(pk=run_id).first()
    if run is None or step not in ("review", "issue"):
        raise Http404
    if step == "review":
        run_action(
            request, lambda: runs.run_review(actor=request.user, run=run), _("Der Lauf ist als geprüft markiert.")
        )
        return redirect("billing:run", run_id=run.pk)
    if not confirmed(request):
        if run.status != RunStatus.REVIEWED:
            messages.error(request, _("Bitte den Lauf erst prüfen; ausgestellt wird nur ein geprüfter Lauf."))
            return redirect("billing:run", run_id=run.pk)
        return confirmation_page(request, _issue_confirmation(run))
    try:
        job = jobs.run_issue_start(actor=request.user, run=run)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("billing:run", run_id=run.pk)
    return redirect("core:job", job_id=job.pk)


def _issue_confirmation(run: BillingRun) -> Confirmation:
    preview = jobs.issue_preview(run)
    invoices = ngettext("%(n)s Rechnung", "%(n)s Rechnungen", preview.invoices) % {"n": preview.invoices}
    members = ngettext("%(n)s Mitglied", "%(n)s Mitglieder", preview.members) % {"n": preview.members}
    return Confirmation(
        title=_("Abrechnungslauf %(period)s ausstellen?") % {"period": run.period},
        consequence=_(
            "%(invoices)s ausstellen und an %(members)s senden – das lässt sich nicht rückgängig machen. "
            "Korrekturen gibt es danach nur noch als Gutschrift."
        )
        % {"invoices": invoices, "members": members},
        button=_("%(invoices)s ausstellen und verschicken") % {"invoices": invoices},
        action=reverse("billing:run_step", args=[run.pk, "issue"]),
        back=reverse("billing:run", args=[run.pk]),
        facts=[
            (_("Zeitraum"), f"{run.period_start:%d.%m.%Y} – {run.period_end:%d.%m.%Y}"),
            (_("Rechnungen"), preview.invoices),
            (_("Mitglieder"), preview.members),
        ],
    )


@login_required
@require_POST
def unmailed_send(request: HttpRequest) -> HttpResponse:
    """The office sends every issued invoice whose mail has not gone out (the list on the run pages)."""
    _require(can_manage_billing(request.user))
    run_id = request.POST.get("run", "")
    if not confirmed(request):
        unmailed = selectors.unmailed_invoices(request.user)
        reachable = [row for row in unmailed if row["to"]]
        members = {row["invoice"].member_id for row in reachable}
        count = ngettext("%(n)s Rechnung", "%(n)s Rechnungen", len(reachable)) % {"n": len(reachable)}
        back = reverse("billing:run", args=[int(run_id)]) if run_id.isdigit() else reverse("billing:runs")
        return confirmation_page(
            request,
            Confirmation(
                title=_("Nicht verschickte Rechnungen jetzt verschicken?"),
                consequence=_(
                    "%(count)s an %(members)s senden – eine verschickte Rechnung lässt sich nicht zurückholen."
                )
                % {
                    "count": count,
                    "members": ngettext("%(n)s Mitglied", "%(n)s Mitglieder", len(members)) % {"n": len(members)},
                },
                button=_("%(count)s verschicken") % {"count": count},
                action=reverse("billing:unmailed_send"),
                back=back,
                facts=[
                    (_("Nummern"), ", ".join(str(row["invoice"].number) for row in reachable) or "–"),
                    (
                        _("ohne Empfänger (bleiben liegen)"),
                        ", ".join(str(row["invoice"].number) for row in unmailed if not row["to"]) or "–",
                    ),
                ],
                hidden=carried(request.POST),
            ),
        )
    batch = mails.unmailed_send(actor=request.user)
    notify = messages.warning if batch.failed or batch.no_recipient else messages.success
    notify(request, batch.summary())
    return redirect("billing:run", run_id=int(run_id)) if run_id.isdigit() else redirect("billing:runs")
