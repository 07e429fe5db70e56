"""Probe of issue 17: the second factor cannot be skipped with an ``Authorization`` header, an invalid API token
never falls back to the session, and the login throttle locks an address whatever its letter case."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import login
from kitu.accounts.models import ApiToken, User
from kitu.accounts.services import api_token_create, api_token_revoke
from kitu.core.actors import SYSTEM
from kitu.core.errors import PermissionDenied
from kitu.orders.models import Order

pytestmark = pytest.mark.django_db
PASSWORD = "Sicheres-Passwort-1"
HEADER_VARIANTS = ["x", "Bearer nonsense", "Token x", "", "Bearer", "Bearer  ", "Basic YTpi", "bearer kitu_nonsense"]
OPEN_PATHS = ("/konto/anmelden/", "/konto/abmelden/", "/konto/zwei-faktor/", "/konto/passwort-", "/static/", "/i18n/")


def _all_paths() -> Iterator[str]:
    """Every URL pattern of the project with its parameters filled in (objects need not exist: the check
    comes before any view)."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield route

    for route in walk(get_resolver().url_patterns, ""):
        route = route.lstrip("^").rstrip("$").replace("\\Z", "")
        route = re.sub(r"<int:[^>]+>", "1", route)
        route = re.sub(r"<uuid:[^>]+>", "00000000-0000-0000-0000-000000000001", route)
        route = re.sub(r"<(?:[a-z]+:)?[^>]+>", "x", route)
        route = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", route)
        yield "/" + route.replace("\\.", ".").replace("\\", "")


def _password_only(email: str) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 302, email
    return client


def test_every_page_and_api_route_keeps_the_second_factor_with_any_authorization_header(
    world: dict[str, Any],
) -> None:
    approver = world["users"]["approver"]  # needs a second factor; has a confirmed device
    TOTPDevice.objects.create(user=approver, name="phone", confirmed=True)
    client = _password_only(approver.email)
    client.raise_request_exception = False
    paths = sorted(set(_all_paths()))
    api_paths = [p for p in paths if p.startswith("/api/")]
    assert len(paths) > 150 and len(api_paths) > 20  # the walk really found the project's routes
    audit_before = list(world["admin"].__class__.objects.values_list("pk", flat=True))
    for path in paths:
        if path.startswith(OPEN_PATHS) or path == "/healthz":
            continue
        for header in HEADER_VARIANTS:
            for method in ("get", "post"):
                response = getattr(client, method)(path, HTTP_AUTHORIZATION=header)
                if path.startswith("/api/"):
                    assert response.status_code == 401, (method, path, header, response.status_code)
                    assert response["Content-Type"].startswith("application/json")
                elif path.startswith(("/open311/", "/maengel/")) and not path.startswith("/maengel/bearbeitung"):
                    # public citizen pages need no login; they must not have given the approver anything more
                    assert response.status_code != 200 or "Abmelden" not in response.content.decode(), path
                else:
                    assert response.status_code == 302, (method, path, header, response.status_code)
                    assert response["Location"].startswith(reverse("accounts:otp_verify")), (path, header)
    assert not ApiToken.objects.exists()
    assert list(world["admin"].__class__.objects.values_list("pk", flat=True)) == audit_before


def test_invalid_token_never_falls_back_to_the_session(world: dict[str, Any]) -> None:
    """A verified session plus a bad token: the token decides (401), the session is not used."""
    client = login(Client(), world["users"]["requester"])
    assert client.get("/api/v1/me").status_code == 200
    for header in HEADER_VARIANTS:
        response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header
        assert response.json()["detail"].startswith("Invalid or unknown API token")
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_and_token_of_inactive_user_are_401(world: dict[str, Any]) -> None:
    user = world["users"]["requester"]
    token, secret = api_token_create(actor=SYSTEM, user=user, name="ERP")
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").json()["email"] == user.email
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"bearer {secret}").status_code == 200
    api_token_revoke(user=user, token_id=token.pk)
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    _token, secret2 = api_token_create(actor=SYSTEM, user=user, name="ERP 2")
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret2}").status_code == 401


def test_valid_token_acts_without_second_factor_and_only_on_the_api(world: dict[str, Any]) -> None:
    approver = world["users"]["approver"]
    TOTPDevice.objects.create(user=approver, name="phone", confirmed=True)
    _token, secret = api_token_create(actor=SYSTEM, user=approver, name="ERP")
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").json()["email"] == approver.email
    # a page is not opened by a token, nor by a token next to a password-only session
    assert Client().get(reverse("orders:approvals"), HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 302
    client = _password_only(approver.email)
    response = client.get(reverse("orders:approvals"), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response["Location"].startswith(reverse("accounts:otp_verify"))


def test_approving_with_password_and_a_bogus_header_changes_nothing(order_world: dict[str, Any]) -> None:
    users = order_world["users"]
    _token, secret = api_token_create(actor=SYSTEM, user=users["requester"], name="t")
    requester = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    line = {"article_id": order_world["notebook"].pk, "quantity": 2}
    assert requester.post("/api/v1/cart/lines", line, content_type="application/json").status_code == 201
    (created,) = requester.post("/api/v1/cart/checkout").json()
    order = Order.objects.get(pk=created["id"])
    assert order.status == "pending"
    approver = users["approver"]
    TOTPDevice.objects.get_or_create(user=approver, name="phone", confirmed=True)
    client = _password_only(approver.email)
    for header in HEADER_VARIANTS:
        api = client.post(f"/api/v1/orders/{order.pk}/approve", HTTP_AUTHORIZATION=header)
        assert api.status_code == 401
        page = client.post(reverse("orders:approve", args=[order.pk]), HTTP_AUTHORIZATION=header)
        assert page.status_code == 302 and page["Location"].startswith(reverse("accounts:otp_verify"))
    assert Order.objects.get(pk=order.pk).status == order.status


def test_api_token_needs_a_verified_second_factor(world: dict[str, Any]) -> None:
    approver = world["users"]["approver"]
    client = _password_only(approver.email)
    # no device yet: sent to set one up, no token
    for header in ["", *HEADER_VARIANTS]:
        extra = {"HTTP_AUTHORIZATION": header} if header else {}
        response = client.post(reverse("accounts:api_tokens"), {"name": "Hintertür"}, **extra)
        assert response.status_code == 302 and response["Location"] == reverse("accounts:otp_setup")
    TOTPDevice.objects.create(user=approver, name="phone", confirmed=True)
    response = client.post(reverse("accounts:api_tokens"), {"name": "Hintertür"}, HTTP_AUTHORIZATION="x")
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert not ApiToken.objects.exists()
    # the service refuses too, whoever calls it
    unverified = User.objects.get(pk=approver.pk)
    unverified.is_verified = lambda: False  # type: ignore[attr-defined]
    with pytest.raises(PermissionDenied):
        api_token_create(actor=unverified, user=unverified, name="Hintertür")
    with pytest.raises(PermissionDenied):
        api_token_create(actor=world["users"]["requester"], user=approver, name="für jemand anderen")
    assert not ApiToken.objects.exists()


def _case_variants(email: str, count: int) -> list[str]:
    variants: list[str] = []
    letters = [i for i, c in enumerate(email) if c.isalpha()]
    bit = 1
    while len(variants) < count:
        chars = list(email)
        for n, index in enumerate(letters):
            if (bit >> (n % 20)) & 1:
                chars[index] = chars[index].upper()
        variant = "".join(chars)
        if variant not in variants:
            variants.append(variant)
        bit += 1
    return variants


def test_login_throttle_locks_whatever_the_letter_case(world: dict[str, Any]) -> None:
    email = world["users"]["requester"].email
    variants = _case_variants(email, 20)
    assert len(set(variants)) == 20 and all(v.lower() == email for v in variants)
    client = Client()
    statuses = []
    for variant in variants:
        statuses.append(client.post(reverse("accounts:login"), {"username": variant, "password": "falsch"}).status_code)
    # the first failures are answered with the form; from the fifth on the one lock holds for every spelling
    assert statuses[:4] == [200, 200, 200, 200] and set(statuses[5:]) == {429}
    for variant in (email, email.upper(), f"  {email.title()} "):
        response = client.post(reverse("accounts:login"), {"username": variant, "password": PASSWORD})
        assert response.status_code == 429, variant
    assert "_auth_user_id" not in client.session
    # and a correct password in another spelling logs in where nothing is locked
    other = Client(REMOTE_ADDR="192.0.2.7")
    response = other.post(reverse("accounts:login"), {"username": " " + email.upper(), "password": PASSWORD})
    assert response.status_code == 302
