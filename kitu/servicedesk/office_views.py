"""The office's settings pages of the service desk (docs/servicedesk.md): teams, service levels, canned
replies. The office (``coop_admin``) changes them, the service desk reads the overview; everybody else 403."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kitu.accounts.models import User
from kitu.accounts.policies import is_coop_admin
from kitu.billing.models import Service
from kitu.core.confirm import Confirmation, confirmation_page, confirmed
from kitu.core.errors import DomainError
from kitu.core.forms import add_domain_error

from . import conf
from .models import CannedReply, ServiceLevel, Team
from .office_forms import CannedForm, LevelForm, TeamForm
from .policies import is_desk_staff
from .services import office

DESK_ROLES = ("service_desk", "coop_admin")


def _office_or_403(request: HttpRequest) -> None:
    if not is_coop_admin(request.user):
        raise DjangoPermissionDenied


def _hours(minutes: int) -> str:
    return f"{Decimal(minutes) / 60:.2f}".rstrip("0").rstrip(".").replace(".", ",")


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    if not is_desk_staff(request.user):
        raise DjangoPermissionDenied
    levels = [
        {"level": level, "response": _hours(level.response_minutes), "resolution": _hours(level.resolution_minutes)}
        for level in ServiceLevel.objects.select_related("service").order_by("service__name", "priority")
    ]
    context = {
        "can_edit": is_coop_admin(request.user),
        "teams": Team.objects.prefetch_related("members", "services"),
        "levels": levels,
        "replies": CannedReply.objects.select_related("team").order_by("retired_at", "title"),
        "service_hours": conf.hours_setting(),
    }
    return render(request, "servicedesk/office.html", context)


def _people() -> list[tuple[int, str]]:
    desk = User.objects.filter(is_active=True, role_assignments__role__in=DESK_ROLES).distinct().order_by("email")
    return [(user.pk, user.full_name or user.email) for user in desk]


def _services() -> list[tuple[int, str]]:
    return [(s.pk, s.name) for s in Service.objects.order_by("name")]


def _form_page(request: HttpRequest, form: Any, title: str, status: int = 200) -> HttpResponse:
    return render(
        request,
        "servicedesk/office_form.html",
        {"form": form, "title": title, "back": reverse("servicedesk:office")},
        status=status,
    )


@login_required
def team_edit(request: HttpRequest, team_id: int | None = None) -> HttpResponse:
    _office_or_403(request)
    team = Team.objects.filter(pk=team_id).first() if team_id else None
    if team_id and team is None:
        raise Http404
    initial = (
        {
            "name": team.name,
            "members": [u.pk for u in team.members.all()],
            "services": [s.pk for s in team.services.all()],
        }
        if team
        else {}
    )
    form = TeamForm(request.POST or None, initial=initial, people=_people(), services=_services())
    title = _("Team bearbeiten") if team else _("Neues Team")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            office.team_save(
                actor=request.user,
                team=team,
                name=data["name"],
                members=User.objects.filter(pk__in=data["members"]),
                services=Service.objects.filter(pk__in=data["services"]),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Team gespeichert."))
            return redirect("servicedesk:office")
    return _form_page(request, form, title, 400 if request.method == "POST" else 200)


@login_required
def level_edit(request: HttpRequest) -> HttpResponse:
    _office_or_403(request)
    form = LevelForm(request.POST or None, services=_services())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service = Service.objects.filter(pk=data["service"]).first() if data["service"] else None
        try:
            if data["service"] and service is None:
                raise DomainError(_("Diese Leistung gibt es nicht."), field="service")
            office.level_save(
                actor=request.user,
                service=service,
                priority=data["priority"],
                response_hours=data["response_hours"],
                resolution_hours=data["resolution_hours"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Servicelevel gespeichert. Offene Tickets behalten ihre bisherigen Fristen."))
            return redirect("servicedesk:office")
    return _form_page(request, form, _("Servicelevel festlegen"), 400 if request.method == "POST" else 200)


def _teams() -> list[tuple[int, str]]:
    return [(t.pk, t.name) for t in Team.objects.all()]


@login_required
def canned_edit(request: HttpRequest, reply_id: int | None = None) -> HttpResponse:
    _office_or_403(request)
    reply = CannedReply.objects.filter(pk=reply_id, retired_at__isnull=True).first() if reply_id else None
    if reply_id and reply is None:
        raise Http404
    initial = {"title": reply.title, "body": reply.body, "team": reply.team_id} if reply else {}
    form = CannedForm(request.POST or None, initial=initial, teams=_teams())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            office.canned_save(
                actor=request.user,
                reply=reply,
                title=data["title"],
                body=data["body"],
                team=Team.objects.filter(pk=data["team"]).first() if data["team"] else None,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Textbaustein gespeichert."))
            return redirect("servicedesk:office")
    title = _("Textbaustein bearbeiten") if reply else _("Neuer Textbaustein")
    return _form_page(request, form, title, 400 if request.method == "POST" else 200)


@login_required
def canned_retire(request: HttpRequest, reply_id: int) -> HttpResponse:
    _office_or_403(request)
    if request.method != "POST":
        return redirect("servicedesk:office")
    reply = CannedReply.objects.filter(Q(pk=reply_id), retired_at__isnull=True).first()
    if reply is None:
        raise Http404
    if not confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Textbaustein außer Gebrauch nehmen?"),
                consequence=_(
                    "„%(title)s“ wird beim Antworten nicht mehr angeboten. Antworten, die ihn verwendet haben, "
                    "bleiben unverändert. Das lässt sich nicht rückgängig machen."
                )
                % {"title": reply.title},
                button=_("Außer Gebrauch nehmen"),
                action=reverse("servicedesk:canned_retire", args=[reply.pk]),
                back=reverse("servicedesk:office"),
            ),
        )
    office.canned_retire(actor=request.user, reply=reply)
    messages.success(request, _("Textbaustein außer Gebrauch genommen."))
    return redirect("servicedesk:office")
