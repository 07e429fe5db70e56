"""Registrations: capacity, per-member limit, waiting list order and moving up; visibility; the API."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from conftest import make_user
from kitu.accounts.roles import Role
from kitu.accounts.services import api_token_create
from kitu.core.actors import SYSTEM
from kitu.core.errors import DomainError, NotFound
from kitu.workgroups import services
from kitu.workgroups.models import Meeting, Registration, RegistrationStatus, WorkingGroup

pytestmark = pytest.mark.django_db
W = RegistrationStatus.WAITING
R = RegistrationStatus.REGISTERED


def statuses(meeting: Meeting) -> list[tuple[str, str]]:
    return [(r.user.email.split("@")[0], r.status) for r in Registration.objects.filter(meeting=meeting)]


def test_capacity_member_limit_waiting_list_and_moving_up(group_world: dict[str, Any]) -> None:
    u, m = group_world["users"], group_world["meeting"]
    services.register(actor=u["member_admin"], meeting=m)
    services.register(actor=u["requester"], meeting=m)
    with pytest.raises(services.RegistrationRefused, match="bereits 2 Anmeldung"):
        services.register(actor=u["approver"], meeting=m)  # Wernigerode's limit of 2
    assert services.register(actor=u["approver"], meeting=m, waitlist=True).status == W
    services.register(actor=u["other_member_admin"], meeting=m)  # Zeitz: the third and last place
    with pytest.raises(services.RegistrationRefused, match="Alle 3 Plätze sind vergeben"):
        services.register(actor=u["other_requester"], meeting=m)
    services.register(actor=u["other_requester"], meeting=m, waitlist=True)
    with pytest.raises(DomainError, match="Warteliste"):
        services.register(actor=u["other_requester"], meeting=m, waitlist=True)
    assert statuses(m) == [
        ("memberadmin", R),
        ("requester", R),
        ("approver", W),
        ("memberadmin.zeitz", R),
        ("requester.zeitz", W),
    ]
    # Zeitz cancels: the approver is first in line but Wernigerode still has 2; the Zeitz requester moves up
    moved = services.cancel(actor=u["other_member_admin"], meeting=m)
    assert [r.user for r in moved] == [u["other_requester"]]
    # a Wernigerode clerk cancels: now the approver fits
    moved = services.cancel(actor=u["requester"], meeting=m)
    assert [r.user for r in moved] == [u["approver"]]
    assert sorted(s for s in statuses(m) if s[1] == R) == [("approver", R), ("memberadmin", R), ("requester.zeitz", R)]
    # registering again after a cancellation queues at the end
    assert services.register(actor=u["requester"], meeting=m, waitlist=True).status == W
    with pytest.raises(DomainError, match="nicht angemeldet"):
        services.cancel(actor=u["other_member_admin"], meeting=m)


def test_group_meetings_are_for_the_group_trainings_for_all_member_staff(group_world: dict[str, Any]) -> None:
    u = group_world["users"]
    with pytest.raises(NotFound):
        services.register(actor=u["case_worker"], meeting=group_world["meeting"])  # not in the group
    with pytest.raises(NotFound):
        services.register(actor=u["supplier_user"], meeting=group_world["training"])
    services.register(actor=u["case_worker"], meeting=group_world["training"])
    with pytest.raises(services.RegistrationRefused, match="bereits 1 Anmeldung"):
        services.register(actor=u["workgroup_member"], meeting=group_world["training"])  # one per member
    assert Registration.objects.filter(meeting=group_world["meeting"]).count() == 0


def test_a_group_by_request_needs_the_coordinators_approval(group_world: dict[str, Any]) -> None:
    u, admin = group_world["users"], group_world["admin"]
    secret = services.group_save(actor=admin, name="AK Informationssicherheit", visibility="request")
    coordinator = make_user("isb@test.example", [(group_world["wernigerode"].organisation, Role.WORKGROUP_MEMBER)])
    services.membership_set(actor=admin, group=secret, user=coordinator, status="active", is_coordinator=True)
    assert services.group_join(actor=u["case_worker"], group=secret).status == "pending"
    with pytest.raises(DomainError):
        services.membership_set(actor=u["requester"], group=secret, user=u["case_worker"], status="active")
    services.membership_set(actor=coordinator, group=secret, user=u["case_worker"], status="active")
    assert secret.memberships.get(user=u["case_worker"]).status == "active"
    with pytest.raises(DomainError):
        services.group_join(actor=u["supplier_user"], group=secret)


def api(user: Any) -> Client:
    _token, secret = api_token_create(actor=SYSTEM, user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_api_lists_registers_queues_and_cancels(group_world: dict[str, Any]) -> None:
    u, m = group_world["users"], group_world["meeting"]
    listed = api(u["requester"]).get("/api/v1/meetings").json()
    assert [(x["title"], x["capacity"], x["registered"]) for x in listed] == [
        ("AK DMS: Frühjahrssitzung", 3, 0),
        ("Schulung E-Akte für Einsteiger", 10, 0),
    ]
    assert [x["title"] for x in api(u["case_worker"]).get("/api/v1/meetings").json()] == [
        "Schulung E-Akte für Einsteiger"
    ]
    assert api(u["supplier_user"]).get("/api/v1/meetings").json() == []
    url = f"/api/v1/meetings/{m.pk}/registrations"
    assert api(u["member_admin"]).post(url).status_code == 201
    first = api(u["requester"]).post(url, json.dumps({}), content_type="application/json")
    assert (first.status_code, first.json()) == (201, {"status": "registered", "position": None})
    refused = api(u["approver"]).post(url)
    assert refused.status_code == 409 and refused.json()["waiting"] is False
    assert "bereits 2 Anmeldung" in refused.json()["detail"]
    queued = api(u["approver"]).post(url, json.dumps({"waitlist": True}), content_type="application/json")
    assert queued.status_code == 409 and queued.json()["waiting"] is True and queued.json()["position"] == 1
    second = api(u["workgroup_member"]).post(f"{url}?waitlist=true")
    assert second.status_code == 404  # not in the group
    services.group_join(actor=u["case_worker"], group=group_world["group"])
    second = api(u["case_worker"]).post(f"{url}?waitlist=true")
    assert (second.status_code, second.json()["position"]) == (409, 2)
    assert api(u["approver"]).post(url, "nonsense", content_type="application/json").status_code == 422
    unknown = api(u["approver"]).post(url, json.dumps({"waitlst": True}), content_type="application/json")
    assert (unknown.status_code, unknown.json()["field"]) == (422, "waitlst")
    assert api(u["other_requester"]).post(url).status_code == 201
    assert api(u["other_member_admin"]).post(url).status_code == 409  # full: 3 places
    assert Client().post(url).status_code == 401
    assert api(u["requester"]).delete(f"{url}/me").status_code == 204
    assert statuses(m) == [
        ("memberadmin", R),
        ("requester", "cancelled"),
        ("approver", R),
        ("caseworker", W),
        ("requester.zeitz", R),
    ]
    assert api(u["requester"]).delete(f"{url}/me").status_code == 400
    assert api(u["requester"]).get("/api/v1/meetings").json()[0]["registered"] == 3


def test_a_past_meeting_takes_no_registrations(group_world: dict[str, Any]) -> None:
    m = group_world["meeting"]
    later = m.ends_at + dt.timedelta(minutes=1)
    with pytest.raises(DomainError, match="vorbei"):
        services.register(actor=group_world["users"]["requester"], meeting=m, now=later)
    assert not Registration.objects.exists()
    assert WorkingGroup.objects.count() == 1
