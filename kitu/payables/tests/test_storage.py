"""The XML of inbound e-invoices in the default storage (local files here, moto's S3 server in
test_storage_s3.py): where it lands, the download over every role with nothing changed on denial, and nothing
half-written when the storage or anything after it fails."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import Client

from conftest import EVERY_ROLE, login, make_user
from kitu.accounts.roles import Role
from kitu.core.models import AuditEntry
from kitu.payables import services, validation
from kitu.payables.models import InboundInvoice, InboundInvoiceLine

from .conftest import good_cii, good_ubl, post_xml, token_client

pytestmark = pytest.mark.django_db

NAME = re.compile(r"^payables/(\d+)/[0-9a-f]{32}\.xml$")


def stored_files() -> list[str]:
    """Every file under the storage's payables/ folder (local storage: the test's MEDIA_ROOT)."""
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in (root / "payables").rglob("*") if p.is_file())


def stored_xml(invoice: InboundInvoice) -> bytes:
    with default_storage.open(invoice.xml.name, "rb") as handle:
        return bytes(handle.read())


def nothing_stored() -> None:
    assert InboundInvoice.objects.count() == 0
    assert InboundInvoiceLine.objects.count() == 0
    assert not AuditEntry.objects.filter(object_type__contains="inbound").exists()
    assert stored_files() == []


def test_the_xml_lands_in_the_members_folder_under_a_random_name(payables_world: dict[str, Any]) -> None:
    supplier = payables_world["users"]["supplier_user"]
    first = services.receive(actor=supplier, data=good_ubl("RE-1"))
    second = services.receive(actor=supplier, data=good_cii("RE-2"))
    member_id = str(payables_world["wernigerode"].pk)
    for invoice in (first, second):
        match = NAME.match(invoice.xml.name)
        assert match is not None and match.group(1) == member_id, invoice.xml.name
        assert invoice.number not in invoice.xml.name
    assert first.xml.name != second.xml.name
    assert stored_files() == sorted([first.xml.name, second.xml.name])
    assert stored_xml(InboundInvoice.objects.get(pk=first.pk)) == good_ubl("RE-1")
    assert stored_xml(InboundInvoice.objects.get(pk=second.pk)) == good_cii("RE-2")


def test_the_api_stores_the_original_bytes_as_a_file(payables_world: dict[str, Any]) -> None:
    data = good_ubl().replace(b"<cbc:Note>", b"<!-- Kommentar des Lieferanten --><cbc:Note>", 1)
    assert post_xml(token_client(payables_world["users"]["supplier_user"]), data).status_code == 201
    invoice = InboundInvoice.objects.get()
    assert (Path(settings.MEDIA_ROOT) / invoice.xml.name).read_bytes() == data


def test_refused_duplicate_and_oversized_documents_leave_no_file(payables_world: dict[str, Any], settings: Any) -> None:
    client = token_client(payables_world["users"]["supplier_user"])
    broken = good_ubl().replace(b'PayableAmount currencyID="EUR">4284.00', b'PayableAmount currencyID="EUR">4280.00')
    assert post_xml(client, broken).status_code == 400
    assert post_xml(client, good_ubl(buyer_reference="99999999-0001-12")).status_code == 400  # nobody's Leitweg-ID
    nothing_stored()
    assert post_xml(client, good_ubl()).status_code == 201
    assert post_xml(client, good_ubl()).status_code == 409
    assert len(stored_files()) == 1 and InboundInvoice.objects.count() == 1
    settings.KITU_PAYABLES_MAX_BYTES = len(good_ubl("RE-BIG")) - 1  # the limit counts the bytes as sent
    too_big = post_xml(client, good_ubl("RE-BIG"))
    assert too_big.status_code == 400 and too_big.json()["rules"] == ["XML-SIZE"]
    with pytest.raises(validation.Rejected):  # the service checks the size itself, too
        services.receive(actor=payables_world["users"]["supplier_user"], data=good_ubl("RE-BIG"))
    assert len(stored_files()) == 1 and InboundInvoice.objects.count() == 1


# --- nothing half-written ---------------------------------------------------------------------------------


class BrokenDisk(ContentFile):
    """Content whose second chunk fails as a full disk would: the first chunk is already in the file."""

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        data = self.read()
        yield data[: len(data) // 2]
        raise OSError(28, "No space left on device")


@pytest.mark.parametrize("failure", ["refused", "half-written"])
def test_a_failed_storage_write_stores_nothing(
    payables_world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    if failure == "refused":

        def refuse(self: Any, name: str, content: Any, max_length: int | None = None) -> str:
            raise OSError("storage down")

        monkeypatch.setattr(FileSystemStorage, "save", refuse)
    else:
        monkeypatch.setattr(services, "ContentFile", BrokenDisk)
    response = post_xml(token_client(payables_world["users"]["supplier_user"]), good_ubl())
    assert response.status_code == 503
    assert response.json() == {
        "detail": "Die Rechnung konnte gerade nicht gespeichert werden; es wurde nichts gespeichert. "
        "Bitte senden Sie sie später erneut.",
        "field": None,
    }
    nothing_stored()  # also no partial file from the half-written attempt


def test_a_failed_storage_write_on_the_upload_page(role_users: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "ContentFile", BrokenDisk)
    client = Client()
    login(client, role_users["supplier_user"])
    response = client.post(
        "/eingangsrechnungen/einreichen/", {"file": SimpleUploadedFile("r.xml", good_ubl(), "application/xml")}
    )
    assert response.status_code == 503
    assert "Die Rechnung konnte gerade nicht gespeichert werden" in response.content.decode()
    nothing_stored()


def fail_audit(**kwargs: Any) -> None:
    raise RuntimeError("audit down")


def fail_lines(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("lines refused")


def parallel_duplicate(self: InboundInvoice, *args: Any, **kwargs: Any) -> None:
    raise IntegrityError("payables_invoice_number_unique")  # the same number committed in parallel


@pytest.mark.parametrize(
    ("target", "name", "replacement", "raised"),
    [
        ("kitu.payables.services.audit", "record", fail_audit, RuntimeError),
        ("kitu.payables.services.InboundInvoiceLine.objects", "bulk_create", fail_lines, RuntimeError),
        ("kitu.payables.models.InboundInvoice", "save", parallel_duplicate, services.Duplicate),
    ],
    ids=["audit", "lines", "duplicate-race"],
)
def test_a_failure_after_the_write_removes_the_file(
    payables_world: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    target: str,
    name: str,
    replacement: Any,
    raised: type[Exception],
) -> None:
    monkeypatch.setattr(f"{target}.{name}", replacement)
    with pytest.raises(raised):
        services.receive(actor=payables_world["users"]["supplier_user"], data=good_ubl())
    nothing_stored()


# --- the download -----------------------------------------------------------------------------------------

SEES = {"member_admin", "requester", "approver", "supplier_user"}


@pytest.fixture
def every_user(payables_world: dict[str, Any], role_users: dict[str, Any]) -> dict[str, Any]:
    """role_users plus the rest of EVERY_ROLE (service desk, council member, representative of Wernigerode)
    and a user of the other supplier (Harz Monitore, no invoice of its own here)."""
    w_org = payables_world["wernigerode"].organisation
    other_supplier = payables_world["monitor"].supplier.organisation
    return {
        **role_users,
        "service_desk": make_user("servicedesk@test.example", [(payables_world["coop"], Role.SERVICE_DESK)]),
        "council_member": role_users["councillor"],
        "representative": make_user("representative@test.example", [(w_org, Role.REPRESENTATIVE)]),
        "other_supplier_user": make_user("monitore@test.example", [(other_supplier, Role.SUPPLIER_USER)]),
    }


@pytest.mark.parametrize("role", [*EVERY_ROLE, "other_supplier_user"])
def test_xml_download_over_every_role(every_user: dict[str, Any], role: str | None) -> None:
    invoice = services.receive(actor=every_user["supplier_user"], data=good_ubl())
    url = f"/eingangsrechnungen/{invoice.pk}/xml/"
    before = (
        InboundInvoice.objects.values().get(pk=invoice.pk),
        AuditEntry.objects.count(),
        stored_files(),
    )
    client = Client()
    if role is not None:
        login(client, every_user[role])
    response: Any = client.get(url)
    if role is None:
        assert response.status_code == 302 and response["Location"].startswith("/konto/")
    elif role in SEES:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == good_ubl()
        assert response["Content-Type"] == "application/xml"
        assert response["Content-Disposition"] == 'attachment; filename="RE-2026-1001.xml"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-cache"
    else:
        assert response.status_code == 404
        assert invoice.xml.name not in response.content.decode()
    after = (
        InboundInvoice.objects.values().get(pk=invoice.pk),
        AuditEntry.objects.count(),
        stored_files(),
    )
    assert after == before


def test_download_of_a_lost_file_answers_404(payables_world: dict[str, Any]) -> None:
    invoice = services.receive(actor=payables_world["users"]["supplier_user"], data=good_ubl())
    default_storage.delete(invoice.xml.name)
    client = Client()
    login(client, payables_world["users"]["requester"])
    assert client.get(f"/eingangsrechnungen/{invoice.pk}/xml/").status_code == 404
