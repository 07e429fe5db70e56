"""Invoices with XML and PDF downloads, receivables with payments, reminders, credit notes and CSV export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.core import charts
from kitu.core.confirm import Confirmation, carried, confirmation_page, confirmed
from kitu.core.errors import NotFound
from kitu.core.forms import errors_text, run_action, run_form_action
from kitu.core.money import format_eur

from .. import mails, pdf, pricing, receivables, runs, selectors, xrechnung
from ..forms import (
    CreditNoteForm,
    MemberFilterForm,
    PaymentForm,
)
from ..models import InvoiceStatus
from ..policies import can_manage_billing, can_see_all_billing, can_use_billing
from .common import require, without_page

# --- invoices and receivables ----------------------------------------------------------------------------


def _invoice(request: HttpRequest, invoice_id: int) -> Any:
    try:
        return selectors.invoice_for(request.user, invoice_id)
    except NotFound as exc:
        raise Http404 from exc


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
    require(can_use_billing(request.user))
    today = timezone.localdate()
    invoices = selectors.visible_invoices(request.user)
    member_id, state = request.GET.get("mitglied", ""), request.GET.get("status", "")
    if member_id.isdigit():
        invoices = invoices.filter(member_id=int(member_id))
    if state in receivables.STATES:
        invoices = selectors.state_filter(invoices, state, today)
    office = can_see_all_billing(request.user)
    issued = invoices.filter(status=InvoiceStatus.ISSUED).order_by("-issue_date", "-number", "-pk")
    figures = selectors.receivables_of(invoices, today)
    paginator = Paginator(issued, 50)
    paginator.count = figures.issued  # counted with the sums: no COUNT(*) of its own
    page = paginator.get_page(request.GET.get("page"))
    months = figures.months
    rows = [
        {
            "invoice": i,
            "state": receivables.state(i, today, cancelled=i.pk in figures.cancelled),
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
            "query": without_page(request),
        },
    )


@login_required
def invoice_csv(request: HttpRequest) -> HttpResponse:
    require(can_see_all_billing(request.user))
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
    require(can_use_billing(request.user))
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
    require(can_use_billing(request.user))
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
    require(can_manage_billing(request.user))
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
    require(can_manage_billing(request.user))
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
    require(can_manage_billing(request.user))
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
