"""Pages of the member register. Each view parses input, calls one selector or service, renders."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kitu.accounts import policies as account_policies
from kitu.accounts.selectors import users_of_organisation
from kitu.core import charts, storage
from kitu.core.confirm import Confirmation, carried, confirmation_page, confirmed
from kitu.core.errors import DomainError, NotFound
from kitu.core.forms import add_domain_error

from . import exports, policies, selectors, services
from .forms import (
    SUBRECORD_FORMS,
    ApplicationForm,
    EventForm,
    MemberEditForm,
    MemberSearchForm,
    OrderSettingsForm,
    RegisterForm,
)
from .models import EventKind, Member, MembershipEvent
from .register import csv_chunks, iter_rows, register_members, register_rows, total_shares
from .rules import business_year_end_on_or_after
from .services.lifecycle import member_number_preview


def _member(request: HttpRequest, member_id: int) -> Member:
    try:
        return selectors.member_for(request.user, member_id)
    except NotFound as exc:
        raise Http404 from exc


def _require(allowed: bool) -> None:
    if not allowed:
        raise DjangoPermissionDenied


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    _require(policies.can_view_register(request.user))
    form = MemberSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    members = selectors.search_members(request.user, **filters)
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "members/_member_rows.html" if request.htmx else "members/member_list.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "today": dt.date.today(),
            "can_create": policies.can_record_events(request.user),
        },
    )


@login_required
def member_create(request: HttpRequest) -> HttpResponse:
    _require(policies.can_record_events(request.user))
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_apply(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Der Beitrittsantrag von %(name)s ist erfasst.") % {"name": member.name})
            return redirect("members:detail", member_id=member.pk)
    return render(request, "members/member_form.html", {"form": form, "title": _("Neuer Beitrittsantrag")})


@login_required
def member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    """The member cockpit: master data, users, shares and the membership history."""
    member = _member(request, member_id)
    user = request.user
    can_record = policies.can_record_events(user)
    return render(
        request,
        "members/member_detail.html",
        {
            "member": member,
            "status": member.status_on(dt.date.today()),
            "figures": selectors.member_figures(member),
            "events": selectors.member_events(member),
            "people": users_of_organisation(member.organisation),
            "can_manage_users": account_policies.can_manage_users_of(user, member.organisation),
            "can_edit": policies.can_edit_member_all(user, member)
            or policies.can_edit_member_self_service(user, member),
            "can_manage_subrecords": policies.can_manage_subrecords(user, member),
            "can_record": can_record,
            "event_form": EventForm(member=member) if can_record else None,
            "subrecords": [
                (slug, singular, plural, list(getattr(member, attr).all()))
                for slug, (singular, plural, attr) in _SUBRECORD_SECTIONS.items()
            ],
        },
    )


_SUBRECORD_SECTIONS = {
    slug: (singular, plural, form._meta.model._meta.get_field("member").related_query_name())
    for slug, (form, singular, plural) in SUBRECORD_FORMS.items()
}


@login_required
def member_edit(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(request, member_id)
    allowed: tuple[str, ...]
    if policies.can_edit_member_all(request.user, member):
        allowed = services.MEMBER_COOP_FIELDS
    elif policies.can_edit_member_self_service(request.user, member):
        allowed = services.MEMBER_SELF_SERVICE_FIELDS
    else:
        raise DjangoPermissionDenied
    initial = {name: getattr(member, name) for name in allowed}
    form = MemberEditForm(request.POST or None, initial=initial, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(actor=request.user, member=member, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Die Stammdaten sind gespeichert."))
            return redirect("members:detail", member_id=member.pk)
    return render(
        request, "members/member_form.html", {"form": form, "member": member, "title": _("Stammdaten bearbeiten")}
    )


@login_required
def order_settings(request: HttpRequest, member_id: int) -> HttpResponse:
    """The member's order settings: the preselected delivery site and whether a cost centre is required."""
    member = _member(request, member_id)
    _require(policies.can_manage_subrecords(request.user, member))
    initial = {"default_site": member.default_site_id, "cost_centre_required": member.cost_centre_required}
    form = OrderSettingsForm(request.POST or None, initial=initial, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.order_settings_save(actor=request.user, member=member, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Die Bestellvorgaben sind gespeichert."))
            return redirect("members:detail", member_id=member.pk)
    return render(request, "members/member_form.html", {"form": form, "member": member, "title": _("Bestellvorgaben")})


@login_required
def event_add(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(request, member_id)
    _require(policies.can_record_events(request.user))
    form = EventForm(request.POST or None, request.FILES or None, member=member)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data["kind"] in CONFIRMED_EVENTS:
            if not confirmed(request):
                return confirmation_page(request, _event_confirmation(request, member, data))
            if data["kind"] == EventKind.ADMISSION:
                expected = request.POST.get("expected_number", "")
                data["expected_number"] = int(expected) if expected.isascii() and expected.isdigit() else None
        try:
            event = services.event_record(actor=request.user, member=member, kind=data["kind"], data=data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Vorgang „%(event)s“ ist erfasst.") % {"event": event})
            return redirect("members:detail", member_id=member.pk)
    return render(request, "members/event_form.html", {"form": form, "member": member})


# Irreversible steps of a membership: the form shows a confirmation page first.
CONFIRMED_EVENTS = (EventKind.ADMISSION, EventKind.REJECTION, EventKind.EXCLUSION, EventKind.MERGER, EventKind.EXIT)


class _DocumentAgainForm(forms.Form):
    document = forms.FileField(label=_("Dokument (optional, bitte erneut wählen)"), required=False)


def _event_confirmation(request: HttpRequest, member: Member, data: dict[str, Any]) -> Confirmation:
    kind, day = data["kind"], data["effective_date"]
    name, hidden = member.name, carried(request.POST)
    extra = None
    if kind == EventKind.ADMISSION:
        number = member_number_preview(data.get("member_number"))
        shares = data.get("share_delta") or 1
        title = _("%(name)s zulassen?") % {"name": name}
        consequence = _(
            "Mitgliedsnummer %(number)s wird vergeben: %(name)s ist ab %(day)s Mitglied mit %(shares)s. "
            "Eine vergebene Nummer wird nie wieder verwendet – das lässt sich nicht rückgängig machen."
        ) % {
            "number": number,
            "name": name,
            "day": f"{day:%d.%m.%Y}",
            "shares": ngettext("%(n)s Geschäftsanteil", "%(n)s Geschäftsanteilen", shares) % {"n": shares},
        }
        button = _("Zulassen und Mitgliedsnummer %(number)s vergeben") % {"number": number}
        hidden.append(("expected_number", str(number)))
    elif kind == EventKind.REJECTION:
        contacts = member.contacts.count()
        documents = member.events.exclude(document="").count()
        title = _("Beitrittsantrag von %(name)s ablehnen?") % {"name": name}
        consequence = _(
            "Den Antrag zum %(day)s ablehnen und die personenbezogenen Daten löschen: %(contacts)s, "
            "%(documents)s, Bemerkungen, Telefon und Rechnungsadresse – das lässt sich nicht rückgängig machen."
        ) % {
            "day": f"{day:%d.%m.%Y}",
            "contacts": ngettext("%(n)s Ansprechperson", "%(n)s Ansprechpersonen", contacts) % {"n": contacts},
            "documents": ngettext("%(n)s Dokument", "%(n)s Dokumente", documents) % {"n": documents},
        }
        button = _("Ablehnen und Daten löschen")
    else:
        leaves = day if kind == EventKind.EXIT else business_year_end_on_or_after(day)
        label = dict(EventKind.choices)[kind]
        title = _("%(event)s von %(name)s erfassen?") % {"event": label, "name": name}
        consequence = _(
            "%(event)s zum %(day)s erfassen: %(name)s scheidet zum %(leaves)s aus – das lässt sich nicht "
            "rückgängig machen."
        ) % {"event": label, "day": f"{day:%d.%m.%Y}", "name": name, "leaves": f"{leaves:%d.%m.%Y}"}
        button = _("%(event)s erfassen") % {"event": label}
        if kind == EventKind.EXCLUSION:
            extra = _DocumentAgainForm()
    return Confirmation(
        title=title,
        consequence=consequence,
        button=button,
        action=reverse("members:event_add", args=[member.pk]),
        back=reverse("members:detail", args=[member.pk]),
        hidden=hidden,
        extra_form=extra,
    )


@login_required
def event_document(request: HttpRequest, member_id: int, event_id: int) -> HttpResponseBase:
    member = _member(request, member_id)
    event = MembershipEvent.objects.filter(pk=event_id, member=member).exclude(document="").first()
    if event is None:
        raise Http404
    return storage.hand_over(event.document, filename=event.document.name.rsplit("/", 1)[-1])


def _subrecord_form(slug: str) -> tuple[Any, Any]:
    if slug not in SUBRECORD_FORMS:
        raise Http404
    form_class, singular, _plural = SUBRECORD_FORMS[slug]
    return form_class, singular


@login_required
def subrecord_edit(request: HttpRequest, member_id: int, slug: str, pk: int | None = None) -> HttpResponse:
    member = _member(request, member_id)
    _require(policies.can_manage_subrecords(request.user, member))
    form_class, singular = _subrecord_form(slug)
    model = form_class._meta.model
    instance = model() if pk is None else model.objects.filter(pk=pk, member=member).first()
    if instance is None:
        raise Http404
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.subrecord_save(actor=request.user, member=member, instance=form.instance, data=form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("%(what)s ist gespeichert.") % {"what": singular})
            return redirect("members:detail", member_id=member.pk)
    return render(request, "members/member_form.html", {"form": form, "member": member, "title": singular})


@login_required
@require_POST
def subrecord_delete(request: HttpRequest, member_id: int, slug: str, pk: int) -> HttpResponse:
    member = _member(request, member_id)
    _require(policies.can_manage_subrecords(request.user, member))
    form_class, singular = _subrecord_form(slug)
    instance = form_class._meta.model.objects.filter(pk=pk, member=member).first()
    if instance is None:
        raise Http404
    services.subrecord_delete(actor=request.user, member=member, instance=instance)
    messages.success(request, _("%(what)s ist gelöscht.") % {"what": singular})
    return redirect("members:detail", member_id=member.pk)


REGISTER_PAGE = 100  # rows per page of the § 30 list (the exports hold every row)


@login_required
def register(request: HttpRequest) -> HttpResponseBase:
    """The member list per § 30 GenG as of a date, as page, CSV, XLSX or PDF."""
    _require(policies.can_view_register(request.user))
    form = RegisterForm(request.GET or None)
    day = dt.date.today()
    include_former = False
    if form.is_valid():
        day = form.cleaned_data["as_of"] or day
        include_former = form.cleaned_data["include_former"]
    fmt = request.GET.get("format", "")
    stem = f"mitgliederliste-{day:%Y-%m-%d}"
    response: HttpResponseBase
    if fmt == "csv":  # streamed, a chunk of members at a time
        response = StreamingHttpResponse(
            csv_chunks(day, exports.header(), include_former=include_former), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.register_xlsx(list(iter_rows(day, include_former=include_former)), day),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "pdf":
        rows = iter_rows(day, include_former=include_former)
        response = HttpResponse(exports.register_pdf(list(rows), day), content_type="application/pdf")
    elif fmt:
        raise Http404
    else:
        members = register_members(day, include_former=include_former)
        page = Paginator(members, REGISTER_PAGE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("format", None)
        query.pop("page", None)
        return render(
            request,
            "members/register.html",
            {
                "form": form,
                "rows": register_rows(page.object_list, day),
                "page": page,
                "count": page.paginator.count,
                "day": day,
                "query": query.urlencode(),
                "total_shares": total_shares(members, day),
            },
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    _require(policies.can_view_register(request.user))
    stats = selectors.membership_statistics()
    # Business-year ends are labelled by year, the last column (today) by its date.
    labels = [f"{d:%Y}" for d in stats.dates[:-1]] + [f"{d:%d.%m.%Y}" for d in stats.dates[-1:]]
    chart = charts.stacked_bars(
        title=_("Mitglieder nach Art, jeweils zum Ende des Geschäftsjahres"),
        description=_(
            "Gestapelte Säulen: Zahl der Mitglieder je Art und Jahr. Die Tabelle darunter enthält dieselben Zahlen."
        ),
        categories=labels,
        series=[charts.Series(label, stats.counts[code]) for code, label in stats.types],
        axis_label=_("Anzahl Mitglieder"),
    )
    legend = [(label, charts.colour(i)) for i, (_code, label) in enumerate(stats.types)]
    table = [(label, stats.counts[code]) for code, label in stats.types]
    return render(
        request,
        "members/statistics.html",
        {"chart": chart, "legend": legend, "labels": labels, "table": table, "totals": stats.totals},
    )
