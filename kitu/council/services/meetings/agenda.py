"""A meeting's agenda: adding, changing, removing (a tombstone keeps the item for OParl clients), reordering
and moving items; numbers and places stay unique per meeting."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.errors import DomainError, full_clean

from ...models import AgendaItem, Consultation, ConsultationRole, Meeting, Paper
from ._common import locked, require_office
from .state import transition

ITEM_FIELDS = ("number", "order", "name", "public", "deleted")
# Tombstoned agenda items leave the numbers and places of the agenda free (both are unique per meeting).
TOMBSTONE_ORDER = 1_000_000_000


def agenda(meeting: Meeting) -> QuerySet[AgendaItem]:
    return meeting.agenda_items.filter(deleted=False).order_by("order")


def _renumber(meeting: Meeting, items: Sequence[AgendaItem]) -> None:
    """Give ``items`` the places 1…n and the numbers "1"…"n" in this order, in two phases so that the unique
    constraints on (meeting, order) and (meeting, number) hold after every single UPDATE."""
    top = (meeting.agenda_items.filter(deleted=False).aggregate(m=Max("order"))["m"] or 0) + 1
    for position, item in enumerate(items):
        AgendaItem.objects.filter(pk=item.pk).update(order=top + position, number=f"~{item.pk}")
    for position, item in enumerate(items, start=1):
        item.order, item.number = position, str(position)
        AgendaItem.objects.filter(pk=item.pk).update(order=position, number=str(position), modified=timezone.now())


def tombstone_item(item: AgendaItem) -> None:
    Consultation.objects.filter(agenda_item=item).update(agenda_item=None, modified=timezone.now())
    item.deleted = True
    item.order = TOMBSTONE_ORDER + item.pk
    item.number = f"x{item.pk}"
    item.save(update_fields=["deleted", "order", "number", "modified"])


def _item_snapshot(item: AgendaItem) -> dict[str, Any]:
    return audit.snapshot(item, ITEM_FIELDS)


@transaction.atomic
def agenda_item_add(
    *, actor: Any, meeting: Meeting, name: str = "", public: bool = True, paper: Paper | None = None
) -> AgendaItem:
    """Add an item at the end: a free item (``name``) or one for a paper of the town. A paper is linked by
    its consultation: a planned one of the meeting's organizations without an item is used, else one made."""
    require_office(actor, meeting.body)
    meeting = locked(meeting)
    transition(meeting, "agenda")
    name = (name or "").strip()
    if paper is not None:
        if paper.body_id != meeting.body_id or paper.deleted:
            raise DomainError(_("Wählen Sie eine Vorlage der Kommune."), field="paper")
        if Consultation.objects.filter(paper=paper, deleted=False, agenda_item__meeting=meeting).exists():
            raise DomainError(_("Die Vorlage steht schon auf der Tagesordnung."), field="paper")
        if not paper.public and public:
            raise DomainError(
                _("Die Vorlage ist nichtöffentlich: beraten Sie sie im nichtöffentlichen Teil."), field="public"
            )
        name = name or paper.name
    if not name:
        raise DomainError(_("Geben Sie den Gegenstand des Tagesordnungspunkts an."), field="name")
    items = list(agenda(meeting))
    item = AgendaItem(meeting=meeting, name=name[:500], public=public, order=len(items) + 1, number="")
    _renumber(meeting, items)  # closes gaps, so that len + 1 is free
    item.order = len(items) + 1
    item.number = str(item.order)
    full_clean(item)
    item.save()
    if paper is not None:
        organizations = meeting.organizations.all()
        consultation = (
            Consultation.objects.select_for_update(of=("self",))
            .filter(paper=paper, deleted=False, agenda_item__isnull=True, organizations__in=organizations)
            .order_by("order", "pk")
            .first()
        )
        if consultation is None:
            consultation = Consultation.objects.create(
                paper=paper,
                agenda_item=item,
                role=ConsultationRole.PREPARE,
                order=paper.consultations.count(),
            )
            consultation.organizations.set(organizations)
            audit.record(actor=actor, instance=consultation, action="create", after={"agenda_item": item.pk})
        else:
            consultation.agenda_item = item
            consultation.save(update_fields=["agenda_item", "modified"])
            audit.record(
                actor=actor,
                instance=consultation,
                action="update",
                before={"agenda_item": None},
                after={"agenda_item": item.pk},
            )
    audit.record(actor=actor, instance=item, action="create", after=_item_snapshot(item))
    return item


@transaction.atomic
def agenda_item_update(
    *, actor: Any, item: AgendaItem, name: str | None = None, public: bool | None = None
) -> AgendaItem:
    meeting = item.meeting
    require_office(actor, meeting.body)
    meeting = locked(meeting)
    transition(meeting, "agenda")
    item = AgendaItem.objects.select_for_update(of=("self",)).get(pk=item.pk, meeting=meeting, deleted=False)
    before = _item_snapshot(item)
    if name is not None:
        if not name.strip():
            raise DomainError(_("Geben Sie den Gegenstand des Tagesordnungspunkts an."), field="name")
        item.name = name.strip()
    if public is not None:
        if public and Paper.objects.filter(consultations__agenda_item=item, public=False, deleted=False).exists():
            raise DomainError(
                _("Eine Vorlage dieses Punktes ist nichtöffentlich: der Punkt bleibt nichtöffentlich."), field="public"
            )
        item.public = public
    full_clean(item)
    item.save()
    audit.record(actor=actor, instance=item, action="update", before=before, after=_item_snapshot(item))
    return item


@transaction.atomic
def agenda_item_remove(*, actor: Any, item: AgendaItem) -> None:
    """Take an item off the agenda (a tombstone stays); its paper is back to planned; the rest renumbered."""
    meeting = item.meeting
    require_office(actor, meeting.body)
    meeting = locked(meeting)
    transition(meeting, "agenda")
    item = AgendaItem.objects.select_for_update(of=("self",)).get(pk=item.pk, meeting=meeting, deleted=False)
    before = _item_snapshot(item)
    tombstone_item(item)
    audit.record(actor=actor, instance=item, action="delete", before=before)
    _renumber(meeting, list(agenda(meeting)))


@transaction.atomic
def agenda_reorder(*, actor: Any, meeting: Meeting, item_ids: Sequence[int]) -> list[AgendaItem]:
    """Put the agenda in the order of ``item_ids`` (all its items, each once) and number it 1…n."""
    require_office(actor, meeting.body)
    meeting = locked(meeting)
    transition(meeting, "agenda")
    items = {item.pk: item for item in agenda(meeting).select_for_update(of=("self",))}
    if sorted(item_ids) != sorted(items) or len(set(item_ids)) != len(item_ids):
        raise DomainError(
            _("Die neue Reihenfolge muss jeden Tagesordnungspunkt genau einmal enthalten."), field="order"
        )
    before = {str(pk): items[pk].number for pk in items}
    ordered = [items[pk] for pk in item_ids]
    _renumber(meeting, ordered)
    audit.record(
        actor=actor,
        instance=meeting,
        action="update",
        before={"agenda": before},
        after={"agenda": {str(i.pk): i.number for i in ordered}},
    )
    return ordered


def agenda_item_move(*, actor: Any, item: AgendaItem, step: int) -> list[AgendaItem]:
    """Move an item one place up (``step`` -1) or down (+1); at either end nothing moves."""
    if step not in (-1, 1):
        raise DomainError(_("Nach oben oder nach unten."), field="step")
    ids = list(agenda(item.meeting).values_list("pk", flat=True))
    if item.pk not in ids:
        raise DomainError(_("Der Tagesordnungspunkt ist nicht mehr auf der Tagesordnung."), field="item")
    here = ids.index(item.pk)
    there = here + step
    if 0 <= there < len(ids):
        ids[here], ids[there] = ids[there], ids[here]
    return agenda_reorder(actor=actor, meeting=item.meeting, item_ids=ids)
