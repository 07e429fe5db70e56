"""The signed links of joining online: the confirmation link (valid three days) and the withdrawal link (valid
while the office has not decided, up to a year). Both name the application and its address."""

from __future__ import annotations

from django.core import signing

from ..models import JoiningApplication

CONFIRM_SALT = "kitu.members.joining.confirm"
WITHDRAW_SALT = "kitu.members.joining.withdraw"
CONFIRM_MAX_AGE = 3 * 24 * 60 * 60  # seconds the confirmation link is valid
WITHDRAW_MAX_AGE = 365 * 24 * 60 * 60  # the withdrawal link works while the office has not decided, up to a year


def confirm_code(application: JoiningApplication) -> str:
    return signing.dumps({"a": application.pk, "e": application.contact_email}, salt=CONFIRM_SALT)


def withdraw_code(application: JoiningApplication) -> str:
    return signing.dumps({"a": application.pk, "e": application.contact_email}, salt=WITHDRAW_SALT)
