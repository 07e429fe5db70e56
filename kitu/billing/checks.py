"""``manage.py check``: the cooperative's bank account and VAT ID on every invoice must be valid."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from stdnum import bic, iban
from stdnum.eu import vat

VALIDATORS = (
    ("iban", iban, "IBAN", "billing.E001"),
    ("bic", bic, "BIC", "billing.E002"),
    ("vat_id", vat, "VAT ID", "billing.E003"),
)


@register()
def check_seller(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    seller = settings.KITU_SELLER
    return [
        Error(f"KITU_SELLER {key} {seller[key]!r} is not a valid {label}", id=code)
        for key, module, label, code in VALIDATORS
        if not module.is_valid(seller[key])
    ]
