"""The council register's services: switching the system on for a town (the cooperative), the town's
settings, terms, organizations, persons, memberships and locations (its council office) — the same-town
rules, the login rule, dates, tombstones, audit rows and who may do it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import make_member, make_user
from kitu.accounts.roles import Role
from kitu.billing.models import Service, Subscription
from kitu.core.errors import DomainError, PermissionDenied
from kitu.core.models import AuditEntry
from kitu.council.models import (
    Body,
    LegislativeTerm,
    Location,
    Membership,
    Organization,
    OrganizationType,
    Person,
)
from kitu.council.services import register as services
from kitu.council.tests.factories import make_body, make_organization, make_person
from kitu.council.visibility import Visibility

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def w(council_world: dict[str, Any]) -> dict[str, Any]:
    return council_world


def office(w: dict[str, Any]) -> Any:
    return w["users"]["council_office"]


# --- switching the system on --------------------------------------------------------------------------------


def test_body_enable_by_the_cooperative_only(world: dict[str, Any]) -> None:
    member = world["wernigerode"]
    for role, user in world["users"].items():
        if role == "coop_admin":
            continue
        with pytest.raises(PermissionDenied):
            services.body_enable(actor=user, member=member, slug="wernigerode", name="Stadt Wernigerode")
    assert Body.objects.count() == 0 and not AuditEntry.objects.filter(object_type="council.Body").exists()
    body = services.body_enable(actor=world["admin"], member=member, slug=" Werni Gerode ", name=" Stadt Wernigerode ")
    assert (body.slug, body.name, body.is_enabled, body.member) == ("werni-gerode", "Stadt Wernigerode", True, member)
    assert body.oparl_since is not None and body.license == "https://creativecommons.org/licenses/by/4.0/"
    entry = AuditEntry.objects.get(object_type="council.Body")
    assert entry.action == "create" and entry.changes["slug"] == [None, "werni-gerode"]


def test_body_enable_rules(world: dict[str, Any]) -> None:
    admin, member, zeitz = world["admin"], world["wernigerode"], world["zeitz"]
    with pytest.raises(DomainError) as no_slug:
        services.body_enable(actor=admin, member=member, slug="!!!", name="Stadt Wernigerode")
    assert no_slug.value.field == "slug"
    with pytest.raises(DomainError) as no_name:
        services.body_enable(actor=admin, member=member, slug="wr", name="  ")
    assert no_name.value.field == "name"
    services.body_enable(actor=admin, member=member, slug="wernigerode", name="Stadt Wernigerode")
    with pytest.raises(DomainError) as taken:
        services.body_enable(actor=admin, member=zeitz, slug="wernigerode", name="Stadt Zeitz")
    assert taken.value.field == "slug" and "schon vergeben" in taken.value.message
    with pytest.raises(DomainError) as twice:
        services.body_enable(actor=admin, member=member, slug="anders", name="Stadt Wernigerode")
    assert twice.value.field == "member"
    applicant = make_member("Gemeinde Ilsenburg", admin=admin, joined=None)
    with pytest.raises(DomainError) as not_member:
        services.body_enable(actor=admin, member=applicant, slug="ilsenburg", name="Gemeinde Ilsenburg")
    assert not_member.value.field == "member"
    assert list(Body.objects.values_list("slug", flat=True)) == ["wernigerode"]


def test_switched_off_town_is_switched_on_again_with_its_slug(world: dict[str, Any]) -> None:
    body = make_body(world["wernigerode"], "wernigerode", is_enabled=False)
    again = services.body_enable(actor=world["admin"], member=world["wernigerode"], slug="neu", name="Wernigerode")
    assert again.pk == body.pk and (again.slug, again.is_enabled, again.name) == ("wernigerode", True, "Wernigerode")


def test_subscription_warning_reads_billing(world: dict[str, Any]) -> None:
    member = world["wernigerode"]
    assert services.subscription_missing(member)
    other = Service.objects.create(code="dms", name="E-Akte", category="dms", pricing="flat", contract_reference="X")
    council = Service.objects.create(
        code="ratsinfo", name="Ratsinformationssystem", category="council", pricing="flat", contract_reference="Y"
    )
    Subscription.objects.create(member=member, service=other, starts_on=D(2020, 1, 1))
    assert services.subscription_missing(member)  # another category does not count
    ended = Subscription.objects.create(member=member, service=council, starts_on=D(2020, 1, 1), ends_on=D(2021, 1, 1))
    assert services.subscription_missing(member)  # nor an ended one
    ended.ends_on = None
    ended.save()
    assert not services.subscription_missing(member)
    assert services.subscription_missing(world["zeitz"])


# --- settings ------------------------------------------------------------------------------------------------


def test_body_update(w: dict[str, Any]) -> None:
    body = w["body"]
    before_license = body.license_valid_since
    services.body_update(
        actor=office(w),
        body=body,
        invitation_days=10,
        contact_name="Ratsbüro",
        contact_email="ratsbuero@wernigerode.example",
        website="https://www.wernigerode.de",
        license="https://www.govdata.de/dl-de/by-2-0",
    )
    body.refresh_from_db()
    assert (body.invitation_days, body.contact_name, body.license) == (
        10,
        "Ratsbüro",
        "https://www.govdata.de/dl-de/by-2-0",
    )
    assert body.license_valid_since is not None and body.license_valid_since != before_license
    for days in (0, 91, -1):
        with pytest.raises(DomainError) as bad:
            services.body_update(actor=office(w), body=body, invitation_days=days)
        assert bad.value.field == "invitation_days"
    with pytest.raises(DomainError) as bad_url:
        services.body_update(actor=office(w), body=body, invitation_days=7, website="kein link")
    assert bad_url.value.field == "website"
    body.refresh_from_db()
    assert body.invitation_days == 10 and body.website == "https://www.wernigerode.de"
    assert AuditEntry.objects.filter(object_type="council.Body", action="update").count() == 1


def test_only_the_towns_office_changes_it(w: dict[str, Any]) -> None:
    other_office = make_user("ratsbuero.zeitz@test.example", [(w["zeitz"].organisation, Role.COUNCIL_OFFICE)])
    body, term = w["body"], w["term"]
    denied = [u for r, u in w["users"].items() if r != "council_office"] + [other_office]
    calls = [
        lambda u: services.body_update(actor=u, body=body, invitation_days=3),
        lambda u: services.term_save(actor=u, body=body, name="X", start_date=D(2030, 1, 1)),
        lambda u: services.term_delete(actor=u, term=term),
        lambda u: services.organization_save(actor=u, body=body, name="X", organization_type="Gremium"),
        lambda u: services.organization_delete(actor=u, organization=w["committee"]),
        lambda u: services.person_save(actor=u, body=body, family_name="X", given_name="Y"),
        lambda u: services.person_delete(actor=u, person=w["bernd"]),
        lambda u: services.membership_save(actor=u, body=body, person=w["bernd"], organization=w["council"]),
        lambda u: services.membership_delete(actor=u, membership=w["bernd"].memberships.first()),
        lambda u: services.location_save(actor=u, body=body, description="Rathaus"),
    ]
    before = AuditEntry.objects.count(), Organization.objects.filter(deleted=False).count()
    for user in denied:
        for call in calls:
            with pytest.raises(PermissionDenied):
                call(user)
    assert (AuditEntry.objects.count(), Organization.objects.filter(deleted=False).count()) == before
    body.refresh_from_db()
    assert body.invitation_days == 7 and not LegislativeTerm.objects.filter(name="X").exists()


# --- terms ---------------------------------------------------------------------------------------------------


def test_terms_dates_and_tombstone(w: dict[str, Any]) -> None:
    body = w["body"]
    with pytest.raises(DomainError) as backwards:
        services.term_save(actor=office(w), body=body, name="WP", start_date=D(2029, 7, 1), end_date=D(2024, 6, 30))
    assert backwards.value.field == "end_date"
    with pytest.raises(DomainError) as no_name:
        services.term_save(actor=office(w), body=body, name=" ", start_date=D(2029, 7, 1))
    assert no_name.value.field == "name"
    term = services.term_save(actor=office(w), body=body, name="WP 2029–2034", start_date=D(2029, 7, 1))
    same_day = services.term_save(
        actor=office(w), body=body, term=term, name="WP 2029–2034", start_date=D(2029, 7, 1), end_date=D(2029, 7, 1)
    )
    assert same_day.end_date == D(2029, 7, 1)
    services.term_delete(actor=office(w), term=term)
    term.refresh_from_db()
    assert term.deleted and term not in Visibility.public(body).terms()
    assert list(
        AuditEntry.objects.filter(object_type="council.LegislativeTerm", object_id=str(term.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["create", "update", "delete"]
    with pytest.raises(DomainError):
        services.term_save(actor=office(w), body=body, term=term, name="wieder", start_date=D(2029, 7, 1))


def test_another_towns_rows_are_refused(w: dict[str, Any]) -> None:
    zeitz = w["zeitz_body"]
    zeitz_term = LegislativeTerm.objects.create(body=zeitz, name="Z", start_date=D(2024, 1, 1))
    zeitz_org = make_organization(zeitz, "Stadtrat Zeitz")
    with pytest.raises(DomainError):
        services.term_save(actor=office(w), body=w["body"], term=zeitz_term, name="mine", start_date=D(2024, 1, 1))
    with pytest.raises(PermissionDenied):
        services.term_delete(actor=office(w), term=zeitz_term)
    with pytest.raises(DomainError):
        services.organization_save(
            actor=office(w), body=w["body"], organization=zeitz_org, name="mine", organization_type="Gremium"
        )
    zeitz_term.refresh_from_db()
    zeitz_org.refresh_from_db()
    assert (zeitz_term.name, zeitz_term.deleted, zeitz_org.name) == ("Z", False, "Stadtrat Zeitz")


# --- organizations -------------------------------------------------------------------------------------------


def test_organization_rules(w: dict[str, Any]) -> None:
    body, council, committee = w["body"], w["council"], w["committee"]
    save = services.organization_save
    sub = save(
        actor=office(w),
        body=body,
        name="Unterausschuss Radverkehr",
        organization_type=OrganizationType.BODY,
        sub_organization_of=committee,
        start_date=D(2024, 7, 1),
    )
    assert sub.sub_organization_of == committee and sub.body == body
    zeitz_org = make_organization(w["zeitz_body"], "Stadtrat Zeitz")
    with pytest.raises(DomainError) as other_town:
        save(actor=office(w), body=body, name="X", organization_type="Gremium", sub_organization_of=zeitz_org)
    assert other_town.value.field == "sub_organization_of"
    with pytest.raises(DomainError) as circle:
        save(
            actor=office(w),
            body=body,
            organization=committee,
            name=committee.name,
            organization_type="Gremium",
            sub_organization_of=sub,
        )
    assert circle.value.field == "sub_organization_of"
    with pytest.raises(DomainError) as itself:
        save(
            actor=office(w),
            body=body,
            organization=council,
            name="Stadtrat",
            organization_type="Gremium",
            sub_organization_of=council,
        )
    assert itself.value.field == "sub_organization_of"
    with pytest.raises(DomainError) as kind:
        save(actor=office(w), body=body, name="X", organization_type="Kegelclub")
    assert kind.value.field == "organization_type"
    with pytest.raises(DomainError) as dates:
        save(
            actor=office(w),
            body=body,
            name="X",
            organization_type="Gremium",
            start_date=D(2025, 1, 1),
            end_date=D(2024, 1, 1),
        )
    assert dates.value.field == "end_date"
    committee.refresh_from_db()
    assert committee.sub_organization_of is None and not Organization.objects.filter(name="X").exists()


def test_deleting_an_organization_tombstones_its_memberships(w: dict[str, Any]) -> None:
    committee = w["committee"]
    sub = make_organization(w["body"], "Unterausschuss", sub_organization_of=committee)
    memberships = list(committee.memberships.all())
    assert len(memberships) == 2
    services.organization_delete(actor=office(w), organization=committee)
    committee.refresh_from_db()
    sub.refresh_from_db()
    assert committee.deleted and sub.sub_organization_of is None and not sub.deleted
    assert all(m.deleted for m in Membership.objects.filter(organization=committee))
    public = Visibility.public(w["body"])
    assert committee not in public.organizations() and not public.memberships().filter(organization=committee)
    assert AuditEntry.objects.filter(object_type="council.Membership", action="delete").count() == 2


# --- persons -------------------------------------------------------------------------------------------------


def test_person_fields_and_consent(w: dict[str, Any]) -> None:
    person = services.person_save(
        actor=office(w),
        body=w["body"],
        family_name=" Weber ",
        given_name="Clara",
        title="Prof. Dr.",
        form_of_address="Frau",
        gender="female",
        affix="MdL",
        status=["Ratsmitglied", " ", "Fraktionsvorsitzende"],
        email="clara@example.org",
        phone="03943 555",
        contact_public=False,
    )
    assert person.name == "Prof. Dr. Clara Weber MdL"
    assert person.status == ["Ratsmitglied", "Fraktionsvorsitzende"] and not person.contact_public
    entry = AuditEntry.objects.get(object_type="council.Person", object_id=str(person.pk))
    assert entry.changes["email"] == ["***", "***"] and "clara@example.org" not in str(entry.changes)
    with pytest.raises(DomainError) as gender:
        services.person_save(actor=office(w), body=w["body"], family_name="A", given_name="B", gender="robot")
    assert gender.value.field == "gender"
    with pytest.raises(DomainError) as mail:
        services.person_save(actor=office(w), body=w["body"], family_name="A", given_name="B", email="kein")
    assert mail.value.field == "email"
    assert services.parse_status("Ratsmitglied, Ortsbürgermeister\nSachkundige Einwohnerin\n") == [
        "Ratsmitglied",
        "Ortsbürgermeister",
        "Sachkundige Einwohnerin",
    ]


def test_a_login_is_tied_only_to_a_councillor_of_the_town_and_once(w: dict[str, Any]) -> None:
    body = w["body"]
    fresh = make_user("neu.rat@test.example", [(w["wernigerode"].organisation, Role.COUNCIL_MEMBER)])
    zeitz_councillor = make_user("neu.zeitz@test.example", [(w["zeitz"].organisation, Role.COUNCIL_MEMBER)])
    for user, reason in (
        (w["users"]["requester"], "kein Ratsmitglied"),  # of the town, but not a councillor
        (w["users"]["council_office"], "kein Ratsmitglied"),
        (zeitz_councillor, "kein Ratsmitglied"),  # a councillor of another town
        (w["users"]["councillor"], "gehört schon zu Dr. Anna Schmidt"),  # already Anna's login
    ):
        with pytest.raises(DomainError) as refused:
            services.person_save(actor=office(w), body=body, family_name="Neu", given_name="Nina", user=user)
        assert refused.value.field == "user" and reason in refused.value.message
    assert not Person.objects.filter(family_name="Neu").exists()
    nina = services.person_save(actor=office(w), body=body, family_name="Neu", given_name="Nina", user=fresh)
    assert nina.user == fresh
    # saving again keeps her own login; Anna's person keeps hers
    services.person_save(actor=office(w), body=body, person=nina, family_name="Neu", given_name="Nina", user=fresh)
    anna = w["anna"]
    services.person_save(
        actor=office(w), body=body, person=anna, family_name="Schmidt", given_name="Anna", user=w["users"]["councillor"]
    )
    # deleting a person unties the login, which may then be tied again
    services.person_delete(actor=office(w), person=nina)
    nina.refresh_from_db()
    assert nina.deleted and nina.user is None
    other = services.person_save(actor=office(w), body=body, family_name="Anders", given_name="Otto", user=fresh)
    assert other.user == fresh


def test_deleting_a_person_tombstones_memberships(w: dict[str, Any]) -> None:
    anna = w["anna"]
    assert anna.memberships.filter(deleted=False).count() == 3
    services.person_delete(actor=office(w), person=anna)
    anna.refresh_from_db()
    assert anna.deleted and anna.memberships.filter(deleted=False).count() == 0
    public = Visibility.public(w["body"])
    assert anna not in public.persons()
    # a deleted person is not changed any more, nor chosen for a membership
    with pytest.raises(DomainError):
        services.person_save(actor=office(w), body=w["body"], person=anna, family_name="S", given_name="A")
    with pytest.raises(DomainError) as chosen:
        services.membership_save(actor=office(w), body=w["body"], person=anna, organization=w["council"])
    assert chosen.value.field == "person"


# --- memberships ---------------------------------------------------------------------------------------------


def test_membership_same_town_and_group_rules(w: dict[str, Any]) -> None:
    body = w["body"]
    zeitz = w["zeitz_body"]
    zeitz_group = make_organization(zeitz, "Fraktion Zeitz", organization_type=OrganizationType.GROUP)
    zeitz_org = make_organization(zeitz, "Stadtrat Zeitz")
    bernd = w["bernd"]
    save = services.membership_save
    cases = [
        ({"person": w["zeitz_person"], "organization": w["council"]}, "person"),
        ({"person": bernd, "organization": zeitz_org}, "organization"),
        ({"person": bernd, "organization": w["council"], "on_behalf_of": w["committee"]}, "on_behalf_of"),
        ({"person": bernd, "organization": w["council"], "on_behalf_of": zeitz_group}, "on_behalf_of"),
        (
            {"person": bernd, "organization": w["council"], "start_date": D(2025, 1, 2), "end_date": D(2025, 1, 1)},
            "end_date",
        ),
    ]
    count = Membership.objects.count()
    for kwargs, field in cases:
        with pytest.raises(DomainError) as refused:
            save(actor=office(w), body=body, **kwargs)
        assert refused.value.field == field, kwargs
    assert Membership.objects.count() == count
    membership = save(
        actor=office(w),
        body=body,
        person=bernd,
        organization=w["council"],
        role="Mitglied",
        voting_right=False,
        on_behalf_of=w["group"],
        start_date=D(2024, 7, 1),
        end_date=D(2024, 7, 1),
    )
    assert (membership.on_behalf_of, membership.voting_right, membership.role) == (w["group"], False, "Mitglied")
    edited = save(
        actor=office(w),
        body=body,
        membership=membership,
        person=bernd,
        organization=w["council"],
        end_date=D(2026, 6, 30),
    )
    assert edited.pk == membership.pk and edited.on_behalf_of is None and edited.start_date is None
    services.membership_delete(actor=office(w), membership=membership)
    membership.refresh_from_db()
    assert membership.deleted and membership not in Visibility.public(body).memberships()
    actions = AuditEntry.objects.filter(object_type="council.Membership", object_id=str(membership.pk))
    assert sorted(actions.values_list("action", flat=True)) == ["create", "delete", "update"]


def test_membership_of_another_town_is_not_edited(w: dict[str, Any]) -> None:
    zeitz = w["zeitz_body"]
    zeitz_org = make_organization(zeitz, "Stadtrat Zeitz")
    theirs = Membership.objects.create(person=w["zeitz_person"], organization=zeitz_org)
    with pytest.raises(DomainError):
        services.membership_save(
            actor=office(w), body=w["body"], membership=theirs, person=w["bernd"], organization=w["council"]
        )
    with pytest.raises(PermissionDenied):
        services.membership_delete(actor=office(w), membership=theirs)
    theirs.refresh_from_db()
    assert (theirs.person, theirs.organization, theirs.deleted) == (w["zeitz_person"], zeitz_org, False)


# --- locations -----------------------------------------------------------------------------------------------


def test_location_with_a_point(w: dict[str, Any]) -> None:
    location = services.location_save(
        actor=office(w),
        body=w["body"],
        description="Rathaus, Großer Sitzungssaal",
        street_address="Marktplatz 1",
        postal_code="38855",
        locality="Wernigerode",
        room="Saal 1",
        lat="51,8352",
        lon="10.7853",
    )
    assert location.geojson == {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [10.7853, 51.8352]},  # GeoJSON: longitude first
        "properties": {"name": "Rathaus, Großer Sitzungssaal"},
    }
    assert services.point_of(location) == (51.8352, 10.7853)
    cleared = services.location_save(actor=office(w), body=w["body"], location=location, description="Rathaus")
    assert cleared.geojson is None and services.point_of(cleared) is None
    for lat, lon, field in (("abc", "10", "lat"), ("91", "10", "lat"), ("51", "", "lon"), ("51", "nan", "lon")):
        with pytest.raises(DomainError) as bad:
            services.location_save(actor=office(w), body=w["body"], description="X", lat=lat, lon=lon)
        assert bad.value.field == field
    assert not Location.objects.filter(description="X").exists()
    services.location_delete(actor=office(w), location=location)
    location.refresh_from_db()
    assert location.deleted and location not in Visibility.public(w["body"]).locations()


def test_deleted_rows_are_not_changed(w: dict[str, Any]) -> None:
    person = make_person(w["body"], "Gelöscht", "Person", deleted=True)
    with pytest.raises(DomainError):
        services.person_save(actor=office(w), body=w["body"], person=person, family_name="X", given_name="Y")
    person.refresh_from_db()
    assert person.family_name == "Person"


@given(
    lat=st.decimals(min_value=-90, max_value=90, places=6, allow_nan=False),
    lon=st.decimals(min_value=-180, max_value=180, places=6, allow_nan=False),
    comma=st.booleans(),
)
def test_any_point_in_range_becomes_geojson_longitude_first(lat: Decimal, lon: Decimal, comma: bool) -> None:
    text = (lambda d: str(d).replace(".", ",")) if comma else str
    feature = services.point(text(lat), text(lon), "Rathaus")
    assert feature is not None and feature["geometry"]["coordinates"] == [float(lon), float(lat)]


@given(value=st.one_of(st.decimals(allow_nan=True, allow_infinity=True), st.text(max_size=12)))
def test_anything_else_is_refused_naming_the_field(value: Any) -> None:
    text = str(value)
    try:
        number = Decimal(text.strip().replace(",", "."))
    except ArithmeticError:
        number = None
    fits = number is not None and number.is_finite() and -90 <= number <= 90
    if fits or not text.strip():
        return  # a fitting latitude (or an empty one, paired with a longitude below) is not refused here
    with pytest.raises(DomainError) as refused:
        services.point(text, "10")
    assert refused.value.field == "lat"
