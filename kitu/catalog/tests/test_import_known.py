"""The articles a contract holds before an import, kept compact (``importer.known``): each reads back as
it was stored, a file naming an article twice is caught for known and new numbers alike, and a new
catalog drops exactly the active articles of its lot it does not name."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kitu.catalog.importer import import_catalog
from kitu.catalog.importer.known import Known, KnownArticles
from kitu.catalog.models import Article
from kitu.core.actors import SYSTEM

from .samples import catalog_2005, product_2005

pytestmark = pytest.mark.django_db


def test_each_article_reads_back_as_stored() -> None:
    known = KnownArticles()
    known.add("A", Known(7, "0123456789abcdef0123456789abcdef", Decimal("1049.50"), True, 3))
    known.add("B", Known(8, "", None, False, 4))
    known.add("C", Known(9, "not-a-digest", Decimal("9999999999.99"), True, 3))
    assert known.get("A") == Known(7, "0123456789abcdef0123456789abcdef", Decimal("1049.50"), True, 3)
    assert known.get("B") == Known(8, "", None, False, 4)
    assert known.get("C") == Known(9, "", Decimal("9999999999.99"), True, 3)  # compared anew next time
    assert known.get("D") is None and "D" not in known and "A" in known
    assert known.name("A") and not known.name("D")
    assert known.named_before("A") and not known.named_before("C") and not known.named_before("D")
    assert known.unnamed_active(3) == [9]
    assert known.unnamed_active(4) == []  # B is inactive


def test_reads_the_contracts_articles(contract_world: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "k.xml"
    path.write_text(catalog_2005(product_2005("A", price="12.30") + product_2005("B")), encoding="utf-8")
    assert import_catalog(actor=SYSTEM, contract=contract_world["contract"], path=path).errors == []
    Article.objects.filter(supplier_pid="B").update(is_active=False, price=None)
    known = KnownArticles.of(contract_world["contract"])
    a, b = Article.objects.get(supplier_pid="A"), Article.objects.get(supplier_pid="B")
    assert known.get("A") == Known(a.pk, a.content_hash, Decimal("12.30"), True, a.lot_id)
    assert known.get("B") == Known(b.pk, b.content_hash, None, False, b.lot_id)
    assert len(a.content_hash) == 32


def test_a_number_named_twice_is_an_error_for_known_and_new_articles(
    contract_world: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "k.xml"
    path.write_text(catalog_2005(product_2005("A") + product_2005("B")), encoding="utf-8")
    assert import_catalog(actor=SYSTEM, contract=contract_world["contract"], path=path).errors == []
    body = product_2005("A") + product_2005("N") + product_2005("A") + product_2005("N")
    path.write_text(catalog_2005(body), encoding="utf-8")
    record = import_catalog(actor=SYSTEM, contract=contract_world["contract"], path=path)
    assert [e.split(": ", 1)[1] for e in record.errors] == ["Artikelnummer kommt in der Datei mehrfach vor"] * 2
    assert [e.split(": ", 1)[0].split(", ")[1] for e in record.errors] == ["Artikel A", "Artikel N"]
    assert sorted(Article.objects.values_list("supplier_pid", "is_active")) == [("A", True), ("B", True)]
