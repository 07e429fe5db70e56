"""The personal calendar feed, and the training fees for the office."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kitu.accounts.models import Organisation
from kitu.core.exports import csv_writer
from kitu.core.forms import run_action

from .. import ics, selectors, services
from ..forms import FeesForm
from ..policies import can_manage_groups, is_staff_of_member_or_coop


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The address of the personal calendar feed, and making a new one."""
    if not is_staff_of_member_or_coop(request.user):
        raise Http404
    renew = request.method == "POST"
    token = services.calendar_token(actor=request.user, renew=renew)
    if renew:
        messages.success(request, _("Die neue Adresse gilt; die alte funktioniert nicht mehr."))
        return redirect("workgroups:calendar")
    url = request.build_absolute_uri(reverse("workgroups:feed", args=[token]))
    return render(request, "workgroups/calendar.html", {"url": url})


@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal feed; the secret in the address is the only credential (calendar programs send none)."""
    user = selectors.feed_user(token)
    if user is None:
        raise Http404
    body = ics.calendar(selectors.feed_meetings(user), name="KITU – Termine")
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@login_required
def fees(request: HttpRequest) -> HttpResponse:
    """Unbilled training fees by organisation for the office; CSV for the invoicing, and marking billed."""
    if not can_manage_groups(request.user):
        raise DjangoPermissionDenied
    today = timezone.localdate()
    if request.method == "POST":
        form = FeesForm(request.POST)
        organisation = (
            Organisation.objects.filter(pk=form.cleaned_data["organisation"]).first() if form.is_valid() else None
        )
        if organisation is None:
            raise Http404
        run_action(
            request,
            lambda: services.fees_mark_billed(
                actor=request.user, organisation=organisation, until=form.cleaned_data["until"]
            ),
            _("Die Gebühren von %(org)s sind als abgerechnet markiert.") % {"org": organisation.name},
        )
        return redirect("workgroups:fees")
    rows = (
        selectors.unbilled_fees()
        .select_related("meeting", "user", "organisation")
        .order_by("organisation__name", "meeting__starts_at")
    )
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="teilnahmegebuehren-{today:%Y-%m-%d}.csv"'
        writer = csv_writer(response)
        writer.writerow(["Organisation", "Termin", "Datum", "Person", "Gebühr (EUR netto)", "anwesend"])
        writer.writerows(
            [
                r.organisation.name if r.organisation else None,
                r.meeting.title,
                timezone.localtime(r.meeting.starts_at).date(),
                r.user.full_name or r.user.email,
                r.fee,
                "ja" if r.attended else "nein",
            ]
            for r in rows
        )
        return response
    context = {"totals": selectors.unbilled_fees_by_organisation(), "rows": rows, "today": today}
    return render(request, "workgroups/fees.html", context)
