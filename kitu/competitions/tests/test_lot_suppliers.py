"""The contract management gives a lot further framework partners on the contract page; a supplier that is
no partner of the contract is refused and nothing is saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login
from kitu.contracts.models import Lot

pytestmark = pytest.mark.django_db


def test_lot_with_several_partners_from_the_contract_page(comp_world: dict[str, Any]) -> None:
    w = comp_world
    contract = w["mc_contract"]
    client = login(Client(), w["users"]["contract_manager"])
    page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "Weitere Rahmenvertragspartner des Loses" in page
    url = reverse("contracts:lot_add", args=[contract.pk])
    data = {"number": 2, "title": "Monitore", "supplier": w["harz"].pk, "other_suppliers": [w["saale"].pk]}
    assert client.post(url, data).status_code == 302
    lot = Lot.objects.get(contract=contract, number=2)
    assert [s.name for s in lot.all_suppliers()] == ["Harz Systemhaus GmbH", "Saale Digital GmbH"]
    assert lot.requires_competition
    outsider = w["outsider_user"].role_assignments.get().organisation.supplier
    client.post(url, {**data, "number": 3, "other_suppliers": [outsider.pk]})
    assert not Lot.objects.filter(contract=contract, number=3).exists()
    single = {"number": 4, "title": "Zubehör", "supplier": w["harz"].pk}
    assert client.post(url, single).status_code == 302
    assert not Lot.objects.get(contract=contract, number=4).requires_competition
