"""The migrations 0002/0003 that move the XML of inbound e-invoices from the database to the storage, run for
real with Django's migration executor (django-test-migrations is not installed): from 0001 with rows holding
their bytes, forwards (every row's bytes in a file of the member's folder, the column gone), a half-finished
0002 refused by 0003, and backwards (the bytes back in the rows, the files deleted). On local files and, with
KITU_TEST_S3, on moto's S3 server."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kitu.core.tests.s3 import s3_store_fixture  # noqa: F401  (the fixture s3_store)
from kitu.payables.models import InboundInvoice

from .test_storage import NAME

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("payables", "0001_initial")]
LATEST = [("payables", "0003_drop_xml_bytes")]


def migrate(target: list[tuple[str, str]]) -> Any:
    """Migrate payables to ``target``; the apps (historical models) of that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def columns() -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, "payables_inboundinvoice")}


@pytest.fixture
def at_0001(order_world: dict[str, Any]) -> Iterator[Any]:
    """The payables tables as of 0001 (the world's other tables as they are); back to the latest afterwards."""
    apps = migrate(BEFORE)
    try:
        yield apps
    finally:  # whatever the test left: no rows (the flush follows anyway), then the latest schema
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM payables_inboundinvoiceline")
            cursor.execute("DELETE FROM payables_inboundinvoice")
        migrate(LATEST)


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest) -> Any:
    return request.getfixturevalue("s3_store") if request.param == "s3" else None


def stored_names(store: Any) -> list[str]:
    if store is not None:
        return list(store.stored())
    _dirs, files = default_storage.listdir("payables") if default_storage.exists("payables") else ([], [])
    names = []
    for folder in _dirs:
        names += [f"payables/{folder}/{name}" for name in default_storage.listdir(f"payables/{folder}")[1]]
    return sorted(names + files)


def old_invoice(apps: Any, world: dict[str, Any], number: str, member: Any, xml: bytes) -> Any:
    return apps.get_model("payables", "InboundInvoice").objects.create(
        supplier_id=world["supplier"].pk,
        member_id=member.pk,
        sent_by_id=world["users"]["supplier_user"].pk,
        kind="invoice",
        syntax="ubl",
        number=number,
        issue_date=dt.date(2026, 11, 30),
        currency="EUR",
        buyer_reference="15085370-0001-00",
        seller_name="Lieferant",
        net_total=Decimal("100.00"),
        tax_total=Decimal("19.00"),
        gross_total=Decimal("119.00"),
        payable=Decimal("119.00"),
        xml=xml,
        status="to_review",
    )


def test_the_migration_moves_every_rows_bytes_to_the_storage_and_back(
    at_0001: Any, order_world: dict[str, Any], store: Any
) -> None:
    w, z = order_world["wernigerode"], order_world["zeitz"]
    documents = {
        "RE-1": (w, b"<?xml version='1.0'?><Invoice>eins</Invoice>"),
        "RE-2": (z, b"<?xml version='1.0'?><Invoice>zwei \xc3\xa4</Invoice>"),
        "RE-3": (w, b""),  # an empty column (never written by receive) still gets its file
    }
    for number, (member, xml) in documents.items():
        old_invoice(at_0001, order_world, number, member, xml)
    assert "xml" in columns() and stored_names(store) == []

    migrate(LATEST)
    assert "xml" in columns() and "xml_file" not in columns()  # the bytes column is gone, "xml" is the name
    moved = {i.number: i for i in InboundInvoice.objects.all()}
    assert sorted(moved) == ["RE-1", "RE-2", "RE-3"]
    for number, (member, xml) in documents.items():
        name = moved[number].xml.name
        match = NAME.match(name)
        assert match is not None and match.group(1) == str(member.pk), name
        with default_storage.open(name, "rb") as handle:
            assert handle.read() == xml, number
    assert stored_names(store) == sorted(i.xml.name for i in moved.values())

    apps = migrate(BEFORE)  # backwards: the bytes are back in the rows, the files are gone
    back = apps.get_model("payables", "InboundInvoice").objects.values_list("number", "xml")
    assert {number: bytes(xml) for number, xml in back} == {n: x for n, (_m, x) in documents.items()}
    assert stored_names(store) == [] and "xml_file" not in columns()


def test_0003_refuses_to_drop_bytes_of_a_row_without_a_file(at_0001: Any, order_world: dict[str, Any]) -> None:
    old_invoice(at_0001, order_world, "RE-1", order_world["wernigerode"], b"<Invoice/>")
    apps = migrate([("payables", "0002_xml_to_storage")])
    invoices = apps.get_model("payables", "InboundInvoice").objects
    name = invoices.get().xml_file.name
    invoices.update(xml_file="")  # as if 0002 had stopped before this row
    default_storage.delete(name)
    with pytest.raises(RuntimeError, match="have no XML file yet"):
        migrate(LATEST)
    assert "xml_file" in columns() and bytes(invoices.get().xml) == b"<Invoice/>"  # nothing dropped
    step = importlib.import_module("kitu.payables.migrations.0002_xml_to_storage")
    step.xml_to_storage(apps, SchemaEditor())  # running 0002's copy again: it takes the rows without a file
    migrate(LATEST)
    invoice = InboundInvoice.objects.get()
    assert NAME.match(invoice.xml.name) and invoice.xml.open("rb").read() == b"<Invoice/>"


class SchemaEditor:
    connection = connection
