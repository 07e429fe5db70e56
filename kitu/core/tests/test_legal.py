"""The cooperative's legal pages: open to anyone, linked in the footer of every page that is not a town's,
demo details marked as demo, configured details without the mark."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import ROLES

pytestmark = pytest.mark.django_db

PAGES = {
    "impressum": "Impressum",
    "datenschutz": "Datenschutzerklärung",
    "barrierefreiheit": "Erklärung zur Barrierefreiheit",
}


@pytest.mark.parametrize(("page", "heading"), PAGES.items())
def test_legal_pages_render_for_anyone_and_say_they_are_demo(page: str, heading: str) -> None:
    response = Client().get(reverse("core:legal", args=[page]))
    text = response.content.decode()
    assert response.status_code == 200
    assert f'<h1 class="kern-heading-large">{heading}</h1>' in text
    assert "Demo-Text:" in text


def test_configured_details_replace_the_demo(settings: Any) -> None:
    settings.KITU_COOP_LEGAL = {"name": "KITU eG", "accessibility_email": "a11y@kitu.example", "address": "Markt 1"}
    text = Client().get(reverse("core:legal", args=["barrierefreiheit"])).content.decode()
    assert "Demo-Text:" not in text and "(Demo)" not in text
    assert 'href="mailto:a11y@kitu.example?subject=' in text  # the feedback route (BITV 2.0)
    assert "KITU eG ist bemüht" in text


@pytest.mark.parametrize("role", [None, "coop_admin", "requester", "supplier_user"])
def test_every_footer_links_the_cooperatives_legal_pages(client_for: Any, role: str | None) -> None:
    client = client_for(role)
    for url in ("/konto/anmelden/", "/", "/gibt-es-nicht/"):
        response = client.get(url, follow=True)
        text = response.content.decode()
        footer = text[text.index('<footer class="kitu-footer">') :]
        for page in PAGES:
            assert f'href="{reverse("core:legal", args=[page])}"' in footer, (url, page)


@pytest.mark.parametrize("role", ROLES)
def test_legal_pages_are_open_to_every_role(client_for: Any, role: str | None) -> None:
    client = client_for(role)
    for page in PAGES:
        assert client.get(reverse("core:legal", args=[page])).status_code == 200
        assert client.post(reverse("core:legal", args=[page])).status_code == 405
