"""Public pages of joining online (docs/joining.md): the application form, the page after sending, the
e-mail confirmation and the withdrawal. No account needed; a link's signature is the only credential."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kitu.core.clientip import client_ip
from kitu.core.errors import DomainError
from kitu.core.forms import add_domain_error

from . import rules
from .forms_joining import JoiningForm
from .models import ApplicationStatus, JoiningApplication
from .services import joining

RATE_LIMIT = 5  # applications per client address and window
RATE_WINDOW = 3600  # seconds


def _too_many(request: HttpRequest) -> bool:
    """At most RATE_LIMIT applications per client address (as the trusted proxies saw it) and hour."""
    key = f"members:joining:rate:{client_ip(request)}"
    cache.add(key, 0, RATE_WINDOW)
    return cache.incr(key) > RATE_LIMIT


@never_cache
def apply(request: HttpRequest) -> HttpResponse:
    post = request.method == "POST"
    form = JoiningForm(request.POST if post else None, request.FILES if post else None)
    status = 200
    if form.is_bound:
        status = 400
        if request.POST.get("website"):  # the honeypot: answer like a success, store nothing
            return redirect("members:joining_sent")
        if form.is_valid():
            if _too_many(request):
                form.add_error(None, _("Zu viele Anträge in kurzer Zeit; bitte versuchen Sie es später noch einmal."))
                return render(request, "members/joining/apply.html", _context(form), status=429)
            data = form.cleaned_data
            try:
                joining.application_submit(
                    data=joining.ApplicationInput(
                        name=data["name"],
                        member_type=data["member_type"],
                        leitweg_id=data["leitweg_id"],
                        street=data["street"],
                        postcode=data["postcode"],
                        city=data["city"],
                        shares=data["shares"],
                        council_resolution_date=data["council_resolution_date"],
                        contact_name=data["contact_name"],
                        contact_function=data["contact_function"],
                        contact_email=data["contact_email"],
                        contact_phone=data["contact_phone"],
                    ),
                    upload=data["council_resolution"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                return redirect("members:joining_sent")
    return render(request, "members/joining/apply.html", _context(form), status=status)


def _context(form: JoiningForm) -> dict[str, object]:
    return {"form": form, "share_value": rules.share_value(), "max_shares": rules.max_shares()}


def sent(request: HttpRequest) -> HttpResponse:
    return render(request, "members/joining/sent.html")


def _failed(request: HttpRequest, exc: DomainError, title: str) -> HttpResponse:
    return render(request, "members/joining/link_failed.html", {"message": exc.message, "title": title}, status=400)


@never_cache
def confirm(request: HttpRequest, code: str) -> HttpResponse:
    """GET shows the application and a button (mail scanners open links; they must not confirm); POST confirms."""
    title = _("E-Mail-Adresse bestätigen")
    try:
        if request.method == "POST":
            application = joining.application_confirm(code=code)
            return render(request, "members/joining/confirmed.html", {"application": application})
        application = joining.application_for_code(code)
    except DomainError as exc:
        return _failed(request, exc, title)
    if application.status != ApplicationStatus.UNCONFIRMED:
        return render(request, "members/joining/confirmed.html", {"application": application})
    return render(request, "members/joining/confirm.html", {"application": application, "title": title})


@never_cache
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    title = _("Beitrittsantrag zurücknehmen")
    try:
        if request.method == "POST":
            application = joining.application_withdraw(code=code)
        else:
            application = joining.application_for_code(code, withdraw=True)
    except DomainError as exc:
        return _failed(request, exc, title)
    return render(
        request, "members/joining/withdraw.html", {"application": application, "title": title, **_state(application)}
    )


def _state(application: JoiningApplication) -> dict[str, bool]:
    return {
        "withdrawn": application.status == ApplicationStatus.WITHDRAWN,
        "decided": application.status in (ApplicationStatus.ADMITTED, ApplicationStatus.REJECTED),
    }
