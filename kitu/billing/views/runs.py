"""Billing runs: create, review, issue (after a confirmation) and the mail of unmailed invoices."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kitu.core import jobs as core_jobs
from kitu.core.confirm import Confirmation, carried, confirmation_page, confirmed
from kitu.core.errors import DomainError
from kitu.core.forms import run_action, run_form_action

from .. import jobs, mails, runs, selectors
from ..forms import (
    PeriodForm,
)
from ..models import BillingRun, RunStatus
from ..policies import can_manage_billing
from .common import require

# --- billing runs ----------------------------------------------------------------------------------------


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    require(can_manage_billing(request.user))
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
    require(can_manage_billing(request.user))
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
    require(can_manage_billing(request.user))
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
    require(can_manage_billing(request.user))
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
