"""The XML of inbound e-invoices in an S3-compatible object store (moto's server as KITU_TEST_S3, see
kitu/core/tests/s3.py; without it these tests skip, under CI=true they fail): it lands in the bucket under the
member's folder, comes back streamed through the view only after the permission check (never a URL of the
store), and nothing is left in the bucket when receiving fails."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from config.settings.base import s3_upload_storage
from conftest import login
from kitu.core.models import AuditEntry
from kitu.core.tests.s3 import REGION, S3, s3_store_fixture  # noqa: F401  (the fixture s3_store)
from kitu.payables import services
from kitu.payables.models import InboundInvoice

from .conftest import ALL_ROLES, good_ubl, post_xml, token_client
from .test_storage import NAME, SEES

pytestmark = pytest.mark.django_db


def test_the_xml_lands_in_the_bucket_and_is_streamed_back_after_the_check(
    s3_store: S3, role_users: dict[str, Any]
) -> None:
    assert post_xml(token_client(role_users["supplier_user"]), good_ubl()).status_code == 201
    invoice = InboundInvoice.objects.get()
    assert NAME.match(invoice.xml.name) and s3_store.stored() == [invoice.xml.name]
    assert s3_store.body(invoice.xml.name) == good_ubl()
    unsigned = s3_store.fetch(f"{s3_store.endpoint}/{s3_store.bucket}/{invoice.xml.name}")
    assert unsigned.status_code == 403  # the bucket is private
    url = f"/eingangsrechnungen/{invoice.pk}/xml/"
    before = (InboundInvoice.objects.values().get(pk=invoice.pk), AuditEntry.objects.count())
    for role in ALL_ROLES:
        client = Client()
        if role is not None:
            login(client, role_users[role])
        response: Any = client.get(url)
        if role is None:
            assert response.status_code == 302 and response["Location"].startswith("/konto/"), role
        elif role in SEES:  # streamed through the view, not a redirect to the store
            assert response.status_code == 200 and "Location" not in response, role
            assert b"".join(response.streaming_content) == good_ubl()
            assert response["Content-Disposition"] == 'attachment; filename="RE-2026-1001.xml"'
        else:
            assert response.status_code == 404 and "Location" not in response, role
            body = response.content.decode()
            assert s3_store.bucket not in body and "X-Amz-Signature" not in body
    assert (InboundInvoice.objects.values().get(pk=invoice.pk), AuditEntry.objects.count()) == before
    assert s3_store.stored() == [invoice.xml.name]


def test_a_lost_object_answers_404(s3_store: S3, role_users: dict[str, Any]) -> None:
    invoice = services.receive(actor=role_users["supplier_user"], data=good_ubl())
    default_storage.delete(invoice.xml.name)
    assert s3_store.stored() == []
    client = Client()
    login(client, role_users["requester"])
    assert client.get(f"/eingangsrechnungen/{invoice.pk}/xml/").status_code == 404


def test_a_store_that_refuses_the_write_stores_nothing(s3_store: S3, role_users: dict[str, Any], settings: Any) -> None:
    settings.STORAGES = {  # a bucket that does not exist: the PUT fails
        **settings.STORAGES,
        "default": s3_upload_storage(f"{s3_store.bucket}-gone", s3_store.endpoint, REGION, "test", "test", 60),
    }
    response = post_xml(token_client(role_users["supplier_user"]), good_ubl())
    assert response.status_code == 503
    assert InboundInvoice.objects.count() == 0
    assert not AuditEntry.objects.filter(object_type__contains="inbound").exists()


def test_a_failure_after_the_write_removes_the_object(
    s3_store: S3, role_users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(**kwargs: Any) -> None:
        raise RuntimeError("audit down")

    monkeypatch.setattr(services.audit, "record", fail)
    with pytest.raises(RuntimeError):
        services.receive(actor=role_users["supplier_user"], data=good_ubl())
    assert InboundInvoice.objects.count() == 0 and s3_store.stored() == []
