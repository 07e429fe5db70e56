"""Admission, rejection, exclusion, merger and exit need the confirmation page; without it nothing changes.
The page names the member number the admission really draws."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from conftest import make_member
from kitu.core.confirm import CONFIRM_FIELD, CONFIRM_VALUE
from kitu.core.models import AuditEntry
from kitu.members.models import Contact, Member, MemberNumberSequence, MembershipEvent

pytestmark = pytest.mark.django_db
CONFIRM = {CONFIRM_FIELD: CONFIRM_VALUE}


def state() -> Any:
    return (
        list(
            Member.objects.order_by("pk").values_list("member_number", "joined_on", "left_on", "rejected_on", "phone")
        ),
        MembershipEvent.objects.count(),
        Contact.objects.count(),
        AuditEntry.objects.count(),
        list(MemberNumberSequence.objects.values_list("last_number", flat=True)),
    )


@pytest.fixture
def applicant(world: dict[str, Any]) -> Member:
    member = make_member("Stadt Halberstadt", admin=world["admin"], joined=None)
    Contact.objects.create(member=member, name="Erika Muster", email="erika@halberstadt.example")
    Member.objects.filter(pk=member.pk).update(phone="03941 1234")
    return member


def test_admission_asks_with_the_number_it_will_draw(world: dict[str, Any], applicant: Member, client_for: Any) -> None:
    client, url = client_for("coop_admin"), reverse("members:event_add", args=[applicant.pk])
    data = {"kind": "admission", "effective_date": "2026-04-01"}
    before = state()
    page = client.post(url, data)
    assert page.status_code == 200 and state() == before
    text = page.content.decode()
    assert (
        "Mitgliedsnummer 59 wird vergeben: Stadt Halberstadt ist ab 01.04.2026 Mitglied mit 1 Geschäftsanteil." in text
    )
    assert 'name="expected_number" value="59"' in text
    # another admission draws 59 in between: the confirmed 59 is refused, nothing saved, the page names 60
    other = make_member("Stadt Blankenburg", admin=world["admin"], joined=dt.date(2026, 3, 1))
    assert other.member_number == 59
    before = state()
    refused = client.post(url, {**data, "expected_number": "59", **CONFIRM})
    assert refused.status_code == 200 and state() == before
    assert "Mitgliedsnummer 59 ist inzwischen vergeben; die nächste freie ist 60." in refused.content.decode()
    assert "Mitgliedsnummer 60 wird vergeben" in client.post(url, data).content.decode()
    assert client.post(url, {**data, "expected_number": "60", **CONFIRM}).status_code == 302
    assert Member.objects.get(pk=applicant.pk).member_number == 60


def test_rejection_says_what_is_deleted_and_needs_the_confirmation(applicant: Member, client_for: Any) -> None:
    client, url = client_for("coop_admin"), reverse("members:event_add", args=[applicant.pk])
    data = {"kind": "rejection", "effective_date": "2026-04-01", "note": "Kein Ratsbeschluss"}
    before = state()
    page = client.post(url, data)
    assert page.status_code == 200 and state() == before
    text = page.content.decode()
    assert "personenbezogenen Daten löschen: 1 Ansprechperson, 0 Dokumente" in text
    assert 'name="note" value="Kein Ratsbeschluss"' in text
    assert client.post(url, {**data, **CONFIRM}).status_code == 302
    assert Contact.objects.filter(member=applicant).count() == 0
    assert Member.objects.get(pk=applicant.pk).rejected_on == dt.date(2026, 4, 1)


@pytest.mark.parametrize(
    ("kind", "leaves"), [("exclusion", "31.12.2026"), ("exit", "30.09.2026"), ("merger", "31.12.2026")]
)
def test_leaving_steps_need_the_confirmation(world: dict[str, Any], client_for: Any, kind: str, leaves: str) -> None:
    client, member = client_for("coop_admin"), world["zeitz"]
    url = reverse("members:event_add", args=[member.pk])
    data = {"kind": kind, "effective_date": "2026-09-30"}
    if kind == "merger":
        data["successor"] = str(world["wernigerode"].pk)
    before = state()
    page = client.post(url, data)
    assert page.status_code == 200 and state() == before
    assert f"Stadt Zeitz scheidet zum {leaves} aus" in page.content.decode()
    assert client.post(url, {**data, CONFIRM_FIELD: "nein"}).status_code == 200 and state() == before
    assert client.post(url, {**data, **CONFIRM}).status_code == 302
    assert Member.objects.get(pk=member.pk).left_on is not None
