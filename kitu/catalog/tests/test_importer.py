import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from conftest import EVERY_ROLE
from kitu.catalog.generate import demo_articles, write_catalog
from kitu.catalog.importer import applying, import_catalog, writing
from kitu.catalog.models import Article, CatalogImport, ScalePrice
from kitu.core.actors import SYSTEM
from kitu.core.errors import PermissionDenied

from .samples import BILLION_LAUGHS, CATALOG_12, SCALES, XXE, catalog_2005, product_2005

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, content: str | bytes, name: str = "katalog.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def run(cw: dict[str, Any], path: Path, **kwargs: Any) -> CatalogImport:
    return import_catalog(actor=cw["users"]["contract_manager"], contract=cw["contract"], path=path, **kwargs)


def snapshot() -> tuple[Any, ...]:
    return tuple(
        Article.objects.order_by("pk").values_list("supplier_pid", "price", "is_active", "description_short")
    ), ScalePrice.objects.count()


@pytest.mark.parametrize(
    "ns",
    [
        "http://www.bmecat.org/bmecat/2005",
        "http://www.bmecat.org/bmecat/2005.2",
        "urn:lieferant:eigener-namensraum",
        None,
    ],
)
def test_bmecat_2005_in_every_namespace(contract_world: dict[str, Any], tmp_path: Path, ns: str | None) -> None:
    body = product_2005("NB-1", extra_prices=SCALES) + product_2005(
        "NB-2", "Notebook Dell Latitude 5450", price="1049.50"
    )
    record = run(contract_world, write(tmp_path, catalog_2005(body, ns=ns)))
    assert record.errors == [] and record.status == "succeeded"
    assert record.summary == "imported 2 articles (2 new, 0 changed, 0 deactivated)"
    a = Article.objects.get(supplier_pid="NB-1")
    assert a.description_short == "Notebook Lenovo ThinkPad T14"  # German text preferred
    assert (a.price, a.list_price, a.tax_rate) == (
        Decimal("899.00"),
        Decimal("1200.00"),
        Decimal("0.190"),
    )  # gros 1428 / 1.19
    assert (a.order_unit, a.content_unit, a.quantity_min, a.quantity_interval) == (
        "C62",
        "C62",
        Decimal("2"),
        Decimal("2"),
    )
    assert (a.eclass_system, a.eclass_group, a.cpv, a.ean) == ("ECLASS-5.1", "24010101", "30213100-6", "4012345678901")
    assert (a.valid_from.isoformat(), a.valid_until.isoformat()) == ("2026-01-01", "2026-12-31")  # type: ignore[union-attr]
    assert [(t.lower_bound, t.amount) for t in a.scale_prices.all()] == [
        (Decimal("10.000"), Decimal("869.00")),
        (Decimal("50.000"), Decimal("839.00")),
    ]
    assert a.lot == contract_world["lot"] and a.supplier == contract_world["supplier"]


def test_bmecat_12_with_dtd_reference_and_price_on_request(contract_world: dict[str, Any], tmp_path: Path) -> None:
    record = run(contract_world, write(tmp_path, CATALOG_12))
    assert record.errors == []
    printer = Article.objects.get(supplier_pid="DR-100")
    assert (printer.price, printer.list_price, printer.manufacturer_pid) == (
        Decimal("189.90"),
        Decimal("249.00"),
        "1102RX3NL0",
    )
    assert printer.savings == Decimal("59.10") and printer.savings_percent == 23
    quote = Article.objects.get(supplier_pid="DR-200")
    assert (quote.price, quote.price_on_request, quote.order_unit) == (None, True, "C62")  # ST normalised


def test_new_catalog_replaces_and_deactivates_never_deletes(contract_world: dict[str, Any], tmp_path: Path) -> None:
    run(contract_world, write(tmp_path, catalog_2005(product_2005("A") + product_2005("B") + product_2005("C"))))
    ids = dict(Article.objects.values_list("supplier_pid", "pk"))
    body = product_2005("A") + product_2005("B", price="799.00") + product_2005("D")
    record = run(contract_world, write(tmp_path, catalog_2005(body), "v2.xml"))
    assert record.summary == "imported 3 articles (1 new, 1 changed, 1 deactivated)"
    assert record.price_changes == 1
    assert dict(Article.objects.values_list("supplier_pid", "is_active")) == {
        "A": True,
        "B": True,
        "C": False,
        "D": True,
    }
    assert Article.objects.get(supplier_pid="C").pk == ids["C"]  # kept for orders that point at it
    assert Article.objects.get(supplier_pid="B").pk == ids["B"]


def test_update_products_new_update_delete(contract_world: dict[str, Any], tmp_path: Path) -> None:
    run(contract_world, write(tmp_path, catalog_2005(product_2005("A") + product_2005("B"))))
    body = (
        product_2005("A", "Notebook neu", mode="update")
        + product_2005("B", mode="delete")
        + product_2005("C", mode="new")
    )
    record = run(contract_world, write(tmp_path, catalog_2005(body, transaction="T_UPDATE_PRODUCTS"), "u.xml"))
    assert (record.articles_new, record.articles_changed, record.articles_deactivated) == (1, 1, 1)
    assert dict(Article.objects.values_list("supplier_pid", "is_active")) == {"A": True, "B": False, "C": True}
    assert Article.objects.get(supplier_pid="A").description_short == "Notebook neu"
    bad = run(
        contract_world,
        write(tmp_path, catalog_2005(product_2005("Z", mode="update"), transaction="T_UPDATE_PRODUCTS"), "z.xml"),
    )
    assert bad.errors == ['Zeile 9, Artikel Z: zu ändernder Artikel (mode="update") ist nicht im Katalog']


def test_update_prices_only_changes_prices(contract_world: dict[str, Any], tmp_path: Path) -> None:
    run(contract_world, write(tmp_path, catalog_2005(product_2005("A", extra_prices=SCALES))))
    body = (
        '<PRODUCT><SUPPLIER_PID>A</SUPPLIER_PID><PRODUCT_PRICE_DETAILS><PRODUCT_PRICE price_type="net_customer">'
        "<PRICE_AMOUNT>850.00</PRICE_AMOUNT><PRICE_CURRENCY>EUR</PRICE_CURRENCY><TAX>0.19</TAX></PRODUCT_PRICE>"
        "</PRODUCT_PRICE_DETAILS></PRODUCT>"
    )
    record = run(contract_world, write(tmp_path, catalog_2005(body, transaction="T_UPDATE_PRICES"), "p.xml"))
    assert record.errors == [] and record.price_changes == 1
    a = Article.objects.get(supplier_pid="A")
    assert (a.price, a.description_short, a.scale_prices.count()) == (
        Decimal("850.00"),
        "Notebook Lenovo ThinkPad T14",
        0,
    )


def test_broken_file_lists_every_problem_with_line_and_changes_nothing(
    contract_world: dict[str, Any], tmp_path: Path
) -> None:
    run(contract_world, write(tmp_path, catalog_2005(product_2005("A"))))
    before = snapshot()
    body = (
        product_2005("OK-1")
        + product_2005("BAD-PRICE", price="neunhundert")
        + product_2005("X" * 40)
        + product_2005("BAD-UNIT", unit="Karton!")
        + product_2005("OK-1")
    )
    record = run(contract_world, write(tmp_path, catalog_2005(body), "bad.xml"))
    assert record.status == "failed"
    assert record.errors == [
        "Zeile 29, Artikel BAD-PRICE: PRICE_AMOUNT (net_customer): „neunhundert“ ist keine Zahl",
        f"Zeile 49, Artikel {'X' * 40}: SUPPLIER_PID ist länger als 32 Zeichen (40)",
        "Zeile 69, Artikel BAD-UNIT: ORDER_UNIT: „Karton!“ ist kein Code nach UN/ECE Recommendation 20",
        "Zeile 89, Artikel OK-1: Artikelnummer kommt in der Datei mehrfach vor",
    ]
    assert snapshot() == before


def test_malformed_xml_reports_the_line(contract_world: dict[str, Any], tmp_path: Path) -> None:
    text = catalog_2005(product_2005("A")).replace("</PRODUCT_DETAILS>", "</PRODUCT_DETAIL>", 1)
    record = run(contract_world, write(tmp_path, text))
    assert record.status == "failed" and len(record.errors) == 1
    assert record.errors[0].startswith(
        "Zeile 18: die Datei ist kein wohlgeformtes XML (Opening and ending tag mismatch"
    )
    assert Article.objects.count() == 0


@pytest.mark.parametrize(("content", "message"), [(BILLION_LAUGHS, "XML-Entitäten"), (XXE, "XML-Entitäten")])
def test_hostile_files_are_refused(contract_world: dict[str, Any], tmp_path: Path, content: str, message: str) -> None:
    record = run(contract_world, write(tmp_path, content))
    assert record.status == "failed"
    assert message in record.errors[0]
    assert Article.objects.count() == 0


def test_agreement_mismatch_warns_and_contract_decides(contract_world: dict[str, Any], tmp_path: Path) -> None:
    record = run(contract_world, write(tmp_path, catalog_2005(product_2005("A"), agreement="RV-ALT-7")))
    assert record.status == "succeeded"
    assert record.warnings == [
        "AGREEMENT_ID „RV-ALT-7“ im HEADER passt nicht zum Vertrag RV-2025-01; importiert in RV-2025-01"
    ]


def test_dry_run_reports_and_changes_nothing(contract_world: dict[str, Any], tmp_path: Path) -> None:
    record = run(contract_world, write(tmp_path, catalog_2005(product_2005("A") + product_2005("B"))), dry_run=True)
    assert (record.status, record.articles_new, record.dry_run) == ("succeeded", 2, True)
    assert Article.objects.count() == 0


def test_zip_with_images(contract_world: dict[str, Any], tmp_path: Path) -> None:
    body = product_2005("A").replace(
        "</PRODUCT>",
        "<MIME_INFO><MIME><MIME_TYPE>image/png</MIME_TYPE><MIME_SOURCE>bilder/a.png</MIME_SOURCE></MIME></MIME_INFO></PRODUCT>",
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("katalog.xml", catalog_2005(body))
        archive.writestr("bilder/a.png", b"\x89PNG fake")
    record = run(contract_world, write(tmp_path, buffer.getvalue(), "katalog.zip"))
    assert record.errors == []
    article = Article.objects.get(supplier_pid="A")
    assert article.image.read() == b"\x89PNG fake"


def test_command_summary_exit_code_and_dry_run(contract_world: dict[str, Any], tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "gen.xml"
    with open(path, "w", encoding="utf-8") as out:
        write_catalog(
            out, agreement_id="RV-2025-01", supplier="Beispiel IT GmbH", articles=demo_articles(25, prefix="NB")
        )
    call_command("import_bmecat", str(path), "--contract", "RV-2025-01", "--dry-run")
    assert (
        capsys.readouterr().out.strip() == "dry run: would have imported 25 articles (25 new, 0 changed, 0 deactivated)"
    )
    assert Article.objects.count() == 0
    call_command("import_bmecat", str(path), "--contract", "RV-2025-01")
    assert capsys.readouterr().out.strip() == "imported 25 articles (25 new, 0 changed, 0 deactivated)"
    broken = write(tmp_path, catalog_2005(product_2005("A", price="x")), "b.xml")
    with pytest.raises(SystemExit) as exc:
        call_command("import_bmecat", str(broken), "--contract", "RV-2025-01")
    assert exc.value.code == 1
    assert "error: Zeile 9, Artikel A: PRICE_AMOUNT (net_customer): „x“ ist keine Zahl" in capsys.readouterr().err
    assert Article.objects.count() == 25


def price(price_type: str, amount: str, bound: str = "1") -> str:
    return (
        f'<PRODUCT_PRICE price_type="{price_type}"><PRICE_AMOUNT>{amount}</PRICE_AMOUNT>'
        f"<PRICE_CURRENCY>EUR</PRICE_CURRENCY><TAX>0.19</TAX><LOWER_BOUND>{bound}</LOWER_BOUND></PRODUCT_PRICE>"
    )


def test_every_price_type(contract_world: dict[str, Any], tmp_path: Path) -> None:
    body = (
        # net_list wins over gros_list and nrp as the list price; udp_* is ignored without a word
        product_2005(
            "A",
            extra_prices=price("net_list", "1000.00") + price("gros_list", "1428.00") + price("udp_intern", "1.00"),
        )
        # nrp (recommended retail price, gross) is the list price when there is no other
        + product_2005("B", price="500.00", extra_prices=price("nrp", "714.00"))
        # net_customer_exp is the contract price where net_customer is missing, with its tiers
        + product_2005("C", price="1").replace('price_type="net_customer"', 'price_type="net_customer_exp"', 1)
        # an unknown type is reported as a warning and not used
        + product_2005("D", price="80.00", extra_prices=price("sonderpreis", "1.00"))
    )
    # a second tier for C
    head, pid_c, tail = body.partition("<SUPPLIER_PID>C</SUPPLIER_PID>")
    tail = tail.replace(
        "</PRODUCT_PRICE_DETAILS>", price("net_customer_exp", "0.90", "10") + "</PRODUCT_PRICE_DETAILS>", 1
    )
    text = catalog_2005(head + pid_c + tail)
    record = run(contract_world, write(tmp_path, text))
    assert record.errors == []
    prices = {a.supplier_pid: (a.price, a.list_price) for a in Article.objects.all()}
    assert prices == {
        "A": (Decimal("899.00"), Decimal("1000.00")),
        "B": (Decimal("500.00"), Decimal("600.00")),  # 714 / 1.19
        "C": (Decimal("1.00"), None),
        "D": (Decimal("80.00"), None),
    }
    assert [(t.lower_bound, t.amount) for t in ScalePrice.objects.filter(article__supplier_pid="C")] == [
        (Decimal("10.000"), Decimal("0.90"))
    ]
    line_of_d = text.splitlines().index("  <SUPPLIER_PID>D</SUPPLIER_PID>")  # the PRODUCT line before it, 1-based
    assert record.warnings == [
        f"Zeile {line_of_d}, Artikel D: Preisart sonderpreis ist unbekannt und wurde nicht übernommen",
    ]


def order_details(**values: str) -> str:
    fields = {"ORDER_UNIT": "PCE", "NO_CU_PER_OU": "1", "PRICE_QUANTITY": "1", "QUANTITY_MIN": "1"}
    fields.update(values)
    inner = "".join(f"<{k}>{v}</{k}>" for k, v in fields.items())
    return f"<PRODUCT_ORDER_DETAILS>{inner}</PRODUCT_ORDER_DETAILS>"


def with_order_details(product: str, **values: str) -> str:
    head, _, rest = product.partition("<PRODUCT_ORDER_DETAILS>")
    _, _, tail = rest.partition("</PRODUCT_ORDER_DETAILS>")
    return head + order_details(**values) + tail


TOO_LARGE = "ist zu groß (höchstens {} Stellen vor dem Komma)"
# product → the error of article A (line 9): numbers the database columns cannot hold
OUT_OF_RANGE = [
    (product_2005("A", price="1e30"), f"PRICE_AMOUNT (net_customer): 1E+30 {TOO_LARGE.format(10)}"),
    (product_2005("A", price="1e999999999"), f"PRICE_AMOUNT (net_customer): 1E+999999999 {TOO_LARGE.format(10)}"),
    (product_2005("A", price="10000000000"), f"PRICE_AMOUNT (net_customer): 10000000000 {TOO_LARGE.format(10)}"),
    # rounded to cents, this is 10,000,000,000.00
    (
        product_2005("A", price="9999999999.995"),
        f"PRICE_AMOUNT (net_customer): 9999999999.995 {TOO_LARGE.format(10)}",
    ),
    (
        product_2005("A", extra_prices=price("net_list", "1e30")),
        f"PRICE_AMOUNT (net_list): 1E+30 {TOO_LARGE.format(10)}",
    ),
    (
        product_2005("A", extra_prices=price("gros_list", "1e12")),
        f"PRICE_AMOUNT (gros_list): 1E+12 {TOO_LARGE.format(10)}",
    ),
    (
        product_2005("A", extra_prices=price("net_customer", "800.00", "1e30")),
        f"LOWER_BOUND: 1E+30 {TOO_LARGE.format(9)}",
    ),
    (
        product_2005("A").replace("<TAX>0.19</TAX>", "<TAX>1e30</TAX>"),
        "TAX: 1E+30 ist zu groß (höchstens 1 Stelle vor dem Komma)",
    ),
    (product_2005("A").replace("<TAX>0.19</TAX>", "<TAX>0.1999</TAX>"), "TAX: 0.1999 hat mehr als 3 Nachkommastellen"),
    (with_order_details(product_2005("A"), QUANTITY_MIN="1e30"), f"QUANTITY_MIN: 1E+30 {TOO_LARGE.format(9)}"),
    (
        with_order_details(product_2005("A"), NO_CU_PER_OU="1000000000"),
        f"NO_CU_PER_OU: 1000000000 {TOO_LARGE.format(9)}",
    ),
    (
        with_order_details(product_2005("A"), QUANTITY_INTERVAL="0.0001"),
        "QUANTITY_INTERVAL: 0.0001 hat mehr als 3 Nachkommastellen",
    ),
    (
        with_order_details(product_2005("A"), PRICE_QUANTITY="1e-30"),
        "PRICE_QUANTITY: 1E-30 hat mehr als 3 Nachkommastellen",
    ),
]


@pytest.mark.parametrize(("product", "problem"), OUT_OF_RANGE, ids=[p for _, p in OUT_OF_RANGE])
def test_numbers_the_columns_cannot_hold_are_import_errors(
    contract_world: dict[str, Any], tmp_path: Path, product: str, problem: str
) -> None:
    run(contract_world, write(tmp_path, catalog_2005(product_2005("A") + product_2005("B")), "v1.xml"))
    before = snapshot()
    record = run(contract_world, write(tmp_path, catalog_2005(product + product_2005("C"))))
    assert (record.status, record.errors) == ("failed", [f"Zeile 9, Artikel A: {problem}"])
    assert snapshot() == before


def test_largest_numbers_the_columns_hold_are_imported(contract_world: dict[str, Any], tmp_path: Path) -> None:
    product = with_order_details(
        product_2005("A", price="9999999999.994", extra_prices=price("net_customer", "1.00", "999999999.999")),
        QUANTITY_MIN="999999999.999",
        QUANTITY_INTERVAL="0.001",
    ).replace("<TAX>0.19</TAX>", "<TAX>0.999</TAX>", 1)
    record = run(contract_world, write(tmp_path, catalog_2005(product)))
    assert (record.status, record.errors) == ("succeeded", [])
    a = Article.objects.get(supplier_pid="A")
    assert (a.price, a.quantity_min, a.quantity_interval, a.tax_rate) == (
        Decimal("9999999999.99"),
        Decimal("999999999.999"),
        Decimal("0.001"),
        Decimal("0.999"),
    )
    assert [(t.lower_bound, t.amount) for t in a.scale_prices.all()] == [(Decimal("999999999.999"), Decimal("1.00"))]


def test_header_currency_must_be_a_three_letter_code(contract_world: dict[str, Any], tmp_path: Path) -> None:
    text = catalog_2005(product_2005("A")).replace("<CURRENCY>EUR</CURRENCY>", "<CURRENCY>EURO</CURRENCY>")
    record = run(contract_world, write(tmp_path, text.replace("<PRICE_CURRENCY>EUR<", "<PRICE_CURRENCY>EURO<")))
    assert (record.status, record.errors) == (
        "failed",
        ["Zeile 4: CURRENCY „EURO“ ist kein Währungscode nach ISO 4217 (drei Buchstaben)"],
    )
    assert Article.objects.count() == 0


def test_image_names_longer_than_their_columns(contract_world: dict[str, Any], tmp_path: Path) -> None:
    def with_image(pid: str, source: str) -> str:
        mime = f"<MIME><MIME_TYPE>image/png</MIME_TYPE><MIME_SOURCE>{source}</MIME_SOURCE></MIME>"
        return product_2005(pid).replace("</PRODUCT>", f"<MIME_INFO>{mime}</MIME_INFO></PRODUCT>")

    long_name = "bilder/" + "b" * 240 + ".png"  # 251 characters: fits image_source (255), not the path (100)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("katalog.xml", catalog_2005(with_image("A", long_name)))
        archive.writestr(long_name, b"\x89PNG fake")
    record = run(contract_world, write(tmp_path, buffer.getvalue(), "katalog.zip"))
    assert (record.status, record.errors) == ("succeeded", [])
    article = Article.objects.get(supplier_pid="A")
    assert article.image_source == long_name
    assert len(article.image.name) == 100 and article.image.name.startswith(
        f"catalog/{contract_world['contract'].pk}/bbb"
    )
    assert article.image.read() == b"\x89PNG fake"

    too_long = "bilder/" + "a" * 300 + ".png"
    record = run(contract_world, write(tmp_path, catalog_2005(with_image("B", too_long)), "b.xml"))
    assert (record.status, record.errors) == (
        "failed",
        ["Zeile 9, Artikel B: MIME_SOURCE ist länger als 255 Zeichen (311)"],
    )


def test_an_unexpected_error_fails_the_import_with_its_place_and_changes_nothing(
    contract_world: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(contract_world, write(tmp_path, catalog_2005(product_2005("A")), "v1.xml"))
    before = snapshot()
    real = applying.content_hash

    def fails_for_c(values: dict[str, Any], tiers: Any) -> str:
        if values["manufacturer_pid"] == "21HD-C":
            raise ZeroDivisionError("division by zero")
        return real(values, tiers)

    monkeypatch.setattr(writing, "BATCH", 1)  # A and B are written before C fails
    monkeypatch.setattr(applying, "content_hash", fails_for_c)
    body = product_2005("A", price="1.00") + product_2005("B") + product_2005("C")
    record = run(contract_world, write(tmp_path, catalog_2005(body)))
    assert (record.status, record.errors) == (
        "failed",
        [
            "Zeile 49, Artikel C: unerwarteter Fehler beim Import (ZeroDivisionError: division by zero); "
            "der Katalog ist unverändert. Bitte melden Sie den Fehler dem Betrieb."
        ],
    )
    assert record.finished_at is not None
    assert CatalogImport.objects.get(pk=record.pk).status == "failed"
    assert snapshot() == before


def test_only_contract_management_or_the_system_imports(contract_world: dict[str, Any], tmp_path: Path) -> None:
    """The import checks permission itself (the task runs it for the uploader; the command as SYSTEM):
    anyone else is refused before a history row or an article is written."""
    path = write(tmp_path, catalog_2005(product_2005("A-1", "Notebook 14 Zoll")))
    users = contract_world["users"]
    refused = [role for role in EVERY_ROLE if role not in ("coop_admin", "contract_manager") and role in users]
    assert len(refused) >= 8
    for actor in [AnonymousUser(), *(users[role] for role in refused)]:
        with pytest.raises(PermissionDenied):
            import_catalog(actor=actor, contract=contract_world["contract"], path=path)
    assert (CatalogImport.objects.count(), Article.objects.count()) == (0, 0)
    assert import_catalog(actor=SYSTEM, contract=contract_world["contract"], path=path).errors == []
    assert import_catalog(actor=users["coop_admin"], contract=contract_world["contract"], path=path).errors == []
    assert CatalogImport.objects.filter(started_by=None).count() == 1 and Article.objects.count() == 1
