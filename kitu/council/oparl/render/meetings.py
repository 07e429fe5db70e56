"""The OParl Meeting and AgendaItem objects; a meeting embeds its agenda items and files, an agenda item its
files and its consultation."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from kitu.council.models import AgendaItem, Attendance, AttendanceStatus, FileRole, Meeting

from ..http import iso
from ..rows import db_values, row_value
from .base import ROW_VALUES, Ctx, files_of, group_pairs, head_of, linked_ids, put_value, tail_of, urls_of
from .bodies import visible_location
from .files import file

ITEM_FIELDS = (
    *("pk", "meeting_id", "number", "name", "public", "result", "resolution_text", "votes_yes", "votes_no"),
    *("votes_abstain", "start_db", "end_db", "keyword_db", "created_db", "modified_db", "oparl_consultation"),
)


def with_consultation(items: QuerySet[AgendaItem], ctx: Ctx) -> QuerySet[AgendaItem]:
    """The id of the item's (first) consultation. The items are visible, so the paper rule for such items
    alone applies."""
    first = ctx.visible("consultations_of_shown_items").filter(agenda_item=OuterRef("pk")).order_by("pk")
    return items.annotate(oparl_consultation=Subquery(first.values("pk")[:1]))


def prepare_meetings(meetings: QuerySet[Meeting], ctx: Ctx) -> list[Meeting]:
    events = list(meetings.select_related("location").annotate(**db_values("start", "end", *ROW_VALUES)))
    ids = [event.pk for event in events]
    if not ids:
        return events
    items = with_consultation(ctx.visible("agenda_items").filter(meeting__in=ids).order_by("order"), ctx)
    items = items.annotate(**db_values("start", "end", *ROW_VALUES))
    items_of = group_pairs((row.meeting_id, row) for row in items.values_list(*ITEM_FIELDS, named=True))
    present = ctx.visible("persons").filter(attendances__status=AttendanceStatus.PRESENT).only("pk")
    attendances = Attendance.objects.filter(status=AttendanceStatus.PRESENT, person__in=present, meeting__in=ids)
    present_at = group_pairs(attendances.values_list("meeting_id", "person_id"))
    organizations = linked_ids(ctx.visible("organizations"), "meetings", ids)
    files = files_of(ctx, "meeting", ids)
    item_files = files_of(ctx, "agenda_item", ids, via="agenda_item__meeting")
    for event in events:
        event.oparl_organizations = organizations.get(event.pk, [])  # type: ignore[attr-defined]
        event.oparl_present = present_at.get(event.pk, [])  # type: ignore[attr-defined]
        event.oparl_files = files.get(event.pk, [])  # type: ignore[attr-defined]
        event.oparl_items = [(row, item_files.get(row.pk, [])) for row in items_of.get(event.pk, [])]  # type: ignore[attr-defined]
    return events


MEETING_FILE_ROLES = {
    FileRole.INVITATION: "invitation",
    FileRole.RESULTS_PROTOCOL: "resultsProtocol",
    FileRole.VERBATIM_PROTOCOL: "verbatimProtocol",
}


def meeting(ctx: Ctx, event: Meeting) -> dict[str, Any]:
    e: Any = event
    data = head_of(ctx, "meeting", "Meeting", event.pk)
    put_value(data, "name", event.name)
    put_value(data, "meetingState", event.state)
    data["cancelled"] = event.cancelled
    put_value(data, "start", iso(row_value(event, "start")))
    put_value(data, "end", iso(row_value(event, "end")))
    put_value(data, "location", visible_location(ctx, event.location))
    put_value(data, "organization", urls_of(ctx, "organization", e.oparl_organizations))
    if ctx.vis.results_visible(event):  # who attended is part of the published minutes
        put_value(data, "participant", urls_of(ctx, "person", e.oparl_present))
    auxiliary = []
    for doc in e.oparl_files:
        key = MEETING_FILE_ROLES.get(doc.role)
        if key is not None and key not in data:
            data[key] = file(ctx, doc, embedded=True)
        else:
            auxiliary.append(doc)
    if not ctx.omit_internal:
        put_value(data, "auxiliaryFile", [file(ctx, doc, embedded=True) for doc in auxiliary])
        items = e.oparl_items
        results = ctx.vis.results_visible(event)  # once for all its items
        put_value(
            data,
            "agendaItem",
            [agenda_item(ctx, item, docs, n, event, results) for n, (item, docs) in enumerate(items)],
        )
    return tail_of(data, event, ctx.web_of("meeting", "meeting_id", event.pk))


def prepare_agenda_items(items: QuerySet[AgendaItem], ctx: Ctx) -> list[AgendaItem]:
    # the position among the public items of the meeting (OParl's ``order`` counts from 0 without gaps,
    # so that it does not betray where non-public items are)
    before = (
        ctx.visible("agenda_items")
        .filter(meeting=OuterRef("meeting"), order__lt=OuterRef("order"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    positioned = items.select_related("meeting").annotate(
        oparl_position=Coalesce(Subquery(before, output_field=IntegerField()), Value(0))
    )
    found = list(with_consultation(positioned, ctx))
    files = files_of(ctx, "agenda_item", [item.pk for item in found]) if found else {}
    for item in found:
        item.oparl_files = files.get(item.pk, [])  # type: ignore[attr-defined]
    return found


def agenda_item_alone(ctx: Ctx, item: AgendaItem) -> dict[str, Any]:
    return agenda_item(ctx, item, item.oparl_files)  # type: ignore[attr-defined]


def agenda_item(
    ctx: Ctx,
    item: Any,
    files: list[Any],
    position: int | None = None,
    parent: Meeting | None = None,
    results: bool | None = None,
) -> dict[str, Any]:
    """An agenda item (a model object, or a row of ``ITEM_FIELDS`` embedded in its ``parent`` meeting, with
    ``results``: whether this reader sees the meeting's results, as the caller found once for all items)."""
    data = head_of(ctx, "agendaItem", "AgendaItem", item.pk)
    if parent is None:
        data["meeting"] = ctx.url("meeting", item.meeting_id)
        position = item.oparl_position
    put_value(data, "number", item.number)
    data["order"] = position
    put_value(data, "name", item.name)
    data["public"] = item.public
    if item.oparl_consultation is not None:
        data["consultation"] = ctx.url("consultation", item.oparl_consultation)
    if results if results is not None else ctx.vis.results_visible(parent or item.meeting):
        put_value(data, "result", item.result)  # the values are the German words
        put_value(data, "resolutionText", item.resolution_text)
        resolution = next((doc for doc in files if doc.role == FileRole.RESOLUTION), None)
        if resolution is not None:
            data["resolutionFile"] = file(ctx, resolution, embedded=True)
        if item.votes_yes is not None or item.votes_no is not None or item.votes_abstain is not None:
            data["kitu:votes"] = {"yes": item.votes_yes, "no": item.votes_no, "abstain": item.votes_abstain}
    if not ctx.omit_internal:
        auxiliary = [doc for doc in files if doc.role != FileRole.RESOLUTION]
        put_value(data, "auxiliaryFile", [file(ctx, doc, embedded=True) for doc in auxiliary])
    put_value(data, "start", iso(row_value(item, "start")))
    put_value(data, "end", iso(row_value(item, "end")))
    return tail_of(data, item)
