import importlib
import io
import os
import re
import sys
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import ROLES, login
from kitu.accounts.models import ApiToken, RoleAssignment, User
from kitu.accounts.services import api_token_authenticate
from kitu.core.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "Sicheres-Passwort-1"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_login_with_email_and_second_factor_for_coop_admin(world: dict[str, Any]) -> None:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "ADMIN@test.example", "password": PASSWORD})
    assert response.status_code == 302
    # a coop admin without a device is sent to set one up and can reach nothing else
    assert client.get(reverse("members:list"))["Location"] == reverse("accounts:otp_setup")
    assert client.get("/api/v1/me").status_code == 403
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=world["admin"])
    assert (
        client.post(
            reverse("accounts:otp_setup"), {"token": "000000" if _code(device) != "000000" else "111111"}
        ).status_code
        == 200
    )
    # django-otp throttles after a failure (doubling waits); the wait is over for this test
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    assert client.post(reverse("accounts:otp_setup"), {"token": _code(device)}).status_code == 302
    assert TOTPDevice.objects.get(user=world["admin"]).confirmed
    assert client.get(reverse("members:list")).status_code == 200
    # next login: the code is asked for
    client = Client()
    client.post(reverse("accounts:login"), {"username": "admin@test.example", "password": PASSWORD})
    assert client.get(reverse("members:list"))["Location"] == reverse("accounts:otp_verify")
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    assert client.post(reverse("accounts:otp_verify"), {"token": _code(device)}).status_code == 302
    assert client.get(reverse("members:list")).status_code == 200


def test_second_factor_optional_for_requester_and_relaxable_for_demo(world: dict[str, Any], settings: Any) -> None:
    client = Client()
    client.post(reverse("accounts:login"), {"username": "requester@test.example", "password": PASSWORD})
    assert client.get(reverse("members:detail", args=[world["wernigerode"].pk])).status_code == 200
    approver = Client()
    approver.post(reverse("accounts:login"), {"username": "approver@test.example", "password": PASSWORD})
    assert approver.get(reverse("core:home"))["Location"] == reverse("accounts:otp_setup")
    settings.KITU_RELAX_2FA = True
    assert approver.get(reverse("core:home")).status_code == 200


def test_production_profile_refuses_relaxed_second_factor(monkeypatch: Any) -> None:
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("KITU_RELAX_2FA", "1")
    sys.modules.pop("config.settings.production", None)
    with pytest.raises(ImproperlyConfigured, match="KITU_RELAX_2FA"):
        importlib.import_module("config.settings.production")
    monkeypatch.delenv("KITU_RELAX_2FA")
    module = importlib.import_module("config.settings.production")
    assert (module.DEBUG, module.SESSION_COOKIE_SECURE, module.SECURE_HSTS_SECONDS, module.KITU_RELAX_2FA) == (
        False,
        True,
        31536000,
        False,
    )


def test_login_throttling_locks_after_five_failures(world: dict[str, Any]) -> None:
    client = Client()
    for _ in range(5):
        response = client.post(reverse("accounts:login"), {"username": "requester@test.example", "password": "falsch"})
        assert response.status_code in (200, 429)
    response = client.post(reverse("accounts:login"), {"username": "requester@test.example", "password": PASSWORD})
    assert response.status_code == 429
    assert "vorübergehend gesperrt" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_by_mail(world: dict[str, Any]) -> None:
    client = Client()
    client.post(reverse("accounts:password_reset"), {"email": "requester@test.example"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/konto/passwort-neu/\S+/)", mail.outbox[0].body)
    assert link is not None
    form_url = client.get(link.group(1))["Location"]
    response = client.post(
        form_url, {"new_password1": "Ganz-neues-Passwort-7", "new_password2": "Ganz-neues-Passwort-7"}
    )
    assert response.status_code == 302
    assert User.objects.get(email="requester@test.example").check_password("Ganz-neues-Passwort-7")


def test_api_tokens_page_create_and_revoke(world: dict[str, Any]) -> None:
    client = login(Client(), world["users"]["requester"])
    response = client.post(reverse("accounts:api_tokens"), {"name": "Warenwirtschaft"})
    secret = response.context["secret"]
    assert api_token_authenticate(secret) == world["users"]["requester"]
    token = ApiToken.objects.get(user=world["users"]["requester"])
    assert token.key_hash != secret and secret not in str(token.__dict__)
    # someone else cannot revoke it
    other = login(Client(), world["users"]["other_requester"])
    assert other.post(reverse("accounts:api_token_revoke", args=[token.pk])).status_code == 404
    assert api_token_authenticate(secret) is not None
    client.post(reverse("accounts:api_token_revoke", args=[token.pk]))
    assert api_token_authenticate(secret) is None


def test_create_api_token_command_prints_one_line(world: dict[str, Any]) -> None:
    out = io.StringIO()
    call_command("create_api_token", "approver@test.example", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kitu_")
    assert api_token_authenticate(lines[0]) == world["users"]["approver"]


def test_member_admin_adds_a_user_who_gets_a_mail(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    org = world["wernigerode"].organisation
    client = login(Client(), world["users"]["member_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:organisation_users", args=[org.pk]),
            {"email": "neu@wernigerode.example", "full_name": "Nina Neu", "roles": ["requester", "approver"]},
        )
    assert response.status_code == 302
    user = User.objects.get(email="neu@wernigerode.example")
    assert sorted(user.role_assignments.values_list("role", flat=True)) == ["approver", "requester"]
    assert not user.has_usable_password()
    assert mail.outbox[-1].to == ["neu@wernigerode.example"]
    assert "/konto/passwort-neu/" in mail.outbox[-1].body
    # a coop role cannot be given to a member's user
    before = RoleAssignment.objects.count()
    response = client.post(
        reverse("accounts:organisation_users", args=[org.pk]),
        {"email": "x@wernigerode.example", "full_name": "X", "roles": ["coop_admin"]},
    )
    assert response.status_code == 200 and "roles" in response.context["form"].errors
    assert RoleAssignment.objects.count() == before


@pytest.mark.parametrize("role", ROLES)
def test_organisation_users_permissions(world: dict[str, Any], client_for: Any, role: str | None) -> None:
    org = world["wernigerode"].organisation
    url = reverse("accounts:organisation_users", args=[org.pk])
    client = client_for(role)
    allowed = role in ("coop_admin", "member_admin")
    response = client.get(url)
    assert response.status_code == (302 if role is None else 200 if allowed else 404)
    if allowed:
        return
    before = (User.objects.count(), RoleAssignment.objects.count(), AuditEntry.objects.count())
    assignment = RoleAssignment.objects.filter(organisation=org).first()
    assert assignment is not None
    client.post(url, {"email": "evil@x.example", "full_name": "E", "roles": ["member_admin"]})
    client.post(reverse("accounts:organisation_role_remove", args=[org.pk, assignment.pk]))
    assert (User.objects.count(), RoleAssignment.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.parametrize("role", ROLES)
def test_audit_page_only_for_coop_admin(world: dict[str, Any], client_for: Any, role: str | None) -> None:
    response = client_for(role).get(reverse("accounts:audit"))
    assert response.status_code == {None: 302, "coop_admin": 200}.get(role, 403)


@pytest.mark.parametrize("role", ROLES)
def test_profile_and_tokens_for_every_logged_in_user(world: dict[str, Any], client_for: Any, role: str | None) -> None:
    for name in ("accounts:profile", "accounts:api_tokens", "core:home"):
        assert client_for(role).get(reverse(name)).status_code == (302 if role is None else 200)


def test_audit_trail_filter_and_immutability(world: dict[str, Any], client_for: Any) -> None:
    client = client_for("coop_admin")
    page = client.get(reverse("accounts:audit"), {"object_type": "members.Member", "object_id": world["zeitz"].pk})
    entries = list(page.context["page"])
    assert entries and all(e.object_type == "members.Member" and e.object_id == str(world["zeitz"].pk) for e in entries)
    entry = AuditEntry.objects.first()
    assert entry is not None
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    with pytest.raises(RuntimeError):
        AuditEntry.objects.all().update(actor_email="x")
    with pytest.raises(RuntimeError):
        AuditEntry.objects.all().delete()
    # and the database itself refuses a change behind the model's back
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET actor_email = 'x'")


def test_role_changes_are_audited(world: dict[str, Any]) -> None:
    client = login(Client(), world["users"]["member_admin"])
    org = world["wernigerode"].organisation
    assignment = RoleAssignment.objects.get(user=world["users"]["requester"])
    client.post(reverse("accounts:organisation_role_remove", args=[org.pk, assignment.pk]))
    entry = AuditEntry.objects.get(object_type="accounts.RoleAssignment", action="delete")
    assert entry.actor_email == "memberadmin@test.example"
    assert entry.changes["role"] == ["requester", None]


def test_healthz(db: Any) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "checks": {"database": "ok"}}


def test_german_by_default_english_switchable(db: Any) -> None:
    assert "Passwort vergessen?" in Client().get(reverse("accounts:login")).content.decode()
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in page and "Forgot your password?" in page


def test_healthz_checks_the_broker_when_one_is_set(db: Any, settings: Any) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "error: OperationalError"}
    redis_url = os.environ.get("KITU_TEST_REDIS")
    if not redis_url:
        pytest.skip("KITU_TEST_REDIS not set: the healthy-broker half needs a running Redis (.ci/run sets it)")
    settings.CELERY_BROKER_URL = redis_url
    assert Client().get("/healthz").json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}
