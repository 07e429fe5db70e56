"""Pages of the register: the permission matrix over every role, anonymous and another member's users
(nothing changes on a denial), the entry form with the agreement upload, the office's matrix and export."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kitu.core.models import AuditEntry
from kitu.procedures.models import Procedure

from .conftest import ROLES, client_as, make_procedure

pytestmark = pytest.mark.django_db

OFFICE = {"coop_admin", "contract_manager", "service_desk"}
W_READERS = {
    "member_admin",
    "requester",
    "approver",
    "case_worker",
    "workgroup_member",
    "council_office",
    "representative",
}
Z_READERS = {"other_member_admin", "other_requester"}

FORM = {
    "name": "Einwohnermeldewesen",
    "vendor": "HSH Soft- und Hardware Vertriebs GmbH",
    "product": "VOIS|MESO",
    "version": "5.12",
    "area": "registration",
    "operation": "coop_dc",
    "protection_need": "very_high",
    "licence_count": "12",
    "contract_end": "2027-06-30",
    "contact_name": "Frau Beispiel",
    "contact_email": "meldeamt@wernigerode.example",
    "contact_phone": "",
    "vendor_contact": "",
    "processing_record": "Melderegister nach BMG",
    "dpa_date": "2024-02-01",
}


def state() -> list[tuple[Any, ...]]:
    return list(Procedure.objects.order_by("pk").values_list("pk", "name", "version", "member_id", "dpa_document"))


def expected(role: str | None, readers: set[str]) -> int:
    if role is None:
        return 302
    return 200 if role in readers else 403


@pytest.mark.parametrize("role", ROLES)
def test_list_page(proc_world: dict[str, Any], role: str | None) -> None:
    response = client_as(proc_world, role).get("/fachverfahren/")
    assert response.status_code == expected(role, OFFICE | W_READERS | Z_READERS)
    if response.status_code == 200:
        text = response.content.decode()
        sees_w = role in OFFICE | W_READERS
        sees_z = role in OFFICE | Z_READERS
        assert ("H&amp;H proDoppik" in text) is sees_w
        assert ("KIRP" in text) is sees_z


@pytest.mark.parametrize("role", ROLES)
def test_detail_page(proc_world: dict[str, Any], role: str | None) -> None:
    response = client_as(proc_world, role).get(f"/fachverfahren/{proc_world['w_proc'].pk}/")
    if role is None:
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if role in OFFICE | W_READERS else 404)
        if response.status_code == 200:
            assert ("Bearbeiten" in response.content.decode()) is (role == "member_admin")


@pytest.mark.parametrize("role", ROLES)
def test_matrix_page_and_export_office_only(proc_world: dict[str, Any], role: str | None) -> None:
    client = client_as(proc_world, role)
    assert client.get("/fachverfahren/matrix/").status_code == expected(role, OFFICE)
    assert client.get("/fachverfahren/matrix/?format=xlsx").status_code == expected(role, OFFICE)


@pytest.mark.parametrize("role", ROLES)
def test_create_only_member_admin(proc_world: dict[str, Any], role: str | None) -> None:
    before = state()
    client = client_as(proc_world, role)
    get = client.get("/fachverfahren/neu/")
    post = client.post("/fachverfahren/neu/", FORM)
    admins = {"member_admin", "other_member_admin"}
    if role is None:
        assert (get.status_code, post.status_code, state()) == (302, 302, before)
    elif role in admins:
        assert get.status_code == 200 and post.status_code == 302
        created = Procedure.objects.get(product="VOIS|MESO")
        member = proc_world["wernigerode"] if role == "member_admin" else proc_world["zeitz"]
        assert (created.member, created.protection_need, created.licence_count) == (member, "very_high", 12)
        assert AuditEntry.objects.filter(object_type="procedures.Procedure", action="create").count() == 1
    else:
        assert (get.status_code, post.status_code, state()) == (403, 403, before)


@pytest.mark.parametrize("role", ROLES)
def test_edit_and_delete_only_own_member_admin(proc_world: dict[str, Any], role: str | None) -> None:
    proc = proc_world["w_proc"]
    before = state()
    client = client_as(proc_world, role)
    edit = client.post(f"/fachverfahren/{proc.pk}/bearbeiten/", {**FORM, "name": "Geändert"})
    delete = client.post(f"/fachverfahren/{proc.pk}/loeschen/", {"bestaetigung": "ja"})
    if role == "member_admin":
        assert (edit.status_code, delete.status_code) == (302, 302)
        assert not Procedure.objects.filter(pk=proc.pk).exists()
        return
    if role is None:
        codes = (302, 302)
    elif role in OFFICE | W_READERS:
        codes = (403, 403)
    else:
        codes = (404, 404)
    assert (edit.status_code, delete.status_code) == codes
    assert state() == before


def test_delete_asks_first(proc_world: dict[str, Any]) -> None:
    client = client_as(proc_world, "member_admin")
    response = client.post(f"/fachverfahren/{proc_world['w_proc'].pk}/loeschen/")
    assert response.status_code == 200 and "Fachverfahren löschen?" in response.content.decode()
    assert Procedure.objects.filter(pk=proc_world["w_proc"].pk).exists()


def pdf(size: int = 0) -> bytes:
    return b"%PDF-1.7\n" + b"0" * size + b"\n%%EOF\n"


def test_agreement_upload_checked_by_content_and_size(proc_world: dict[str, Any], settings: Any) -> None:
    client = client_as(proc_world, "member_admin")
    proc = proc_world["w_proc"]
    url = f"/fachverfahren/{proc.pk}/bearbeiten/"
    fake = SimpleUploadedFile("avv.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(url, {**FORM, "dpa_upload": fake})
    assert response.status_code == 200 and "als PDF-Datei" in response.content.decode()
    assert state()[0][4] == ""
    big = SimpleUploadedFile("avv.pdf", pdf(10 * 1024 * 1024), content_type="application/pdf")
    big.size = 1000  # a lying size: the decoded data counts
    response = client.post(url, {**FORM, "dpa_upload": big})
    assert response.status_code == 200 and "größer als 10 MB" in response.content.decode()
    assert Procedure.objects.get(pk=proc.pk).name == "Finanzwesen"  # nothing half-written
    good = SimpleUploadedFile("Vertrag AVV.txt", pdf(100), content_type="text/plain")
    assert client.post(url, {**FORM, "dpa_upload": good}).status_code == 302
    proc.refresh_from_db()
    assert proc.dpa_document.name.endswith(".pdf") and proc.name == "Einwohnermeldewesen"
    download = client.get(f"/fachverfahren/{proc.pk}/avv/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    assert client_as(proc_world, "other_member_admin").get(f"/fachverfahren/{proc.pk}/avv/").status_code == 404
    assert client_as(proc_world, "requester").get(f"/fachverfahren/{proc.pk}/avv/").status_code == 200


def test_bad_input_names_the_field(proc_world: dict[str, Any]) -> None:
    client = client_as(proc_world, "member_admin")
    response = client.post("/fachverfahren/neu/", {**FORM, "area": "astrology", "licence_count": "-1"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"area", "licence_count"}
    assert not Procedure.objects.filter(product="VOIS|MESO").exists()


def test_matrix_filters_and_figures(proc_world: dict[str, Any]) -> None:
    w, z = proc_world["wernigerode"], proc_world["zeitz"]
    make_procedure(z, version="23.4")
    make_procedure(w, name="Kasse", version="23.4")  # Wernigerode runs two versions
    client = client_as(proc_world, "coop_admin")
    matrix = client.get("/fachverfahren/matrix/").context["matrix"]
    assert [(r.product, r.member_count) for r in matrix.rows] == [("H&H proDoppik", 2), ("KIRP", 1)]
    assert matrix.rows[0].versions == {w.pk: "23.4, 24.1", z.pk: "23.4"}
    filtered = client.get("/fachverfahren/matrix/?product=h%26h+prodoppik&version=24.1").context["matrix"]
    assert [(r.product, r.versions) for r in filtered.rows] == [("H&H proDoppik", {w.pk: "24.1"})]
    assert [m.pk for m in filtered.members] == [w.pk]


def test_export_neutralises_formulas(proc_world: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    make_procedure(proc_world["wernigerode"], name='=HYPERLINK("http://evil.example","x")', product="@SUM(1)")
    response = client_as(proc_world, "contract_manager").get("/fachverfahren/matrix/?format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for row in book["Fachverfahren"].iter_rows() for c in row]
    names = [c.value for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert names == ['\'=HYPERLINK("http://evil.example","x")']
    assert all(c.data_type == "s" for c in cells if isinstance(c.value, str))
    matrix = [c.value for row in book["Matrix"].iter_rows() for c in row]
    assert "'@SUM(1)" in matrix and "@SUM(1)" not in matrix
