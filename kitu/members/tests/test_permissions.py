"""Permission matrix of every member-register page: anonymous, other member, own member, each role.
Denied writes must leave everything as it was."""

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import OWN, ROLES, STAFF
from kitu.core.models import AuditEntry
from kitu.members import services
from kitu.members.models import CostCentre, Member, MembershipEvent

pytestmark = pytest.mark.django_db


def expected(role: str | None, allowed: set[str], visible: set[str]) -> int:
    """200 if allowed; 403 if the user may see the member but not do this; 404 if it may not see it."""
    if role is None:
        return 302
    if role in allowed:
        return 200
    return 403 if role in visible else 404


def _everything(world: dict[str, Any]) -> tuple[Any, ...]:
    return (
        Member.objects.count(),
        MembershipEvent.objects.count(),
        CostCentre.objects.count(),
        AuditEntry.objects.count(),
        tuple(Member.objects.order_by("pk").values_list("invoice_email", "street", "left_on")),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["members:list", "members:register", "members:statistics"])
def test_register_pages_are_for_coop_staff(world: dict[str, Any], client_for: Any, role: str | None, name: str) -> None:
    response = client_for(role).get(reverse(name))
    if role is None:
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == (200 if role in STAFF else 403)


@pytest.mark.parametrize("role", ROLES)
def test_register_exports_are_for_coop_staff(world: dict[str, Any], client_for: Any, role: str | None) -> None:
    response = client_for(role).get(reverse("members:register") + "?format=csv")
    assert response.status_code == {None: 302}.get(role, 200 if role in STAFF else 403)


@pytest.mark.parametrize("role", ROLES)
def test_member_cockpit(world: dict[str, Any], client_for: Any, role: str | None) -> None:
    url = reverse("members:detail", args=[world["wernigerode"].pk])
    response = client_for(role).get(url)
    assert response.status_code == expected(role, STAFF | OWN, STAFF | OWN)
    if response.status_code == 200:
        assert "Stadt Wernigerode" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_edit_page(world: dict[str, Any], client_for: Any, role: str | None) -> None:
    url = reverse("members:edit", args=[world["wernigerode"].pk])
    assert client_for(role).get(url).status_code == expected(role, {"coop_admin", "member_admin"}, STAFF | OWN)


@pytest.mark.parametrize("role", ROLES)
def test_edit_post_denied_changes_nothing(world: dict[str, Any], client_for: Any, role: str | None) -> None:
    before = _everything(world)
    url = reverse("members:edit", args=[world["wernigerode"].pk])
    response = client_for(role).post(url, {"invoice_email": "x@evil.example", "street": "Evil 1"})
    code = expected(role, {"coop_admin", "member_admin"}, STAFF | OWN)
    if code == 200:
        return  # allowed: covered by the view tests
    assert response.status_code == code
    assert _everything(world) == before


@pytest.mark.parametrize("role", ROLES)
def test_event_pages_and_denied_posts(world: dict[str, Any], client_for: Any, role: str | None) -> None:
    url = reverse("members:event_add", args=[world["wernigerode"].pk])
    client = client_for(role)
    code = expected(role, {"coop_admin"}, STAFF | OWN)
    assert client.get(url).status_code == code
    if code != 200:
        before = _everything(world)
        response = client.post(url, {"kind": "notice", "effective_date": "2026-09-01"})
        assert response.status_code == code
        assert _everything(world) == before


@pytest.mark.parametrize("role", ROLES)
def test_create_application(world: dict[str, Any], client_for: Any, role: str | None) -> None:
    client = client_for(role)
    response = client.get(reverse("members:create"))
    assert response.status_code == {None: 302}.get(role, 200 if role == "coop_admin" else 403)
    if role != "coop_admin":
        before = _everything(world)
        client.post(reverse("members:create"), {"name": "X", "member_type": "verein"})
        assert _everything(world) == before


@pytest.mark.parametrize("role", ROLES)
def test_subrecords(world: dict[str, Any], client_for: Any, role: str | None) -> None:
    member = world["wernigerode"]
    url = reverse("members:subrecord_create", args=[member.pk, "kostenstellen"])
    client = client_for(role)
    code = expected(role, {"coop_admin", "member_admin"}, STAFF | OWN)
    assert client.get(url).status_code == code
    before = _everything(world)
    response = client.post(url, {"code": "9999", "name": "Test", "is_active": "on"})
    if code == 200:
        assert response.status_code == 302
        assert CostCentre.objects.filter(member=member, code="9999").count() == 1
    else:
        assert response.status_code == code
        assert _everything(world) == before


@pytest.mark.parametrize("role", ROLES)
def test_event_document_download(world: dict[str, Any], client_for: Any, role: str | None) -> None:
    event = services.notice_record(
        actor=world["admin"],
        member=world["wernigerode"],
        received_on=dt.date(2026, 5, 1),
        document=SimpleUploadedFile("kuendigung.pdf", b"%PDF-1.4 notice"),
    )
    url = reverse("members:event_document", args=[world["wernigerode"].pk, event.pk])
    response = client_for(role).get(url)
    assert response.status_code == expected(role, STAFF | OWN, STAFF | OWN)
    if response.status_code == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.4 notice"  # type: ignore[attr-defined]
    # another member's URL with this event id answers 404 even for its own staff
    other = reverse("members:event_document", args=[world["zeitz"].pk, event.pk])
    if role in STAFF:
        assert client_for(role).get(other).status_code == 404
