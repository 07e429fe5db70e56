"""The mails of joining online; their texts are templates in members/joining/mail_*.txt."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ..models import JoiningApplication
from .joining_codes import CONFIRM_MAX_AGE, confirm_code, withdraw_code


def _url(name: str, *args: object) -> str:
    return settings.KITU_BASE_URL.rstrip("/") + reverse(name, args=args)


def _mail(template: str, address: str, context: dict[str, object]) -> None:
    context = {"cooperative": settings.KITU_COOPERATIVE_NAME, **context}
    subject = render_to_string(f"members/joining/mail_{template}_subject.txt", context).strip()
    body = render_to_string(f"members/joining/mail_{template}.txt", context)
    EmailMessage(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [address]).send()


def send(application: JoiningApplication, kind: str, *, new_account: bool = False) -> None:
    """``confirm``: the link to confirm the address (and the one to withdraw); ``admitted``: the admission
    with the link to set the password of the member's admin account."""
    context: dict[str, object] = {"application": application}
    if kind == "confirm":
        context["confirm_url"] = _url("members:joining_confirm", confirm_code(application))
        context["withdraw_url"] = _url("members:joining_withdraw", withdraw_code(application))
        context["days"] = CONFIRM_MAX_AGE // (24 * 60 * 60)
    else:
        user = application.admin_user
        assert user is not None
        context["new_account"] = new_account
        context["login_url"] = _url("accounts:login")
        context["password_url"] = _url(
            "accounts:password_reset_confirm",
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        )
    _mail(kind, application.contact_email, context)


def send_rejection(address: str, name: str, reason: str) -> None:
    _mail("rejected", address, {"name": name, "reason": reason})
