"""The running import's page follows the progress pattern of the jobs: kern-progress, the count, htmx polling
and a plain reload link without JavaScript; the page survives a reload (the import id is in the URL)."""

from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse

from kitu.catalog.models import CatalogImport
from kitu.catalog.tasks import progress_key

pytestmark = pytest.mark.django_db


def test_a_running_import_shows_progress_and_polls(contract_world: dict[str, Any], client_for: Any) -> None:
    record = CatalogImport.objects.create(
        contract=contract_world["contract"], filename="k.xml", status=CatalogImport.Status.RUNNING
    )
    cache.set(progress_key(record.pk), 1234, 60)
    url = reverse("catalog:import_result", args=[record.pk])
    client = client_for("contract_manager")
    page = client.get(url).content.decode()
    assert '<div class="kern-progress">' in page and '<progress id="import-progress">' in page
    assert "Der Import läuft: 1.234 Artikel gelesen." in page
    assert f'hx-get="{url}" hx-trigger="every 2s"' in page and f'href="{url}">Jetzt aktualisieren' in page
    CatalogImport.objects.filter(pk=record.pk).update(status=CatalogImport.Status.SUCCEEDED)
    part = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Import erfolgreich." in part and "hx-trigger" not in part and "kern-progress" not in part
