"""The contract's warranty term (``FrameworkContract.warranty_months``, read by kitu.assets for the devices
of its call-offs) on the contract form: saved, shown again when editing, bounded, audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kitu.contracts.models import FrameworkContract
from kitu.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def form_data(contract_world: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "number": "RV-2026-11",
        "title": "Tablets für Schulen",
        "legal_basis": "vgv21",
        "awarding_body": "KITU",
        "starts_on": "2026-01-01",
        "ends_on": "2029-12-31",
        "call_off_mode": "direct",
        "suppliers": [contract_world["supplier"].pk],
        "eligibility": "all",
        **extra,
    }


def test_warranty_term_on_the_contract_form(contract_world: dict[str, Any], client_for: Any) -> None:
    client = client_for("contract_manager")
    for bad in ("-1", "121", "zwei"):
        response = client.post(reverse("contracts:create"), form_data(contract_world, warranty_months=bad))
        assert response.status_code == 200
        assert "warranty_months" in response.context["form"].errors
    assert not FrameworkContract.objects.filter(number="RV-2026-11").exists()
    response = client.post(reverse("contracts:create"), form_data(contract_world, warranty_months="36"))
    assert response.status_code == 302
    contract = FrameworkContract.objects.get(number="RV-2026-11")
    assert contract.warranty_months == 36
    edit = client.get(reverse("contracts:edit", args=[contract.pk]))
    assert edit.context["form"].initial["warranty_months"] == 36
    assert 'name="warranty_months" value="36"' in edit.content.decode()
    # empty: no term (the devices then get none unless their article has one)
    response = client.post(reverse("contracts:edit", args=[contract.pk]), form_data(contract_world, warranty_months=""))
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.warranty_months is None
    entry = AuditEntry.objects.filter(object_id=str(contract.pk), action="update").latest("pk")
    assert entry.changes["warranty_months"] == [36, None]
