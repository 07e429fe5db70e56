"""The reporter's opt-in: the signed code in the confirmation link (this report and this address), written
by the confirmation mail (kitu.defects.tasks) and read when the link is opened (kitu.defects.services)."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.utils.translation import gettext as _

from kitu.core.errors import DomainError

from .models import Report

OPTIN_SALT = "kitu.defects.optin"
OPTIN_MAX_AGE = 14 * 24 * 60 * 60  # seconds the confirmation link is valid


def optin_code(report: Report) -> str:
    """The signed code in the confirmation link: this report and this address."""
    return signing.dumps({"r": report.pk, "e": report.email}, salt=OPTIN_SALT)


def optin_data(code: str) -> dict[str, Any]:
    """What a code says (report id "r", address "e"); DomainError when it is expired or not ours."""
    try:
        data: dict[str, Any] = signing.loads(code, salt=OPTIN_SALT, max_age=OPTIN_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise DomainError(_("Der Bestätigungslink ist abgelaufen.")) from exc
    except signing.BadSignature as exc:
        raise DomainError(_("Der Bestätigungslink ist ungültig.")) from exc
    return data
