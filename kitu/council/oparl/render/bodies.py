"""The OParl System, Body and LegislativeTerm objects, and Location, Organization, Person and Membership."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from kitu.council.models import Body, LegislativeTerm, Location, Membership, Organization, Person

from ..http import SCHEMA, iso, iso_date
from .base import OPARL_VERSION, Ctx, head_of, put_value, tail_of, urls_of


def system(
    ctx: Ctx, *, name: str, contact_email: str, contact_name: str, website: str, vendor: str, product: str
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": ctx.root("system"),
        "type": SCHEMA + "System",
        "oparlVersion": OPARL_VERSION,
        "body": ctx.root("body"),
    }
    put_value(data, "name", name)
    put_value(data, "contactEmail", contact_email)
    put_value(data, "contactName", contact_name)
    put_value(data, "website", website)
    put_value(data, "vendor", vendor)
    put_value(data, "product", product)
    return data


BODY_LISTS = (
    ("organization", "organization"),
    ("person", "person"),
    ("meeting", "meeting"),
    ("paper", "paper"),
    ("agendaItem", "agendaItem"),
    ("consultation", "consultation"),
    ("file", "file"),
    ("membership", "membership"),
    ("locationList", "location"),
    ("legislativeTermList", "legislativeTerm"),
)


def prepare_bodies(bodies: QuerySet[Body]) -> QuerySet[Body]:
    # the terms are public whenever they are not deleted (Visibility.terms), for every town alike
    return bodies.prefetch_related(Prefetch("terms", queryset=LegislativeTerm.objects.filter(deleted=False)))


def body(ctx: Ctx, town: Body) -> dict[str, Any]:
    own = Ctx(ctx.request, town, ctx.omit_internal)
    data: dict[str, Any] = {"id": own.body_url(town), "type": SCHEMA + "Body", "system": ctx.root("system")}
    put_value(data, "name", town.name)
    put_value(data, "shortName", town.short_name)
    put_value(data, "website", town.website)
    put_value(data, "license", town.license)
    put_value(data, "licenseValidSince", iso(town.license_valid_since))
    put_value(data, "oparlSince", iso(town.oparl_since))
    put_value(data, "contactEmail", town.contact_email)
    put_value(data, "contactName", town.contact_name)
    put_value(data, "classification", town.classification)
    for key, kind in BODY_LISTS:
        data[key] = own.url(kind)
    # obligatory in Body (an empty list rather than none); omit_internal need not leave it out (chapter
    # 2.5: "müssen nicht ausgegeben werden"), and the schema requires it
    data["legislativeTerm"] = [term(own, item, embedded=True) for item in town.terms.all()]
    return tail_of(data, town, own.web("town", slug=town.slug))


def prepare_terms(terms: QuerySet[LegislativeTerm], ctx: Ctx) -> QuerySet[LegislativeTerm]:
    return terms


def term(ctx: Ctx, item: LegislativeTerm, embedded: bool = False) -> dict[str, Any]:
    data = head_of(ctx, "legislativeTerm", "LegislativeTerm", item.pk)
    if not embedded:
        data["body"] = ctx.own_body_url
    put_value(data, "name", item.name)
    put_value(data, "startDate", iso_date(item.start_date))
    put_value(data, "endDate", iso_date(item.end_date))
    return tail_of(data, item)


# --- Location, Organization, Person, Membership ------------------------------------------------------


def prepare_locations(locations: QuerySet[Location], ctx: Ctx) -> QuerySet[Location]:
    return locations


def location(ctx: Ctx, place: Location) -> dict[str, Any]:
    data = head_of(ctx, "location", "Location", place.pk)
    put_value(data, "description", place.description)
    if isinstance(place.geojson, dict) and place.geojson:
        data["geojson"] = place.geojson
    put_value(data, "streetAddress", place.street_address)
    put_value(data, "room", place.room)
    put_value(data, "postalCode", place.postal_code)
    put_value(data, "subLocality", place.sub_locality)
    put_value(data, "locality", place.locality)
    return tail_of(data, place)


def visible_location(ctx: Ctx, place: Location | None) -> dict[str, Any] | None:
    """An embedded location: the object was read through ``select_related``; a deleted one is left out."""
    if place is None or place.deleted:
        return None
    return location(ctx, place)


def prepare_organizations(organizations: QuerySet[Organization], ctx: Ctx) -> QuerySet[Organization]:
    memberships = ctx.visible("memberships").only("pk", "organization_id").order_by("pk")
    return organizations.select_related("location", "sub_organization_of").prefetch_related(
        Prefetch("memberships", queryset=memberships, to_attr="oparl_memberships")
    )


def organization(ctx: Ctx, org: Organization) -> dict[str, Any]:
    data = head_of(ctx, "organization", "Organization", org.pk)
    data["body"] = ctx.own_body_url
    put_value(data, "name", org.name)
    put_value(data, "membership", urls_of(ctx, "membership", (m.pk for m in org.oparl_memberships)))  # type: ignore[attr-defined]
    data["meeting"] = ctx.url("organization", org.pk) + "/meeting"  # external lists of this organization
    data["consultation"] = ctx.url("organization", org.pk) + "/consultation"
    put_value(data, "shortName", org.short_name)
    put_value(data, "post", [str(post) for post in org.post] if isinstance(org.post, list) else None)
    parent = org.sub_organization_of
    if parent is not None and not parent.deleted:
        data["subOrganizationOf"] = ctx.url("organization", parent.pk)
    put_value(data, "organizationType", org.organization_type)
    put_value(data, "classification", org.classification)
    put_value(data, "startDate", iso_date(org.start_date))
    put_value(data, "endDate", iso_date(org.end_date))
    put_value(data, "website", org.website)
    put_value(data, "location", visible_location(ctx, org.location))
    return tail_of(data, org, ctx.web_of("organization", "organization_id", org.pk))


def prepare_memberships(memberships: QuerySet[Membership], ctx: Ctx) -> QuerySet[Membership]:
    return memberships.select_related("on_behalf_of")


def membership(ctx: Ctx, item: Membership, embedded: bool = False) -> dict[str, Any]:
    data = head_of(ctx, "membership", "Membership", item.pk)
    if not embedded:
        data["person"] = ctx.url("person", item.person_id)
    data["organization"] = ctx.url("organization", item.organization_id)
    put_value(data, "role", item.role)
    data["votingRight"] = item.voting_right
    put_value(data, "startDate", iso_date(item.start_date))
    put_value(data, "endDate", iso_date(item.end_date))
    group = item.on_behalf_of
    if group is not None and not group.deleted:
        data["onBehalfOf"] = ctx.url("organization", group.pk)
    return tail_of(data, item)


def prepare_persons(persons: QuerySet[Person], ctx: Ctx) -> QuerySet[Person]:
    memberships = ctx.visible("memberships").select_related("on_behalf_of").order_by("start_date", "pk")
    return persons.prefetch_related(Prefetch("memberships", queryset=memberships, to_attr="oparl_memberships"))


def person(ctx: Ctx, someone: Person) -> dict[str, Any]:
    data = head_of(ctx, "person", "Person", someone.pk)
    data["body"] = ctx.own_body_url
    put_value(data, "name", someone.name)
    put_value(data, "familyName", someone.family_name)
    put_value(data, "givenName", someone.given_name)
    put_value(data, "formOfAddress", someone.form_of_address)
    put_value(data, "affix", someone.affix)
    put_value(data, "title", [someone.title] if someone.title else None)
    put_value(data, "gender", someone.gender)
    if someone.contact_public:  # only with the person's consent (chapter 1.6)
        put_value(data, "phone", [someone.phone] if someone.phone else None)
        put_value(data, "email", [someone.email] if someone.email else None)
    put_value(data, "status", [str(s) for s in someone.status] if isinstance(someone.status, list) else None)
    if not ctx.omit_internal:
        items = someone.oparl_memberships  # type: ignore[attr-defined]
        put_value(data, "membership", [membership(ctx, item, embedded=True) for item in items])
    return tail_of(data, someone, ctx.web_of("person", "person_id", someone.pk))
