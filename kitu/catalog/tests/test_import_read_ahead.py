"""The importer parses in a second thread (``_read_ahead``): errors arrive in order with their line, an
import that stops early stops the reader, and the reader's messages keep the caller's language."""

import threading
from pathlib import Path
from typing import Any

import pytest

from kitu.catalog import importer
from kitu.catalog.importer import reading
from kitu.catalog.models import Article
from kitu.core.actors import SYSTEM

from .samples import catalog_2005, product_2005

pytestmark = pytest.mark.django_db


def _catalog(tmp_path: Path, count: int, *, tail: str = "", agreement: str = "RV-2025-01") -> Path:
    body = "".join(product_2005(f"P-{n}", price="10.00") for n in range(count)) + tail
    path = tmp_path / "k.xml"
    path.write_text(catalog_2005(body, agreement=agreement), encoding="utf-8")
    return path


def test_a_syntax_error_after_many_products_keeps_its_line(
    contract_world: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "READ_AHEAD", 7)  # several hand-overs before the error
    path = _catalog(tmp_path, 30, tail="<PRODUCT><SUPPLIER_PID>X</PRODUCT>")
    lines = path.read_text(encoding="utf-8").splitlines()
    broken = next(n for n, line in enumerate(lines, 1) if "<SUPPLIER_PID>X</PRODUCT>" in line)
    record = importer.import_catalog(actor=SYSTEM, contract=contract_world["contract"], path=path)
    assert record.errors[0].startswith(f"Zeile {broken}: die Datei ist kein wohlgeformtes XML")
    assert record.articles_total == 30 and not Article.objects.exists()


def test_an_import_that_stops_at_the_header_stops_the_reader(contract_world: dict[str, Any], tmp_path: Path) -> None:
    before = threading.active_count()
    path = _catalog(tmp_path, 3000)
    # no lot 99 of the supplier: the import ends at the header, 3,000 products unread
    record = importer.import_catalog(actor=SYSTEM, contract=contract_world["contract"], path=path, lot_number=99)
    assert record.errors == ["Der Vertrag RV-2025-01 hat kein Los des Lieferanten Beispiel IT GmbH"]
    assert threading.active_count() == before
    assert not any(t.name == "bmecat-reader" for t in threading.enumerate())


def test_many_products_pass_in_order(
    contract_world: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "READ_AHEAD", 5)
    record = importer.import_catalog(actor=SYSTEM, contract=contract_world["contract"], path=_catalog(tmp_path, 23))
    assert (record.errors, record.articles_new) == ([], 23)
    assert sorted(Article.objects.values_list("supplier_pid", flat=True)) == sorted(f"P-{n}" for n in range(23))
