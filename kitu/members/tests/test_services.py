import datetime as dt
import os
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import make_member
from kitu.core.errors import DomainError, PermissionDenied
from kitu.core.models import AuditEntry
from kitu.members import selectors, services
from kitu.members.models import Contact, EventKind, LeitwegId, Member, MembershipEvent, MemberStatus

D = dt.date
pytestmark = pytest.mark.django_db


def _state(member: Member) -> tuple[Any, ...]:
    member = Member.objects.get(pk=member.pk)
    return (
        member.member_number,
        member.joined_on,
        member.left_on,
        member.rejected_on,
        member.organisation.name,
        member.invoice_email,
        MembershipEvent.objects.filter(member=member).count(),
    )


def test_application_needs_council_resolution_for_a_town(world: dict[str, Any]) -> None:
    before = Member.objects.count()
    with pytest.raises(DomainError) as exc:
        services.member_apply(
            actor=world["admin"],
            name="Stadt Halle (Saale)",
            member_type="stadt",
            street="Marktplatz 1",
            postcode="06108",
            city="Halle (Saale)",
            application_date=D(2026, 5, 1),
        )
    assert exc.value.field == "council_resolution_date"
    assert Member.objects.count() == before


def test_invalid_postcode_is_refused_naming_the_field(world: dict[str, Any]) -> None:
    before = Member.objects.count()
    with pytest.raises(DomainError) as exc:
        services.member_apply(
            actor=world["admin"],
            name="Verein X",
            member_type="verein",
            street="Weg 1",
            postcode="123",
            city="Ort",
            application_date=D(2026, 5, 1),
        )
    assert exc.value.field == "postcode"
    assert Member.objects.count() == before


def test_admission_gives_the_next_free_number_never_reused(world: dict[str, Any]) -> None:
    admin = world["admin"]
    a = make_member("Stadt Burg", admin=admin, joined=D(2026, 1, 1))
    assert a.member_number == 59  # after 25 and 58
    b = make_member("Gemeinde Möser", admin=admin, joined=D(2026, 2, 1))
    assert b.member_number == 60
    # A historic number below the highest may be taken once, and never again
    c = make_member("Stadt Leuna", admin=admin, joined=D(2017, 7, 1), number=50)
    assert c.member_number == 50
    applicant = make_member("Stadt Zerbst/Anhalt", admin=admin, joined=None)
    with pytest.raises(DomainError) as exc:
        services.member_admit(actor=admin, member=applicant, effective_date=D(2026, 3, 1), member_number=50)
    assert exc.value.field == "member_number"
    assert Member.objects.get(pk=applicant.pk).member_number is None
    # the highest number left: still not given again
    services.exit_record(actor=admin, member=b, effective_date=D(2026, 12, 31))
    d = make_member("Stadt Bernburg (Saale)", admin=admin, joined=D(2026, 4, 1))
    assert d.member_number == 61


def test_admission_records_events_and_shares(world: dict[str, Any]) -> None:
    member = world["wernigerode"]
    kinds = list(member.events.values_list("kind", flat=True))
    assert kinds == [EventKind.APPLICATION, EventKind.ADMISSION, EventKind.SHARES_SUBSCRIBED, EventKind.SHARE_PAYMENT]
    figures = selectors.member_figures(member, D(2026, 1, 1))
    assert (figures.shares, figures.subscribed, figures.paid_in, figures.outstanding) == (
        1,
        Decimal("5000.00"),
        Decimal("5000.00"),
        Decimal("0.00"),
    )


def test_admission_before_application_is_refused(world: dict[str, Any]) -> None:
    applicant = make_member("Stadt Halberstadt", admin=world["admin"], joined=None)
    state = _state(applicant)
    with pytest.raises(DomainError) as exc:
        services.member_admit(actor=world["admin"], member=applicant, effective_date=D(2020, 1, 1))
    assert exc.value.field == "effective_date"
    assert _state(applicant) == state


def test_rejection_deletes_the_application_personal_data(world: dict[str, Any]) -> None:
    admin = world["admin"]
    start = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    member = services.member_apply(
        actor=admin,
        name="Gemeinde Muster",
        member_type="gemeinde",
        street="Weg 1",
        postcode="39999",
        city="Muster",
        application_date=D(2026, 5, 1),
        council_resolution_date=D(2026, 4, 1),
        phone="0391 1234",
        invoice_email="kasse@muster.example",
        document=SimpleUploadedFile("beschluss.pdf", b"%PDF-1.4 x"),
        note="Bürgermeisterin Erika Muster",
    )
    services.subrecord_save(
        actor=admin,
        member=member,
        instance=Contact(),
        data={"name": "Erika Muster", "function": "Bürgermeisterin", "email": "erika@muster.example", "phone": "1"},
    )
    document = member.events.get().document
    path = document.path
    services.member_reject(actor=admin, member=member, effective_date=D(2026, 6, 1))
    member.refresh_from_db()
    assert member.status == MemberStatus.REJECTED
    assert member.contacts.count() == 0
    assert (member.phone, member.invoice_email) == ("", "")
    application = member.events.get(kind=EventKind.APPLICATION)
    assert (application.document.name, application.note) == ("", "")
    assert not os.path.exists(path)
    # the audit trail keeps that a contact existed and an application was noted, not who it was
    rows = AuditEntry.objects.filter(id__gt=start, object_type__in=["members.Contact", "members.MembershipEvent"])
    assert rows.count() == 4  # contact created and deleted, application and rejection events
    assert [r for r in rows if "Erika" in str(r.changes) or "Erika" in r.object_repr] == []


def test_shares_increase_reduce_and_at_least_one_remains(world: dict[str, Any]) -> None:
    admin, member = world["admin"], world["wernigerode"]
    services.shares_change(actor=admin, member=member, effective_date=D(2020, 1, 1), delta=2)
    assert services.shares_on(member, D(2019, 12, 31)) == 1
    assert services.shares_on(member, D(2020, 1, 1)) == 3
    services.shares_change(actor=admin, member=member, effective_date=D(2022, 12, 31), delta=-1)
    assert services.shares_on(member, D(2023, 1, 1)) == 2
    count = member.events.count()
    with pytest.raises(DomainError) as exc:
        services.shares_change(actor=admin, member=member, effective_date=D(2023, 6, 1), delta=-2)
    assert exc.value.field == "share_delta"
    assert member.events.count() == count


def test_payment_cannot_exceed_subscribed_capital(world: dict[str, Any]) -> None:
    admin, member = world["admin"], world["wernigerode"]
    count = member.events.count()
    with pytest.raises(DomainError) as exc:
        services.share_payment_record(actor=admin, member=member, effective_date=D(2020, 1, 1), amount=Decimal("0.01"))
    assert exc.value.field == "amount"
    assert member.events.count() == count


def test_notice_computes_exit_per_genG_and_blocks_second_notice(world: dict[str, Any]) -> None:
    admin, member = world["admin"], world["zeitz"]
    event = services.notice_record(actor=admin, member=member, received_on=D(2026, 10, 1))
    assert event.exit_date == D(2027, 12, 31)
    member.refresh_from_db()
    assert member.left_on == D(2027, 12, 31)
    assert member.status_on(D(2027, 12, 31)) == MemberStatus.LEAVING
    assert member.status_on(D(2028, 1, 1)) == MemberStatus.EXITED
    with pytest.raises(DomainError):
        services.notice_record(actor=admin, member=member, received_on=D(2026, 11, 1))
    assert member.events.filter(kind=EventKind.NOTICE).count() == 1


def test_exit_settlement_due_and_paid(world: dict[str, Any]) -> None:
    admin, member = world["admin"], world["zeitz"]
    services.notice_record(actor=admin, member=member, received_on=D(2025, 3, 1))
    member.refresh_from_db()
    assert selectors.member_figures(member).settlement_due_on == D(2026, 6, 30)
    with pytest.raises(DomainError) as exc:
        services.settlement_record(actor=admin, member=member, effective_date=D(2025, 12, 1), amount=Decimal("5000"))
    assert exc.value.field == "effective_date"
    with pytest.raises(DomainError) as exc:
        services.settlement_record(actor=admin, member=member, effective_date=D(2026, 3, 1), amount=Decimal("5000.01"))
    assert exc.value.field == "amount"
    services.exit_record(actor=admin, member=member, effective_date=D(2025, 12, 31))
    services.settlement_record(actor=admin, member=member, effective_date=D(2026, 3, 1), amount=Decimal("5000"))
    assert selectors.member_figures(member, D(2026, 3, 1)).paid_in == Decimal("0.00")
    assert selectors.member_figures(member, D(2026, 2, 28)).paid_in == Decimal("5000.00")


def test_merger_into_successor_until_year_end(world: dict[str, Any]) -> None:
    admin = world["admin"]
    old = make_member("Gemeinde Altdorf", admin=admin, member_type="gemeinde", joined=D(2015, 1, 1))
    with pytest.raises(DomainError) as exc:
        services.merger_record(actor=admin, member=old, effective_date=D(2026, 7, 1), successor=old)
    assert exc.value.field == "successor"
    event = services.merger_record(actor=admin, member=old, effective_date=D(2026, 7, 1), successor=world["zeitz"])
    old.refresh_from_db()
    assert (event.exit_date, old.left_on, old.successor_id) == (D(2026, 12, 31), D(2026, 12, 31), world["zeitz"].pk)


def test_exclusion_ends_membership_at_year_end(world: dict[str, Any]) -> None:
    event = services.exclusion_record(actor=world["admin"], member=world["zeitz"], effective_date=D(2026, 2, 3))
    assert event.exit_date == D(2026, 12, 31)


def test_member_admin_may_change_only_self_service_fields(world: dict[str, Any]) -> None:
    member_admin, member = world["users"]["member_admin"], world["wernigerode"]
    services.member_update(actor=member_admin, member=member, invoice_email="rechnung@wernigerode.example")
    assert Member.objects.get(pk=member.pk).invoice_email == "rechnung@wernigerode.example"
    with pytest.raises(PermissionDenied) as exc:
        services.member_update(actor=member_admin, member=member, name="Stadt Wernigerode (Harz)")
    assert exc.value.field == "name"
    assert Member.objects.get(pk=member.pk).name == "Stadt Wernigerode"
    with pytest.raises(PermissionDenied):
        services.member_update(actor=world["users"]["other_member_admin"], member=member, phone="1")


def test_update_writes_audit_with_before_and_after(world: dict[str, Any]) -> None:
    admin, member = world["admin"], world["wernigerode"]
    services.member_update(actor=admin, member=member, name="Stadt Wernigerode (Harz)", city="Wernigerode")
    entry = AuditEntry.objects.filter(object_type="members.Member", object_id=str(member.pk)).first()
    assert entry is not None
    assert entry.actor_email == "admin@test.example"
    assert entry.changes == {"name": ["Stadt Wernigerode", "Stadt Wernigerode (Harz)"]}


def test_leitweg_id_is_validated_and_one_default(world: dict[str, Any]) -> None:
    admin, member = world["admin"], world["wernigerode"]
    with pytest.raises(DomainError) as exc:
        services.subrecord_save(actor=admin, member=member, instance=LeitwegId(), data={"value": "04011000-12345-34"})
    assert exc.value.field == "value"
    assert member.leitweg_ids.count() == 0
    first = services.subrecord_save(
        actor=admin, member=member, instance=LeitwegId(), data={"value": "992-90009-96", "is_default": True}
    )
    services.subrecord_save(
        actor=admin, member=member, instance=LeitwegId(), data={"value": "991-33333TEST-33", "is_default": True}
    )
    assert list(member.leitweg_ids.filter(is_default=True).values_list("value", flat=True)) == ["991-33333TEST-33"]
    assert LeitwegId.objects.get(pk=first.pk).is_default is False
