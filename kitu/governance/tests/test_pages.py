"""Pages: who may see and do what (all roles, anonymous, another member; nothing changes on a refusal),
naming representatives with a checked upload, the invitation with its period warning and background job."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from conftest import ROLES, login
from kitu.core.errors import DomainError
from kitu.core.models import AuditEntry
from kitu.governance.models import Assembly, Attendance, Invitation, Participation, Representative, Resolution
from kitu.governance.rules import PollStatus
from kitu.governance.services import assemblies, invitations, voting

from .conftest import PDF, pdf

pytestmark = pytest.mark.django_db
READERS = {r for r in ROLES if r not in (None, "supplier_user")}


def _state() -> tuple[Any, ...]:
    return (
        list(Resolution.objects.order_by("pk").values_list("status", "yes", "no")),
        Participation.objects.count(),
        Attendance.objects.count(),
        Representative.objects.count(),
        list(Assembly.objects.values_list("invited_at", "minutes")),
        len(mail.outbox),
    )


@pytest.mark.parametrize("role", ROLES)
def test_reading_pages(gov: dict[str, Any], client_for: Callable[[str | None], Client], role: str | None) -> None:
    client = client_for(role)
    pages = ["/genossenschaft/", f"/genossenschaft/versammlungen/{gov['assembly'].pk}/", "/genossenschaft/beschluesse/"]
    for url in pages:
        response = client.get(url)
        if role is None:
            assert response.status_code == 302 and "/konto/" in response["Location"]
        elif role in READERS:
            assert response.status_code == 200, (url, response.status_code)
        else:
            assert response.status_code == 404, (url, response.status_code)


OFFICE_POSTS: list[tuple[str, dict[str, Any]]] = [
    ("einladen/", {"bestaetigung": "ja"}),
    ("tagesordnung/", {"title": "Neu"}),
    ("antraege/", {"item": 0, "title": "Neu", "rule": "simple", "procedure": "written"}),
    ("protokoll/hochladen/", {"signed_by": "X"}),
]


@pytest.mark.parametrize("role", ROLES)
def test_office_actions_only_for_the_office(
    gov: dict[str, Any], client_for: Callable[[str | None], Client], role: str | None
) -> None:
    w = gov
    base = f"/genossenschaft/versammlungen/{w['assembly'].pk}/"
    before = _state()
    client = client_for(role)
    posts = [(base + path, {**data, "item": w["item"].pk} if "item" in data else data) for path, data in OFFICE_POSTS]
    posts.append((base + f"beschluesse/{w['at_assembly'].pk}/open/", {}))
    posts.append(
        (
            "/genossenschaft/versammlungen/neu/",
            {"title": "X", "starts_at": "2030-01-01T10:00", "mode": "in_person", "place": "Y"},
        )
    )
    for url, data in posts:
        response = client.post(url, data)
        if role is None:
            assert response.status_code == 302 and "/konto/" in response["Location"]
        elif role == "coop_admin":
            assert response.status_code in (200, 302), (url, response.status_code)
        else:
            assert response.status_code == 403, (url, role, response.status_code)
    if role != "coop_admin":
        assert _state() == before


@pytest.mark.parametrize("role", [*ROLES, "rep_w", "rep_z"])
def test_voting_page_only_for_the_members_representatives(
    gov: dict[str, Any], client_for: Callable[[str | None], Client], role: str | None
) -> None:
    w = gov
    client = login(Client(), w[role]) if role in ("rep_w", "rep_z") else client_for(role)
    url = f"/genossenschaft/versammlungen/{w['assembly'].pk}/beschluesse/{w['open_poll'].pk}/abstimmen/"
    before = _state()
    response = client.post(url, {"choice": "yes", "member": w["wernigerode"].pk})
    if role == "rep_w":
        assert response.status_code == 200
        participation = Participation.objects.get()
        assert participation.choice == "yes" and participation.receipt in response.content.decode()
        return
    if role is None:
        assert response.status_code == 302
    elif role in ("supplier_user",):
        assert response.status_code == 404
    else:
        assert response.status_code == 403, (role, response.status_code)
    assert _state() == before


def test_representative_page_permissions(gov: dict[str, Any], client_for: Callable[[str | None], Client]) -> None:
    w = gov
    url = f"/genossenschaft/vertretungen/{w['wernigerode'].pk}/"
    expected = {None: 302, "coop_admin": 200, "member_admin": 200}
    for role in ROLES:
        before = _state()
        client = client_for(role)
        assert client.get(url).status_code == expected.get(role, 404), role
        posted = client.post(url, {"user": w["users"]["requester"].pk, "authority": pdf()})
        if role in ("coop_admin", "member_admin"):
            continue
        assert posted.status_code == expected.get(role, 404), role
        assert _state() == before
    rep = Representative.objects.filter(member=w["wernigerode"]).first()
    assert rep is not None
    assert client_for("other_member_admin").get(f"/genossenschaft/vollmachten/{rep.pk}/").status_code == 404
    assert client_for("member_admin").get(f"/genossenschaft/vollmachten/{rep.pk}/").status_code == 200


def test_naming_a_representative_checks_the_upload(
    gov: dict[str, Any], client_for: Callable[[str | None], Client]
) -> None:
    w = gov
    client = client_for("member_admin")
    url = f"/genossenschaft/vertretungen/{w['wernigerode'].pk}/"
    user = w["users"]["approver"]
    fake = client.post(url, {"user": user.pk, "authority": pdf("vollmacht.pdf", b"MZ\x90\x00 not a pdf")})
    assert fake.status_code == 400 and "keine PDF-Datei" in fake.content.decode()
    big = client.post(url, {"user": user.pk, "authority": pdf("gross.pdf", PDF + b"0" * (20 * 1024 * 1024))})
    assert big.status_code == 400 and "größer als 20 MB" in big.content.decode()
    stranger = client.post(url, {"user": w["users"]["other_requester"].pk, "authority": pdf()})
    assert stranger.status_code == 400
    assert not Representative.objects.filter(user__in=[user, w["users"]["other_requester"]]).exists()
    ok = client.post(url, {"user": user.pk, "authority": pdf()})
    assert ok.status_code == 302
    assert user.role_assignments.filter(role="representative", organisation=w["wernigerode"].organisation).exists()


def test_invitation_in_time_sends_one_mail_per_representative(
    gov: dict[str, Any], client_for: Callable[[str | None], Client], django_capture_on_commit_callbacks: Any
) -> None:
    w = gov
    client = client_for("coop_admin")
    url = f"/genossenschaft/versammlungen/{w['assembly'].pk}/einladen/"
    page = client.post(url)
    assert page.status_code == 200 and "3 Vertreterinnen und Vertreter von 2 Mitgliedern" in page.content.decode()
    assert "Achtung" not in page.content.decode() and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"bestaetigung": "ja"})
    assert done.status_code == 302 and "/fortschritt/" in done["Location"]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "rep.wernigerode@test.example",
        "rep.zeitz@test.example",
        "rep2.wernigerode@test.example",
    ]
    assert "Jahresabschluss 2026" in mail.outbox[0].body and "Einladung" in mail.outbox[0].subject
    assembly = Assembly.objects.get(pk=w["assembly"].pk)
    assert assembly.invited_at is not None and not assembly.invited_late
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"bestaetigung": "ja"})
    assert len(mail.outbox) == 3 and Invitation.objects.count() == 3  # nobody twice


def test_late_invitation_is_warned_and_marked(
    gov: dict[str, Any], client_for: Callable[[str | None], Client], django_capture_on_commit_callbacks: Any
) -> None:
    w = gov
    Assembly.objects.filter(pk=w["assembly"].pk).update(starts_at=timezone.now() + dt.timedelta(days=10))
    client = client_for("coop_admin")
    url = f"/genossenschaft/versammlungen/{w['assembly'].pk}/einladen/"
    page = client.post(url).content.decode()
    assert "Achtung" in page and "mindestens 14 Tage" in page
    assert not mail.outbox and Assembly.objects.get(pk=w["assembly"].pk).invited_at is None
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"bestaetigung": "ja"})
    assert Assembly.objects.get(pk=w["assembly"].pk).invited_late
    assert len(mail.outbox) == 3


def test_service_refuses_a_late_invitation_without_confirmation(gov: dict[str, Any], settings: Any) -> None:
    settings.KITU_GOVERNANCE = {"INVITATION_DAYS": 31}
    with pytest.raises(DomainError) as exc:
        invitations.invitation_start(actor=gov["admin"], assembly=gov["assembly"])
    assert exc.value.field == "starts_at"
    settings.KITU_GOVERNANCE = {"INVITATION_DAYS": 30}
    assert not invitations.invitation_preview(gov["assembly"]).late


def test_secret_votes_appear_on_no_surface(gov: dict[str, Any], client_for: Callable[[str | None], Client]) -> None:
    """The secret poll: Wernigerode votes "no", Zeitz "yes"; after counting, no page, API answer or audit
    entry links either choice to its member — only the totals exist."""
    w, poll = gov, gov["secret_poll"]
    w_cast = voting.vote_cast(actor=w["rep_w"], poll=poll, member=w["wernigerode"], choice="no")
    voting.vote_cast(actor=w["rep_z"], poll=poll, member=w["zeitz"], choice="yes")
    for step in (PollStatus.CLOSED, PollStatus.COUNTED):
        voting.poll_transition(actor=w["admin"], poll=poll, to=step)
    rep_client = login(Client(), w["rep_w"])
    surfaces = {
        "office page": client_for("coop_admin").get(f"/genossenschaft/versammlungen/{w['assembly'].pk}/"),
        "own page": rep_client.get(f"/genossenschaft/versammlungen/{w['assembly'].pk}/"),
        "register": client_for("coop_admin").get("/genossenschaft/beschluesse/"),
        "api": rep_client.get(f"/api/v1/assemblies/{w['assembly'].pk}"),
        "audit page": client_for("coop_admin").get("/konto/protokoll/"),
    }
    for name, response in surfaces.items():
        assert response.status_code == 200, name
        text = response.content.decode()
        for member in ("Wernigerode", "Zeitz"):
            for choice in ("Nein", "Ja", '"no"', '"yes"'):
                assert f"{member}: {choice}" not in text, (name, member, choice)
        assert w_cast.receipt not in text, name
    entries = list(AuditEntry.objects.all())
    assert w_cast.receipt not in " ".join(f"{e.object_repr} {e.changes}" for e in entries)
    votes = [e for e in entries if e.object_type in (Participation._meta.label, "governance.Ballot")]
    assert len(votes) == 2 and all(e.object_type == Participation._meta.label for e in votes)
    assert all("choice" not in e.changes and "no" not in e.object_repr.split() for e in votes)
    # the only place the choice lives: ballots without member, user or time
    assert list(Resolution.objects.filter(pk=poll.pk).values_list("yes", "no")) == [(1, 1)]
    assert Participation.objects.filter(resolution=poll).exclude(choice="").count() == 0
    assert Participation.objects.filter(resolution=poll).exclude(receipt="").count() == 0


def test_open_votes_are_named_in_the_results(gov: dict[str, Any], client_for: Callable[[str | None], Client]) -> None:
    w, poll = gov, gov["open_poll"]
    voting.vote_cast(actor=w["rep_w"], poll=poll, member=w["wernigerode"], choice="no")
    for step in (PollStatus.CLOSED, PollStatus.COUNTED):
        voting.poll_transition(actor=w["admin"], poll=poll, to=step)
    text = client_for("requester").get(f"/genossenschaft/versammlungen/{w['assembly'].pk}/").content.decode()
    assert "Stadt Wernigerode: Nein" in text and "abgelehnt" in text


def test_register_search(gov: dict[str, Any], client_for: Callable[[str | None], Client]) -> None:
    w = gov
    assemblies.body_resolution_record(
        actor=w["admin"],
        body="board",
        title="Beschaffung Serverraum",
        decided_on=dt.date(2026, 3, 1),
        yes=3,
        no=0,
        abstain=0,
    )
    assemblies.body_resolution_record(
        actor=w["admin"],
        body="supervisory",
        title="Prüfauftrag",
        decided_on=dt.date(2026, 4, 1),
        yes=2,
        no=3,
        abstain=0,
    )
    client = client_for("requester")
    found = client.get("/genossenschaft/beschluesse/?q=server").content.decode()
    assert "Beschaffung Serverraum" in found and "Prüfauftrag" not in found
    board = client.get("/genossenschaft/beschluesse/?body=supervisory").content.decode()
    assert "Prüfauftrag" in board and "Beschaffung Serverraum" not in board and "abgelehnt" in board


def test_attendance_and_proxy_pages(gov: dict[str, Any]) -> None:
    w = gov
    base = f"/genossenschaft/versammlungen/{w['assembly'].pk}/"
    rep_z = login(Client(), w["rep_z"])
    assert rep_z.post(base + f"anmelden/{w['wernigerode'].pk}/").status_code == 404  # not Zeitz's member
    assert not Attendance.objects.exists()
    assert rep_z.post(base + "vollmacht/", {"member": w["wernigerode"].pk, "holder": w["rep_z"].pk}).status_code == 404
    assert not Attendance.objects.exists()
    response = rep_z.post(base + "vollmacht/", {"member": w["zeitz"].pk, "holder": w["rep_w"].pk})
    assert response.status_code == 302
    attendance = Attendance.objects.get()
    assert (attendance.member, attendance.person, attendance.kind) == (w["zeitz"], w["rep_w"], "represented")
    page = login(Client(), w["rep_w"]).get(base).content.decode()
    assert "Stadt Zeitz" in page and "vertreten (Vollmacht)" in page


def test_navigation_entry_for_members_and_staff(
    gov: dict[str, Any], client_for: Callable[[str | None], Client]
) -> None:
    for role in ("coop_admin", "contract_manager", "requester", "other_member_admin", "supplier_user"):
        nav = client_for(role).get("/").context["nav_items"]
        has = any(item["label"] == "Genossenschaft" and item["url"] == "/genossenschaft/" for item in nav)
        assert has == (role != "supplier_user"), role
