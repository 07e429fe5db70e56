"""The OParl Paper and Consultation objects; a paper embeds its files and consultations."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from kitu.council.models import Consultation, FileRole, Paper

from ..http import iso_date
from ..rows import db_values
from .base import ROW_VALUES, Ctx, files_of, group_pairs, head_of, linked_ids, put_value, tail_of, urls_of
from .bodies import location
from .files import file

LOCATION_FIELDS = (
    *("pk", "description", "geojson", "street_address", "room", "postal_code", "sub_locality", "locality"),
    *("keyword_db", "created_db", "modified_db"),
)
CONSULTATION_FIELDS = (
    *("pk", "paper_id", "agenda_item_id", "oparl_meeting", "authoritative", "role", "keyword_db", "created_db"),
    "modified_db",
)


def prepare_papers(papers: QuerySet[Paper], ctx: Ctx) -> list[Paper]:
    docs = list(papers.annotate(**db_values(*ROW_VALUES)))
    ids = [doc.pk for doc in docs]
    if not ids:
        return docs
    visible_papers, organizations = ctx.visible("papers"), ctx.visible("organizations")
    related = linked_ids(visible_papers, "related_papers", ids)
    superordinated = linked_ids(visible_papers, "subordinated_papers", ids)
    subordinated = linked_ids(visible_papers, "superordinated_papers", ids)
    persons = linked_ids(ctx.visible("persons"), "originated_papers", ids)
    originators = linked_ids(organizations, "originated_papers", ids)
    direction = linked_ids(organizations, "directed_papers", ids)
    places = ctx.visible("locations").filter(papers__in=ids).order_by("pk").annotate(**db_values(*ROW_VALUES))
    locations = group_pairs((row.papers, row) for row in places.values_list("papers", *LOCATION_FIELDS, named=True))
    # the papers are visible: only the agenda-item rule applies to their consultations
    rows = (
        ctx.visible("consultations_of_shown_papers")
        .filter(paper__in=ids)
        .annotate(oparl_meeting=F("agenda_item__meeting"), **db_values(*ROW_VALUES))
        .order_by("order", "pk")
        .values_list(*CONSULTATION_FIELDS, named=True)
    )
    consultations = group_pairs((row.paper_id, row) for row in rows)
    consulted_by = linked_ids(
        organizations, "consultations", [row.pk for rows in consultations.values() for row in rows]
    )
    files = files_of(ctx, "paper", ids)
    for doc in docs:
        p: Any = doc
        p.oparl_related = related.get(doc.pk, [])
        p.oparl_superordinated = superordinated.get(doc.pk, [])
        p.oparl_subordinated = subordinated.get(doc.pk, [])
        p.oparl_persons = persons.get(doc.pk, [])
        p.oparl_originators = originators.get(doc.pk, [])
        p.oparl_direction = direction.get(doc.pk, [])
        p.oparl_locations = locations.get(doc.pk, [])
        p.oparl_files = files.get(doc.pk, [])
        p.oparl_consultations = [(row, consulted_by.get(row.pk, [])) for row in consultations.get(doc.pk, [])]
    return docs


def paper(ctx: Ctx, doc: Paper) -> dict[str, Any]:
    p: Any = doc
    data = head_of(ctx, "paper", "Paper", doc.pk)
    data["body"] = ctx.own_body_url
    put_value(data, "name", doc.name)
    put_value(data, "reference", doc.reference)
    put_value(data, "date", iso_date(doc.date))
    put_value(data, "paperType", doc.paper_type)
    put_value(data, "relatedPaper", urls_of(ctx, "paper", p.oparl_related))
    put_value(data, "superordinatedPaper", urls_of(ctx, "paper", p.oparl_superordinated))
    put_value(data, "subordinatedPaper", urls_of(ctx, "paper", p.oparl_subordinated))
    files = p.oparl_files
    main = next((f for f in files if f.role == FileRole.MAIN), None)
    if main is not None:
        data["mainFile"] = file(ctx, main, embedded=True)
    if not ctx.omit_internal:
        put_value(data, "auxiliaryFile", [file(ctx, f, embedded=True) for f in files if f is not main])
        put_value(data, "location", [location(ctx, place) for place in p.oparl_locations])
    put_value(data, "originatorPerson", urls_of(ctx, "person", p.oparl_persons))
    put_value(data, "underDirectionOf", urls_of(ctx, "organization", p.oparl_direction))
    put_value(data, "originatorOrganization", urls_of(ctx, "organization", p.oparl_originators))
    embedded = [consultation(ctx, item, bodies, embedded=True) for item, bodies in p.oparl_consultations]
    put_value(data, "consultation", embedded)
    return tail_of(data, doc, ctx.web_of("paper", "paper_id", doc.pk))


def prepare_consultations(consultations: QuerySet[Consultation], ctx: Ctx) -> list[Consultation]:
    found: list[Consultation] = list(consultations.annotate(oparl_meeting=F("agenda_item__meeting")))
    organizations = linked_ids(ctx.visible("organizations"), "consultations", [item.pk for item in found])
    for item in found:
        item.oparl_organizations = organizations.get(item.pk, [])  # type: ignore[attr-defined]
    return found


def consultation_alone(ctx: Ctx, item: Consultation) -> dict[str, Any]:
    return consultation(ctx, item, item.oparl_organizations)  # type: ignore[attr-defined]


def consultation(ctx: Ctx, item: Any, organizations: list[int], embedded: bool = False) -> dict[str, Any]:
    """A consultation (a model object or a row of ``CONSULTATION_FIELDS``, both with ``oparl_meeting``)."""
    data = head_of(ctx, "consultation", "Consultation", item.pk)
    if not embedded:
        data["paper"] = ctx.url("paper", item.paper_id)
    if item.agenda_item_id is not None:  # a visible consultation is on no item or on a visible one
        data["agendaItem"] = ctx.url("agendaItem", item.agenda_item_id)
        data["meeting"] = ctx.url("meeting", item.oparl_meeting)
    put_value(data, "organization", urls_of(ctx, "organization", organizations))
    data["authoritative"] = item.authoritative
    put_value(data, "role", item.role)
    return tail_of(data, item)
