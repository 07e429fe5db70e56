"""Account pages: login with second factor, profile, API tokens, an organisation's users, audit trail."""

from __future__ import annotations

import base64
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from kitu.core.errors import DomainError, NotFound
from kitu.core.forms import add_domain_error
from kitu.core.models import AuditEntry

from . import policies, selectors, services
from .forms import (
    ApiTokenForm,
    AuditFilterForm,
    EmailAuthenticationForm,
    OrganisationUserForm,
    TaskDigestForm,
    TokenForm,
)
from .models import Organisation, User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return settings.LOGIN_REDIRECT_URL


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():  # type: ignore[union-attr]
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
        if device is not None and device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("Der Sicherheitscode ist falsch oder abgelaufen."))
    return render(request, "accounts/otp_verify.html", {"form": form})


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Set up a TOTP authenticator: show the key as QR code and text, confirm with a first code."""
    if user_has_device(request.user):
        messages.info(request, _("Die Zwei-Faktor-Anmeldung ist bereits eingerichtet."))
        return redirect("accounts:profile")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, confirmed=False, name=_("Authenticator-App"))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Die Zwei-Faktor-Anmeldung ist eingerichtet."))
            return redirect("core:home")
        form.add_error("token", _("Der Sicherheitscode ist falsch oder abgelaufen."))
    secret = base64.b32encode(device.bin_key).decode()
    import segno  # lazy: the QR library is needed on this page only

    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "secret": secret,
            "qr_data_uri": qr.svg_data_uri(scale=4),
            "required": policies.needs_second_factor(request.user),
        },
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assignments = user.role_assignments.select_related("organisation").order_by("organisation__name", "role")  # type: ignore[union-attr]
    manageable = [o for o in selectors.organisations_of(user) if policies.can_manage_users_of(user, o)]
    return render(
        request,
        "accounts/profile.html",
        {
            "assignments": assignments,
            "has_device": user_has_device(user),
            "manageable": manageable,
            "digest_form": TaskDigestForm(initial={"task_digest": user.task_digest}),  # type: ignore[union-attr]
        },
    )


@login_required
@require_POST
def task_digest(request: HttpRequest) -> HttpResponse:
    """The opt-in for the daily task digest (always the signed-in user's own)."""
    form = TaskDigestForm(request.POST)
    form.is_valid()  # a checkbox: absent means off
    user = cast(User, request.user)
    services.task_digest_set(actor=user, user=user, enabled=bool(form.cleaned_data.get("task_digest")))
    messages.success(
        request,
        _("Sie erhalten die tägliche Zusammenfassung Ihrer Aufgaben.")
        if form.cleaned_data.get("task_digest")
        else _("Sie erhalten keine tägliche Zusammenfassung mehr."),
    )
    return redirect("accounts:profile")


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    secret = None
    user = cast(User, request.user)
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.api_token_create(actor=user, user=user, name=form.cleaned_data["name"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            form = ApiTokenForm()
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "secret": secret, "tokens": selectors.api_tokens_of(request.user)},  # type: ignore[arg-type]
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        services.api_token_revoke(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, _("Das Token wurde widerrufen."))
    return redirect("accounts:api_tokens")


def _manageable_organisation(request: HttpRequest, org_id: int) -> Organisation:
    organisation = Organisation.objects.filter(pk=org_id).first()
    if organisation is None or not policies.can_manage_users_of(request.user, organisation):
        raise Http404
    return organisation


@login_required
def organisation_users(request: HttpRequest, org_id: int) -> HttpResponse:
    organisation = _manageable_organisation(request, org_id)
    form = OrganisationUserForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_user_add(
                actor=request.user, organisation=organisation, request=request, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("%(email)s wurde hinzugefügt.") % {"email": form.cleaned_data["email"]})
            return redirect("accounts:organisation_users", org_id=organisation.pk)
    return render(
        request,
        "accounts/organisation_users.html",
        {"organisation": organisation, "people": selectors.users_of_organisation(organisation), "form": form},
    )


@login_required
@require_POST
def organisation_role_remove(request: HttpRequest, org_id: int, assignment_id: int) -> HttpResponse:
    organisation = _manageable_organisation(request, org_id)
    try:
        services.organisation_role_remove(actor=request.user, organisation=organisation, assignment_id=assignment_id)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Die Rolle wurde entzogen."))
    return redirect("accounts:organisation_users", org_id=organisation.pk)


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not policies.can_read_audit(request.user):
        raise DjangoPermissionDenied
    object_types = sorted(AuditEntry.objects.unsealed().values_list("object_type", flat=True).distinct())
    form = AuditFilterForm(request.GET or None, object_types=object_types)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_entries(**{k: v for k, v in filters.items() if v})
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/audit.html", {"form": form, "page": page, "query": query.urlencode()})
