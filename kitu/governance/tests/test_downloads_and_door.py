"""Views the first round did not test: removing a representative (the role goes), checking in at the door,
downloading agenda documents, minutes and documents of authority — exact status codes for every role,
anonymous and another member's users; nothing changes on a refusal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from conftest import ROLES, login
from kitu.accounts.models import RoleAssignment
from kitu.governance.models import Assembly, Attendance, Representative
from kitu.governance.services import assemblies

from .conftest import PDF, pdf

pytestmark = pytest.mark.django_db
READERS = {r for r in ROLES if r not in (None, "supplier_user")}


def _reps() -> list[tuple[int, int]]:
    return sorted(Representative.objects.values_list("member_id", "user_id"))


def _rep_roles() -> int:
    return RoleAssignment.objects.filter(role="representative").count()


def _client(w: dict[str, Any], client_for: Callable[[str | None], Client], role: str | None) -> Client:
    return login(Client(), w[role]) if role in ("rep_w", "rep_w2", "rep_z") else client_for(role)


def test_removing_a_representative(gov: dict[str, Any], client_for: Callable[[str | None], Client]) -> None:
    w = gov
    url_of = "/genossenschaft/vertretungen/{m}/{r}/entfernen/"
    rep = Representative.objects.get(member=w["wernigerode"], user=w["rep_w"])
    url = url_of.format(m=w["wernigerode"].pk, r=rep.pk)
    before = (_reps(), _rep_roles())
    for role in [r for r in ROLES if r not in ("coop_admin", "member_admin")] + ["rep_w2", "rep_z"]:
        client = _client(w, client_for, role)
        assert client.get(url).status_code == (302 if role is None else 405), role
        response = client.post(url)
        if role is None:
            assert response.status_code == 302 and "/konto/" in response["Location"]
        else:  # another member's admin, the member's own non-admins, suppliers: never told it exists
            assert response.status_code == 404, (role, response.status_code)
        assert (_reps(), _rep_roles()) == before, role
    for role, user in (("member_admin", "rep_w"), ("coop_admin", "rep_w2")):
        rep = Representative.objects.get(member=w["wernigerode"], user=w[user])
        response = client_for(role).post(url_of.format(m=w["wernigerode"].pk, r=rep.pk))
        assert response.status_code == 302, role
        assert response["Location"] == f"/genossenschaft/vertretungen/{w['wernigerode'].pk}/"
        assert not Representative.objects.filter(pk=rep.pk).exists()
        assert not w[user].role_assignments.filter(role="representative").exists()  # role revoked
    assert _rep_roles() == before[1] - 2 and _reps() == [(w["zeitz"].pk, w["rep_z"].pk)]
    # the Zeitz representative, named for another member, cannot be removed through Wernigerode's page
    rep_z = Representative.objects.get(user=w["rep_z"])
    assert client_for("coop_admin").post(url_of.format(m=w["wernigerode"].pk, r=rep_z.pk)).status_code == 404
    assert Representative.objects.filter(pk=rep_z.pk).exists()


def test_removed_representative_can_no_longer_vote(
    gov: dict[str, Any], client_for: Callable[[str | None], Client]
) -> None:
    w = gov
    rep = Representative.objects.get(member=w["wernigerode"], user=w["rep_w"])
    client_for("member_admin").post(f"/genossenschaft/vertretungen/{w['wernigerode'].pk}/{rep.pk}/entfernen/")
    url = f"/genossenschaft/versammlungen/{w['assembly'].pk}/beschluesse/{w['open_poll'].pk}/abstimmen/"
    response = login(Client(), w["rep_w"]).post(url, {"choice": "yes", "member": w["wernigerode"].pk})
    assert response.status_code == 403
    assert not w["open_poll"].participations.exists()


def test_check_in_at_the_door(gov: dict[str, Any], client_for: Callable[[str | None], Client]) -> None:
    w = gov
    attendance = assemblies.attendance_register(actor=w["rep_w"], assembly=w["assembly"], member=w["wernigerode"])
    url = f"/genossenschaft/versammlungen/{w['assembly'].pk}/anwesend/{attendance.pk}/"
    for role in [r for r in ROLES if r != "coop_admin"] + ["rep_w", "rep_z"]:
        response = _client(w, client_for, role).post(url)
        if role is None:
            assert response.status_code == 302 and "/konto/" in response["Location"]
        else:  # the office checks people in, nobody else — not even the member's own representative
            assert response.status_code == 403, (role, response.status_code)
        assert not Attendance.objects.get(pk=attendance.pk).checked_in, role
    response = client_for("coop_admin").post(url)
    assert response.status_code == 302 and response["Location"] == f"/genossenschaft/versammlungen/{w['assembly'].pk}/"
    assert Attendance.objects.get(pk=attendance.pk).checked_in


def test_check_in_of_another_assemblys_attendance_is_404(
    gov: dict[str, Any], client_for: Callable[[str | None], Client]
) -> None:
    w = gov
    attendance = assemblies.attendance_register(actor=w["rep_w"], assembly=w["assembly"], member=w["wernigerode"])
    other = assemblies.assembly_create(
        actor=w["admin"], title="Außerordentliche GV", starts_at=timezone.now() + dt.timedelta(days=60), place="Halle"
    )
    response = client_for("coop_admin").post(f"/genossenschaft/versammlungen/{other.pk}/anwesend/{attendance.pk}/")
    assert response.status_code == 404 and not Attendance.objects.get(pk=attendance.pk).checked_in


def _held_with_minutes(w: dict[str, Any]) -> Assembly:
    held = assemblies.assembly_create(
        actor=w["admin"], title="GV 2025", starts_at=timezone.now() - dt.timedelta(days=200), place="Magdeburg"
    )
    return assemblies.minutes_upload(actor=w["admin"], assembly=held, upload=pdf("protokoll.pdf"), signed_by="Chair")


def test_downloads(gov: dict[str, Any], client_for: Callable[[str | None], Client]) -> None:
    """Agenda documents and minutes: every reader; the document of authority: only the member's admin and the
    office (not even the representative's own member's other users, nor the other member's representative)."""
    w = gov
    document = assemblies.document_add(actor=w["admin"], item=w["item"], kind="annual_accounts", upload=pdf("ja.pdf"))
    held = _held_with_minutes(w)
    rep = Representative.objects.get(member=w["wernigerode"], user=w["rep_w"])
    urls = {
        "document": f"/genossenschaft/unterlagen/{document.pk}/",
        "minutes": f"/genossenschaft/versammlungen/{held.pk}/protokoll/",
        "authority": f"/genossenschaft/vollmachten/{rep.pk}/",
    }
    for role, (name, url) in [(r, u) for r in [*ROLES, "rep_z"] for u in urls.items()]:
        response = _client(w, client_for, role).get(url)
        if role is None:
            expected = 302
        elif name == "authority":
            expected = 200 if role in ("coop_admin", "member_admin") else 404
        else:
            expected = 200 if role in READERS or role == "rep_z" else 404
        assert response.status_code == expected, (name, role, response.status_code)
        if expected == 200:
            assert response["Content-Type"] == "application/pdf"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
        elif expected == 302:
            assert "/konto/" in response["Location"]


def test_missing_files_are_404(gov: dict[str, Any], client_for: Callable[[str | None], Client]) -> None:
    w = gov
    client = client_for("coop_admin")
    assert client.get(f"/genossenschaft/versammlungen/{w['assembly'].pk}/protokoll/").status_code == 404  # none yet
    assert client.get("/genossenschaft/unterlagen/999999/").status_code == 404
    assert client.get("/genossenschaft/vollmachten/999999/").status_code == 404
    assert client.get("/genossenschaft/versammlungen/999999/protokoll/").status_code == 404


def test_stored_file_is_served_as_pdf_even_if_named_otherwise(
    gov: dict[str, Any], client_for: Callable[[str | None], Client]
) -> None:
    w = gov
    document = assemblies.document_add(actor=w["admin"], item=w["item"], kind="other", upload=pdf("bericht.html"))
    assert document.file.name.endswith(".pdf") and document.name == "bericht.pdf"
    document.file.save("x.pdf", ContentFile(PDF), save=True)
    response = client_for("requester").get(f"/genossenschaft/unterlagen/{document.pk}/")
    assert response["Content-Type"] == "application/pdf" and "bericht.pdf" in response["Content-Disposition"]
