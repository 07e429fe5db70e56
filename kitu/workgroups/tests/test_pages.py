"""Permission matrix of the working-group pages (denied posts change nothing) and registering on the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import ROLES, STAFF
from kitu.core.models import AuditEntry
from kitu.workgroups.models import GroupMembership, Registration

pytestmark = pytest.mark.django_db
IN_GROUP = {"member_admin", "requester", "approver", "other_member_admin", "other_requester"}
STAFF_OF_MEMBERS_OR_COOP = STAFF | IN_GROUP | {"case_worker", "workgroup_member"}


def _state() -> tuple[Any, ...]:
    return (
        tuple(Registration.objects.order_by("pk").values_list("user", "status")),
        tuple(GroupMembership.objects.order_by("pk").values_list("user", "status")),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
def test_pages_and_denied_posts(group_world: dict[str, Any], client_for: Any, role: str | None) -> None:
    w = group_world
    client = client_for(role)
    anonymous = {None: 302}
    sees_all = role in STAFF_OF_MEMBERS_OR_COOP
    assert client.get(reverse("workgroups:list")).status_code == anonymous.get(role, 200)
    group_page = client.get(reverse("workgroups:group", args=[w["group"].pk]))
    assert group_page.status_code == anonymous.get(role, 200 if sees_all else 404)
    meeting_page = client.get(reverse("workgroups:meeting", args=[w["meeting"].pk]))
    assert meeting_page.status_code == anonymous.get(role, 200 if role in STAFF | IN_GROUP else 404)
    training_page = client.get(reverse("workgroups:meeting", args=[w["training"].pk]))
    assert training_page.status_code == anonymous.get(role, 200 if sees_all else 404)
    if role is not None and role not in STAFF:
        # the participant list is for the office and the coordinators only
        assert "Teilnehmende" not in training_page.content.decode()
    if role in STAFF | IN_GROUP:
        return
    before = _state()
    for url in (
        reverse("workgroups:register", args=[w["meeting"].pk]),
        reverse("workgroups:cancel", args=[w["meeting"].pk]),
    ):
        assert client.post(url, {"warteliste": "on"}).status_code in (302, 404)
    if role in (None, "supplier_user"):
        assert client.post(reverse("workgroups:join", args=[w["group"].pk])).status_code in (302, 404)
    assert _state() == before


def test_register_wait_and_move_up_on_the_page(group_world: dict[str, Any], client_for: Any) -> None:
    w = group_world
    url = reverse("workgroups:meeting", args=[w["meeting"].pk])
    register = reverse("workgroups:register", args=[w["meeting"].pk])
    cancel = reverse("workgroups:cancel", args=[w["meeting"].pk])
    for role in ("member_admin", "requester", "other_requester"):
        assert client_for(role).post(register, {}).status_code == 302
    refused = client_for("approver").post(register, {}, follow=True).content.decode()
    assert "Alle 3 Plätze sind vergeben." in refused and not Registration.objects.filter(user=w["users"]["approver"])
    approver = client_for("approver")
    page = approver.post(register, {"warteliste": "on"}, follow=True).content.decode()
    assert "Sie stehen auf Platz 1 der Warteliste." in page
    client_for("requester").post(cancel)
    page = approver.get(url).content.decode()
    assert "Sie sind angemeldet." in page and "3 von 3 belegt" in page
    staff_page = client_for("coop_admin").get(url).content.decode()
    assert "Teilnehmende" in staff_page and "(Stadt Zeitz) – angemeldet" in staff_page
