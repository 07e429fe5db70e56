"""Writes of carts and orders: adding to the cart, checkout into call-off orders (one per contract and
supplier) with volume reservations, approval in steps, rejection and cancellation (the rules themselves:
approval_rules.py; the supplier's side and the goods receipt: fulfilment.py).

Volume: checkout reserves each line on the lot's and article's limits (rows locked; the maximum is never
passed), the final approval turns the reservation into consumption, rejection and cancellation give it
back. A refused checkout changes nothing (one transaction)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.catalog.models import Article
from kitu.contracts.eligibility import contracts_open_to
from kitu.contracts.models import FrameworkContract, Lot, VolumeLimit
from kitu.contracts.services import VolumeExhausted
from kitu.core import audit, inserts
from kitu.core.actors import SYSTEM
from kitu.core.errors import DomainError, PermissionDenied
from kitu.core.money import money
from kitu.core.prepared import Prepared, set_prefetched
from kitu.members.models import CostCentre, Member, Site

from . import numbers, planning, records, selectors, tasks
from .models import (
    ApprovalPolicy,
    Approver,
    Cart,
    CartLine,
    Order,
    OrderLine,
    OrderStatus,
)
from .planning import DIRECT_AWARD_LIMIT, PLACEHOLDER_UNIT, check_quantity
from .planning import callable_from as _callable
from .planning import orderable as _orderable
from .policies import can_manage_rules, can_order_for

__all__ = ["DIRECT_AWARD_LIMIT", "PLACEHOLDER_UNIT", "ReviewOutdated", "check_quantity"]


def _require_orderer(actor: Any, member: Member) -> None:
    if not can_order_for(actor, member):
        raise PermissionDenied(_("Sie dürfen für dieses Mitglied nicht bestellen."))


def _not_exhausted(article: Article, contract_limits: list[VolumeLimit]) -> None:
    """An article whose limit (or its lot's) is used up cannot go into a cart. Checkout checks again,
    under lock, and says how much is left. ``contract_limits``: all limits of the article's contract."""
    for limit in contract_limits:
        if limit.lot_id != article.lot_id or limit.article_pid not in ("", article.supplier_pid):
            continue
        if limit.is_exhausted:
            raise VolumeExhausted(
                _("%(pid)s kann nicht mehr bestellt werden: die Höchstmenge von %(limit)s ist ausgeschöpft.")
                % {"pid": article.supplier_pid, "limit": limit},
                field="quantity",
            )


# the user's cart for the member, locked (compiled once: kitu.core.prepared)
_LOCKED_CART: Prepared[Cart] = Prepared(
    lambda user_id, member_id: (
        Cart.objects.select_for_update(of=("self",)).filter(user_id=user_id, member_id=member_id).order_by("pk")[:1]
    )
)
# the lines of a cart with article (and its scale prices) or lot and their contracts (as the answer shows them)
_CART_LINES: Prepared[CartLine] = Prepared(
    lambda cart_id: (
        CartLine.objects.filter(cart_id=cart_id)
        .select_related("article__contract", "lot__contract")
        .annotate(**{selectors.SCALE_PRICES_ATTR: selectors.scale_prices_text("article_id")})
    )
)
# a contract's limits, in the model's order within a lot (the lot's limit first), without its join to the lots
_LIMITS: Prepared[VolumeLimit] = Prepared(
    lambda contract_id: VolumeLimit.objects.filter(contract_id=contract_id).order_by("article_pid")
)


def _locked_cart(actor: Any, member: Member) -> Cart | None:
    return next(iter(_LOCKED_CART(actor.pk, member.pk)), None)


def _cart(actor: Any, member: Member) -> Cart:
    """The user's cart for the member, locked (created when missing: then the new row is ours alone)."""
    cart = _locked_cart(actor, member)
    if cart is None:
        cart, _created = Cart.objects.get_or_create(user=actor, member=member)
        cart = Cart.objects.select_for_update(of=("self",)).get(pk=cart.pk)
    return cart


@transaction.atomic
def cart_add(*, actor: Any, member: Member, article: Article, quantity: int) -> CartLine:
    """Put an article into the user's cart for the member (adds to the quantity of an existing line)."""
    _require_orderer(actor, member)
    # the contract (as read with the article in this request, else now) with its limits read once for both
    # checks: its state and what is left (read again when this article object's were read before)
    contract = article.contract if Article.contract.is_cached(article) else None
    if contract is None or "limits" in getattr(contract, "_prefetched_objects_cache", {}):
        article.contract = FrameworkContract.objects.get(pk=article.contract_id)
    set_prefetched(article.contract, "limits", _LIMITS(article.contract_id))
    _orderable(article, member, timezone.localdate())
    _not_exhausted(article, list(article.contract.limits.all()))
    cart = _cart(actor, member)
    # all lines of the locked cart, as the answer shows them (article or lot with its contract): the line of
    # this article is among them, and the API answers from them without reading the cart again
    lines = _CART_LINES(cart.pk)
    for ln in lines:
        if ln.article is not None:
            selectors.attach_scale_prices(ln.article, getattr(ln, selectors.SCALE_PRICES_ATTR))
    line = next((ln for ln in lines if ln.article_id == article.pk), None)
    total = quantity + (line.quantity if line else 0)
    check_quantity(article, total)
    if line is None:
        line = CartLine(cart=cart, article=article, quantity=total)
        lines.append(line)  # the newest line: last in the cart's order (cart, pk)
    line.cart = cart  # the locked row, with its lines as they are now (selectors.lines_with_prices)
    line.quantity = total
    if line.pk is None:
        inserts.insert(line)  # the INSERT compiled once (kitu.core.inserts)
    else:
        line.save()
    setattr(cart, selectors.CART_LINES_ATTR, lines)
    return line


@transaction.atomic
def cart_quick_add(*, actor: Any, member: Member, supplier_pid: str, quantity: int) -> CartLine:
    """Quick order by the supplier's article number, from the contracts the member may call off."""
    _require_orderer(actor, member)
    articles = list(
        Article.objects.filter(
            supplier_pid=supplier_pid.strip(), is_active=True, contract__in=contracts_open_to(member)
        ).select_related("contract")
    )
    if not articles:
        raise DomainError(
            _("Keine Artikelnummer %(pid)s in Ihren Rahmenverträgen.") % {"pid": supplier_pid}, field="supplier_pid"
        )
    if len(articles) > 1:
        raise DomainError(
            _("Die Artikelnummer %(pid)s gibt es in mehreren Verträgen (%(numbers)s); bitte im Katalog wählen.")
            % {"pid": supplier_pid, "numbers": ", ".join(a.contract.number for a in articles)},
            field="supplier_pid",
        )
    return cart_add(actor=actor, member=member, article=articles[0], quantity=quantity)


QUOTATION_TYPES = {".pdf", ".odt", ".ods", ".docx", ".doc", ".xlsx", ".xls", ".png", ".jpg", ".jpeg", ".txt"}
QUOTATION_MAX_BYTES = 10 * 1024 * 1024


@transaction.atomic
def cart_add_placeholder(
    *,
    actor: Any,
    member: Member,
    lot: Lot,
    description: str,
    quantity: int,
    unit_price: Decimal,
    attachment: UploadedFile | None = None,
) -> CartLine:
    """A free-text line for goods priced on quotation: the lot it is called off from, what it is, the
    quoted net unit price and the quotation as an attachment."""
    _require_orderer(actor, member)
    lot = Lot.objects.select_related("contract").get(pk=lot.pk)
    _callable(lot.contract, member, timezone.localdate())
    if not description.strip():
        raise DomainError(_("Bitte beschreiben Sie die Leistung."), field="description")
    if quantity <= 0:
        raise DomainError(_("Die Menge muss mindestens 1 sein."), field="quantity")
    if unit_price <= 0:
        raise DomainError(_("Bitte den Einzelpreis laut Angebot angeben."), field="unit_price")
    if attachment is not None:
        if PurePath(attachment.name or "").suffix.lower() not in QUOTATION_TYPES:
            raise DomainError(
                _("Dateityp nicht erlaubt; erlaubt sind: %(types)s.") % {"types": ", ".join(sorted(QUOTATION_TYPES))},
                field="attachment",
            )
        if not attachment.size or attachment.size > QUOTATION_MAX_BYTES:
            raise DomainError(_("Die Anlage ist leer oder größer als 10 MB."), field="attachment")
    line = CartLine.objects.create(
        cart=_cart(actor, member),
        lot=lot,
        description=description.strip()[:150],
        quantity=quantity,
        unit_price=money(unit_price),
        attachment=attachment,
    )
    audit.record(actor=actor, instance=line, action="create", after={"description": line.description})
    return line


def _check_member_refs(member: Member, cost_centre: CostCentre | None, site: Site | None) -> None:
    if cost_centre is not None and cost_centre.member_id != member.pk:
        raise DomainError(_("Die Kostenstelle gehört nicht zu diesem Mitglied."), field="cost_centre")
    if site is not None and site.member_id != member.pk:
        raise DomainError(_("Der Lieferort gehört nicht zu diesem Mitglied."), field="site")


@transaction.atomic
def cart_line_update(
    *,
    actor: Any,
    line: CartLine,
    quantity: int | None = None,
    cost_centre: CostCentre | None = None,
    site: Site | None = None,
) -> CartLine | None:
    """Change a line's quantity (0 removes it), cost centre and delivery site (None: the cart's default)."""
    if line.cart.user_id != actor.pk:
        raise PermissionDenied(_("Das ist nicht Ihr Warenkorb."))
    _check_member_refs(line.cart.member, cost_centre, site)
    if quantity == 0:
        line.delete()
        return None
    if quantity is not None:
        if line.article is not None:
            check_quantity(line.article, quantity)
        line.quantity = quantity
    line.cost_centre, line.site = cost_centre, site
    line.save()
    return line


@transaction.atomic
def cart_defaults(*, actor: Any, member: Member, cost_centre: CostCentre | None, site: Site | None) -> Cart:
    """The cost centre and delivery site of the user's cart for the member (lines without their own)."""
    _require_orderer(actor, member)
    _check_member_refs(member, cost_centre, site)
    cart = _cart(actor, member)
    cart.cost_centre, cart.site = cost_centre, site
    cart.save(update_fields=["cost_centre", "site", "updated_at"])
    return cart


def _approvers_to_notify(order: Order, step: int, planned: planning.PlannedOrder | None = None) -> list[int]:
    if planned is not None and len(planned.approvers) >= step:  # the plan has read them already
        return [
            a.user_id for a in planned.approvers[step - 1] if not a.is_substitute and a.user_id != order.requester_id
        ]
    return list(
        Approver.objects.filter(member=order.member, step=step, is_substitute=False)
        .exclude(user=order.requester)
        .values_list("user_id", flat=True)
    )


def _finish_approval(order: Order, now: dt.datetime) -> None:
    """Final approval: the reservation becomes consumption, and the order goes to the supplier after commit."""
    order.status = OrderStatus.APPROVED
    order.approved_at = now
    records.move_volume(order, "commit")
    transaction.on_commit(partial(tasks.dispatch_order.delay, order.pk))


@transaction.atomic
def mark_sent(*, order: Order, recipient: str) -> Order:
    """The openTRANS order was handed to the supplier's order mailbox (called by the dispatch task)."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != OrderStatus.APPROVED:
        return order  # cancelled meanwhile, or already sent by an earlier try
    order.status, order.sent_at = OrderStatus.SENT, timezone.now()
    order.save(update_fields=["status", "sent_at"])
    records.event(order, OrderStatus.SENT, None, recipient)
    audit.record(actor=SYSTEM, instance=order, action="update", before={"status": "approved"}, after={"status": "sent"})
    return order


class ReviewOutdated(DomainError):
    """The cart (or a price, a default, the approval rule) changed since the review the submit came from."""


@transaction.atomic
def checkout(
    *, actor: Any, member: Member, now: dt.datetime | None = None, review_token: str | None = None
) -> list[Order]:
    """Turn the cart into one call-off order per framework contract and supplier. Reserves the volume,
    applies the member's approval rule and empties the cart — or refuses and changes nothing.

    ``review_token`` (from the review page): the cart must be exactly as it was reviewed, else
    :class:`ReviewOutdated`. Machines (the API) check out without one; the same required fields apply."""
    _require_orderer(actor, member)
    now = now or timezone.now()
    day = timezone.localdate(now)
    cart = _locked_cart(actor, member)
    lines = planning.cart_lines(cart)
    if not lines:
        raise DomainError(_("Der Warenkorb ist leer."))
    assert cart is not None
    plan = planning.build(actor, member, cart, lines, day)
    if review_token is not None and not planning.token_matches(plan, review_token):
        raise ReviewOutdated(
            _(
                "Der Warenkorb hat sich seit der Prüfung geändert (oder wurde nicht geprüft). "
                "Bitte prüfen Sie die Bestellung noch einmal; es wurde nichts bestellt."
            )
        )
    if plan.problems:
        raise plan.problems[0]
    CartLine.objects.filter(cart=cart).delete()  # before placing: the contract's lock is taken last
    return _place(actor=actor, plan=plan, now=now)  # inside this transaction: no savepoint of its own


@transaction.atomic
def place(*, actor: Any, plan: planning.Plan, now: dt.datetime, office: bool = False) -> list[Order]:
    """Write the planned orders of a checked plan (no problems left): numbers, lines, the volume reserved,
    the approval rule applied. The checkout uses it, and so does a mini-competition's award (``office``:
    the office's award of a bundle request, checked by the caller)."""
    if not office:
        _require_orderer(actor, plan.member)
    return _place(actor=actor, plan=plan, now=now)


def _place(*, actor: Any, plan: planning.Plan, now: dt.datetime) -> list[Order]:
    """place() in the caller's transaction. An order that needs no approval is written approved at once:
    one insert, its volume booked as consumed in one step (no reservation first), both status rows in one
    insert, the dispatch after commit. The volume is booked last of each order's writes: the contract's row
    lock, which every call-off from that contract queues on, is held from there to the commit only."""
    if plan.problems:
        raise plan.problems[0]
    day = timezone.localdate(now)
    policy = plan.policy or ApprovalPolicy.objects.filter(member=plan.member).first()
    policy = policy or ApprovalPolicy(member=plan.member)
    orders = []
    for planned in plan.orders:
        order = planned.order
        auto = order.steps_required == 0
        if auto:
            order.status, order.approved_at = OrderStatus.APPROVED, now
        numbers.insert_numbered(order, day.year)  # the INSERT compiled once, with the number drawn in it
        if len(planned.lines) == 1:  # the common call-off: the line's compiled INSERT
            inserts.insert(planned.lines[0])
        else:
            OrderLine.objects.bulk_create(planned.lines)
        if auto:
            records.placed_events(
                order,
                actor,
                _("ohne Freigabe bis %(limit)s EUR") % {"limit": policy.auto_approve_up_to},
            )  # no mail: the requester sees it on the page they submitted from
            transaction.on_commit(partial(tasks.dispatch_order.delay, order.pk))
        else:
            records.event(order, OrderStatus.PENDING, actor)
            known = planned if order.requester_id == getattr(actor, "pk", None) else None
            records.notify(order, "approval_needed", _approvers_to_notify(order, 1, known))
        audit.record(
            actor=actor, instance=order, action="create", after={"total": str(order.total), "status": order.status}
        )
        records.move_volume(order, "consume" if auto else "reserve", planned.lines)  # locks the contract
        orders.append(order)
    return orders


@transaction.atomic
def approve(*, actor: Any, order: Order, now: dt.datetime | None = None) -> Order:
    """Approve the order's next step (an approver or substitute of that step; never one's own order,
    and not two steps by the same person)."""
    order = records.locked(order)
    if order.status != OrderStatus.PENDING:
        raise DomainError(
            _("Die Bestellung wartet nicht auf Freigabe (%(status)s).") % {"status": order.get_status_display()}
        )
    if order.requester_id == actor.pk:
        raise PermissionDenied(_("Eine eigene Bestellung kann niemand selbst freigeben."))
    step = order.steps_done + 1
    if not Approver.objects.filter(member=order.member, user=actor, step=step).exists():
        raise PermissionDenied(
            _("Sie sind für Stufe %(step)s dieses Mitglieds nicht freigabeberechtigt.") % {"step": step}
        )
    if order.events.filter(status=OrderStatus.APPROVED, actor=actor).exists():
        raise PermissionDenied(_("Die zweite Freigabe muss eine andere Person erteilen."))
    order.steps_done = step
    records.event(order, OrderStatus.APPROVED, actor, step=step)
    if step >= order.steps_required:
        _finish_approval(order, now or timezone.now())
    else:
        records.notify(order, "approval_needed", _approvers_to_notify(order, step + 1))
    order.save(update_fields=["steps_done", "status", "approved_at"])
    audit.record(
        actor=actor,
        instance=order,
        action="update",
        before={"steps_done": step - 1},
        after={"steps_done": step, "status": order.status},
    )
    return order


@transaction.atomic
def reject(*, actor: Any, order: Order, reason: str) -> Order:
    order = records.locked(order)
    if order.status != OrderStatus.PENDING:
        raise DomainError(
            _("Die Bestellung wartet nicht auf Freigabe (%(status)s).") % {"status": order.get_status_display()}
        )
    if order.requester_id == actor.pk:
        raise PermissionDenied(_("Eine eigene Bestellung kann niemand selbst ablehnen; stornieren Sie sie."))
    step = order.steps_done + 1
    if not Approver.objects.filter(member=order.member, user=actor, step=step).exists():
        raise PermissionDenied(
            _("Sie sind für Stufe %(step)s dieses Mitglieds nicht freigabeberechtigt.") % {"step": step}
        )
    if not reason.strip():
        raise DomainError(_("Bitte begründen Sie die Ablehnung."), field="reason")
    order.status = OrderStatus.REJECTED
    records.move_volume(order, "release_reserved")
    records.event(order, OrderStatus.REJECTED, actor, reason.strip(), step=step)
    order.save(update_fields=["status"])
    audit.record(
        actor=actor, instance=order, action="update", before={"status": "pending"}, after={"status": order.status}
    )
    return order


@transaction.atomic
def cancel(*, actor: Any, order: Order, reason: str = "") -> Order:
    """The requester (or the member's admin) cancels an order that waits for approval or is approved."""
    order = records.locked(order)
    if order.requester_id != actor.pk and not can_manage_rules(actor, order.member):
        raise PermissionDenied(_("Nur wer bestellt hat oder die Administration des Mitglieds storniert."))
    if order.status not in (OrderStatus.PENDING, OrderStatus.APPROVED):
        raise DomainError(
            _("Die Bestellung kann nicht mehr storniert werden (%(status)s).") % {"status": order.get_status_display()}
        )
    before = order.status
    records.move_volume(order, "release_reserved" if order.status == OrderStatus.PENDING else "release_consumed")
    order.status = OrderStatus.CANCELLED
    records.event(order, OrderStatus.CANCELLED, actor, reason.strip())
    order.save(update_fields=["status"])
    audit.record(
        actor=actor, instance=order, action="update", before={"status": before}, after={"status": order.status}
    )
    return order


@transaction.atomic
def order_to_cart(*, actor: Any, order: Order) -> list[CartLine]:
    """Reorder, or change and resubmit a rejected order: its lines go (again) into the user's cart."""
    _require_orderer(actor, order.member)
    added = []
    for line in order.lines.select_related("article__contract", "lot"):
        if line.article is None:
            cart = _cart(actor, order.member)
            added.append(
                CartLine.objects.create(
                    cart=cart,
                    lot=line.lot,
                    description=line.description,
                    unit_price=line.unit_price,
                    attachment=line.attachment.name,
                    quantity=line.quantity,
                )
            )
        else:
            added.append(cart_add(actor=actor, member=order.member, article=line.article, quantity=line.quantity))
    return added
