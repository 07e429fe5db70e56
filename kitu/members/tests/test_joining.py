"""Joining online: the public form, the e-mail confirmation, duplicates, upload checks, abuse protection,
the office's decision through the register (admission creates the admin account exactly once, rejection
mails the reason), withdrawal, and who may do what."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail, signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import ROLES, login, make_user
from kitu.accounts.models import RoleAssignment, User
from kitu.accounts.roles import Role
from kitu.core.actors import SYSTEM
from kitu.core.confirm import CONFIRM_FIELD, CONFIRM_VALUE
from kitu.core.errors import DomainError
from kitu.core.models import AuditEntry
from kitu.members.models import (
    ApplicationStatus,
    Contact,
    EventKind,
    JoiningApplication,
    LeitwegId,
    Member,
    MembershipEvent,
)
from kitu.members.services import joining, joining_codes, member_reject
from kitu.tasks.tests.conftest import tasks_of as tasks_for  # counted too: the header must agree

from .joining_helpers import PDF, form_data, leitweg, link, service_input

pytestmark = pytest.mark.django_db

JOIN = "/mitglieder/beitritt/"
TODAY = dt.date.today().isoformat()


@pytest.fixture
def mails(django_capture_on_commit_callbacks: Any) -> Any:
    mail.outbox.clear()
    return django_capture_on_commit_callbacks


def _counts() -> tuple[int, int, int, int, int]:
    return (
        JoiningApplication.objects.count(),
        Member.objects.count(),
        MembershipEvent.objects.count(),
        LeitwegId.objects.count(),
        User.objects.count(),
    )


def _apply(client: Client, mails: Any, **overrides: Any) -> Any:
    with mails(execute=True):
        return client.post(JOIN, form_data(**overrides))


def _confirmed(client: Client, mails: Any) -> JoiningApplication:
    assert _apply(client, mails).status_code == 302
    assert client.post(link("confirm")).status_code == 200
    return JoiningApplication.objects.get()


# --- applying and confirming ------------------------------------------------------------------------------


def test_application_waits_for_the_confirmed_address(world: dict[str, Any], mails: Any) -> None:
    client = Client()
    before = _counts()
    response = _apply(client, mails)
    assert response.status_code == 302 and response["Location"] == JOIN + "gesendet/"
    application = JoiningApplication.objects.get()
    assert application.status == ApplicationStatus.UNCONFIRMED
    assert application.shares == 2 and application.leitweg_id == leitweg()
    assert application.council_resolution.read() == PDF
    assert _counts() == (before[0] + 1, *before[1:])  # nothing in the register yet
    (message,) = mail.outbox
    assert message.to == ["buergermeister@quedlinburg.example"]
    assert "Stadt Quedlinburg" in message.subject and "Guten Tag Frank Ruch," in message.body

    page = client.get(link("confirm"))  # a mail scanner opening the link confirms nothing
    assert page.status_code == 200 and "E-Mail-Adresse bestätigen und Antrag einreichen" in page.text
    assert JoiningApplication.objects.get().status == ApplicationStatus.UNCONFIRMED

    assert client.post(link("confirm")).status_code == 200
    application.refresh_from_db()
    member = application.member
    assert application.status == ApplicationStatus.PENDING and member is not None
    assert member.name == "Stadt Quedlinburg" and member.joined_on is None and member.city == "Quedlinburg"
    (event,) = member.events.all()
    assert event.kind == EventKind.APPLICATION and event.document.read() == PDF
    assert str(event.council_resolution_date) == "2026-11-12" and "2 Geschäftsanteile" in event.note
    assert list(member.leitweg_ids.values_list("value", "is_default")) == [(leitweg(), True)]
    assert list(member.contacts.values_list("name", "email")) == [("Frank Ruch", "buergermeister@quedlinburg.example")]
    assert not application.council_resolution  # one copy: the register's
    # a second click changes nothing
    again = _counts()
    assert client.post(link("confirm")).status_code == 200
    assert _counts() == again


@pytest.mark.parametrize("broken", ["forged", "expired", "cut"])
def test_bad_confirmation_link_is_refused_and_creates_nothing(
    world: dict[str, Any], mails: Any, monkeypatch: Any, broken: str
) -> None:
    client = Client()
    _apply(client, mails)
    application = JoiningApplication.objects.get()
    if broken == "forged":
        code = signing.dumps({"a": application.pk, "e": application.contact_email}, salt="other")
    elif broken == "cut":
        code = link("confirm").split("/")[-2][:-3]
    else:
        real = time.time
        monkeypatch.setattr("django.core.signing.time.time", lambda: real() - joining.CONFIRM_MAX_AGE - 60)
        code = joining_codes.confirm_code(application)
        monkeypatch.setattr("django.core.signing.time.time", real)
    before = _counts()
    for method in (client.get, client.post):
        response = method(f"{JOIN}bestaetigen/{code}/")
        assert response.status_code == 400
        expected = "abgelaufen" if broken == "expired" else "ungültig"
        assert expected in response.text
    assert _counts() == before
    assert JoiningApplication.objects.get().status == ApplicationStatus.UNCONFIRMED


def test_link_for_another_address_is_refused(world: dict[str, Any], mails: Any) -> None:
    _apply(Client(), mails)
    application = JoiningApplication.objects.get()
    code = signing.dumps({"a": application.pk, "e": "attacker@example.org"}, salt=joining.CONFIRM_SALT)
    with pytest.raises(DomainError, match="ungültig"):
        joining.application_confirm(code=code)
    assert Member.objects.filter(organisation__name="Stadt Quedlinburg").count() == 0


# --- bad input, duplicates, uploads, abuse ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"leitweg_id": "15085000-0001-99"}, "leitweg_id", "Prüfziffern"),
        ({"shares": "0"}, "shares", ""),
        ({"shares": "21"}, "shares", "1 bis 20"),
        ({"council_resolution_date": ""}, "council_resolution_date", "Ratsbeschlusses"),
        ({"council_resolution_date": "2099-01-01"}, "council_resolution_date", "Zukunft"),
        ({"contact_email": "kein-at"}, "contact_email", ""),
        ({"postcode": "064"}, "postcode", "5 Ziffern"),
        ({"name": "Stadt\x07 Quedlinburg"}, "name", "Steuerzeichen"),
        (
            {"council_resolution": SimpleUploadedFile("b.pdf", b"MZ\x90\x00 not a pdf")},
            "council_resolution",
            "kein PDF",
        ),
        ({"council_resolution": SimpleUploadedFile("b.pdf", b"")}, "council_resolution", ""),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    world: dict[str, Any], mails: Any, overrides: dict[str, Any], field: str, message: str
) -> None:
    before = _counts()
    response = _apply(Client(), mails, **overrides)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert _counts() == before and mail.outbox == []


def test_upload_limit_counts_decoded_bytes(world: dict[str, Any], mails: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(joining, "MAX_UPLOAD_BYTES", len(PDF) - 1)
    before = _counts()
    response = _apply(Client(), mails)
    assert response.status_code == 400
    assert "größer als" in response.context["form"].errors["council_resolution"][0]
    assert _counts() == before
    monkeypatch.setattr(joining, "MAX_UPLOAD_BYTES", len(PDF))
    assert _apply(Client(), mails).status_code == 302


@pytest.mark.parametrize("duplicate", ["leitweg_of_member", "name_of_member", "pending_name", "pending_leitweg"])
def test_duplicates_are_refused_with_a_clear_message(world: dict[str, Any], mails: Any, duplicate: str) -> None:
    client = Client()
    overrides: dict[str, Any] = {}
    if duplicate == "leitweg_of_member":
        LeitwegId.objects.create(member=world["zeitz"], value=leitweg(), is_default=True)
        field, text = "leitweg_id", "bereits einem Mitglied"
    elif duplicate == "name_of_member":
        overrides = {"name": "stadt zeitz"}
        field, text = "name", "schon Mitglied"
    else:
        _confirmed(client, mails)
        field, text = ("name", "bereits ein Beitrittsantrag") if duplicate == "pending_name" else ("leitweg_id", "")
        if duplicate == "pending_name":
            overrides = {"name": "STADT QUEDLINBURG", "leitweg_id": leitweg(fine="0002")}
        else:
            overrides = {"name": "Gemeinde Anders"}
            text = "Für diese Leitweg-ID liegt bereits ein Beitrittsantrag vor."
    before = _counts()
    response = _apply(client, mails, **overrides)
    assert response.status_code == 400
    assert text in " ".join(response.context["form"].errors[field])
    assert _counts() == before


def test_unconfirmed_duplicates_do_not_block_but_the_second_confirmation_is_refused(
    world: dict[str, Any], mails: Any
) -> None:
    """An unconfirmed application blocks nobody (anybody could type a town's name); whichever is confirmed
    first enters the register, the other's link is refused with the reason."""
    client = Client()
    _apply(client, mails)
    first = link("confirm")
    _apply(client, mails, contact_email="hauptamt@quedlinburg.example")
    second = link("confirm")
    assert client.post(second).status_code == 200
    before = _counts()
    response = client.post(first)
    assert response.status_code == 400 and "bereits ein Beitrittsantrag" in response.text
    assert _counts() == before


def test_honeypot_stores_nothing(world: dict[str, Any], mails: Any) -> None:
    response = _apply(Client(), mails, website="http://spam.example")
    assert response.status_code == 302
    assert JoiningApplication.objects.count() == 0 and mail.outbox == []


def test_rate_limit_per_address(world: dict[str, Any], mails: Any) -> None:
    client = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(5):
        name = f"Gemeinde Test {i}"
        response = _apply(client, mails, name=name, leitweg_id=leitweg(fine=f"000{i}"))
        assert response.status_code == 302, response.context["form"].errors
    response = _apply(client, mails, name="Gemeinde Test 9", leitweg_id=leitweg(fine="0009"))
    assert response.status_code == 429 and "Zu viele Anträge" in response.text
    assert JoiningApplication.objects.count() == 5
    other = _apply(Client(REMOTE_ADDR="203.0.113.8"), mails, name="Gemeinde Test 9", leitweg_id=leitweg(fine="0009"))
    assert other.status_code == 302


def test_service_requires_the_resolution(world: dict[str, Any]) -> None:
    with pytest.raises(DomainError) as raised:
        joining.application_submit(data=service_input(), upload=None)
    assert raised.value.field == "council_resolution"
    assert JoiningApplication.objects.count() == 0


# --- the office decides -----------------------------------------------------------------------------------


def _admit(client: Client, member: Member, shares: int = 2) -> Any:
    data = {"kind": EventKind.ADMISSION, "effective_date": TODAY, "share_delta": str(shares)}
    page = client.post(f"/mitglieder/{member.pk}/vorgaenge/neu/", data)
    assert page.status_code == 200
    expected = page.context["c"].hidden[-1][1]
    return client.post(
        f"/mitglieder/{member.pk}/vorgaenge/neu/",
        {**data, CONFIRM_FIELD: CONFIRM_VALUE, "expected_number": expected},
    )


def test_admission_creates_the_admin_account_exactly_once(world: dict[str, Any], mails: Any) -> None:
    application = _confirmed(Client(), mails)
    member = application.member
    assert member is not None
    office = login(Client(), world["admin"])
    (task,) = tasks_for(world["admin"], "online_application")
    assert "Stadt Quedlinburg (2 Geschäftsanteile gewünscht)" in task.title and str(member.pk) in task.url
    assert tasks_for(world["admin"], "membership_application") == []  # not twice in the inbox
    mail.outbox.clear()
    with mails(execute=True):
        response = _admit(office, member)
    assert response.status_code == 302
    user = User.objects.get(email="buergermeister@quedlinburg.example")
    assert list(RoleAssignment.objects.filter(user=user).values_list("organisation_id", "role")) == [
        (member.organisation_id, Role.MEMBER_ADMIN)
    ]
    assert not user.has_usable_password()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ADMITTED and application.admin_user == user
    (message,) = mail.outbox
    assert message.to == [user.email] and "/konto/" in message.body and "Passwort" in message.body
    assert tasks_for(world["admin"], "online_application") == []
    # the second click (the same confirmed form again) is refused and creates nothing
    with mails(execute=True):
        again = _admit(office, Member.objects.get(pk=member.pk))
    assert again.status_code == 200 and User.objects.filter(email=user.email).count() == 1
    assert RoleAssignment.objects.filter(user=user).count() == 1 and len(mail.outbox) == 1


def test_admission_gives_an_existing_account_the_role(world: dict[str, Any], mails: Any) -> None:
    existing = make_user("buergermeister@quedlinburg.example")
    application = _confirmed(Client(), mails)
    assert application.member is not None
    with mails(execute=True):
        _admit(login(Client(), world["admin"]), application.member)
    assert User.objects.filter(email__iexact=existing.email).count() == 1
    assert RoleAssignment.objects.filter(user=existing, role=Role.MEMBER_ADMIN).count() == 1
    assert existing.check_password("Sicheres-Passwort-1")


def test_rejection_mails_the_reason_and_deletes_personal_data(world: dict[str, Any], mails: Any) -> None:
    application = _confirmed(Client(), mails)
    member = application.member
    assert member is not None
    mail.outbox.clear()
    office = login(Client(), world["admin"])
    data = {"kind": EventKind.REJECTION, "effective_date": TODAY, "note": "Kein Ratsbeschluss beigefügt."}
    with mails(execute=True):
        response = office.post(f"/mitglieder/{member.pk}/vorgaenge/neu/", {**data, CONFIRM_FIELD: CONFIRM_VALUE})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["buergermeister@quedlinburg.example"]
    assert "Kein Ratsbeschluss beigefügt." in message.body
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED and application.reason == "Kein Ratsbeschluss beigefügt."
    assert (application.contact_name, application.contact_email) == ("", "")
    assert Contact.objects.filter(member=member).count() == 0
    assert User.objects.filter(email="buergermeister@quedlinburg.example").count() == 0


def test_withdrawal_before_and_after_confirmation(world: dict[str, Any], mails: Any) -> None:
    client = Client()
    _apply(client, mails)
    withdraw = link("withdraw")
    page = client.get(withdraw)
    assert page.status_code == 200 and "Antrag zurücknehmen" in page.text
    assert JoiningApplication.objects.get().status == ApplicationStatus.UNCONFIRMED
    assert client.post(withdraw).status_code == 200
    application = JoiningApplication.objects.get()
    assert application.status == ApplicationStatus.WITHDRAWN and application.contact_email == ""
    assert not application.council_resolution and Member.objects.count() == 2

    application.delete()
    confirmed = _confirmed(client, mails)
    withdraw = joining_codes.withdraw_code(confirmed)
    assert client.post(f"{JOIN}zuruecknehmen/{withdraw}/").status_code == 200
    confirmed.refresh_from_db()
    assert confirmed.status == ApplicationStatus.WITHDRAWN and confirmed.member is not None
    assert confirmed.member.events.filter(kind=EventKind.WITHDRAWAL).count() == 1
    assert confirmed.member.rejected_on is not None and confirmed.member.contacts.count() == 0


def test_unconfirmed_applications_expire_after_three_days_with_their_personal_data(
    world: dict[str, Any], mails: Any
) -> None:
    client = Client()
    _apply(client, mails)
    _apply(client, mails, name="Gemeinde Muldestausee", leitweg_id=leitweg("150820000000"))
    stale, fresh = JoiningApplication.objects.order_by("pk")
    file_name = stale.council_resolution.name
    now = stale.created_at + dt.timedelta(days=3, seconds=1)
    JoiningApplication.objects.filter(pk=fresh.pk).update(created_at=now - dt.timedelta(days=2))
    before = (Member.objects.count(), User.objects.count(), MembershipEvent.objects.count())
    with pytest.raises(DomainError):  # only the platform closes applications
        joining.applications_expire(actor=world["users"]["coop_admin"], now=now)
    assert set(JoiningApplication.objects.values_list("status", flat=True)) == {ApplicationStatus.UNCONFIRMED}

    assert joining.applications_expire(actor=SYSTEM, now=now) == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == ApplicationStatus.EXPIRED and stale.closed_at is not None
    assert (stale.contact_name, stale.contact_email, stale.contact_function, stale.contact_phone) == ("", "", "", "")
    assert not stale.council_resolution and not default_storage.exists(file_name)
    assert fresh.status == ApplicationStatus.UNCONFIRMED and fresh.contact_email
    assert (Member.objects.count(), User.objects.count(), MembershipEvent.objects.count()) == before
    assert joining.applications_expire(actor=SYSTEM, now=now) == 0  # once
    closings = AuditEntry.objects.filter(
        object_type="members.JoiningApplication", object_id=str(stale.pk), action="update"
    )
    assert [(e.action, e.actor_email, e.changes["status"]) for e in closings] == [
        ("update", "system", [ApplicationStatus.UNCONFIRMED, ApplicationStatus.EXPIRED])
    ]


def test_decided_application_cannot_be_withdrawn(world: dict[str, Any], mails: Any) -> None:
    application = _confirmed(Client(), mails)
    code = joining_codes.withdraw_code(application)
    assert application.member is not None
    member_reject(actor=SYSTEM, member=application.member, effective_date=application.member.created_at.date())
    response = Client().post(f"{JOIN}zuruecknehmen/{code}/")
    assert response.status_code == 400 and "ungültig" in response.text  # the address was deleted with the data


# --- who may do what ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_public_pages_for_every_role(client_for: Callable[[str | None], Client], role: str | None) -> None:
    client = client_for(role)
    assert client.get(JOIN).status_code == 200
    assert client.get(JOIN + "gesendet/").status_code == 200
    assert client.get(JOIN + "bestaetigen/nichts/").status_code == 400


@pytest.mark.parametrize("role", ROLES)
def test_only_the_office_has_the_task(
    world: dict[str, Any], client_for: Callable[[str | None], Client], mails: Any, role: str | None
) -> None:
    application = _confirmed(Client(), mails)
    if role is None:
        return
    found = tasks_for(world["users"][role], "online_application")
    assert len(found) == (1 if role == "coop_admin" else 0), role
    before = _counts()
    member = application.member
    assert member is not None
    if role != "coop_admin":  # nobody else may admit: the register's page refuses and changes nothing
        client = client_for(role)
        response = client.post(
            f"/mitglieder/{member.pk}/vorgaenge/neu/",
            {"kind": EventKind.ADMISSION, "effective_date": TODAY, CONFIRM_FIELD: CONFIRM_VALUE},
        )
        assert response.status_code in (403, 404)
        assert _counts() == before
        assert JoiningApplication.objects.get().status == ApplicationStatus.PENDING
