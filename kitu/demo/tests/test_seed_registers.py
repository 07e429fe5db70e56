"""Demo data of the procedure register and the asset register: realistic, marked as demo, idempotent."""

from __future__ import annotations

from typing import Any

import pytest

from kitu.assets.models import Asset
from kitu.demo.assets import seed_assets
from kitu.demo.procedures import seed_procedures
from kitu.procedures.models import Procedure

pytestmark = pytest.mark.django_db


def test_seeding_twice_gives_the_same_registers(world: dict[str, Any]) -> None:
    assert seed_procedures() == 14  # Wernigerode and Zeitz, seven procedures each
    assert seed_assets() == 8  # six devices of Wernigerode entered by hand, two of Zeitz
    counts = (Procedure.objects.count(), Asset.objects.count())
    assert (seed_procedures(), seed_assets()) == (0, 0)
    assert (Procedure.objects.count(), Asset.objects.count()) == counts == (14, 8)
    assert not Procedure.objects.filter(is_demo=False).exists() and not Asset.objects.filter(is_demo=False).exists()
    products = set(Procedure.objects.filter(member=world["wernigerode"]).values_list("product", flat=True))
    assert {"H&H proDoppik", "LOGA", "VOIS|MESO", "enaio", "Session/SessionNet"} <= products
