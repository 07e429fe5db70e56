"""Every write (and the reads of the office's pages) of in-house entities and awards (§ 108 GWB).

An award backs a framework contract with the legal basis § 108 GWB (lot 1 with the entity as supplier and
the award value as maximum value): once awarded, the contract is released and the members it serves call
off through catalog, cart, approval and order like from any framework contract. The legal test is the pure
:mod:`kitu.contracts.inhouse_rules`; the decision freezes what it rested on in ``InHouseAward.assessment``,
which the award note (Vergabevermerk) prints."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.errors import DomainError, NotFound, PermissionDenied, full_clean
from kitu.core.numbers import format_number
from kitu.members.models import Member

from . import inhouse_rules as rules
from . import services as contract_services
from .models import (
    CallOffMode,
    ControlKind,
    FrameworkContract,
    InHouseAward,
    InHouseAwardStatus,
    InHouseDocument,
    InHouseEntity,
    InHouseTurnover,
    LegalBasis,
    Supplier,
)
from .policies import can_manage_inhouse, can_read_inhouse

ENTITY_FIELDS = ("control_kind", "control_confirmed", "control_note", "private_capital_free", "capital_note")
TURNOVER_FIELDS = ("year", "controlling_turnover", "total_turnover", "is_projection", "note")
AWARD_FIELDS = ("subject", "description", "value", "starts_on", "ends_on")
FIRST_YEAR, LAST_YEAR = 1990, 2100

DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
# allowed extension -> the start of the content it must have (the type is checked, not trusted)
DOCUMENT_MAGIC = {
    ".pdf": (b"%PDF-",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


def _require_admin(actor: Any) -> None:
    if not can_manage_inhouse(actor):
        raise PermissionDenied(_("Nur die Geschäftsstelle entscheidet über Inhouse-Vergaben."))


# --- reads ------------------------------------------------------------------------------------------------


def _require_reader(user: Any) -> None:
    if not can_read_inhouse(user):
        raise NotFound("In-house awards are the office's")


def entities(user: Any) -> QuerySet[InHouseEntity]:
    _require_reader(user)
    return InHouseEntity.objects.select_related("supplier__organisation").prefetch_related("turnovers")


def entity_for(user: Any, entity_id: int) -> InHouseEntity:
    entity = entities(user).filter(pk=entity_id).first()
    if entity is None:
        raise NotFound("In-house entity not found")
    return entity


def awards(user: Any) -> QuerySet[InHouseAward]:
    _require_reader(user)
    return InHouseAward.objects.select_related("entity__supplier__organisation", "contract", "awarded_by")


def award_for(user: Any, award_id: int) -> InHouseAward:
    award = awards(user).filter(pk=award_id).first()
    if award is None:
        raise NotFound("In-house award not found")
    return award


def figures(entity: InHouseEntity) -> list[rules.YearFigures]:
    return [
        rules.YearFigures(t.year, t.controlling_turnover, t.total_turnover, t.is_projection, t.note)
        for t in entity.turnovers.order_by("year")
    ]


def free_suppliers() -> QuerySet[Supplier]:
    """Suppliers that are not yet an in-house entity."""
    return Supplier.objects.filter(inhouse_entity__isnull=True).select_related("organisation")


# --- entity and turnover ----------------------------------------------------------------------------------


def _entity_snapshot(entity: InHouseEntity) -> dict[str, Any]:
    return {
        "supplier": entity.supplier_id,
        **audit.snapshot(entity, ENTITY_FIELDS),
        "controlling_members": sorted(entity.controlling_members.values_list("pk", flat=True)),
    }


@transaction.atomic
def entity_save(
    *,
    actor: Any,
    entity: InHouseEntity | None = None,
    supplier: Supplier | None = None,
    controlling_members: list[Member] | None = None,
    **fields: Any,
) -> InHouseEntity:
    """Create (``entity`` None, with ``supplier``) or change an in-house entity and its standing test facts."""
    _require_admin(actor)
    created = entity is None
    if entity is None:
        if supplier is None:
            raise DomainError(_("Bitte den Lieferanten wählen, der die Einrichtung ist."), field="supplier")
        if InHouseEntity.objects.filter(supplier=supplier).exists():
            raise DomainError(_("Dieser Lieferant ist bereits als Inhouse-Einrichtung erfasst."), field="supplier")
        entity = InHouseEntity(supplier=supplier)
        before = None
    else:
        entity = InHouseEntity.objects.select_for_update(of=("self",)).get(pk=entity.pk)
        before = _entity_snapshot(entity)
    for key, value in fields.items():
        if key not in ENTITY_FIELDS:
            raise DomainError(_("Feld kann nicht geändert werden."), field=key)
        setattr(entity, key, value.strip() if isinstance(value, str) and key.endswith("note") else value)
    if entity.control_kind == ControlKind.JOINT and controlling_members is not None and len(controlling_members) < 2:
        raise DomainError(
            _("Bei gemeinsamer Kontrolle bitte alle kontrollierenden Mitglieder wählen (mindestens zwei)."),
            field="controlling_members",
        )
    full_clean(entity)
    entity.save()
    if controlling_members is not None:
        entity.controlling_members.set(controlling_members if entity.control_kind == ControlKind.JOINT else [])
    audit.record(
        actor=actor,
        instance=entity,
        action="create" if created else "update",
        before=before,
        after=_entity_snapshot(entity),
    )
    return entity


@transaction.atomic
def turnover_save(
    *,
    actor: Any,
    entity: InHouseEntity,
    year: int,
    controlling_turnover: Decimal,
    total_turnover: Decimal,
    is_projection: bool = False,
    note: str = "",
) -> InHouseTurnover:
    """Enter or correct the figures of one business year (the year's row is replaced)."""
    _require_admin(actor)
    InHouseEntity.objects.select_for_update(of=("self",)).get(pk=entity.pk)  # one change of the figures at a time
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(
            _("Bitte ein Geschäftsjahr zwischen %(a)s und %(b)s angeben.") % {"a": FIRST_YEAR, "b": LAST_YEAR},
            field="year",
        )
    if total_turnover is None or total_turnover <= 0:
        raise DomainError(_("Der Gesamtumsatz muss größer als 0 sein."), field="total_turnover")
    if controlling_turnover is None or controlling_turnover < 0:
        raise DomainError(_("Der Umsatz darf nicht negativ sein."), field="controlling_turnover")
    if controlling_turnover > total_turnover:
        raise DomainError(
            _("Der Umsatz mit den kontrollierenden Auftraggebern kann den Gesamtumsatz nicht übersteigen."),
            field="controlling_turnover",
        )
    note = (note or "").strip()
    if is_projection and not note:
        raise DomainError(_("Eine Prognose braucht ihre Grundlage (z. B. Wirtschaftsplan, Beschluss)."), field="note")
    turnover = InHouseTurnover.objects.filter(entity=entity, year=year).first()
    created = turnover is None
    before = None if turnover is None else audit.snapshot(turnover, TURNOVER_FIELDS)
    turnover = turnover or InHouseTurnover(entity=entity, year=year)
    turnover.controlling_turnover = controlling_turnover
    turnover.total_turnover = total_turnover
    turnover.is_projection = is_projection
    turnover.note = note
    full_clean(turnover)
    turnover.save()
    audit.record(
        actor=actor,
        instance=turnover,
        action="create" if created else "update",
        before=before,
        after=audit.snapshot(turnover, TURNOVER_FIELDS),
    )
    return turnover


@transaction.atomic
def turnover_remove(*, actor: Any, turnover: InHouseTurnover) -> None:
    _require_admin(actor)
    audit.record(actor=actor, instance=turnover, action="delete", before=audit.snapshot(turnover, TURNOVER_FIELDS))
    turnover.delete()


# --- award ------------------------------------------------------------------------------------------------


def _award_snapshot(award: InHouseAward) -> dict[str, Any]:
    return {
        "number": award.contract.number,
        **audit.snapshot(award, (*AWARD_FIELDS, "status", "warning_acknowledged", "awarded_on")),
        "members": sorted(award.members.values_list("pk", flat=True)),
    }


@transaction.atomic
def award_save(
    *,
    actor: Any,
    award: InHouseAward | None = None,
    entity: InHouseEntity | None = None,
    number: str,
    members: list[Member],
    **fields: Any,
) -> InHouseAward:
    """Create (``award`` None, with ``entity``) or change a draft award and its framework contract (legal
    basis § 108 GWB, lot 1 with the entity as supplier, the award value as maximum value)."""
    _require_admin(actor)
    for key in fields:
        if key not in AWARD_FIELDS:
            raise DomainError(_("Feld kann nicht geändert werden."), field=key)
    if award is not None:
        award = InHouseAward.objects.select_for_update(of=("self",)).select_related("contract").get(pk=award.pk)
        if award.status != InHouseAwardStatus.DRAFT:
            raise DomainError(_("Eine vergebene Inhouse-Vergabe wird nicht mehr geändert."), field="status")
        entity = award.entity
    elif entity is None:
        raise DomainError(_("Bitte die Einrichtung wählen."), field="entity")
    if not members:
        raise DomainError(_("Bitte mindestens ein versorgtes Mitglied wählen."), field="members")
    value = fields.get("value", award.value if award else None)
    if value is None or value <= 0:
        raise DomainError(_("Der Auftragswert muss größer als 0 sein."), field="value")
    starts_on = fields.get("starts_on", award.starts_on if award else None)
    ends_on = fields.get("ends_on", award.ends_on if award else None)
    if starts_on and ends_on and ends_on < starts_on:
        raise DomainError(_("Das Laufzeitende liegt vor dem Beginn."), field="ends_on")
    number = number.strip()
    taken = FrameworkContract.objects.filter(number=number)
    if award is not None:
        taken = taken.exclude(pk=award.contract_id)
    if number and taken.exists():
        raise DomainError(_("Die Vertragsnummer %(number)s ist bereits vergeben.") % {"number": number}, field="number")
    before = None if award is None else _award_snapshot(award)
    supplier = entity.supplier
    contract = contract_services.contract_save(
        actor=actor,
        contract=award.contract if award else None,
        number=number,
        title=fields.get("subject", award.subject if award else "").strip(),
        description=fields.get("description", award.description if award else ""),
        legal_basis=LegalBasis.GWB_108,
        starts_on=starts_on,
        ends_on=ends_on,
        call_off_mode=CallOffMode.DIRECT,
        suppliers=[supplier],
        eligible_members=members,
        through_inhouse_award=True,
    )
    lot = contract.lots.filter(number=1).first()
    lot = contract_services.lot_save(
        actor=actor,
        contract=contract,
        lot=lot,
        number=1,
        title=contract.title,
        supplier=supplier,
        through_inhouse_award=True,
    )
    limit = lot.limits.filter(article_pid="").first()
    contract_services.limit_save(actor=actor, lot=lot, limit=limit, max_value=value, through_inhouse_award=True)
    created = award is None
    award = award or InHouseAward(entity=entity, contract=contract)
    for key, val in fields.items():
        setattr(award, key, val.strip() if isinstance(val, str) else val)
    full_clean(award)
    award.save()
    award.members.set(members)
    audit.record(
        actor=actor,
        instance=award,
        action="create" if created else "update",
        before=before,
        after=_award_snapshot(award),
    )
    return award


def _facts(award: InHouseAward, entity: InHouseEntity, day: dt.date, acknowledged: bool) -> rules.Facts:
    return rules.Facts(
        control=entity.control_kind,
        control_confirmed=entity.control_confirmed,
        controlling_members=frozenset(entity.controlling_members.values_list("pk", flat=True)),
        served_members=frozenset(award.members.values_list("pk", flat=True)),
        private_capital_free=entity.private_capital_free,
        assessment=rules.assess(figures(entity), day.year),
        warning_acknowledged=acknowledged,
    )


def show_percent(share: Decimal | str | None) -> str:
    if share is None:
        return "–"
    shown = rules.display_percent(Decimal(share))
    return format_number(shown, max(2, -int(shown.as_tuple().exponent))) + "\u00a0%"


def refusal_message(refusal: rules.Refusal, award: InHouseAward, facts: rules.Facts) -> DomainError:
    """A refusal in words, at the field of the pages where it is put right."""
    a = facts.assessment
    share = show_percent(a.share)
    if refusal == rules.Refusal.CONTROL_UNSET:
        return DomainError(_("Die Art der Kontrolle ist nicht angegeben."), field="control_kind")
    if refusal == rules.Refusal.CONTROL_NOT_CONFIRMED:
        return DomainError(
            _("Das Kontrollkriterium (§ 108 Abs. 1 Nr. 1 GWB) ist bei der Einrichtung nicht als erfüllt bestätigt."),
            field="control_confirmed",
        )
    if refusal == rules.Refusal.JOINT_TOO_FEW:
        return DomainError(
            _("Gemeinsame Kontrolle (§ 108 Abs. 4 GWB) braucht mindestens zwei kontrollierende Auftraggeber."),
            field="controlling_members",
        )
    if refusal == rules.Refusal.SERVED_NOT_CONTROLLING:
        outside = Member.objects.with_name().filter(pk__in=facts.served_members - facts.controlling_members)
        return DomainError(
            _(
                "Bei gemeinsamer Kontrolle dürfen nur die kontrollierenden Auftraggeber versorgt werden; "
                "nicht beteiligt: %(names)s."
            )
            % {"names": ", ".join(sorted(m.name for m in outside))},
            field="members",
        )
    if refusal == rules.Refusal.NO_MEMBERS:
        return DomainError(_("Die Vergabe versorgt kein Mitglied."), field="members")
    if refusal == rules.Refusal.CAPITAL_UNASSESSED:
        return DomainError(
            _("Die Prüfung der direkten privaten Kapitalbeteiligung fehlt (§ 108 Abs. 1 Nr. 3 GWB)."),
            field="private_capital_free",
        )
    if refusal == rules.Refusal.PRIVATE_CAPITAL:
        return DomainError(
            _(
                "An der Einrichtung ist privates Kapital direkt beteiligt (§ 108 Abs. 1 Nr. 3 GWB): "
                "eine Inhouse-Vergabe ist ausgeschlossen."
            ),
            field="private_capital_free",
        )
    if refusal == rules.Refusal.FIGURES_MISSING:
        return DomainError(
            _("Es fehlen Umsatzzahlen für %(years)s (%(basis)s).")
            % {
                "years": ", ".join(str(y) for y in a.missing_years),
                "basis": _("Prognose mit Grundlage") if a.basis == rules.Basis.PROJECTION else _("Ist-Zahlen"),
            },
            field="turnover",
        )
    if refusal == rules.Refusal.ACTIVITY_BLOCKED:
        return DomainError(
            _(
                "Die Tätigkeitsquote beträgt %(share)s; verlangt sind mehr als 80 %% "
                "(§ 108 Abs. 1 Nr. 2 GWB). Eine Inhouse-Vergabe ist ausgeschlossen."
            )
            % {"share": share},
            field="turnover",
        )
    return DomainError(
        _("Die Tätigkeitsquote von %(share)s liegt unter 85 %%: bitte bestätigen, dass Sie die Warnung gelesen haben.")
        % {"share": share},
        field="warning_acknowledged",
    )


def award_check(
    award: InHouseAward, *, day: dt.date | None = None, acknowledged: bool = False
) -> tuple[rules.Facts, list[DomainError]]:
    """The test as it stands today (nothing is written): the facts and every refusal in words."""
    day = day or timezone.localdate()
    facts = _facts(award, award.entity, day, acknowledged)
    return facts, [refusal_message(r, award, facts) for r in rules.refusals(facts)]


def _names(members: Any) -> list[str]:
    return sorted(m.name for m in members)


def note_record(award: InHouseAward, facts: rules.Facts, *, day: dt.date, user: Any = None) -> dict[str, Any]:
    """Everything the award note prints, as JSON data (stored with the decision)."""
    entity, supplier, a = award.entity, award.entity.supplier, facts.assessment
    controllers = Member.objects.with_name().filter(pk__in=facts.controlling_members)
    return {
        "number": award.contract.number,
        "subject": award.subject,
        "description": award.description,
        "value": str(award.value),
        "starts_on": award.starts_on.isoformat(),
        "ends_on": award.ends_on.isoformat(),
        "awarding_body": award.contract.awarding_body,
        "entity": {"name": supplier.name, "address": f"{supplier.street}, {supplier.postcode} {supplier.city}"},
        "members": _names(Member.objects.with_name().filter(pk__in=facts.served_members)),
        "control": {
            "kind": entity.control_kind,
            "label": str(ControlKind(entity.control_kind).label) if entity.control_kind else "",
            "confirmed": entity.control_confirmed,
            "note": entity.control_note,
            "controllers": _names(controllers),
        },
        "capital": {"free": entity.private_capital_free, "note": entity.capital_note},
        "activity": {
            "basis": a.basis.value,
            "result": a.result.value,
            "required_years": list(a.required_years),
            "missing_years": list(a.missing_years),
            "years": [
                {
                    "year": f.year,
                    "controlling": str(f.controlling),
                    "total": str(f.total),
                    "share": str(f.share),
                    "projection": f.projection,
                    "note": f.note,
                }
                for f in a.years
            ],
            "controlling_average": None if a.controlling_average is None else str(a.controlling_average),
            "total_average": None if a.total_average is None else str(a.total_average),
            "share": None if a.share is None else str(a.share),
        },
        "warning_acknowledged": facts.warning_acknowledged,
        "refusals": [r.value for r in rules.refusals(facts)],
        "day": day.isoformat(),
        "user": (getattr(user, "full_name", "") or getattr(user, "email", "")) if user else "",
    }


@transaction.atomic
def award_decide(
    *, actor: Any, award: InHouseAward, acknowledge_warning: bool = False, today: dt.date | None = None
) -> InHouseAward:
    """Award: refused while the control or capital test fails, figures are missing, the activity share is
    80 % or less, or (between 80 % and 85 %) the warning is not acknowledged. Freezes the test in
    ``assessment`` and releases the framework contract for the served members' call-offs."""
    _require_admin(actor)
    today = today or timezone.localdate()
    award = InHouseAward.objects.select_for_update(of=("self",)).select_related("contract").get(pk=award.pk)
    if award.status != InHouseAwardStatus.DRAFT:
        raise DomainError(_("Die Inhouse-Vergabe ist bereits vergeben."), field="status")
    entity = (
        InHouseEntity.objects.select_for_update(of=("self",))
        .select_related("supplier__organisation")
        .get(pk=award.entity_id)
    )
    award.entity = entity
    if award.ends_on < today:
        raise DomainError(_("Die Laufzeit ist bereits abgelaufen."), field="ends_on")
    facts = _facts(award, entity, today, acknowledge_warning)
    found = rules.refusals(facts)
    if found:
        errors = [refusal_message(r, award, facts) for r in found]
        raise DomainError(" ".join(e.message for e in errors), field=errors[0].field)
    before = _award_snapshot(award)
    award.status = InHouseAwardStatus.AWARDED
    award.warning_acknowledged = facts.assessment.result == rules.Result.WARNING
    award.awarded_on = today
    award.awarded_at = timezone.now()
    award.awarded_by = actor
    award.assessment = note_record(award, facts, day=today, user=actor)
    award.save()
    contract_services.contract_publish(actor=actor, contract=award.contract)
    audit.record(
        actor=actor,
        instance=award,
        action="update",
        before=before,
        after={
            **_award_snapshot(award),
            "share": award.assessment["activity"]["share"],
            "result": award.assessment["activity"]["result"],
        },
    )
    return award


def award_record(award: InHouseAward, *, user: Any = None) -> dict[str, Any]:
    """What the note prints: the frozen decision, or (a draft) the test as it stands today."""
    if award.status == InHouseAwardStatus.AWARDED and award.assessment:
        return award.assessment
    day = timezone.localdate()
    facts, _errors = award_check(award, day=day)
    return {**note_record(award, facts, day=day, user=user), "draft": True}


# --- documents --------------------------------------------------------------------------------------------


@transaction.atomic
def document_add(*, actor: Any, award: InHouseAward, title: str, file: UploadedFile) -> InHouseDocument:
    """Attach a document (PDF, office file or image up to 20 MB; the content must match the extension)."""
    _require_admin(actor)
    name = PurePath(file.name or "").name[:200]
    suffix = PurePath(name).suffix.lower()
    if suffix not in DOCUMENT_MAGIC:
        raise DomainError(
            _("Dateityp nicht erlaubt; erlaubt sind: %(types)s.") % {"types": ", ".join(sorted(DOCUMENT_MAGIC))},
            field="file",
        )
    if not file.size:
        raise DomainError(_("Die Datei ist leer."), field="file")
    if file.size > DOCUMENT_MAX_BYTES:
        raise DomainError(_("Die Datei ist größer als 20 MB."), field="file")
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if not any(head.startswith(magic) for magic in DOCUMENT_MAGIC[suffix]):
        raise DomainError(
            _("Der Inhalt der Datei passt nicht zur Endung %(suffix)s.") % {"suffix": suffix}, field="file"
        )
    title = title.strip() or PurePath(name).stem
    document = InHouseDocument(award=award, title=title[:200], filename=name, size=file.size, uploaded_by=actor)
    document.file.save(name, file, save=False)
    document.save()
    audit.record(
        actor=actor,
        instance=document,
        action="create",
        after={"award": award.pk, "title": document.title, "filename": name, "size": file.size},
    )
    return document
