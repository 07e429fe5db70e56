"""Fixtures of the catalog tests."""

from pathlib import Path
from typing import Any

import pytest

from kitu.catalog.importer import import_catalog
from kitu.catalog.models import Article
from kitu.core.actors import SYSTEM

from .samples import SCALES, catalog_2005, product_2005


@pytest.fixture
def catalog(contract_world: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    body = (
        product_2005("NB-1", "Notebook Lenovo ThinkPad T14", price="899.00", extra_prices=SCALES)
        + product_2005("NB-2", "Notebook Dell Latitude 5450", price="1049.50").replace(
            "Lenovo</MANUFACTURER_NAME>", "Dell</MANUFACTURER_NAME>"
        )
        + product_2005("MON-1", "Monitor Eizo FlexScan 24 Zoll", price="239.00")
        .replace("Lenovo</MANUFACTURER_NAME>", "Eizo</MANUFACTURER_NAME>")
        .replace("24010101", "24010201")
        + product_2005("DS-1", "Dockingstation für Notebooks USB-C", price="149.00")
        + product_2005("OLD-1", "Notebook alt", price="500.00")
        + product_2005("BAG-1", "Schutztasche 15,6 Zoll", price="29.00").replace(
            "Langtext zu Schutztasche 15,6 Zoll", "Gepolsterte Tasche, passend für Notebooks bis 15,6 Zoll"
        )
    )
    path = tmp_path / "k.xml"
    path.write_text(catalog_2005(body), encoding="utf-8")
    record = import_catalog(actor=SYSTEM, contract=contract_world["contract"], path=path)
    assert record.errors == []
    Article.objects.filter(supplier_pid="OLD-1").update(is_active=False)
    return contract_world
