"""Enforces the second factor: a user who has a TOTP device must verify it; coop staff and
approvers must set one up before they can use anything but the account pages."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django_otp import user_has_device

from .policies import needs_second_factor

OPEN_PREFIXES = (
    "/konto/anmelden/",
    "/konto/abmelden/",
    "/konto/zwei-faktor/",
    "/konto/passwort-",
    "/static/",
    "/healthz",
    "/i18n/",
)


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and not request.headers.get("Authorization")
            and not user.is_verified()  # type: ignore[attr-defined]
        ):
            if user_has_device(user):
                target = "accounts:otp_verify"
            elif needs_second_factor(user) and not settings.KITU_RELAX_2FA:
                target = "accounts:otp_setup"
            else:
                target = ""
            if target:
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "Second factor required"}, status=403)
                return redirect(target)
        return self.get_response(request)
