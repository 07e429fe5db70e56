"""The session, login, second-factor and message middleware are skipped for the machine APIs
(KITU_MACHINE_API_PREFIXES: Open311) and for the JSON API's requests with a bearer token — and only there."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from kitu.core.middleware import AuthenticationMiddleware, MessageMiddleware, OTPMiddleware, SessionMiddleware


def _seen(path: str, **headers: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen.update(
            session=hasattr(request, "session"),
            messages=hasattr(request, "_messages"),
            user=request.user,
            otp=hasattr(request.user, "is_verified"),
        )
        return HttpResponse("x")

    chain = SessionMiddleware(AuthenticationMiddleware(OTPMiddleware(MessageMiddleware(view))))  # type: ignore[arg-type]
    chain(RequestFactory().get(path, **headers))
    return seen


def test_skipped_for_open311() -> None:
    seen = _seen("/open311/v2/requests.json", HTTP_COOKIE="sessionid=abc")
    assert seen == {"session": False, "messages": False, "user": AnonymousUser(), "otp": False}


def test_skipped_for_the_json_api_with_a_token() -> None:
    seen = _seen("/api/v1/cart/lines", HTTP_COOKIE="sessionid=abc", HTTP_AUTHORIZATION="Bearer kitu_x")
    assert seen == {"session": False, "messages": False, "user": AnonymousUser(), "otp": False}


TOKEN = {"HTTP_AUTHORIZATION": "Bearer kitu_x"}


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        *[
            (path, headers)
            for path in ("/", "/maengel/", "/open311", "/OPEN311/v2/requests.json", "/x/open311/v2/")
            for headers in ({}, TOKEN)
        ],
        ("/api/v1/cart/lines", {}),  # the JSON API without a token: a person's browser with its session
        ("/x/api/v1/cart/lines", TOKEN),
    ],
)
def test_every_other_request_gets_them(path: str, headers: dict[str, str]) -> None:
    seen = _seen(path, **headers)
    assert (seen["session"], seen["messages"], seen["otp"]) == (True, True, True)
    assert seen["user"].is_anonymous


@pytest.mark.django_db
def test_open311_answers_as_before_with_and_without_a_login(defect_world: dict[str, Any], client_for: Any) -> None:
    anonymous = Client().get("/open311/v2/services.json?jurisdiction_id=wernigerode")
    logged_in = client_for("case_worker").get("/open311/v2/services.json?jurisdiction_id=wernigerode")
    assert anonymous.status_code == logged_in.status_code == 200 and anonymous.content == logged_in.content
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert anonymous[header] == logged_in[header]
    assert "Set-Cookie" not in anonymous.headers and "Set-Cookie" not in logged_in.headers
    missing = Client().get("/open311/v2/nothing-here.json")  # Django's 404 page renders the menu by request.user
    assert missing.status_code == 404


@pytest.mark.django_db
def test_a_page_still_needs_the_login(defect_world: dict[str, Any], client_for: Any) -> None:
    assert Client().get("/maengel/bearbeitung/").status_code == 302  # to the login
    assert client_for("case_worker").get("/maengel/bearbeitung/").status_code == 200
