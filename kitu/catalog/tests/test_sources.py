"""What a catalog file may be: ZIP limits, byte checks, the root, the encoding. Each hostile file is an
import error that says what is wrong and where, and nothing is written."""

import io
import random
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest

from kitu.catalog import sources
from kitu.catalog.importer import import_catalog
from kitu.catalog.models import Article, CatalogImport

from .samples import CATALOG_12, catalog_2005, product_2005

pytestmark = pytest.mark.django_db
MB = 1024 * 1024
RUN_LIMIT = (
    "mehr als 2 MB Text oder Leerraum am Stück, oder ein Element-Tag länger als 2 MB; so etwas enthält kein Katalog."
)
CONSTRUCT_LIMIT = (
    "ein Kommentar, eine Verarbeitungsanweisung oder ein CDATA-Abschnitt ist länger als 2 MB; "
    "so etwas enthält kein Katalog."
)


def run(cw: dict[str, Any], path: Path) -> CatalogImport:
    return import_catalog(actor=cw["users"]["contract_manager"], contract=cw["contract"], path=path)


def write(tmp_path: Path, content: str | bytes, name: str = "katalog.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def zipped(tmp_path: Path, members: dict[str, bytes], name: str = "katalog.zip", level: int = 6) -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def patch_directory(path: Path, *, file_size: int | None = None, flag_bits: int | None = None) -> None:
    """Make the ZIP's headers claim another size (or flags) than its data has: central directory and
    local header of its first member."""
    data = bytearray(path.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    (directory,) = struct.unpack("<L", data[end + 16 : end + 20])
    (local,) = struct.unpack("<L", data[directory + 42 : directory + 46])
    if file_size is not None:
        data[directory + 24 : directory + 28] = struct.pack("<L", file_size)
        data[local + 22 : local + 26] = struct.pack("<L", file_size)
    if flag_bits is not None:
        data[directory + 8 : directory + 10] = struct.pack("<H", flag_bits)
        data[local + 6 : local + 8] = struct.pack("<H", flag_bits)
    path.write_bytes(bytes(data))


def refused(cw: dict[str, Any], path: Path, error: str) -> None:
    record = run(cw, path)
    assert (record.status, record.errors) == ("failed", [error])
    assert Article.objects.count() == 0


def around_product(before: str = "", inside: str = "", after: str = "") -> str:
    """A catalog of article A with ``before`` ahead of the transaction (line 8), ``inside`` in its
    PRODUCT_DETAILS and ``after`` behind the product."""
    text = catalog_2005(product_2005("A").replace("<PRODUCT_DETAILS>", "<PRODUCT_DETAILS>" + inside, 1) + after)
    return text.replace("<T_NEW_CATALOG>", before + "<T_NEW_CATALOG>", 1)


# --- the bytes ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (around_product(before="<!--" + "x" * (3 * MB) + "-->"), f"Zeile 8: {CONSTRUCT_LIMIT}"),
        (around_product(before="<!-- <> -- >" + "<>" * (2 * MB) + "-->"), f"Zeile 8: {CONSTRUCT_LIMIT}"),
        (around_product(before="<?junk " + "x" * (3 * MB) + "?>"), f"Zeile 8: {CONSTRUCT_LIMIT}"),
        (around_product(before="<X><![CDATA[" + "<x>" * MB + "]]></X>"), f"Zeile 8: {CONSTRUCT_LIMIT}"),
        (around_product(before="\n" * (3 * MB)), f"Zeile 7: {RUN_LIMIT}"),  # the last "<" was on line 7
        (around_product(before="<X>" + "x" * (3 * MB) + "</X>"), f"Zeile 8: {RUN_LIMIT}"),
        (around_product(before='<X a="' + ">" * (3 * MB) + '"/>'), f"Zeile 8: {RUN_LIMIT}"),
        # inside a product, its own limit (1 MB) comes first: a huge text node, whitespace, many elements
        (
            around_product(inside="<X>" + "x" * (3 * MB) + "</X>"),
            "Zeile 11: PRODUCT ab Zeile 9 ist größer als 1 MB; so groß ist kein Artikel.",
        ),
        (
            around_product(inside=" " * (3 * MB)),
            "Zeile 11: PRODUCT ab Zeile 9 ist größer als 1 MB; so groß ist kein Artikel.",
        ),
        (
            around_product(inside="<X/>\n" * 300_000),
            "Zeile 222737: PRODUCT ab Zeile 9 ist größer als 1 MB; so groß ist kein Artikel.",
        ),
        (
            catalog_2005(product_2005("A")).replace("</HEADER>", "<X/>" * 300_000 + "</HEADER>"),
            "Zeile 7: HEADER ab Zeile 3 ist größer als 1 MB; so groß ist kein Artikel.",
        ),
    ],
    ids=[
        "comment",
        "comment-full-of-markup",
        "pi",
        "cdata",
        "whitespace",
        "text",
        "tag",
        "text-in-product",
        "whitespace-in-product",
        "elements-in-product",
        "elements-in-header",
    ],
)
def test_oversized_constructs_are_refused_with_their_line(
    contract_world: dict[str, Any], tmp_path: Path, content: str, error: str
) -> None:
    refused(contract_world, write(tmp_path, content), error)


def test_everything_outside_products_is_read_past(contract_world: dict[str, Any], tmp_path: Path) -> None:
    """Comments, whitespace, unknown elements (also many) before, between and after the products leave
    the products as they are: the tree is pruned only where nothing is being read."""
    junk = "<!-- Kommentar -->\n" + "<X><Y>z</Y></X>\n" * 20_000 + " " * MB + "<?pi x?>"
    body = junk + product_2005("A") + junk + product_2005("B", price="1.00") + junk
    text = (
        catalog_2005(body).replace("<T_NEW_CATALOG>", junk + "<T_NEW_CATALOG>").replace("</HEADER>", "</HEADER>" + junk)
    )
    record = run(contract_world, write(tmp_path, text))
    assert (record.status, record.errors, record.articles_new) == ("succeeded", [], 2)
    a, b = Article.objects.order_by("supplier_pid")
    assert (a.description_short, a.price, a.ean, b.price) == ("Notebook Lenovo ThinkPad T14", 899, "4012345678901", 1)


def test_bmecat_12_with_a_catalog_group_map_after_the_articles(contract_world: dict[str, Any], tmp_path: Path) -> None:
    mapping = "".join(
        f"<ARTICLE_TO_CATALOGGROUP_MAP><ART_ID>DR-{i}</ART_ID><CATALOG_GROUP_ID>1</CATALOG_GROUP_ID>"
        "</ARTICLE_TO_CATALOGGROUP_MAP>\n"
        for i in range(30_000)
    ).encode()
    record = run(
        contract_world, write(tmp_path, CATALOG_12.replace(b"</T_NEW_CATALOG>", mapping + b"</T_NEW_CATALOG>"))
    )
    assert (record.status, record.errors, record.articles_new) == ("succeeded", [], 2)


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (
            "<?xml version='1.0'?><KATALOG><BMECAT/></KATALOG>",
            "Das Wurzelelement der Datei ist „KATALOG“, nicht BMECAT; sie ist kein BMEcat-Katalog.",
        ),
        (
            "<?xml version='1.0'?>\n<!--" + "x" * 70_000 + "--><BMECAT/>",
            "Die Datei beginnt nicht mit einem BMECAT-Element; sie ist kein BMEcat-Katalog.",
        ),
        ("Preisliste;Artikel\n1;2", "Die Datei beginnt nicht mit einem BMECAT-Element; sie ist kein BMEcat-Katalog."),
        (
            catalog_2005(product_2005("A")).encode("utf-16"),
            "Die Datei ist in UTF-16 oder UTF-32 kodiert; bitte als UTF-8 speichern.",
        ),
        (
            catalog_2005(product_2005("A")).replace('encoding="UTF-8"', 'encoding="UTF-16"'),
            "Die Datei ist in UTF-16 oder UTF-32 kodiert; bitte als UTF-8 speichern.",
        ),
    ],
    ids=["other-root", "root-too-late", "not-xml", "utf-16", "declared-utf-16"],
)
def test_only_bmecat_documents_are_read(
    contract_world: dict[str, Any], tmp_path: Path, content: str | bytes, error: str
) -> None:
    refused(contract_world, write(tmp_path, content), error)


def test_namespace_prefix_and_bom_before_the_root(contract_world: dict[str, Any], tmp_path: Path) -> None:
    text = catalog_2005(product_2005("A"), ns=None).replace("<BMECAT ", '<bme:BMECAT xmlns:bme="urn:x" ')
    text = text.replace("</BMECAT>", "</bme:BMECAT>")
    record = run(contract_world, write(tmp_path, b"\xef\xbb\xbf" + text.encode()))
    assert (record.status, record.errors) == ("succeeded", [])


# --- the encoding ------------------------------------------------------------------------------------------


def latin1_catalog(description: bytes) -> bytes:
    return CATALOG_12.replace("Laserdrucker Kyocera ECOSYS P2040dn für Büros".encode("iso-8859-1"), description)


@pytest.mark.parametrize(
    ("declared", "description", "seen", "meant"),
    [
        ("ISO-8859-1", "Drucker für Büros".encode(), "Ã¼", "ü"),
        ("ISO-8859-1", "Straße".encode(), "Ã\\x9f", "ß"),  # ISO-8859-1 0x9F is a control character
        ("ISO-8859-1", "Ärmel".encode(), "Ã\\x84", "Ä"),
        ("ISO-8859-15", "Größe".encode(), "Ã¶", "ö"),
        ("windows-1252", "Preis 10 € netto".encode(), "â‚¬", "€"),
        ("windows-1252", "„Büro“".encode(), "â€ž", "„"),
    ],
)
def test_utf8_in_a_document_declared_single_byte_is_refused_with_its_line(
    contract_world: dict[str, Any], tmp_path: Path, declared: str, description: bytes, seen: str, meant: str
) -> None:
    content = latin1_catalog(description).replace(b'encoding="ISO-8859-1"', f'encoding="{declared}"'.encode())
    refused(
        contract_world,
        write(tmp_path, content),
        f"Zeile 12: die Datei ist als {declared} deklariert, enthält aber UTF-8 („{seen}“ statt „{meant}“). "
        "Sie würde verfälscht importiert; bitte die Kodierung in der XML-Deklaration richtigstellen "
        f'(encoding="UTF-8") oder die Datei in {declared} speichern.',
    )


def test_real_latin1_and_declared_utf8_are_read(contract_world: dict[str, Any], tmp_path: Path) -> None:
    record = run(contract_world, write(tmp_path, latin1_catalog("Größe Straße Ärmel".encode("iso-8859-1"))))
    assert (record.status, record.errors) == ("succeeded", [])
    assert Article.objects.get(supplier_pid="DR-100").description_short == "Größe Straße Ärmel"
    utf8 = (
        latin1_catalog("Größe Straße € „Büro“".encode("windows-1252"))
        .decode("windows-1252")
        .replace('encoding="ISO-8859-1"', 'encoding="UTF-8"')
        .encode()
    )
    record = run(contract_world, write(tmp_path, utf8, "utf8.xml"))
    assert (record.status, record.errors) == ("succeeded", [])
    assert Article.objects.get(supplier_pid="DR-100").description_short == "Größe Straße € „Büro“"


def test_utf8_split_between_two_reads_is_found(tmp_path: Path) -> None:
    raw = b"<BMECAT>" + b"x" * (32768 - 9) + "ü".encode() + b"</BMECAT>"  # "\xc3" ends the first read
    stream = sources.CheckedStream(io.BytesIO(raw), encoding="ISO-8859-1")
    assert stream.read(32768)[-1:] == b"\xc3"
    with pytest.raises(sources.RefusedDocument, match="„Ã¼“ statt „ü“"):
        stream.read(32768)


def test_a_comment_split_between_reads_is_tracked(tmp_path: Path) -> None:
    raw = b"<BMECAT>" + b"x" * (32768 - 10) + b"<!-" + b"-" + b"<>" * MB + b"-->" + b"</BMECAT>"
    stream = sources.CheckedStream(io.BytesIO(raw), max_run=MB)
    with pytest.raises(sources.RefusedDocument, match="Zeile 1: ein Kommentar"):
        while stream.read(32768):
            pass


# --- ZIP archives ------------------------------------------------------------------------------------------


def test_zip_bomb_over_the_ratio_is_refused(contract_world: dict[str, Any], tmp_path: Path) -> None:
    xml = catalog_2005(product_2005("A") + "<!-- -->" + " " * (30 * MB)).encode()
    path = zipped(tmp_path, {"katalog.xml": xml}, level=9)
    assert path.stat().st_size * 100 < len(xml)
    limit = sources._mb(path.stat().st_size * 100)  # about 3 MB
    refused(
        contract_world,
        path,
        f"Die ZIP-Datei entpackt zu mehr als {limit} MB (höchstens 2.048 MB und das 100-Fache ihrer Größe); "
        "das ist kein plausibler Katalog (ZIP-Bombe?).",
    )


def test_the_absolute_cap_counts_unpacked_bytes_not_headers(
    contract_world: dict[str, Any], tmp_path: Path, settings: Any
) -> None:
    settings.KITU_CATALOG_UNZIPPED_MAX_BYTES = 3 * MB
    noise = random.Random(0).randbytes(2 * MB).hex()  # 4 MB that deflate cannot shrink to a ratio of 100
    xml = catalog_2005(
        product_2005("A") + "".join(f"<!-- {noise[i : i + 64]} -->\n" for i in range(0, len(noise), 64))
    ).encode()
    path = zipped(tmp_path, {"katalog.xml": xml})
    error = (
        "Die ZIP-Datei entpackt zu mehr als 3 MB (höchstens 3 MB und das 100-Fache ihrer Größe); "
        "das ist kein plausibler Katalog (ZIP-Bombe?)."
    )
    refused(contract_world, path, error)  # refused by the sizes the headers claim
    patch_directory(path, file_size=2 * MB)  # the headers now claim 2 MB: the data is still 4 MB
    record = run(contract_world, path)
    # zipfile stops at the claimed size and finds the checksum wrong
    assert (record.status, record.errors) == (
        "failed",
        ["Die ZIP-Datei ist beschädigt oder unvollständig (Bad CRC-32 for file 'katalog.xml')."],
    )


def test_the_cap_counts_what_is_really_unpacked(tmp_path: Path) -> None:
    """zipfile trusts a header claiming more than the data holds, and reads what there is: the budget
    counts those bytes, not the header's."""
    xml = b"<BMECAT>" + b" " * (4 * MB) + b"</BMECAT>"
    path = zipped(tmp_path, {"katalog.xml": xml})
    with sources.open_catalog(path, max_bytes=100 * MB, max_ratio=10**6) as (stream, _archive):
        assert len(stream.read(-1)) == len(xml)
    with (
        pytest.raises(sources.RefusedDocument, match="entpackt zu mehr als 3 MB"),
        sources.open_catalog(path, max_bytes=3 * MB, max_ratio=10**6) as (stream, _archive),
    ):
        pass  # the headers tell the truth here: refused before reading
    patch_directory(path, file_size=2 * MB)  # claims less: zipfile's own stop and checksum
    with (
        pytest.raises(zipfile.BadZipFile, match="Bad CRC-32"),
        sources.open_catalog(path, max_bytes=3 * MB, max_ratio=10**6) as (stream, _archive),
    ):
        while stream.read(32768):
            pass
    # the budget counts the bytes that come out, whatever any header says
    counted = sources._Counted(io.BytesIO(b" " * (4 * MB)), sources._Budget(3 * MB, "zu viel"))
    with pytest.raises(sources.RefusedDocument, match="zu viel"):
        while counted.read(32768):
            pass


def test_images_draw_on_the_same_budget_and_are_stored_once(
    contract_world: dict[str, Any], tmp_path: Path, settings: Any
) -> None:
    def with_image(pid: str, image: str) -> str:
        mime = f"<MIME><MIME_TYPE>image/png</MIME_TYPE><MIME_SOURCE>{image}</MIME_SOURCE></MIME>"
        return product_2005(pid).replace("</PRODUCT>", f"<MIME_INFO>{mime}</MIME_INFO></PRODUCT>")

    png = b"\x89PNG" + random.Random(1).randbytes(MB)  # 1 MB that deflate cannot shrink
    xml = catalog_2005(with_image("A", "a.png") + with_image("B", "bilder/a.png") + with_image("C", "a.png"))
    path = zipped(tmp_path, {"katalog.xml": xml.encode(), "bilder/a.png": png})
    record = run(contract_world, path)
    assert (record.status, record.errors) == ("succeeded", [])
    assert len({a.image.name for a in Article.objects.all()}) == 1  # one file for three articles

    Article.objects.all().delete()

    def stored() -> list[Path]:
        return sorted((Path(settings.MEDIA_ROOT) / "catalog").rglob("*.png"))

    before = stored()
    settings.KITU_CATALOG_UNZIPPED_MAX_BYTES = 2 * MB  # the XML and one image fit, not a second image
    xml = catalog_2005(with_image("A", "a.png") + with_image("B", "b.png"))
    path = zipped(tmp_path, {"katalog.xml": xml.encode(), "a.png": png, "b.png": png[::-1]}, name="zwei.zip")
    record = run(contract_world, path)
    assert record.status == "failed"
    assert record.errors == [
        "Die ZIP-Datei entpackt zu mehr als 2 MB (höchstens 2 MB und das 100-Fache ihrer Größe); "
        "das ist kein plausibler Katalog (ZIP-Bombe?)."
    ]
    assert Article.objects.count() == 0
    assert stored() == before  # the image stored before the budget ran out is removed again


def test_zip_entries_directory_and_encryption(
    contract_world: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    xml = catalog_2005(product_2005("A")).encode()
    members = {"katalog.xml": xml, **{f"bilder/{i}.png": b"x" for i in range(11)}}
    monkeypatch.setattr(sources, "MAX_ZIP_ENTRIES", 10)
    refused(contract_world, zipped(tmp_path, members), "Die ZIP-Datei hat 12 Einträge (höchstens 10).")
    monkeypatch.setattr(sources, "MAX_ZIP_ENTRIES", 100)
    monkeypatch.setattr(sources, "MAX_ZIP_DIRECTORY", 500)
    refused(
        contract_world,
        zipped(tmp_path, members, name="b.zip"),
        "Das Inhaltsverzeichnis der ZIP-Datei ist größer als 500 Bytes.",
    )
    encrypted = zipped(tmp_path, {"katalog.xml": xml}, name="c.zip")
    patch_directory(encrypted, flag_bits=0x1)
    refused(contract_world, encrypted, "Die ZIP-Datei ist verschlüsselt.")
    refused(
        contract_world,
        zipped(tmp_path, {"a.xml": xml, "b.xml": xml}, name="d.zip"),
        "Die ZIP-Datei muss genau eine XML-Datei enthalten (gefunden: 2).",
    )


def test_images_are_counted_as_they_are_unpacked(tmp_path: Path) -> None:
    png = random.Random(2).randbytes(2 * MB)
    path = zipped(tmp_path, {"katalog.xml": b"<BMECAT/>", "bilder/a.png": png})
    with zipfile.ZipFile(path) as archive:
        images = sources.Archive(archive, sources._Budget(3 * MB, "zu viel"))
        assert (images.find("a.png"), images.find("bilder/a.png"), images.find("b.png")) == (
            "bilder/a.png",
            "bilder/a.png",
            None,
        )
        assert images.read("bilder/a.png", 10 * MB) == png
        with pytest.raises(sources.RefusedDocument, match="zu viel"):
            images.read("bilder/a.png", 10 * MB)  # 4 MB unpacked in all
