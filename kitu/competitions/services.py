"""Writes of mini-competitions: create the request, send it (invitations by mail and in the portal), the
suppliers' offers (submit, change, withdraw until the deadline — measured by the database's clock with
the request row locked), the points for criteria other than price, and the award, which becomes a
call-off order through the orders app's own planning and placing (approval, volume reservation)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.contracts.eligibility import members_eligible
from kitu.contracts.models import Lot
from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied
from kitu.core.money import money
from kitu.members.models import Member
from kitu.orders import planning
from kitu.orders import services as order_services
from kitu.orders.models import Cart, CartLine, Order

from . import policies, selectors, tasks
from .models import (
    BundleMember,
    BundleQuantity,
    Competition,
    Criterion,
    CriterionScore,
    Invitation,
    Offer,
    OfferLine,
    RequestLine,
    Status,
)

DOCUMENT_TYPES = {".pdf", ".odt", ".docx", ".xlsx", ".ods", ".txt"}
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


def min_days() -> int:
    """The shortest offer period in days (setting KITU_COMPETITION_MIN_DAYS, default 3)."""
    return int(getattr(settings, "KITU_COMPETITION_MIN_DAYS", 3))


@dataclass
class LineInput:
    description: str
    quantity: int
    unit: str = "Stück"
    article_pid: str = ""


@dataclass
class BundleLineInput:
    """A line of a bundle request: the quantity per member id (missing or 0: the member takes none)."""

    description: str
    quantities: dict[int, int]
    unit: str = "Stück"


def _locked(competition: Competition) -> Competition:
    return (
        Competition.objects.select_for_update(of=("self",))
        .select_related("member__organisation", "lot__contract", "lot__supplier__organisation")
        .get(pk=competition.pk)
    )


def _check_request(
    *,
    lot: Lot,
    member: Member,
    title: str,
    delivery_date: dt.date | None,
    deadline: dt.datetime | None,
    lines: list[LineInput],
    criteria: list[tuple[str, int]],
    now: dt.datetime,
) -> None:
    if not lot.requires_competition:
        raise DomainError(_("Für dieses Los ist kein Kleinwettbewerb vorgesehen."), field="lot")
    planning.callable_from(lot.contract, member, timezone.localdate(now))
    if not title.strip():
        raise DomainError(_("Bitte nennen Sie den Gegenstand der Anfrage."), field="title")
    if not lines:
        raise DomainError(_("Bitte geben Sie mindestens eine Position an."), field="lines")
    for n, line in enumerate(lines, 1):
        if not line.description.strip():
            raise DomainError(_("Position %(n)s: bitte beschreiben Sie die Leistung.") % {"n": n}, field="lines")
        if line.quantity <= 0:
            raise DomainError(_("Position %(n)s: die Menge muss mindestens 1 sein.") % {"n": n}, field="lines")
    if deadline is None or timezone.is_naive(deadline):
        raise DomainError(_("Bitte geben Sie die Angebotsfrist mit Datum und Uhrzeit an."), field="deadline")
    earliest = now + dt.timedelta(days=min_days())
    if deadline < earliest:
        raise DomainError(
            _("Die Angebotsfrist muss mindestens %(days)s Tage in der Zukunft liegen (frühestens %(at)s).")
            % {"days": min_days(), "at": timezone.localtime(earliest).strftime("%d.%m.%Y %H:%M")},
            field="deadline",
        )
    if delivery_date is None or delivery_date <= timezone.localdate(deadline):
        raise DomainError(_("Der Liefertermin muss nach der Angebotsfrist liegen."), field="delivery_date")
    for name, points in criteria:
        if not name.strip() or points <= 0:
            raise DomainError(_("Jedes Kriterium braucht einen Namen und mindestens 1 Punkt."), field="criteria")
    if sum(p for _n, p in criteria) >= 100:
        raise DomainError(
            _("Die Punkte der weiteren Kriterien müssen unter 100 bleiben; der Rest gilt für den Preis."),
            field="criteria",
        )


@transaction.atomic
def competition_create(
    *,
    actor: Any,
    member: Member,
    lot: Lot,
    title: str,
    delivery_date: dt.date | None,
    deadline: dt.datetime | None,
    lines: list[LineInput],
    criteria: list[tuple[str, int]] | None = None,
    from_cart: bool = False,
    now: dt.datetime | None = None,
) -> Competition:
    """A request (draft) of the member to the suppliers of the lot; price has 100 minus the other
    criteria's points. ``from_cart``: the user's cart lines of the lot move into the request."""
    if not policies.can_request(actor, member):
        raise PermissionDenied(_("Sie dürfen für dieses Mitglied keinen Kleinwettbewerb starten."))
    criteria = criteria or []
    lot = Lot.objects.select_related("contract").get(pk=lot.pk)
    _check_request(
        lot=lot,
        member=member,
        title=title,
        delivery_date=delivery_date,
        deadline=deadline,
        lines=lines,
        criteria=criteria,
        now=now or selectors.db_now(),
    )
    assert deadline is not None and delivery_date is not None
    competition = Competition.objects.create(
        member=member,
        lot=lot,
        title=title.strip(),
        delivery_date=delivery_date,
        deadline=deadline,
        price_points=100 - sum(p for _n, p in criteria),
        created_by=actor,
    )
    RequestLine.objects.bulk_create(
        RequestLine(
            competition=competition,
            position=n,
            description=line.description.strip()[:150],
            quantity=line.quantity,
            unit=(line.unit.strip() or "Stück")[:20],
            article_pid=line.article_pid[:32],
        )
        for n, line in enumerate(lines, 1)
    )
    Criterion.objects.bulk_create(Criterion(competition=competition, name=n.strip(), points=p) for n, p in criteria)
    if from_cart:
        for cart_line in selectors.cart_lines_of_lot(actor, member.pk, lot.pk):
            order_services.cart_line_update(actor=actor, line=cart_line, quantity=0)
    audit.record(actor=actor, instance=competition, action="create", after={"title": competition.title})
    return competition


@transaction.atomic
def bundle_create(
    *,
    actor: Any,
    members: list[Member],
    lot: Lot,
    title: str,
    delivery_date: dt.date | None,
    deadline: dt.datetime | None,
    lines: list[BundleLineInput],
    criteria: list[tuple[str, int]] | None = None,
    now: dt.datetime | None = None,
) -> Competition:
    """The office's request (draft) for several members of the lot's contract: one request to every
    supplier of the lot with the line totals; on the award one call-off order per member."""
    if not policies.can_request_bundle(actor):
        raise PermissionDenied(_("Bündelanfragen legt die Geschäftsstelle der Genossenschaft an."))
    criteria = criteria or []
    now = now or selectors.db_now()
    lot = Lot.objects.select_related("contract").get(pk=lot.pk)
    members = list(dict.fromkeys(members))
    if len(members) < 2:
        raise DomainError(_("Eine Bündelanfrage braucht mindestens zwei Mitglieder."), field="members")
    eligible = set(members_eligible(lot.contract).filter(pk__in=[m.pk for m in members]).values_list("pk", flat=True))
    for member in members:
        try:
            if member.pk not in eligible:
                raise DomainError("")
            planning.callable_from(lot.contract, member, timezone.localdate(now))
        except DomainError as exc:
            raise DomainError(
                _("%(member)s darf aus diesem Rahmenvertrag nicht abrufen.") % {"member": member.name},
                field="members",
            ) from exc
    ids = {m.pk for m in members}
    for n, line in enumerate(lines, 1):
        if set(line.quantities) - ids:
            raise DomainError(_("Position %(n)s: Mengen nur für Mitglieder der Bündelung.") % {"n": n}, field="lines")
        if any(q < 0 for q in line.quantities.values()):
            raise DomainError(_("Position %(n)s: Mengen dürfen nicht negativ sein.") % {"n": n}, field="lines")
        if sum(line.quantities.values()) <= 0:
            raise DomainError(
                _("Position %(n)s: mindestens ein Mitglied braucht eine Menge ab 1.") % {"n": n}, field="lines"
            )
    for member in members:
        if not any(line.quantities.get(member.pk, 0) > 0 for line in lines):
            raise DomainError(
                _("%(member)s hat in keiner Position eine Menge.") % {"member": member.name}, field="members"
            )
    totals = [
        LineInput(description=line.description, quantity=sum(line.quantities.values()), unit=line.unit)
        for line in lines
    ]
    _check_request(
        lot=lot,
        member=members[0],
        title=title,
        delivery_date=delivery_date,
        deadline=deadline,
        lines=totals,
        criteria=criteria,
        now=now,
    )
    assert deadline is not None and delivery_date is not None
    competition = Competition.objects.create(
        member=members[0],
        lot=lot,
        title=title.strip(),
        delivery_date=delivery_date,
        deadline=deadline,
        price_points=100 - sum(p for _n, p in criteria),
        created_by=actor,
        is_bundle=True,
    )
    request_lines = [
        RequestLine.objects.create(
            competition=competition,
            position=n,
            description=line.description.strip()[:150],
            quantity=line.quantity,
            unit=(line.unit.strip() or "Stück")[:20],
        )
        for n, line in enumerate(totals, 1)
    ]
    shares = {m.pk: BundleMember.objects.create(competition=competition, member=m) for m in members}
    BundleQuantity.objects.bulk_create(
        BundleQuantity(line=request_line, bundle_member=shares[member_id], quantity=q)
        for request_line, line in zip(request_lines, lines, strict=True)
        for member_id, q in line.quantities.items()
        if q > 0
    )
    Criterion.objects.bulk_create(Criterion(competition=competition, name=n.strip(), points=p) for n, p in criteria)
    audit.record(
        actor=actor,
        instance=competition,
        action="create",
        after={"title": competition.title, "bundle": [m.pk for m in members]},
    )
    return competition


@transaction.atomic
def competition_send(*, actor: Any, competition: Competition) -> list[Invitation]:
    """Invite every supplier of the lot (mail after commit; the request appears in their portal)."""
    competition = _locked(competition)
    if not policies.can_send(actor, competition):
        raise PermissionDenied(_("Nur wer für das Mitglied bestellt oder die Anfrage angelegt hat, versendet sie."))
    if competition.status != Status.DRAFT:
        raise DomainError(_("Die Anfrage ist schon versendet."))
    now = selectors.db_now()
    if competition.deadline < now + dt.timedelta(days=min_days()):
        raise DomainError(
            _(
                "Bis zur Angebotsfrist bleiben keine %(days)s Tage mehr; die Lieferanten brauchen eine angemessene "
                "Frist. Bitte legen Sie eine neue Anfrage an."
            )
            % {"days": min_days()},
            field="deadline",
        )
    invitations = [
        Invitation.objects.create(competition=competition, supplier=s) for s in competition.lot.all_suppliers()
    ]
    competition.status, competition.sent_at = Status.OPEN, now
    competition.save(update_fields=["status", "sent_at"])
    audit.record(
        actor=actor,
        instance=competition,
        action="update",
        before={"status": Status.DRAFT},
        after={"status": Status.OPEN, "invited": [i.supplier_id for i in invitations]},
    )
    transaction.on_commit(partial(tasks.send_invitations.delay, competition.pk))
    return invitations


def _open_for_offers(actor: Any, competition: Competition) -> tuple[Competition, int, dt.datetime]:
    """Lock the request, then read the database's clock: an offer counts only while it is before the
    deadline, and nobody can open the offers while an offer's transaction holds the lock."""
    competition = _locked(competition)
    supplier_id = policies.invited_supplier_id(actor, competition)
    if supplier_id is None:
        raise PermissionDenied(_("Ihr Unternehmen ist zu dieser Anfrage nicht eingeladen."))
    now = selectors.db_now()
    if competition.status != Status.OPEN or now >= competition.deadline:
        raise DomainError(
            _("Die Angebotsfrist ist am %(at)s abgelaufen; Angebote werden nicht mehr angenommen.")
            % {"at": timezone.localtime(competition.deadline).strftime("%d.%m.%Y um %H:%M Uhr")},
            field="deadline",
        )
    return competition, supplier_id, now


def _check_document(document: UploadedFile | None, required: bool) -> None:
    if document is None:
        if required:
            raise DomainError(_("Bitte laden Sie Ihr Angebotsdokument hoch."), field="document")
        return
    if PurePath(document.name or "").suffix.lower() not in DOCUMENT_TYPES:
        raise DomainError(
            _("Dateityp nicht erlaubt; erlaubt sind: %(types)s.") % {"types": ", ".join(sorted(DOCUMENT_TYPES))},
            field="document",
        )
    if not document.size or document.size > DOCUMENT_MAX_BYTES:
        raise DomainError(_("Das Dokument ist leer oder größer als 10 MB."), field="document")


@transaction.atomic
def offer_submit(
    *,
    actor: Any,
    competition: Competition,
    delivery_date: dt.date | None,
    prices: dict[int, Any],
    document: UploadedFile | None = None,
) -> Offer:
    """Submit or change the supplier's offer: a net unit price for every line, the delivery date and the
    offer document (kept when a change brings none)."""
    competition, supplier_id, now = _open_for_offers(actor, competition)
    lines = list(competition.lines.all())
    parsed: dict[int, Decimal] = {}
    for line in lines:
        raw = prices.get(line.pk)
        try:
            text = str(raw).strip()
            value = Decimal(text.replace(".", "").replace(",", ".") if "," in text else text)
        except (InvalidOperation, TypeError, ValueError):
            value = None
        if value is None or not value.is_finite() or value < 0 or value >= Decimal("10000000000"):
            raise DomainError(
                _("Position %(n)s: bitte einen Einzelpreis (netto) in Euro angeben.") % {"n": line.position},
                field=f"price_{line.pk}",
            )
        parsed[line.pk] = money(value)
    if delivery_date is None or delivery_date < timezone.localdate(now):
        raise DomainError(_("Bitte einen Liefertermin ab heute angeben."), field="delivery_date")
    offer = Offer.objects.filter(competition=competition, supplier_id=supplier_id).first()
    _check_document(document, required=offer is None)
    action = "update" if offer else "create"
    if offer is None:
        offer = Offer(competition=competition, supplier_id=supplier_id)
    offer.delivery_date, offer.submitted_at, offer.submitted_by = delivery_date, now, actor
    if document is not None:
        offer.document = document
    offer.save()
    OfferLine.objects.filter(offer=offer).delete()
    OfferLine.objects.bulk_create(OfferLine(offer=offer, line_id=k, unit_price=v) for k, v in parsed.items())
    # sealed like the offer: before the deadline the trail does not even show who made one
    audit.record(
        actor=actor,
        instance=offer,
        action=action,
        after={"submitted_at": now.isoformat()},
        sealed_until=competition.deadline,
    )
    return offer


@transaction.atomic
def offer_withdraw(*, actor: Any, competition: Competition) -> None:
    competition, supplier_id, _now = _open_for_offers(actor, competition)
    offer = Offer.objects.filter(competition=competition, supplier_id=supplier_id).first()
    if offer is None:
        raise DomainError(_("Es gibt kein Angebot zum Zurückziehen."))
    audit.record(actor=actor, instance=offer, action="delete", sealed_until=competition.deadline)
    offer.document.delete(save=False)
    offer.delete()


def _evaluable(actor: Any, competition: Competition) -> Competition:
    competition = _locked(competition)
    if not policies.can_evaluate(actor, competition):
        raise PermissionDenied(_("Nur wer für das Mitglied bestellt, bewertet und vergibt."))
    if competition.status != Status.OPEN:
        raise DomainError(_("Die Anfrage ist nicht (mehr) in der Wertung."))
    if selectors.is_sealed(competition):
        raise DomainError(_("Die Angebote sind bis zum Ablauf der Frist versiegelt."))
    return competition


@transaction.atomic
def score_save(*, actor: Any, offer: Offer, criterion: Criterion, points: Any, reason: str) -> CriterionScore:
    """The points (0 to the criterion's maximum) for an offer in a criterion other than price, with reason."""
    competition = _evaluable(actor, offer.competition)
    if offer.competition_id != competition.pk or criterion.competition_id != competition.pk:
        raise DomainError(_("Angebot und Kriterium gehören nicht zu dieser Anfrage."), field="criterion")
    try:
        value = Decimal(str(points).replace(",", "."))
    except InvalidOperation:
        value = Decimal("-1")
    if not value.is_finite() or value < 0 or value > criterion.points:
        raise DomainError(
            _("Bitte 0 bis %(max)s Punkte vergeben.") % {"max": criterion.points},
            field="points",
        )
    if not reason.strip():
        raise DomainError(_("Bitte begründen Sie die Punkte."), field="reason")
    score, _created = CriterionScore.objects.update_or_create(
        offer=offer,
        criterion=criterion,
        defaults={"points": value.quantize(Decimal("0.01")), "reason": reason.strip()[:500], "scored_by": actor},
    )
    audit.record(actor=actor, instance=score, action="update", after={"points": str(score.points)})
    return score


@transaction.atomic
def competition_award(*, actor: Any, competition: Competition, offer: Offer, reason: str) -> Order:
    """Award to an offer with a reason: the call-off order for the winning supplier at the offered prices
    goes through the member's normal approval (the orders app's planning and placing: approval rule,
    volume reserved on the lot), and the other suppliers are told after commit."""
    competition = _evaluable(actor, competition)
    offers = selectors.offers_opened(actor, competition)
    offer = next((o for o in offers if o.pk == offer.pk), None)  # type: ignore[assignment]
    if offer is None:
        raise DomainError(_("Bitte wählen Sie ein Angebot dieser Anfrage."), field="offer")
    if not reason.strip():
        raise DomainError(_("Bitte begründen Sie den Zuschlag."), field="reason")
    criteria = list(competition.criteria.all())
    scored = {(s.offer_id, s.criterion_id) for o in offers for s in o.scores.all()}
    missing = [c.name for o in offers for c in criteria if (o.pk, c.pk) not in scored]
    if missing:
        raise DomainError(
            _("Bitte bewerten Sie erst jedes Angebot in jedem Kriterium (es fehlt: %(c)s).")
            % {"c": ", ".join(sorted(set(missing)))},
            field="offer",
        )
    prices = {ol.line_id: ol.unit_price for ol in offer.lines.all()}
    now = timezone.now()
    legal_basis = _("Abruf aus Rahmenvertrag %(number)s nach Kleinwettbewerb %(ref)s (§ 21 Abs. 5 VgV)") % {
        "number": competition.lot.contract.number,
        "ref": competition.reference,
    }
    lines = list(competition.lines.all())
    if competition.is_bundle:
        shares = list(
            competition.bundle_members.select_for_update(of=("self",))
            .select_related("member__organisation")
            .prefetch_related("quantities")
        )
        wanted = [(share.member, {q.line_id: q.quantity for q in share.quantities.all()}) for share in shares]
    else:
        wanted = [(competition.member, {line.pk: line.quantity for line in lines})]
    orders: list[Order] = []
    for n, (member, quantities) in enumerate(wanted):
        cart = Cart(user=actor, member=member)
        cart_lines = [
            CartLine(
                cart=cart,
                lot=competition.lot,
                description=f"{line.description} ({line.unit})"[:150] if line.unit != "Stück" else line.description,
                unit_price=prices[line.pk],
                quantity=quantities[line.pk],
            )
            for line in lines
            if quantities.get(line.pk, 0) > 0
        ]
        plan = planning.build(
            actor, member, cart, cart_lines, timezone.localdate(now), awarded=True, office=competition.is_bundle
        )
        if plan.problems:
            raise plan.problems[0]
        for planned in plan.orders:
            planned.order.supplier = offer.supplier
            planned.order.legal_basis = legal_basis
        # Every member's order reserves the lot volume in this one transaction: a limit that the next
        # order would pass raises here and rolls back every order before it (all or none).
        placed = order_services.place(actor=actor, plan=plan, now=now, office=competition.is_bundle)
        orders += placed
        if competition.is_bundle:
            shares[n].order = placed[0]
            shares[n].save(update_fields=["order"])
    competition.status, competition.winner, competition.award_reason = Status.AWARDED, offer, reason.strip()
    competition.awarded_at, competition.awarded_by, competition.order = now, actor, orders[0]
    competition.save(update_fields=["status", "winner", "award_reason", "awarded_at", "awarded_by", "order"])
    audit.record(
        actor=actor,
        instance=competition,
        action="update",
        before={"status": Status.OPEN},
        after={
            "status": Status.AWARDED,
            "winner": offer.supplier_id,
            "order": orders[0].number,
            "orders": [o.number for o in orders],
        },
    )
    transaction.on_commit(partial(tasks.send_award_notices.delay, competition.pk))
    return orders[0]
