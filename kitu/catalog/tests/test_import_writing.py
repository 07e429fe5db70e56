"""The batches are written by a second thread on PostgreSQL (``importer.writing``): a write that fails
fails the import as any unexpected error does — nothing changes, the history row says so, and the
writing thread is gone before the transaction is rolled back. On SQLite the same, written at once."""

import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction

from kitu.catalog.importer import import_catalog, writing
from kitu.catalog.models import Article, CatalogImport, ScalePrice
from kitu.core.actors import SYSTEM

from .samples import SCALES, catalog_2005, product_2005

pytestmark = pytest.mark.django_db


def _catalog(tmp_path: Path, count: int) -> Path:
    body = "".join(product_2005(f"P-{n}", price="10.00", extra_prices=SCALES) for n in range(count))
    path = tmp_path / "k.xml"
    path.write_text(catalog_2005(body), encoding="utf-8")
    return path


def _tier(amount: str, bound: int) -> str:
    return (
        f'<PRODUCT_PRICE price_type="net_customer"><PRICE_AMOUNT>{amount}</PRICE_AMOUNT>'
        f"<PRICE_CURRENCY>EUR</PRICE_CURRENCY><TAX>0.19</TAX><LOWER_BOUND>{bound}</LOWER_BOUND></PRODUCT_PRICE>"
    )


def test_every_batch_is_written_with_its_scale_prices(
    contract_world: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each article gets its own scale prices (every third has none); on PostgreSQL the ids are drawn with
    the rows, never looked up by article number afterwards."""
    monkeypatch.setattr(writing, "BATCH", 3)  # 4 batches and the rest, queued to the writing thread
    if connection.vendor == "postgresql":
        monkeypatch.setattr(writing, "_ids", lambda *args: pytest.fail("looked up the ids of the rows written"))
    body = "".join(
        product_2005(f"P-{n}", price="10.00", extra_prices="" if n % 3 == 0 else _tier(f"9.{n:02d}", 5 + n))
        for n in range(14)
    )
    path = tmp_path / "k.xml"
    path.write_text(catalog_2005(body), encoding="utf-8")
    record = import_catalog(actor=SYSTEM, contract=contract_world["contract"], path=path)
    assert (record.errors, record.articles_new) == ([], 14)
    assert Article.objects.count() == 14
    tiers = {
        (s.article.supplier_pid, s.lower_bound, str(s.amount)) for s in ScalePrice.objects.select_related("article")
    }
    assert tiers == {(f"P-{n}", 5 + n, f"9.{n:02d}") for n in range(14) if n % 3}
    assert not any(t.name == "catalog-writer" for t in threading.enumerate())


def test_a_failed_write_fails_the_import_and_changes_nothing(
    contract_world: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real, calls = writing.insert, []

    def fails_third(cursor: Any, table: str, *args: Any, **kwargs: Any) -> None:
        if table == "catalog_article":
            calls.append(table)
            if len(calls) == 3:
                raise RuntimeError("disk full")
        real(cursor, table, *args, **kwargs)

    monkeypatch.setattr(writing, "BATCH", 2)
    monkeypatch.setattr(writing, "insert", fails_third)
    record = import_catalog(actor=SYSTEM, contract=contract_world["contract"], path=_catalog(tmp_path, 11))
    assert record.status == CatalogImport.Status.FAILED
    assert len(record.errors) == 1
    assert "unerwarteter Fehler beim Import (RuntimeError: disk full); der Katalog ist unverändert." in record.errors[0]
    assert record.errors[0].startswith("Zeile ")  # the product being read when the failure arrived
    assert not Article.objects.exists() and not ScalePrice.objects.exists()
    assert not any(t.name == "catalog-writer" for t in threading.enumerate())


class _Undo(Exception):
    pass


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the foreign keys are deferred on PostgreSQL only")
def test_the_foreign_keys_are_checked_by_each_write_not_at_the_commit(
    contract_world: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL checks the import's foreign keys at the end of each write, in the writing thread beside
    the checks, not all at the commit (where nothing else runs); afterwards they are deferred again."""
    real = writing.insert

    def orphan_tiers(cursor: Any, table: str, columns: Any, rows: Any, **kwargs: Any) -> None:
        if table == "catalog_scaleprice":
            rows = [(10**12 + i, *row[1:]) for i, row in enumerate(rows)]  # no such articles
        real(cursor, table, columns, rows, **kwargs)

    monkeypatch.setattr(writing, "insert", orphan_tiers)
    record = import_catalog(actor=SYSTEM, contract=contract_world["contract"], path=_catalog(tmp_path, 3))
    # deferred, the violation would pass the write and wait for a commit the test never makes
    assert record.status == CatalogImport.Status.FAILED
    assert "ForeignKeyViolation" in record.errors[0]
    assert not Article.objects.exists() and not ScalePrice.objects.exists()
    monkeypatch.setattr(writing, "insert", real)
    record = import_catalog(actor=SYSTEM, contract=contract_world["contract"], path=_catalog(tmp_path, 3))
    assert record.status == CatalogImport.Status.SUCCEEDED
    with pytest.raises(_Undo), transaction.atomic(), connection.cursor() as cursor:
        # deferred again after the import: an orphan row is refused at the commit, not at once
        cursor.execute("INSERT INTO catalog_scaleprice (article_id, lower_bound, amount) VALUES (%s, 1, 1)", [10**12])
        raise _Undo
