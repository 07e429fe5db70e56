"""kitu.core.middleware.CSPMiddleware: the policy built once gives the headers django-csp's middleware gives."""

from __future__ import annotations

from typing import Any

import csp.middleware
import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, NONCE
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from kitu.core.middleware import CSPMiddleware


def _both(path: str, response: Any = None) -> tuple[HttpResponse, HttpResponse]:
    """The response of django-csp's middleware and of ours for the same request and view answer."""
    answers = []
    for middleware in (csp.middleware.CSPMiddleware, CSPMiddleware):
        request: HttpRequest = RequestFactory().get(path)
        answer = response() if response else HttpResponse("x")
        answers.append(middleware(lambda request, answer=answer: answer)(request))
    return answers[0], answers[1]


@pytest.mark.parametrize("path", ["/", "/open311/v2/requests.json", "/static/x.css"])
def test_the_same_policy_as_django_csp(path: str, settings: Any) -> None:
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
        "DIRECTIVES": {"default-src": ["'none'"]},
        "EXCLUDE_URL_PREFIXES": ["/static/"],
    }
    theirs, ours = _both(path)
    assert ours[HEADER] == theirs[HEADER] and "default-src 'self'" in ours[HEADER]
    assert ours.get(HEADER_REPORT_ONLY) == theirs.get(HEADER_REPORT_ONLY)
    assert (HEADER_REPORT_ONLY in ours) == (not path.startswith("/static/"))


def test_a_changed_setting_changes_the_header(settings: Any) -> None:
    before = _both("/")[1][HEADER]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    theirs, ours = _both("/")
    assert ours[HEADER] == theirs[HEADER] == "default-src 'none'" != before


def test_a_view_that_sets_its_own_policy_keeps_it() -> None:
    def updated() -> HttpResponse:
        response = HttpResponse("x")
        response._csp_update = {"img-src": ["https://tiles.example"]}  # type: ignore[attr-defined]
        return response

    def own_header() -> HttpResponse:
        response = HttpResponse("x")
        response[HEADER] = "sandbox; default-src 'none'"
        return response

    theirs, ours = _both("/", updated)
    assert ours[HEADER] == theirs[HEADER] and "https://tiles.example" in ours[HEADER]
    assert _both("/", own_header)[1][HEADER] == "sandbox; default-src 'none'"


def test_a_nonce_is_in_the_header_and_refused_after_it(settings: Any) -> None:
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": ["'self'", NONCE]}}
    request: HttpRequest = RequestFactory().get("/")
    middleware = CSPMiddleware(lambda request: HttpResponse(str(request.csp_nonce)))  # type: ignore[attr-defined]
    response = middleware(request)
    assert f"'nonce-{response.content.decode()}'" in response[HEADER]
    plain: HttpRequest = RequestFactory().get("/")
    assert "nonce" not in CSPMiddleware(lambda request: HttpResponse("x"))(plain)[HEADER]
    with pytest.raises(csp.middleware.CSPNonceError):
        str(plain.csp_nonce)  # type: ignore[attr-defined]
