"""Issue 18.6: own 400/403/404/500 pages in the layout, German and English, with DEBUG on (the demo) and off;
no stack trace or framework page ever reaches a user."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login
from kitu.members import views as member_views

pytestmark = pytest.mark.django_db

TEXTS = {
    "de": {
        404: ("Seite nicht gefunden", "Zur Startseite"),
        403: ("Kein Zugriff", "Mit einem anderen Konto anmelden"),
        500: ("Ein Fehler ist aufgetreten", "Zur Startseite"),
    },
    "en": {
        404: ("Page not found", "To the start page"),
        403: ("No access", "Sign in with another account"),
        500: ("An error occurred", "To the start page"),
    },
}


def _boom(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("simulated failure with a secret in the message")


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize("language", ["de", "en"])
def test_error_pages_in_the_layout(
    world: dict[str, Any], settings: Any, monkeypatch: Any, debug: bool, language: str
) -> None:
    settings.DEBUG = debug
    client = login(Client(HTTP_ACCEPT_LANGUAGE=language), world["users"]["requester"])
    client.raise_request_exception = False
    texts = TEXTS[language]

    def check(response: Any, status: int, layout: bool = True) -> None:
        body = response.content.decode()
        assert response.status_code == status
        assert all(text in body for text in texts[status]), body[:2000]
        assert "Traceback" not in body and "secret in the message" not in body and "DEBUG = True" not in body
        assert ("<nav" in body) is layout
        assert f'lang="{language}"' in body

    check(client.get("/gibt-es-nicht/"), 404)
    check(client.get(reverse("members:detail", args=[999999])), 404)
    check(client.get(reverse("accounts:audit")), 403)
    monkeypatch.setattr(member_views, "render", _boom)
    check(client.get(reverse("members:detail", args=[world["wernigerode"].pk])), 500, layout=False)


def test_api_errors_stay_json_with_debug_on(world: dict[str, Any], settings: Any) -> None:
    settings.DEBUG = True
    client = login(Client(), world["users"]["requester"])
    response = client.get("/api/v1/no-such-thing")
    assert (response.status_code, response.json()) == (404, {"detail": "Not found", "field": None})


def test_forms_show_an_error_summary_linking_to_the_fields(world: dict[str, Any]) -> None:
    client = login(Client(), world["users"]["requester"])
    response = client.post(reverse("accounts:api_tokens"), {"name": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="kern-alert kern-alert--danger kitu-error-summary" role="alert" tabindex="-1"' in body
    assert "Bitte korrigieren Sie eine Angabe" in body
    assert '<a class="kern-link" href="#id_name">Bezeichnung: Bitte füllen Sie dieses Feld aus.</a>' in body
    assert body.index("kitu-error-summary") < body.index('id="id_name"')
