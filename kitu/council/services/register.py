"""The town's council register: switching the council information system on for a member town (the
cooperative), and the town's own settings, legislative terms, organizations, persons, memberships and
locations (its council office). Deleting leaves a tombstone (``deleted``) so that OParl clients learn of it.

Every write checks the actor's permission itself, validates the same-town rules (a membership joins a
person and an organization of one town, "on behalf of" names a parliamentary group of that town, an
organization is a sub-organization only of one of its own town) and writes an audit row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kitu.accounts.models import User
from kitu.accounts.policies import has_role, is_coop_admin
from kitu.accounts.roles import Role
from kitu.billing.models import ServiceCategory
from kitu.billing.selectors import member_ids_subscribed
from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied, full_clean
from kitu.members.models import Member

from ..models import (
    Body,
    Gender,
    LegislativeTerm,
    Location,
    Membership,
    Organization,
    OrganizationType,
    Person,
)
from ..policies import can_manage_council

BODY_FIELDS = ("slug", "name", "is_enabled", "invitation_days", "contact_name", "contact_email", "website", "license")
TERM_FIELDS = ("name", "start_date", "end_date", "deleted")
ORGANIZATION_FIELDS = (
    "name",
    "short_name",
    "organization_type",
    "classification",
    "sub_organization_of",
    "start_date",
    "end_date",
    "website",
    "deleted",
)
PERSON_FIELDS = (
    "family_name",
    "given_name",
    "title",
    "form_of_address",
    "gender",
    "affix",
    "status",
    "email",
    "phone",
    "contact_public",
    "user",
    "deleted",
)
PERSON_PERSONAL = ("email", "phone")  # redacted in the audit trail
MEMBERSHIP_FIELDS = (
    "person",
    "organization",
    "role",
    "voting_right",
    "on_behalf_of",
    "start_date",
    "end_date",
    "deleted",
)
LOCATION_FIELDS = (
    "description",
    "street_address",
    "room",
    "postal_code",
    "sub_locality",
    "locality",
    "geojson",
    "deleted",
)
MAX_INVITATION_DAYS = 90
M = TypeVar("M", bound=Model)


def _deny() -> PermissionDenied:
    return PermissionDenied(_("Das darf nur der Sitzungsdienst der Kommune."))


def _check(actor: Any, body: Body) -> None:
    if not can_manage_council(actor, body):
        raise _deny()


def _text(value: str | None, field: str, *, required: bool = False, max_length: int = 200) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("Bitte ausfüllen."), field=field)
    if len(value) > max_length:
        raise DomainError(_("Höchstens %(n)s Zeichen (jetzt %(m)s).") % {"n": max_length, "m": len(value)}, field=field)
    return value


def _dates(start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and end < start:
        raise DomainError(_("Das Ende liegt vor dem Beginn."), field="end_date")


def _fresh(model: type[M], instance: M, body: Body) -> M:
    """The row locked for the change; one of another town is not found."""
    row = model._default_manager.select_for_update(of=("self",)).filter(pk=instance.pk).first()
    if row is None or _body_id(row) != body.pk:
        raise DomainError(_("Das gehört zu einer anderen Kommune."))
    return row


def _body_id(row: Model) -> int:
    if isinstance(row, Membership):
        return row.organization.body_id
    return row.body_id  # type: ignore[attr-defined]


def _save(instance: Model, exclude: list[str] | None = None) -> None:
    full_clean(instance, exclude=exclude)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:  # a check constraint the form could not see (a race, or a bypass)
        raise DomainError(_("Die Angaben widersprechen sich (z. B. Ende vor Beginn).")) from exc


def _record(actor: Any, instance: Model, before: dict[str, Any], fields: tuple[str, ...], **kw: Any) -> None:
    after = audit.snapshot(instance, fields)
    if not before:
        action = "create"
    elif after.get("deleted") and not before.get("deleted"):
        action = "delete"
    else:
        action = "update"
    audit.record(actor=actor, instance=instance, action=action, before=before, after=after, **kw)


# --- the town's council information system ---------------------------------------------------------------


def subscription_missing(member: Member) -> bool:
    """Whether the member has no running subscription of "Digitale Gremienarbeit" (a warning, no bar)."""
    return member.pk not in member_ids_subscribed(ServiceCategory.COUNCIL)


@transaction.atomic
def body_enable(*, actor: Any, member: Member, slug: str, name: str) -> Body:
    """Switch the council information system on for a member town (the cooperative's administration).
    The slug names its public pages and OParl URLs and never changes once set; switching on a town that
    was switched off keeps its slug and data."""
    if not is_coop_admin(actor):
        raise PermissionDenied(_("Das Ratsinformationssystem schaltet die Geschäftsstelle frei."))
    member = Member.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=member.pk)
    if not Member.objects.members_on(timezone.localdate()).filter(pk=member.pk).exists():
        raise DomainError(_("%(name)s ist derzeit kein Mitglied.") % {"name": member.name}, field="member")
    name = _text(name, "name", required=True)
    body = Body.objects.select_for_update(of=("self",)).filter(member=member).first()
    if body is not None:
        if body.is_enabled and not body.deleted:
            raise DomainError(_("Für %(name)s ist es schon freigeschaltet.") % {"name": member.name}, field="member")
        before = audit.snapshot(body, BODY_FIELDS)
        body.is_enabled, body.deleted, body.name = True, False, name
        body.save()
        audit.record(
            actor=actor, instance=body, action="update", before=before, after=audit.snapshot(body, BODY_FIELDS)
        )
        return body
    slug = slugify(slug or "")
    if not slug:
        raise DomainError(_("Bitte eine Kennung angeben (Kleinbuchstaben, z. B. wernigerode)."), field="slug")
    if len(slug) > 50:
        raise DomainError(_("Die Kennung hat höchstens 50 Zeichen."), field="slug")
    if Body.objects.filter(slug=slug).exists():
        raise DomainError(_("Die Kennung „%(slug)s“ ist schon vergeben.") % {"slug": slug}, field="slug")
    body = Body(
        member=member,
        slug=slug,
        name=name,
        website=member.website,
        oparl_since=timezone.now(),
        license_valid_since=timezone.now(),
    )
    _save(body)
    audit.record(actor=actor, instance=body, action="create", after=audit.snapshot(body, BODY_FIELDS))
    return body


@transaction.atomic
def body_update(
    *,
    actor: Any,
    body: Body,
    invitation_days: int,
    contact_name: str = "",
    contact_email: str = "",
    website: str = "",
    license: str = "",
) -> Body:
    """The council office's settings: the invitation period of the rules of procedure, the contact for
    citizens and open-data users, the town's website and the licence of the published data."""
    _check(actor, body)
    body = Body.objects.select_for_update(of=("self",)).get(pk=body.pk)
    if not 1 <= invitation_days <= MAX_INVITATION_DAYS:
        raise DomainError(
            _("Die Ladungsfrist liegt zwischen 1 und %(n)s Tagen.") % {"n": MAX_INVITATION_DAYS},
            field="invitation_days",
        )
    before = audit.snapshot(body, BODY_FIELDS)
    body.invitation_days = invitation_days
    body.contact_name = _text(contact_name, "contact_name")
    body.contact_email = _text(contact_email, "contact_email", max_length=254)
    body.website = _text(website, "website")
    new_license = _text(license, "license") or body.license
    if new_license != body.license:
        body.license_valid_since = timezone.now()
    body.license = new_license
    _save(body)
    audit.record(actor=actor, instance=body, action="update", before=before, after=audit.snapshot(body, BODY_FIELDS))
    return body


# --- legislative terms -----------------------------------------------------------------------------------


@transaction.atomic
def term_save(
    *,
    actor: Any,
    body: Body,
    term: LegislativeTerm | None = None,
    name: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
) -> LegislativeTerm:
    _check(actor, body)
    term = _fresh(LegislativeTerm, term, body) if term is not None else LegislativeTerm(body=body)
    if term.deleted:
        raise DomainError(_("Die Wahlperiode ist gelöscht."))
    before = audit.snapshot(term, TERM_FIELDS) if term.pk else {}
    term.name = _text(name, "name", required=True, max_length=100)
    _dates(start_date, end_date)
    term.start_date, term.end_date = start_date, end_date
    _save(term)
    _record(actor, term, before, TERM_FIELDS)
    return term


@transaction.atomic
def term_delete(*, actor: Any, term: LegislativeTerm) -> LegislativeTerm:
    _check(actor, term.body)
    term = _fresh(LegislativeTerm, term, term.body)
    return _tombstone(actor, term, TERM_FIELDS)


def _tombstone(actor: Any, row: M, fields: tuple[str, ...], **kw: Any) -> M:
    if row.deleted:  # type: ignore[attr-defined]
        return row
    before = audit.snapshot(row, fields)
    row.deleted = True  # type: ignore[attr-defined]
    row.save()
    _record(actor, row, before, fields, **kw)
    return row


# --- organizations ---------------------------------------------------------------------------------------


def _own_organization(body: Body, organization: Organization | None, field: str) -> Organization | None:
    if organization is None:
        return None
    if organization.body_id != body.pk or organization.deleted:
        raise DomainError(_("Bitte ein Gremium dieser Kommune wählen."), field=field)
    return organization


@transaction.atomic
def organization_save(
    *,
    actor: Any,
    body: Body,
    organization: Organization | None = None,
    name: str,
    organization_type: str,
    short_name: str = "",
    classification: str = "",
    sub_organization_of: Organization | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    website: str = "",
) -> Organization:
    _check(actor, body)
    org = _fresh(Organization, organization, body) if organization is not None else Organization(body=body)
    if org.deleted:
        raise DomainError(_("Das Gremium ist gelöscht."))
    if organization_type not in OrganizationType.values:
        raise DomainError(_("Bitte eine Art aus der Liste wählen."), field="organization_type")
    parent = _own_organization(body, sub_organization_of, "sub_organization_of")
    ancestor = parent
    while ancestor is not None:  # no circles: not itself, nor one of its own sub-organizations
        if org.pk is not None and ancestor.pk == org.pk:
            raise DomainError(
                _("Ein Gremium kann nicht Teil von sich selbst oder seiner Untergliederung sein."),
                field="sub_organization_of",
            )
        ancestor = ancestor.sub_organization_of
    before = audit.snapshot(org, ORGANIZATION_FIELDS) if org.pk else {}
    org.name = _text(name, "name", required=True)
    org.short_name = _text(short_name, "short_name", max_length=50)
    org.organization_type = organization_type
    org.classification = _text(classification, "classification", max_length=100)
    org.sub_organization_of = parent
    _dates(start_date, end_date)
    org.start_date, org.end_date = start_date, end_date
    org.website = _text(website, "website")
    _save(org, exclude=["location"])
    _record(actor, org, before, ORGANIZATION_FIELDS)
    return org


@transaction.atomic
def organization_delete(*, actor: Any, organization: Organization) -> Organization:
    """Tombstone the organization and its memberships; its sub-organizations stand on their own."""
    body = organization.body
    _check(actor, body)
    org = _fresh(Organization, organization, body)
    for membership in Membership.objects.select_for_update(of=("self",)).filter(organization=org, deleted=False):
        _tombstone(actor, membership, MEMBERSHIP_FIELDS)
    for child in Organization.objects.select_for_update(of=("self",)).filter(sub_organization_of=org):
        before = audit.snapshot(child, ORGANIZATION_FIELDS)
        child.sub_organization_of = None
        child.save()
        _record(actor, child, before, ORGANIZATION_FIELDS)
    return _tombstone(actor, org, ORGANIZATION_FIELDS)


# --- persons ---------------------------------------------------------------------------------------------


def council_member_users(body: Body) -> Any:
    """The logins that may be tied to a person of the town: councillors (``council_member``) of its member."""
    return (
        User.objects.filter(
            role_assignments__organisation_id=body.member.organisation_id,
            role_assignments__role=Role.COUNCIL_MEMBER,
            is_active=True,
        )
        .distinct()
        .order_by("email")
    )


def parse_status(text: str) -> list[str]:
    """ "Ratsmitglied, Fraktionsvorsitzende" or one per line → ["Ratsmitglied", "Fraktionsvorsitzende"]."""
    parts = [p.strip() for line in (text or "").splitlines() for p in line.split(",")]
    return [p for p in parts if p]


@transaction.atomic
def person_save(
    *,
    actor: Any,
    body: Body,
    person: Person | None = None,
    family_name: str,
    given_name: str,
    title: str = "",
    form_of_address: str = "",
    gender: str = "",
    affix: str = "",
    status: list[str] | None = None,
    email: str = "",
    phone: str = "",
    contact_public: bool = False,
    user: User | None = None,
) -> Person:
    """Create or change a person. A login is tied only to a councillor (``council_member``) of this town,
    and to one person only. E-mail and phone are published only with ``contact_public`` (their consent)."""
    _check(actor, body)
    row = _fresh(Person, person, body) if person is not None else Person(body=body)
    if row.deleted:
        raise DomainError(_("Die Person ist gelöscht."))
    if gender not in Gender.values:
        raise DomainError(_("Bitte eine Angabe aus der Liste wählen."), field="gender")
    status = [s.strip() for s in (status or []) if s.strip()]
    if len(status) > 20 or any(len(s) > 100 for s in status):
        raise DomainError(_("Höchstens 20 Angaben mit je höchstens 100 Zeichen."), field="status")
    if user is not None:
        if not has_role(user, Role.COUNCIL_MEMBER, body.member.organisation_id) or not user.is_active:
            raise DomainError(
                _("%(email)s ist kein Ratsmitglied dieser Kommune (Rolle „Ratsmitglied“ fehlt).")
                % {"email": user.email},
                field="user",
            )
        holder = Person.objects.filter(user=user).exclude(pk=row.pk).first()
        if holder is not None:
            raise DomainError(
                _("Der Zugang %(email)s gehört schon zu %(name)s.") % {"email": user.email, "name": holder.name},
                field="user",
            )
    before = audit.snapshot(row, PERSON_FIELDS) if row.pk else {}
    row.family_name = _text(family_name, "family_name", required=True, max_length=100)
    row.given_name = _text(given_name, "given_name", required=True, max_length=100)
    row.title = _text(title, "title", max_length=100)
    row.form_of_address = _text(form_of_address, "form_of_address", max_length=50)
    row.affix = _text(affix, "affix", max_length=50)
    row.gender, row.status = gender, status
    row.email = _text(email, "email", max_length=254)
    row.phone = _text(phone, "phone", max_length=40)
    row.contact_public, row.user = bool(contact_public), user
    _save(row)
    _record(actor, row, before, PERSON_FIELDS, redact=PERSON_PERSONAL)
    return row


@transaction.atomic
def person_delete(*, actor: Any, person: Person) -> Person:
    """Tombstone the person and their memberships; the login is untied (it may be tied to another)."""
    body = person.body
    _check(actor, body)
    row = _fresh(Person, person, body)
    for membership in Membership.objects.select_for_update(of=("self",)).filter(person=row, deleted=False):
        _tombstone(actor, membership, MEMBERSHIP_FIELDS)
    if row.deleted:
        return row
    before = audit.snapshot(row, PERSON_FIELDS)
    row.deleted, row.user = True, None
    row.save()
    _record(actor, row, before, PERSON_FIELDS, redact=PERSON_PERSONAL)
    return row


# --- memberships -----------------------------------------------------------------------------------------


@transaction.atomic
def membership_save(
    *,
    actor: Any,
    body: Body,
    membership: Membership | None = None,
    person: Person,
    organization: Organization,
    role: str = "",
    voting_right: bool = True,
    on_behalf_of: Organization | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> Membership:
    """A person's membership in an organization of the same town, optionally on behalf of one of the town's
    parliamentary groups (``Fraktion``)."""
    _check(actor, body)
    row = _fresh(Membership, membership, body) if membership is not None else Membership()
    if row.deleted:
        raise DomainError(_("Die Mitgliedschaft ist gelöscht."))
    if person.body_id != body.pk or person.deleted:
        raise DomainError(_("Bitte eine Person dieser Kommune wählen."), field="person")
    _own_organization(body, organization, "organization")
    group = _own_organization(body, on_behalf_of, "on_behalf_of")
    if group is not None and group.organization_type != OrganizationType.GROUP:
        raise DomainError(_("„Für die Fraktion“ muss eine Fraktion sein."), field="on_behalf_of")
    _dates(start_date, end_date)
    before = audit.snapshot(row, MEMBERSHIP_FIELDS) if row.pk else {}
    row.person, row.organization, row.on_behalf_of = person, organization, group
    row.role = _text(role, "role", max_length=100)
    row.voting_right = bool(voting_right)
    row.start_date, row.end_date = start_date, end_date
    _save(row)
    _record(actor, row, before, MEMBERSHIP_FIELDS)
    return row


@transaction.atomic
def membership_delete(*, actor: Any, membership: Membership) -> Membership:
    body = membership.organization.body
    _check(actor, body)
    return _tombstone(actor, _fresh(Membership, membership, body), MEMBERSHIP_FIELDS)


# --- locations -------------------------------------------------------------------------------------------


def point(
    lat: str | Decimal | float | None, lon: str | Decimal | float | None, name: str = ""
) -> dict[str, Any] | None:
    """A GeoJSON point feature (RFC 7946: longitude first) from "51.8352" / "10.7853" (also with a decimal
    comma); both empty: None."""
    texts = ["" if v is None else str(v).strip().replace(",", ".") for v in (lat, lon)]
    if not any(texts):
        return None
    values: list[Decimal] = []
    for field, text, limit in (("lat", texts[0], 90), ("lon", texts[1], 180)):
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or not -limit <= value <= limit:
            raise DomainError(
                _("Bitte eine Zahl zwischen -%(n)s und %(n)s angeben (z. B. 51.8352).") % {"n": limit}, field=field
            )
        values.append(value)
    lat_value, lon_value = values
    feature: dict[str, Any] = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [float(lon_value), float(lat_value)]},
        "properties": {"name": name} if name else {},
    }
    return feature


def point_of(location: Location) -> tuple[float, float] | None:
    """(lat, lon) of a location's point, if it has one."""
    geometry = (location.geojson or {}).get("geometry") or {}
    coordinates = geometry.get("coordinates") if geometry.get("type") == "Point" else None
    if not coordinates or len(coordinates) != 2:
        return None
    return coordinates[1], coordinates[0]


@transaction.atomic
def location_save(
    *,
    actor: Any,
    body: Body,
    location: Location | None = None,
    description: str,
    street_address: str = "",
    room: str = "",
    postal_code: str = "",
    sub_locality: str = "",
    locality: str = "",
    lat: str | Decimal | float | None = None,
    lon: str | Decimal | float | None = None,
) -> Location:
    _check(actor, body)
    row = _fresh(Location, location, body) if location is not None else Location(body=body)
    if row.deleted:
        raise DomainError(_("Der Ort ist gelöscht."))
    before = audit.snapshot(row, LOCATION_FIELDS) if row.pk else {}
    row.description = _text(description, "description", required=True)
    row.street_address = _text(street_address, "street_address")
    row.room = _text(room, "room", max_length=100)
    row.postal_code = _text(postal_code, "postal_code", max_length=10)
    row.sub_locality = _text(sub_locality, "sub_locality", max_length=100)
    row.locality = _text(locality, "locality", max_length=100)
    row.geojson = point(lat, lon, row.description)
    _save(row)
    _record(actor, row, before, LOCATION_FIELDS)
    return row


@transaction.atomic
def location_delete(*, actor: Any, location: Location) -> Location:
    body = location.body
    _check(actor, body)
    return _tombstone(actor, _fresh(Location, location, body), LOCATION_FIELDS)
