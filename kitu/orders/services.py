"""Writes of carts and orders: adding to the cart, checkout into call-off orders (one per contract and
supplier) with volume reservations, approval in steps, rejection and cancellation (the rules themselves:
approval_rules.py; the supplier's side and the goods receipt: fulfilment.py).

Volume: checkout reserves each line on the lot's and article's limits (rows locked; the maximum is never
passed), the final approval turns the reservation into consumption, rejection and cancellation give it
back. A refused checkout changes nothing (one transaction)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from functools import partial
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.catalog.models import Article
from kitu.contracts.models import FrameworkContract, Lot, VolumeLimit
from kitu.contracts.services import VolumeExhausted
from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied
from kitu.core.money import money
from kitu.members.models import CostCentre, Member, Site

from . import records, selectors, tasks
from .models import (
    PLACED_STATUSES,
    ZERO,
    ApprovalPolicy,
    Approver,
    Cart,
    CartLine,
    Order,
    OrderLine,
    OrderNumberSequence,
    OrderStatus,
)
from .policies import can_manage_rules, can_order_for

DIRECT_AWARD_LIMIT = Decimal("15000")  # Sachsen-Anhalt, AwVO 2025 (net)


def _require_orderer(actor: Any, member: Member) -> None:
    if not can_order_for(actor, member):
        raise PermissionDenied(_("Sie dürfen für dieses Mitglied nicht bestellen."))


def check_quantity(article: Article, quantity: int) -> None:
    """Minimum quantity and order interval of the catalog (BMEcat QUANTITY_MIN / QUANTITY_INTERVAL)."""
    if quantity <= 0:
        raise DomainError(_("Die Menge muss mindestens 1 sein."), field="quantity")
    if quantity < article.quantity_min:
        raise DomainError(
            _("Mindestbestellmenge von %(pid)s: %(min)s.")
            % {"pid": article.supplier_pid, "min": article.quantity_min.normalize()},
            field="quantity",
        )
    if article.quantity_interval and (Decimal(quantity) - article.quantity_min) % article.quantity_interval:
        raise DomainError(
            _("%(pid)s wird in Schritten von %(step)s bestellt (ab %(min)s).")
            % {
                "pid": article.supplier_pid,
                "step": article.quantity_interval.normalize(),
                "min": article.quantity_min.normalize(),
            },
            field="quantity",
        )


def _orderable(article: Article, member: Member, day: dt.date) -> None:
    if not article.is_active:
        raise DomainError(_("Der Artikel %(pid)s ist nicht mehr im Katalog.") % {"pid": article.supplier_pid})
    if article.price_on_request or article.price is None:
        raise DomainError(
            _("Der Artikel %(pid)s hat keinen Festpreis (Preis auf Anfrage).") % {"pid": article.supplier_pid}
        )
    _callable(article.contract, member, day)


def _callable(contract: FrameworkContract, member: Member, day: dt.date) -> None:
    if contract.state_on(day) != "active" or not contract.eligible_members.filter(pk=member.pk).exists():
        raise DomainError(
            _("Aus dem Rahmenvertrag %(number)s kann %(member)s nicht abrufen.")
            % {"number": contract.number, "member": member.name}
        )


def _check_line(line: CartLine, member: Member, day: dt.date) -> FrameworkContract:
    """A cart line may still be ordered; its contract."""
    if line.article is None:
        assert line.lot is not None  # constraint orders_cartline_article_or_placeholder
        _callable(line.lot.contract, member, day)
        return line.lot.contract
    _orderable(line.article, member, day)
    check_quantity(line.article, line.quantity)
    return line.article.contract


def _not_exhausted(article: Article) -> None:
    """An article whose limit (or its lot's) is used up cannot go into a cart. Checkout checks again,
    under lock, and says how much is left."""
    for limit in VolumeLimit.objects.filter(
        contract_id=article.contract_id, lot_id=article.lot_id, article_pid__in=["", article.supplier_pid]
    ):
        if limit.is_exhausted:
            raise VolumeExhausted(
                _("%(pid)s kann nicht mehr bestellt werden: die Höchstmenge von %(limit)s ist ausgeschöpft.")
                % {"pid": article.supplier_pid, "limit": limit},
                field="quantity",
            )


def _cart(actor: Any, member: Member) -> Cart:
    cart, _created = Cart.objects.get_or_create(user=actor, member=member)
    return Cart.objects.select_for_update().get(pk=cart.pk)


@transaction.atomic
def cart_add(*, actor: Any, member: Member, article: Article, quantity: int) -> CartLine:
    """Put an article into the user's cart for the member (adds to the quantity of an existing line)."""
    _require_orderer(actor, member)
    _orderable(article, member, timezone.localdate())
    _not_exhausted(article)
    cart = _cart(actor, member)
    line = CartLine.objects.filter(cart=cart, article=article).first()
    total = quantity + (line.quantity if line else 0)
    check_quantity(article, total)
    if line is None:
        line = CartLine(cart=cart, article=article, quantity=total)
    line.quantity = total
    line.save()
    return line


@transaction.atomic
def cart_quick_add(*, actor: Any, member: Member, supplier_pid: str, quantity: int) -> CartLine:
    """Quick order by the supplier's article number, from the contracts the member may call off."""
    _require_orderer(actor, member)
    articles = list(
        Article.objects.filter(
            supplier_pid=supplier_pid.strip(), is_active=True, contract__eligible_members=member
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


PLACEHOLDER_UNIT = "C62"  # UN/ECE rec. 20 "one" (piece)
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


def _next_number(year: int) -> str:
    OrderNumberSequence.objects.get_or_create(year=year)
    seq = OrderNumberSequence.objects.select_for_update().get(year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    return f"B-{year}-{seq.last:06d}"


def _warnings(order: Order, member: Member, lines: list[OrderLine], year: int) -> list[str]:
    warnings = []
    if order.total > DIRECT_AWARD_LIMIT:
        warnings.append(
            _(
                "Der Auftragswert von %(total)s EUR übersteigt die Wertgrenze für Direktaufträge (%(limit)s EUR); "
                "der Abruf stützt sich auf den Rahmenvertrag %(number)s."
            )
            % {"total": order.total, "limit": DIRECT_AWARD_LIMIT, "number": order.contract.number}
        )
    by_centre: dict[int, Decimal] = defaultdict(Decimal)
    for line in lines:
        if line.cost_centre_id is not None:
            by_centre[line.cost_centre_id] += line.total
    for centre in CostCentre.objects.filter(pk__in=by_centre, annual_budget__isnull=False):
        spent = (
            OrderLine.objects.filter(
                cost_centre=centre,
                order__created_at__year=year,
                order__status__in=(OrderStatus.PENDING, *PLACED_STATUSES),
                rejected_reason="",
            )
            .exclude(order=order)
            .aggregate(s=Sum("total"))["s"]
            or ZERO
        )
        if spent + by_centre[centre.pk] > (centre.annual_budget or ZERO):
            warnings.append(
                _(
                    "Kostenstelle %(centre)s: mit dieser Bestellung %(sum)s EUR "
                    "von %(budget)s EUR Haushaltsansatz %(year)s."
                )
                % {"centre": centre, "sum": spent + by_centre[centre.pk], "budget": centre.annual_budget, "year": year}
            )
    return warnings


def _approvers_to_notify(order: Order, step: int) -> list[int]:
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
    audit.record(actor=None, instance=order, action="update", before={"status": "approved"}, after={"status": "sent"})
    return order


def _order_line(order: Order, position: int, line: CartLine, cart: Cart) -> OrderLine:
    """The order line of a cart line: the contract (scale) price and the savings against the list price,
    or for a placeholder the quoted price, its description and the quotation."""
    article = line.article
    common = {
        "order": order,
        "position": position,
        "quantity": line.quantity,
        "cost_centre": line.cost_centre or cart.cost_centre,
        "site": line.site or cart.site,
    }
    if article is None:
        assert line.lot is not None and line.unit_price is not None
        return OrderLine(
            **common,
            lot=line.lot,
            supplier_pid="",
            description=line.description,
            order_unit=PLACEHOLDER_UNIT,
            unit_price=line.unit_price,
            total=money(line.unit_price * line.quantity),
            attachment=line.attachment.name,
        )
    price = selectors.unit_price(article, line.quantity)
    assert price is not None  # _orderable
    return OrderLine(
        **common,
        article=article,
        lot=article.lot,
        supplier_pid=article.supplier_pid,
        description=article.description_short,
        order_unit=article.order_unit,
        unit_price=price,
        list_price=article.list_price,
        total=money(price * line.quantity),
        savings=money((article.list_price - price) * line.quantity)
        if article.list_price and article.list_price > price
        else ZERO,
    )


@transaction.atomic
def checkout(*, actor: Any, member: Member, now: dt.datetime | None = None) -> list[Order]:
    """Turn the cart into one call-off order per framework contract and supplier. Reserves the volume,
    applies the member's approval rule and empties the cart — or refuses and changes nothing."""
    _require_orderer(actor, member)
    now = now or timezone.now()
    day = timezone.localdate(now)
    cart = Cart.objects.select_for_update().filter(user=actor, member=member).first()
    cart_lines = (
        list(
            CartLine.objects.filter(cart=cart)
            .select_related("article__contract", "article__lot", "lot__contract")
            .prefetch_related("article__scale_prices")
        )
        if cart
        else []
    )
    if not cart_lines:
        raise DomainError(_("Der Warenkorb ist leer."))
    assert cart is not None
    policy = ApprovalPolicy.objects.filter(member=member).first() or ApprovalPolicy(member=member)
    groups: dict[tuple[int, int], list[CartLine]] = defaultdict(list)
    contracts = {}
    for line in cart_lines:
        contract = _check_line(line, member, day)
        contracts[contract.pk] = contract
        lot = line.article.lot if line.article else line.lot
        assert lot is not None
        groups[(contract.pk, lot.supplier_id)].append(line)
    orders = []
    for (contract_id, supplier_id), group in sorted(groups.items()):
        contract = contracts[contract_id]
        order = Order.objects.create(
            number=_next_number(day.year),
            member=member,
            contract=contract,
            supplier_id=supplier_id,
            requester=actor,
            status=OrderStatus.PENDING,
            legal_basis=_("Abruf aus Rahmenvertrag %(number)s (%(basis)s)")
            % {"number": contract.number, "basis": contract.get_legal_basis_display()},
            total=ZERO,
        )
        lines = [_order_line(order, position, cart_line, cart) for position, cart_line in enumerate(group, 1)]
        OrderLine.objects.bulk_create(lines)
        records.move_volume(order, "reserve", lines)
        order.total = sum((line.total for line in lines), ZERO)
        order.savings = sum((line.savings for line in lines), ZERO)
        order.steps_required = policy.steps_for(order.total)
        order.warnings = _warnings(order, member, lines, day.year)
        records.event(order, OrderStatus.PENDING, actor)
        if order.steps_required == 0:
            _finish_approval(order, now)
            records.event(
                order,
                OrderStatus.APPROVED,
                None,
                _("ohne Freigabe bis %(limit)s EUR") % {"limit": policy.auto_approve_up_to},
                mail=False,  # the requester sees it on the page they submitted from
            )
        else:
            to_notify = _approvers_to_notify(order, 1)
            if not to_notify and not Approver.objects.filter(member=member, step=1).exclude(user=actor).exists():
                raise DomainError(
                    _(
                        "Für %(member)s ist niemand zur Freigabe eingetragen; "
                        "bitte die Administration des Mitglieds fragen."
                    )
                    % {"member": member.name}
                )
            records.notify(order, "approval_needed", to_notify)
        order.save()
        audit.record(
            actor=actor, instance=order, action="create", after={"total": str(order.total), "status": order.status}
        )
        orders.append(order)
    CartLine.objects.filter(cart=cart).delete()
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
