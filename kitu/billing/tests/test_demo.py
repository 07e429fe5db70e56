"""The demo data bills: a run for any month of 2026 issues invoices to most members, Wernigerode's with a
valid Leitweg-ID, and the e-invoices pass the checks."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from kitu.billing import xrechnung
from kitu.billing.models import Invoice, Subscription
from kitu.members.models import Member
from kitu.members.validators import is_valid_leitweg_id

from . import einvoice_check

pytestmark = pytest.mark.django_db


def test_a_run_for_a_demo_month_issues_valid_invoices() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    subscribed = Member.objects.filter(subscriptions__isnull=False).distinct().count()
    assert subscribed == Member.objects.filter(joined_on__isnull=False, left_on__isnull=True).count() >= 30
    assert Subscription.objects.filter(is_demo=True).count() > 3 * subscribed
    out = io.StringIO()
    call_command("billing_run", "--period", "2026-07", stdout=out)
    invoices = Invoice.objects.filter(status="issued")
    assert out.getvalue().startswith(f"Abrechnung 2026-07: {subscribed} Rechnungen ausgestellt (2026-000001 bis ")
    assert invoices.count() == subscribed  # the yearly fee is billed pro rata, so everyone gets one
    wernigerode = invoices.get(member__organisation__name="Stadt Wernigerode")
    assert is_valid_leitweg_id(wernigerode.leitweg_id)
    assert [(line.service.code, line.quantity, line.net_amount) for line in wernigerode.lines.all()] == [
        ("betrieb-ap", Decimal("165"), Decimal("4867.50")),  # 165 × 29.50 (tier from 50), 150 before June
        ("dms", Decimal("75"), Decimal("1387.50")),
        ("finanz", Decimal("33130"), Decimal("2391.71")),  # 33,130 × 0.85 × 31/365
        ("beitrag", Decimal("1"), Decimal("101.92")),  # 1,200 × 31/365, at 0 %
        ("schul-ipad", Decimal("350"), Decimal("1120.00")),
    ]
    einvoice_check.require_tools()
    for invoice in [wernigerode, *invoices.exclude(pk=wernigerode.pk)[:3]]:
        for syntax in xrechnung.SYNTAXES:
            assert einvoice_check.problems(xrechnung.render(invoice, syntax)) == [], (invoice.number, syntax)
