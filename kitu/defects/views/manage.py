"""A town's administration sets up its defect reporter: enabling it, area and retention, categories with
their routing, and the Open311 keys of client applications (a new key is shown once)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kitu.core.errors import DomainError
from kitu.core.forms import add_domain_error, run_action, save_form
from kitu.members.models import Member

from .. import configuration, selectors
from ..forms import ApiClientForm, CategoryForm, ServiceForm
from ..models import ApiClient, Category, DefectService


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    members = selectors.managed_members(request.user)
    if not members:
        raise DjangoPermissionDenied
    return render(request, "defects/manage.html", {"members": members})


def _member(request: HttpRequest, member_id: int) -> tuple[Member, DefectService | None]:
    member = selectors.managed_members(request.user).filter(pk=member_id).first()
    if member is None:
        raise Http404
    return member, DefectService.objects.filter(member=member).first()


def _service(request: HttpRequest, member_id: int) -> DefectService:
    service = _member(request, member_id)[1]
    if service is None:
        raise Http404
    return service


def _settings_form(current: DefectService | None, data: Any = None) -> ServiceForm:
    initial: dict[str, Any] = {"is_enabled": True, "retention_days": 730, "target_days": 10}
    if current is not None:
        initial = {
            "is_enabled": current.is_enabled,
            "area": configuration.format_area(current.area),
            "outside_hint": current.outside_hint,
            "retention_days": current.retention_days,
            "target_days": current.target_days,
        }
    return ServiceForm(data, initial=initial, creating=current is None)


def _page(
    request: HttpRequest, member: Member, current: DefectService | None, form: ServiceForm, key_form: ApiClientForm
) -> HttpResponse:
    """The setup page: settings, and once enabled its categories and keys (400 when a form was refused)."""
    context: dict[str, Any] = {"member": member, "service": current, "form": form, "key_form": key_form}
    if current is not None:
        context |= {"categories": current.categories.all(), "clients": current.api_clients.all()}
    return render(request, "defects/manage_service.html", context, status=400 if request.method == "POST" else 200)


@login_required
def service(request: HttpRequest, member_id: int) -> HttpResponse:
    member, current = _member(request, member_id)
    form = _settings_form(current, request.POST if request.method == "POST" else None)

    def save(data: dict[str, Any]) -> DefectService:
        area = configuration.parse_area(data["area"])
        return configuration.service_save(actor=request.user, member=member, **{**data, "area": area})

    done = save_form(
        request,
        form,
        save,
        _("Die Einstellungen sind gespeichert."),
        lambda _s: redirect("defects:manage_service", member_id=member.pk),
    )
    return done or _page(request, member, current, form, ApiClientForm())


@login_required
def category(request: HttpRequest, member_id: int, category_id: int | None = None) -> HttpResponse:
    current = _service(request, member_id)
    instance = None
    if category_id is not None:
        instance = Category.objects.filter(service=current, pk=category_id).first()
        if instance is None:
            raise Http404
    form = CategoryForm(
        request.POST if request.method == "POST" else None,
        instance=instance,
        case_workers=configuration.case_worker_choices(current),
    )
    done = save_form(
        request,
        form,
        lambda data: configuration.category_save(actor=request.user, service=current, category=instance, **data),
        _("Die Kategorie ist gespeichert."),
        lambda _c: redirect("defects:manage_service", member_id=member_id),
    )
    if done:
        return done
    context = {"service": current, "category": instance, "form": form}
    return render(request, "defects/manage_category.html", context, status=400 if form.is_bound else 200)


@login_required
@require_POST
def key_create(request: HttpRequest, member_id: int) -> HttpResponse:
    """A new key, shown on this page once (it is not stored, only its hash)."""
    current = _service(request, member_id)
    form = ApiClientForm(request.POST)
    if form.is_valid():
        try:
            client, key = configuration.api_client_create(
                actor=request.user, service=current, name=form.cleaned_data["name"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return render(
                request, "defects/manage_key.html", {"service": current, "client": client, "key": key}, status=201
            )
    return _page(request, current.member, current, _settings_form(current), form)


@login_required
@require_POST
def key_revoke(request: HttpRequest, member_id: int, client_id: int) -> HttpResponse:
    current = _service(request, member_id)
    client = ApiClient.objects.filter(service=current, pk=client_id).first()
    if client is None:
        raise Http404
    run_action(
        request,
        lambda: configuration.api_client_revoke(actor=request.user, client=client),
        _("Der Schlüssel ist gesperrt."),
    )
    return redirect("defects:manage_service", member_id=member_id)
