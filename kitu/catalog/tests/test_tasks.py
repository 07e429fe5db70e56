from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kitu.catalog import tasks
from kitu.catalog.models import Article, CatalogImport

from .samples import catalog_2005, product_2005

pytestmark = pytest.mark.django_db
UNEXPECTED = (
    "Unerwarteter Fehler beim Import ({}); der Katalog ist unverändert. Bitte melden Sie den Fehler dem Betrieb."
)


def upload(client: Any, contract_id: int, content: str, capture: Any) -> CatalogImport:
    with capture(execute=True):  # the task runs eagerly on commit, as without a broker
        response = client.post(
            reverse("catalog:imports", args=[contract_id]), {"file": SimpleUploadedFile("k.xml", content.encode())}
        )
    record = CatalogImport.objects.latest("pk")
    assert response["Location"] == reverse("catalog:import_result", args=[record.pk])
    return record


def test_upload_with_a_price_of_1e30_fails_with_line_and_article(
    contract_world: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for("contract_manager")
    content = catalog_2005(product_2005("A") + product_2005("B", price="1e30"))
    record = upload(client, contract_world["contract"].pk, content, django_capture_on_commit_callbacks)
    record.refresh_from_db()
    problem = "Zeile 29, Artikel B: PRICE_AMOUNT (net_customer): 1E+30 ist zu groß (höchstens 10 Stellen vor dem Komma)"
    assert (record.status, record.errors, record.finished_at is not None) == ("failed", [problem], True)
    page = client.get(reverse("catalog:import_result", args=[record.pk])).content.decode()
    assert "Import abgelehnt – der Katalog ist unverändert." in page and problem in page
    assert "Der Import läuft" not in page
    assert Article.objects.count() == 0


def test_any_exception_in_the_task_marks_the_import_failed(
    contract_world: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    def broken(**kwargs: Any) -> CatalogImport:
        CatalogImport.objects.filter(pk=kwargs["record"].pk).update(status=CatalogImport.Status.RUNNING)
        raise MemoryError("out of memory")

    monkeypatch.setattr(tasks, "import_catalog", broken)
    client = client_for("contract_manager")
    record = upload(
        client, contract_world["contract"].pk, catalog_2005(product_2005("A")), django_capture_on_commit_callbacks
    )
    record.refresh_from_db()
    assert (record.status, record.errors) == ("failed", [UNEXPECTED.format("MemoryError: out of memory")])
    assert record.finished_at is not None
    page = client.get(reverse("catalog:import_result", args=[record.pk])).content.decode()
    assert "Import abgelehnt – der Katalog ist unverändert." in page


def test_a_missing_upload_fails_the_import(contract_world: dict[str, Any], client_for: Any) -> None:
    record = CatalogImport.objects.create(
        contract=contract_world["contract"],
        started_by=contract_world["users"]["contract_manager"],
        filename="weg.xml",
        upload=SimpleUploadedFile("weg.xml", b"<BMECAT/>"),
    )
    record.upload.storage.delete(record.upload.name)
    assert tasks.run_import(record.pk) == "failed"
    record.refresh_from_db()
    assert record.status == "failed" and len(record.errors) == 1
    assert record.errors[0].startswith("Unerwarteter Fehler beim Import (FileNotFoundError: ")
