"""Papers (Vorlagen) of the council office: written, changed and deleted (tombstone) by the council office
of the paper's town, with their consultations (the planned path through the bodies) and the search text.

Every object a paper names (related and superordinated papers, originators, the organizations directing it
or consulting it) must belong to the same town; an id of another town is refused like an unknown one. The
agenda item of a consultation is set when the paper is put on an agenda (services/meetings/agenda.py)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.errors import DomainError, NotFound, PermissionDenied
from kitu.core.models import AuditEntry
from kitu.core.schemas import MAX_ID

from ..files import CONTROL_CHARACTERS
from ..models import Body, Consultation, ConsultationRole, Organization, Paper, PaperType, Person
from ..policies import can_manage_council
from ..search import refresh_search_text
from .files import file_delete

# The prefix of the reference per paper type: BV/0123/2026.
PREFIXES = {
    PaperType.RESOLUTION: "BV",
    PaperType.INFORMATION: "IV",
    PaperType.MOTION: "A",
    PaperType.QUESTION: "AF",
    PaperType.NOTICE: "M",
}
MAX_NAME = Paper._meta.get_field("name").max_length or 500
MAX_REFERENCE = Paper._meta.get_field("reference").max_length or 50
MAX_RELATED = 200  # papers, persons or organizations one paper may name in one list
PAPER_FIELDS = ("name", "reference", "date", "paper_type", "public", "deleted")
PAPER_LISTS = (
    "related_papers",
    "superordinated_papers",
    "originator_persons",
    "originator_organizations",
    "under_direction_of",
)
CONSULTATION_FIELDS = ("paper", "agenda_item", "role", "authoritative", "order", "deleted")

M = TypeVar("M", bound=models.Model)


class _Unset:
    pass


UNSET: Any = _Unset()


def next_reference(body: Body, paper_type: str, year: int) -> str:
    """The next free reference of the type in the year, e.g. "BV/0124/2026" after "BV/0123/2026" (deleted
    papers keep their reference)."""
    prefix = PREFIXES.get(paper_type, "V")  # type: ignore[call-overload]
    pattern = re.compile(rf"^{re.escape(prefix)}/(\d{{1,9}})/{year}$")
    references = Paper.objects.filter(
        body=body, reference__startswith=f"{prefix}/", reference__endswith=f"/{year}"
    ).values_list("reference", flat=True)
    numbers = [int(match.group(1)) for reference in references if (match := pattern.match(reference))]
    return f"{prefix}/{max(numbers, default=0) + 1:04d}/{year}"


def _require_office(actor: Any, body: Body) -> None:
    if not can_manage_council(actor, body):
        raise PermissionDenied(_("Nur der Sitzungsdienst dieser Kommune darf Vorlagen bearbeiten."))


def _text(value: Any, field: str, limit: int, *, label: str, required: bool = True) -> str:
    value = str(value or "").strip()
    if required and not value:
        raise DomainError(_("Bitte geben Sie %(label)s an.") % {"label": label}, field=field)
    if len(value) > limit:
        raise DomainError(
            _("%(label)s ist zu lang (höchstens %(n)s Zeichen).") % {"label": label.capitalize(), "n": limit},
            field=field,
        )
    if CONTROL_CHARACTERS.search(value):
        raise DomainError(_("Der Text enthält Steuerzeichen, die nicht erlaubt sind."), field=field)
    return value


def _same_town(model: type[M], values: Iterable[Any] | None, body: Body, field: str) -> list[M]:
    """The objects named by ``values`` (objects or ids), all of ``body`` and not deleted; otherwise a
    DomainError on ``field`` (an id of another town is treated like an unknown one)."""
    ids: set[int] = set()
    for value in values or ():
        raw = value.pk if isinstance(value, models.Model) else value
        try:
            number = int(raw)
        except (TypeError, ValueError) as exc:
            raise DomainError(_("Die Auswahl ist ungültig."), field=field) from exc
        if not 0 < number <= MAX_ID:
            raise DomainError(_("Die Auswahl ist ungültig."), field=field)
        ids.add(number)
    if len(ids) > MAX_RELATED:
        raise DomainError(_("Es sind zu viele ausgewählt (höchstens %(n)s).") % {"n": MAX_RELATED}, field=field)
    found = list(model._default_manager.filter(pk__in=ids, body=body, deleted=False))
    if len(found) != len(ids):
        raise DomainError(
            _("Die Auswahl enthält Einträge, die es in dieser Kommune nicht gibt."),
            field=field,
        )
    return found


def _paper_type(value: Any) -> str:
    if value not in PaperType.values:
        raise DomainError(_("Bitte wählen Sie eine Art der Vorlage."), field="paper_type")
    return str(value)


def _date(value: Any) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise DomainError(_("Bitte geben Sie ein gültiges Datum an."), field="date")
    return value


def _snapshot(paper: Paper) -> dict[str, Any]:
    data = audit.snapshot(paper, PAPER_FIELDS)
    for name in PAPER_LISTS:
        data[name] = sorted(getattr(paper, name).values_list("pk", flat=True))
    return data


def _save_reference_unique(paper: Paper) -> None:
    def taken() -> DomainError:
        return DomainError(
            _(
                "Die Drucksachennummer %(reference)s ist in dieser Kommune schon vergeben (auch gelöschte "
                "Vorlagen behalten ihre Nummer). Frei wäre z. B. %(free)s."
            )
            % {"reference": paper.reference, "free": next_reference(paper.body, paper.paper_type, paper.date.year)},
            field="reference",
        )

    if Paper.objects.filter(body_id=paper.body_id, reference=paper.reference).exclude(pk=paper.pk).exists():
        raise taken()
    try:
        with transaction.atomic():
            paper.save()
    except IntegrityError as exc:  # another request took the number at the same moment
        raise taken() from exc


def _apply_lists(paper: Paper, lists: dict[str, Any]) -> None:
    body = paper.body
    for name, value in lists.items():
        if value is UNSET:
            continue
        if name in ("related_papers", "superordinated_papers"):
            objects: list[Any] = _same_town(Paper, value, body, name)
            if any(obj.pk == paper.pk for obj in objects):
                raise DomainError(_("Eine Vorlage kann nicht auf sich selbst verweisen."), field=name)
        elif name == "originator_persons":
            objects = _same_town(Person, value, body, name)
        else:
            objects = _same_town(Organization, value, body, name)
        getattr(paper, name).set(objects)


@transaction.atomic
def paper_create(
    *,
    actor: Any,
    body: Body,
    name: str,
    date: dt.date,
    paper_type: str = PaperType.RESOLUTION,
    reference: str = "",
    public: bool = True,
    related_papers: Iterable[Any] = (),
    superordinated_papers: Iterable[Any] = (),
    originator_persons: Iterable[Any] = (),
    originator_organizations: Iterable[Any] = (),
    under_direction_of: Iterable[Any] = (),
) -> Paper:
    """A new paper of ``body``; without ``reference`` it gets the next free one of its type and year."""
    _require_office(actor, body)
    paper_type = _paper_type(paper_type)
    date = _date(date)
    paper = Paper(
        body=body,
        name=_text(name, "name", MAX_NAME, label=_("den Betreff")),
        paper_type=paper_type,
        date=date,
        public=bool(public),
        reference=_text(reference, "reference", MAX_REFERENCE, label=_("die Drucksachennummer"), required=False)
        or next_reference(body, paper_type, date.year),
    )
    _save_reference_unique(paper)
    _apply_lists(
        paper,
        {
            "related_papers": related_papers,
            "superordinated_papers": superordinated_papers,
            "originator_persons": originator_persons,
            "originator_organizations": originator_organizations,
            "under_direction_of": under_direction_of,
        },
    )
    refresh_search_text(paper)
    audit.record(actor=actor, instance=paper, action=AuditEntry.Action.CREATE, after=_snapshot(paper))
    return paper


def _lock_paper(paper: Paper) -> Paper:
    locked = Paper.objects.select_for_update(of=("self",)).filter(pk=paper.pk, deleted=False).first()
    if locked is None:
        raise NotFound(_("Die Vorlage gibt es nicht (mehr)."))
    return locked


@transaction.atomic
def paper_update(
    *,
    actor: Any,
    paper: Paper,
    name: Any = UNSET,
    date: Any = UNSET,
    paper_type: Any = UNSET,
    reference: Any = UNSET,
    public: Any = UNSET,
    related_papers: Any = UNSET,
    superordinated_papers: Any = UNSET,
    originator_persons: Any = UNSET,
    originator_organizations: Any = UNSET,
    under_direction_of: Any = UNSET,
) -> Paper:
    """Change the fields given (the others stay)."""
    _require_office(actor, paper.body)
    locked = _lock_paper(paper)
    before = _snapshot(locked)
    if name is not UNSET:
        locked.name = _text(name, "name", MAX_NAME, label=_("den Betreff"))
    if paper_type is not UNSET:
        locked.paper_type = _paper_type(paper_type)
    if date is not UNSET:
        locked.date = _date(date)
    if public is not UNSET:
        locked.public = bool(public)
    if reference is not UNSET:
        locked.reference = _text(reference, "reference", MAX_REFERENCE, label=_("die Drucksachennummer"))
    _save_reference_unique(locked)
    _apply_lists(
        locked,
        {
            "related_papers": related_papers,
            "superordinated_papers": superordinated_papers,
            "originator_persons": originator_persons,
            "originator_organizations": originator_organizations,
            "under_direction_of": under_direction_of,
        },
    )
    refresh_search_text(locked)
    audit.record(actor=actor, instance=locked, action=AuditEntry.Action.UPDATE, before=before, after=_snapshot(locked))
    return locked


@transaction.atomic
def paper_delete(*, actor: Any, paper: Paper) -> None:
    """Delete a paper as a tombstone, with its planned consultations and its files (their content leaves the
    storage). A paper on an agenda must first be taken off it."""

    _require_office(actor, paper.body)
    locked = _lock_paper(paper)
    if locked.consultations.filter(deleted=False, agenda_item__isnull=False, agenda_item__deleted=False).exists():
        raise DomainError(
            _(
                "Die Vorlage steht auf einer Tagesordnung. Nehmen Sie sie zuerst von der Tagesordnung, "
                "dann können Sie sie löschen."
            ),
            field="paper",
        )
    before = _snapshot(locked)
    for file in locked.files.filter(deleted=False):
        file_delete(actor=actor, file=file)
    for consultation in locked.consultations.filter(deleted=False):
        consultation_before = audit.snapshot(consultation, CONSULTATION_FIELDS)
        consultation.deleted = True
        consultation.save(update_fields=["deleted", "modified"])
        audit.record(
            actor=actor,
            instance=consultation,
            action=AuditEntry.Action.DELETE,
            before=consultation_before,
            after=audit.snapshot(consultation, CONSULTATION_FIELDS),
        )
    locked.deleted = True
    locked.save()
    refresh_search_text(locked)
    audit.record(actor=actor, instance=locked, action=AuditEntry.Action.DELETE, before=before, after=_snapshot(locked))
    paper.deleted = True


# --- consultations -------------------------------------------------------------------------------------------


def _role(value: Any) -> str:
    if value not in ConsultationRole.values:
        raise DomainError(_("Bitte wählen Sie, wozu das Gremium berät."), field="role")
    return str(value)


def _organizations(values: Any, body: Body) -> list[Organization]:
    organizations = _same_town(Organization, values, body, "organizations")
    if not organizations:
        raise DomainError(_("Bitte wählen Sie mindestens ein Gremium."), field="organizations")
    return organizations


def _touch(paper: Paper) -> None:
    """The paper changed with its consultations (OParl embeds them): its ``modified`` moves on."""
    Paper.objects.filter(pk=paper.pk).update(modified=timezone.now())


def _consultation_snapshot(consultation: Consultation) -> dict[str, Any]:
    data = audit.snapshot(consultation, CONSULTATION_FIELDS)
    data["organizations"] = sorted(consultation.organizations.values_list("pk", flat=True))
    return data


@transaction.atomic
def consultation_add(
    *, actor: Any, paper: Paper, organizations: Iterable[Any], role: str, authoritative: bool = False
) -> Consultation:
    """Plan the next step of the paper's path: the organizations that consult it, as what, and whether they
    decide. It goes to the end of the path."""
    _require_office(actor, paper.body)
    locked = _lock_paper(paper)
    role = _role(role)
    chosen = _organizations(organizations, locked.body)
    last = locked.consultations.filter(deleted=False).aggregate(last=Max("order"))["last"] or 0
    consultation = Consultation.objects.create(
        paper=locked, role=role, authoritative=bool(authoritative), order=last + 1
    )
    consultation.organizations.set(chosen)
    audit.record(
        actor=actor,
        instance=consultation,
        action=AuditEntry.Action.CREATE,
        after=_consultation_snapshot(consultation),
    )
    _touch(locked)
    return consultation


def _lock_consultation(consultation: Consultation) -> Consultation:
    locked = (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("paper__body")
        .filter(pk=consultation.pk, deleted=False, paper__deleted=False)
        .first()
    )
    if locked is None:
        raise NotFound(_("Die Beratung gibt es nicht (mehr)."))
    return locked


@transaction.atomic
def consultation_update(
    *, actor: Any, consultation: Consultation, organizations: Iterable[Any], role: str, authoritative: bool
) -> Consultation:
    _require_office(actor, consultation.paper.body)
    locked = _lock_consultation(consultation)
    before = _consultation_snapshot(locked)
    locked.role = _role(role)
    locked.authoritative = bool(authoritative)
    chosen = _organizations(organizations, locked.paper.body)
    locked.save()
    locked.organizations.set(chosen)
    audit.record(
        actor=actor,
        instance=locked,
        action=AuditEntry.Action.UPDATE,
        before=before,
        after=_consultation_snapshot(locked),
    )
    _touch(locked.paper)
    return locked


@transaction.atomic
def consultation_remove(*, actor: Any, consultation: Consultation) -> None:
    """Take a planned step off the paper's path (a tombstone). A step already on an agenda stays: take the
    paper off the agenda first."""
    _require_office(actor, consultation.paper.body)
    locked = _lock_consultation(consultation)
    if locked.agenda_item_id is not None and not locked.agenda_item.deleted:  # type: ignore[union-attr]
        raise DomainError(
            _(
                "Diese Beratung steht schon auf einer Tagesordnung. Nehmen Sie die Vorlage zuerst von der "
                "Tagesordnung, dann können Sie die Beratung entfernen."
            ),
            field="consultation",
        )
    before = _consultation_snapshot(locked)
    locked.deleted = True
    locked.save()
    audit.record(
        actor=actor,
        instance=locked,
        action=AuditEntry.Action.DELETE,
        before=before,
        after=_consultation_snapshot(locked),
    )
    _touch(locked.paper)
    consultation.deleted = True


@transaction.atomic
def consultation_reorder(*, actor: Any, paper: Paper, order: list[int]) -> None:
    """Put the paper's consultations (all of them, by id) in the order given."""
    _require_office(actor, paper.body)
    locked = _lock_paper(paper)
    consultations = {c.pk: c for c in locked.consultations.select_for_update(of=("self",)).filter(deleted=False)}
    try:
        wanted = [int(pk) for pk in order]
    except (TypeError, ValueError) as exc:
        raise DomainError(_("Die Reihenfolge ist ungültig."), field="order") from exc
    if sorted(wanted) != sorted(consultations) or len(set(wanted)) != len(wanted):
        raise DomainError(_("Die Reihenfolge muss jede Beratung der Vorlage genau einmal nennen."), field="order")
    for position, pk in enumerate(wanted, start=1):
        consultation = consultations[pk]
        if consultation.order != position:
            before = audit.snapshot(consultation, CONSULTATION_FIELDS)
            consultation.order = position
            consultation.save(update_fields=["order", "modified"])
            audit.record(
                actor=actor,
                instance=consultation,
                action=AuditEntry.Action.UPDATE,
                before=before,
                after=audit.snapshot(consultation, CONSULTATION_FIELDS),
            )
    _touch(locked)


def consultation_move(*, actor: Any, consultation: Consultation, step: int) -> None:
    """Move a consultation one place earlier (``step`` -1) or later (+1) on the paper's path."""
    paper = consultation.paper
    _require_office(actor, paper.body)
    if step not in (-1, 1):
        raise DomainError(_("Die Reihenfolge ist ungültig."), field="order")
    ids = list(paper.consultations.filter(deleted=False).order_by("order", "pk").values_list("pk", flat=True))
    if consultation.pk not in ids:
        raise NotFound(_("Die Beratung gibt es nicht (mehr)."))
    index = ids.index(consultation.pk)
    other = index + step
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    consultation_reorder(actor=actor, paper=paper, order=ids)
