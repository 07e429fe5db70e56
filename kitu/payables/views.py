"""Pages of inbound e-invoices: the supplier's upload and sent list, the member's inbox, the invoice with
its matching result and XML, the two approval steps and the rejection (each after a confirmation page),
and the booking list export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.core import storage
from kitu.core.confirm import Confirmation, carried, confirmation_page, confirmed
from kitu.core.errors import DomainError, NotFound
from kitu.core.forms import errors_text
from kitu.core.money import format_eur

from . import export, selectors, services, validation
from .forms import FilterForm, RejectForm, UploadForm
from .models import OPEN_STATUSES, InboundInvoice, InvoiceStatus
from .policies import (
    can_confirm_arithmetic,
    can_confirm_factual,
    can_export,
    can_reject,
    member_org_ids,
    supplier_org_ids,
)


def _invoice(request: HttpRequest, invoice_id: int) -> InboundInvoice:
    try:
        return selectors.visible_invoice(request.user, invoice_id)
    except NotFound:
        raise Http404 from None


@login_required
def invoice_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    is_member, is_supplier = bool(member_org_ids(user)), bool(supplier_org_ids(user))
    if not is_member and not is_supplier:
        raise DjangoPermissionDenied
    form = FilterForm(request.GET or None)
    received = selectors.received_invoices(user)
    sent = selectors.sent_invoices(user)
    if form.is_valid() and form.cleaned_data["status"]:
        received = received.filter(status=form.cleaned_data["status"])
        sent = sent.filter(status=form.cleaned_data["status"])
    return render(
        request,
        "payables/invoice_list.html",
        {
            "form": form if form.is_bound else FilterForm(),
            "is_member": is_member,
            "is_supplier": is_supplier,
            "received": received[:300] if is_member else [],
            "sent": sent[:300] if is_supplier else [],
            "may_export": any(can_export(user, org) for org in member_org_ids(user)),
        },
    )


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """The supplier's upload with the same checks as the API; refused documents list the failed rules."""
    if not supplier_org_ids(request.user):
        raise DjangoPermissionDenied
    form = UploadForm()
    rejected: validation.Rejected | None = None
    status = 200
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                invoice = services.receive(actor=request.user, data=form.cleaned_data["file"])
            except validation.Rejected as exc:
                rejected, status = exc, 400
            except services.Duplicate as exc:
                form.add_error("file", exc.message)
                status = 409
            except services.StorageUnavailable as exc:
                form.add_error("file", exc.message)
                status = 503
            except DomainError as exc:
                form.add_error("file", exc.message)
                status = 400
            else:
                if invoice.matched:
                    messages.success(request, _("Die Rechnung ist eingegangen und passt zur Bestellung."))
                else:
                    messages.warning(
                        request, _("Die Rechnung ist eingegangen; das Mitglied prüft die genannten Abweichungen.")
                    )
                return redirect("payables:detail", invoice_id=invoice.pk)
        else:
            status = 400
    return render(
        request,
        "payables/upload.html",
        {
            "form": form,
            "rejected": rejected,
            "layers": validation.LAYER_NAMES,
            "versions": validation.rule_versions(),
        },
        status=status,
    )


@login_required
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    user = request.user
    org = invoice.member.organisation_id
    open_ = invoice.status in (InvoiceStatus.MATCHED, InvoiceStatus.TO_REVIEW)
    return render(
        request,
        "payables/invoice_detail.html",
        {
            "invoice": invoice,
            "lines": list(invoice.lines.select_related("order_line__cost_centre")),
            "may_factual": open_ and can_confirm_factual(user, org),
            "may_arithmetic": invoice.status == InvoiceStatus.FACTUALLY_APPROVED
            and can_confirm_arithmetic(user, org)
            and invoice.factual_by_id != user.pk,
            "same_person": invoice.status == InvoiceStatus.FACTUALLY_APPROVED and invoice.factual_by_id == user.pk,
            "reject_form": RejectForm() if invoice.status in OPEN_STATUSES and can_reject(user, org) else None,
            "member_side": org in member_org_ids(user),
        },
    )


@login_required
def invoice_xml(request: HttpRequest, invoice_id: int) -> HttpResponseBase:
    """The XML as received, streamed from the storage through this view once the reader may see the invoice
    (never a storage URL), as an attachment named after the invoice number."""
    invoice = _invoice(request, invoice_id)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in invoice.number)[:80] or "rechnung"
    try:
        return storage.stream(invoice.xml, filename=f"{safe}.xml", content_type="application/xml")
    except FileNotFoundError as exc:
        raise Http404 from exc


def _facts(invoice: InboundInvoice) -> list[tuple[str, Any]]:
    return [
        (_("Rechnung"), invoice.number),
        (_("Rechnungssteller"), invoice.seller_name),
        (_("Zahlbetrag"), format_eur(invoice.payable)),
        (_("Bestellung"), invoice.order.number if invoice.order else _("keine")),
    ]


@login_required
@require_POST
def factual(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    if not can_confirm_factual(request.user, invoice.member.organisation_id):
        raise DjangoPermissionDenied
    if not confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Sachliche Richtigkeit bestätigen?"),
                consequence=_(
                    "Sie bestätigen, dass die Lieferung oder Leistung wie berechnet erbracht wurde. Danach prüft "
                    "eine andere Person die rechnerische Richtigkeit."
                ),
                button=_("Sachlich richtig bestätigen"),
                action=reverse("payables:factual", args=[invoice.pk]),
                back=reverse("payables:detail", args=[invoice.pk]),
                facts=[*_facts(invoice), (_("Abweichungen"), len(invoice.problems))],
            ),
        )
    try:
        services.confirm_factual(actor=request.user, invoice=invoice)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Die sachliche Richtigkeit ist bestätigt."))
    return redirect("payables:detail", invoice_id=invoice.pk)


@login_required
@require_POST
def arithmetic(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    if not can_confirm_arithmetic(request.user, invoice.member.organisation_id):
        raise DjangoPermissionDenied
    if not confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Rechnerische Richtigkeit bestätigen und freigeben?"),
                consequence=_(
                    "Sie bestätigen Beträge und Berechnung; die Rechnung ist damit zur Zahlung freigegeben und "
                    "erscheint in der Buchungsliste. Das lässt sich nicht rückgängig machen."
                ),
                button=_("Rechnerisch richtig bestätigen und freigeben"),
                action=reverse("payables:arithmetic", args=[invoice.pk]),
                back=reverse("payables:detail", args=[invoice.pk]),
                facts=_facts(invoice),
            ),
        )
    try:
        services.confirm_arithmetic(actor=request.user, invoice=invoice)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Die Rechnung ist rechnerisch richtig und zur Zahlung freigegeben."))
    return redirect("payables:detail", invoice_id=invoice.pk)


@login_required
@require_POST
def reject(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    if not can_reject(request.user, invoice.member.organisation_id):
        raise DjangoPermissionDenied
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return redirect("payables:detail", invoice_id=invoice.pk)
    if not confirmed(request):
        to = ", ".join(e for e in dict.fromkeys((invoice.supplier.order_email, invoice.sent_by.email)) if e)
        return confirmation_page(
            request,
            Confirmation(
                title=_("Rechnung %(number)s zurückweisen?") % {"number": invoice.number},
                consequence=_(
                    "Die Rechnung wird zurückgewiesen und der Lieferant erhält den Grund per E-Mail (%(to)s). "
                    "Das lässt sich nicht rückgängig machen."
                )
                % {"to": to or _("kein Empfänger")},
                button=_("Zurückweisen und Lieferanten benachrichtigen"),
                action=reverse("payables:reject", args=[invoice.pk]),
                back=reverse("payables:detail", args=[invoice.pk]),
                facts=[*_facts(invoice), (_("Grund"), form.cleaned_data["reason"])],
                hidden=carried(request.POST),
            ),
        )
    try:
        services.reject(actor=request.user, invoice=invoice, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Die Rechnung ist zurückgewiesen; der Lieferant wird benachrichtigt."))
    return redirect("payables:detail", invoice_id=invoice.pk)


@login_required
def booking_list(request: HttpRequest) -> HttpResponse:
    """Approved invoices of the members where the user may export, as CSV (default) or XLSX."""
    orgs = [org for org in member_org_ids(request.user) if can_export(request.user, org)]
    if not orgs:
        raise DjangoPermissionDenied
    invoices = InboundInvoice.objects.filter(member__organisation_id__in=orgs, status=InvoiceStatus.APPROVED)
    if request.GET.get("format") == "xlsx":
        return export.xlsx_response(invoices)
    return export.csv_response(invoices)
