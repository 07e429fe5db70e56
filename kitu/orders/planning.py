"""What a checkout will create, worked out without writing anything: one planned order per framework
contract and supplier with its lines, prices, delivery sites and cost centres, the approval path that
will apply (and who approves), the warnings, and what still keeps it from being sent (a missing
delivery site or required cost centre, a contract that cannot be called off, nobody to approve).

The review page shows the plan; ``services.checkout`` builds the same plan under lock and writes it.
The review token is a keyed hash of everything the plan rests on: a submit whose token differs from
the cart's current one was not reviewed in that state and is refused."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from kitu.catalog.models import Article
from kitu.contracts.eligibility import is_eligible, is_eligible_member, picked, remember_picked
from kitu.contracts.models import FrameworkContract, Lot
from kitu.core.errors import DomainError, PermissionDenied
from kitu.core.money import money
from kitu.core.prepared import Prepared
from kitu.members.models import CostCentre, Member, Site

from . import selectors
from .models import (
    PLACED_STATUSES,
    ZERO,
    ApprovalPolicy,
    Approver,
    Cart,
    CartLine,
    Order,
    OrderLine,
    OrderStatus,
)
from .policies import READ_WITH_RULE, can_order_for, ordering_members

DIRECT_AWARD_LIMIT = Decimal("15000")  # Sachsen-Anhalt, AwVO 2025 (net)
PLACEHOLDER_UNIT = "C62"  # UN/ECE rec. 20 "one" (piece)
TOKEN_SALT = "kitu.orders.planning.review"  # noqa: S105 - a salt for the keyed hash, not a secret


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


def orderable(article: Article, member: Member, day: dt.date) -> None:
    if not article.is_active:
        raise DomainError(_("Der Artikel %(pid)s ist nicht mehr im Katalog.") % {"pid": article.supplier_pid})
    if article.price_on_request or article.price is None:
        raise DomainError(
            _("Der Artikel %(pid)s hat keinen Festpreis (Preis auf Anfrage).") % {"pid": article.supplier_pid}
        )
    callable_from(article.contract, member, day, as_read=True)


def callable_from(contract: FrameworkContract, member: Member, day: dt.date, *, as_read: bool = False) -> None:
    """The contract is active on ``day`` and open to the member. ``as_read``: the member row was read in
    this request (the cart and the checkout): its admission, exit date and type decide without a query."""
    eligible = is_eligible_member if as_read else is_eligible
    if contract.state_on(day) != "active" or not eligible(contract, member, day=day):
        raise DomainError(
            _("Aus dem Rahmenvertrag %(number)s kann %(member)s nicht abrufen.")
            % {"number": contract.number, "member": member.name}
        )


# Where a mini-competition for a lot is started (a URL for lot and member): registered by the app that runs
# them (kitu.competitions, in its AppConfig.ready), so that orders need not import it.
competition_start_url: Callable[[Lot, Member], str] | None = None


class CompetitionRequired(DomainError):
    """A line of a lot that is called off only after a mini-competition among its suppliers (§ 21 (5) VgV);
    ``link`` leads to where one is started."""

    def __init__(self, lot: Lot, member: Member) -> None:
        super().__init__(
            _(
                "Los %(lot)s des Rahmenvertrags %(number)s hat mehrere Lieferanten und wird nur nach einem "
                "Kleinwettbewerb abgerufen; bitte starten Sie einen Kleinwettbewerb für diese Positionen."
            )
            % {"lot": lot.number, "number": lot.contract.number},
            field="competition",
        )
        self.lot = lot
        self.link = competition_start_url(lot, member) if competition_start_url else ""


def check_line(line: CartLine, member: Member, day: dt.date, *, awarded: bool = False) -> FrameworkContract:
    """A cart line may still be ordered; its contract. ``awarded``: the lines come from the award of a
    mini-competition, which is what a lot that requires one asks for."""
    lot = line.article.lot if line.article is not None else line.lot
    if not awarded and lot is not None and lot.requires_competition:
        raise CompetitionRequired(lot, member)
    if line.article is None:
        assert line.lot is not None  # constraint orders_cartline_article_or_placeholder
        callable_from(line.lot.contract, member, day, as_read=True)
        return line.lot.contract
    orderable(line.article, member, day)
    check_quantity(line.article, line.quantity)
    return line.article.contract


def effective_site(line: CartLine, cart: Cart, member: Member) -> Site | None:
    """Where a line is delivered: its own site, else the cart's, else the member's default site."""
    return line.site or cart.site or member.default_site


def effective_cost_centre(line: CartLine, cart: Cart) -> CostCentre | None:
    return line.cost_centre or cart.cost_centre


def required_fields(member: Member, cart: Cart, lines: list[CartLine]) -> list[DomainError]:
    """The delivery site is always required; the cost centre where the member's settings say so."""
    problems = []
    if any(effective_site(line, cart, member) is None for line in lines):
        problems.append(
            DomainError(_("Bitte wählen Sie einen Lieferort: ohne Lieferort kann nicht bestellt werden."), field="site")
        )
    if member.cost_centre_required and any(effective_cost_centre(line, cart) is None for line in lines):
        problems.append(
            DomainError(
                _("Bitte wählen Sie eine Kostenstelle: %(member)s verlangt bei jeder Bestellung eine Kostenstelle.")
                % {"member": member.name},
                field="cost_centre",
            )
        )
    return problems


def order_line(order: Order, position: int, line: CartLine, cart: Cart, member: Member) -> OrderLine:
    """The order line of a cart line: the contract (scale) price and the savings against the list price,
    or for a placeholder the quoted price, its description and the quotation."""
    article = line.article
    common: dict[str, Any] = {
        "order": order,
        "position": position,
        "quantity": line.quantity,
        "cost_centre": effective_cost_centre(line, cart),
        "site": effective_site(line, cart, member),
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
    assert price is not None  # orderable()
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


def warnings_for(
    order: Order, member: Member, lines: list[OrderLine], year: int, earlier: dict[int, Decimal]
) -> list[str]:
    """Above the direct-award limit; a cost centre's annual budget passed (counting the orders of the
    year, and ``earlier``: what the orders planned before this one in the same checkout put on it)."""
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
    centres = CostCentre.objects.filter(pk__in=by_centre, annual_budget__isnull=False) if by_centre else []
    for centre in centres:  # (no cost centre on any line: not even a queryset to build)
        spent = (
            OrderLine.objects.filter(
                cost_centre=centre,
                order__created_at__year=year,
                order__status__in=(OrderStatus.PENDING, *PLACED_STATUSES),
                rejected_reason="",
            ).aggregate(s=Sum("total"))["s"]
            or ZERO
        ) + earlier.get(centre.pk, ZERO)
        if spent + by_centre[centre.pk] > (centre.annual_budget or ZERO):
            warnings.append(
                _(
                    "Kostenstelle %(centre)s: mit dieser Bestellung %(sum)s EUR "
                    "von %(budget)s EUR Haushaltsansatz %(year)s."
                )
                % {"centre": centre, "sum": spent + by_centre[centre.pk], "budget": centre.annual_budget, "year": year}
            )
    for centre_id, amount in by_centre.items():
        earlier[centre_id] = earlier.get(centre_id, ZERO) + amount
    return warnings


@dataclass
class PlannedOrder:
    """One order the checkout will create (unsaved), with the cart lines it comes from."""

    order: Order
    lines: list[OrderLine]
    cart_lines: list[CartLine]
    approvers: list[list[Approver]]  # per approval step, who approves (substitutes last)

    @property
    def sites(self) -> list[Site]:
        return list({ln.site.pk: ln.site for ln in self.lines if ln.site is not None}.values())

    @property
    def cost_centres(self) -> list[CostCentre]:
        return list({ln.cost_centre.pk: ln.cost_centre for ln in self.lines if ln.cost_centre is not None}.values())

    @property
    def lines_without_cost_centre(self) -> int:
        return sum(1 for ln in self.lines if ln.cost_centre is None)


@dataclass
class Plan:
    member: Member
    cart: Cart
    orders: list[PlannedOrder] = field(default_factory=list)
    problems: list[DomainError] = field(default_factory=list)
    token: str = ""
    policy: ApprovalPolicy | None = None  # the member's approval rule the plan applied

    @property
    def total(self) -> Decimal:
        return sum((p.order.total for p in self.orders), ZERO)


def review_token(actor: Any, member: Member, cart: Cart, lines: list[CartLine], policy: ApprovalPolicy) -> str:
    """A keyed hash of the cart's content, its defaults, the member's settings and approval rule, and the
    prices: it changes whenever anything the review showed would change."""
    parts: list[Any] = [
        actor.pk,
        member.pk,
        member.default_site_id,
        member.cost_centre_required,
        cart.pk,
        cart.site_id,
        cart.cost_centre_id,
        policy.auto_approve_up_to,
        policy.second_step_from,
    ]
    for line in lines:
        parts += [
            line.pk,
            line.article_id,
            line.lot_id,
            line.description,
            line.quantity,
            selectors.line_price(line),
            line.cost_centre_id,
            line.site_id,
        ]
    return salted_hmac(TOKEN_SALT, repr(parts)).hexdigest()


def token_matches(plan: Plan, token: str) -> bool:
    return bool(token) and constant_time_compare(plan.token, token)


PICKED = "kitu_member_picked"  # on a line read by cart_lines: the cart's member is picked for its contract


# the cart's lines with everything the plan needs (compiled once: kitu.core.prepared)
_CART_LINES: Prepared[CartLine] = Prepared(
    lambda cart_id, member_id: (
        CartLine.objects.filter(cart_id=cart_id)
        .annotate(kitu_line_contract=Coalesce("article__contract_id", "lot__contract_id"))
        .annotate(**{PICKED: picked(member_id, "kitu_line_contract")})
        .annotate(**{selectors.SCALE_PRICES_ATTR: selectors.scale_prices_text("article_id")})
        .select_related(
            "article__contract",
            "article__lot__contract",
            "article__lot__supplier__organisation",
            "lot__contract",
            "lot__supplier__organisation",
            "site",
            "cost_centre",
        )
    )
)


def cart_lines(cart: Cart | None) -> list[CartLine]:
    """The cart's lines with everything the plan needs, and whether the cart's member is picked for each
    line's contract (:func:`build` hands that to the eligibility check: no query of its own)."""
    if cart is None or cart.pk is None:
        return []
    lines = _CART_LINES(cart.pk, cart.member_id)
    for line in lines:  # the scale prices were read with the lines
        if line.article is not None:
            selectors.attach_scale_prices(line.article, getattr(line, selectors.SCALE_PRICES_ATTR))
    return lines


def build(
    actor: Any,
    member: Member,
    cart: Cart,
    lines: list[CartLine],
    day: dt.date,
    *,
    awarded: bool = False,
    office: bool = False,
) -> Plan:
    """The plan of the checkout of ``lines``: what every order will be, and what keeps it from being sent.
    ``awarded``: the lines are a mini-competition's award (see check_line). ``office``: the caller has
    checked that the cooperative's office awards a bundle request on the members' behalf."""
    if not (office or can_order_for(actor, member)):
        raise PermissionDenied(_("Sie dürfen für dieses Mitglied nicht bestellen."))
    if not {"default_site", "organisation"} <= member._state.fields_cache.keys():  # not read with the member
        member = Member.objects.select_related("default_site", "organisation").get(pk=member.pk)
    for line in lines:  # read by cart_lines for this member: whether it is picked for the line's contract
        if hasattr(line, PICKED) and line.cart_id == cart.pk and cart.member_id == member.pk:
            remember_picked(member, line.contract.pk, getattr(line, PICKED))
    if getattr(member, READ_WITH_RULE, False):  # read with the member in this request (ordering_members)
        policy = getattr(member, "approval_policy", None) or ApprovalPolicy(member=member)
    else:
        policy = ApprovalPolicy.objects.filter(member=member).first() or ApprovalPolicy(member=member)
    plan = Plan(member=member, cart=cart, token=review_token(actor, member, cart, lines, policy), policy=policy)
    if not lines:
        plan.problems.append(DomainError(_("Der Warenkorb ist leer.")))
        return plan
    plan.problems += required_fields(member, cart, lines)
    groups: dict[tuple[int, int], list[CartLine]] = defaultdict(list)
    contracts: dict[int, FrameworkContract] = {}
    lots: dict[tuple[int, int], Lot] = {}
    for line in lines:
        try:
            contract = check_line(line, member, day, awarded=awarded)
        except DomainError as exc:
            plan.problems.append(exc)
            continue
        contracts[contract.pk] = contract
        lot = line.article.lot if line.article else line.lot
        assert lot is not None
        groups[(contract.pk, lot.supplier_id)].append(line)
        lots.setdefault((contract.pk, lot.supplier_id), lot)
    approvers: list[Approver] | None = None  # read once, and only when an order needs approval
    spent: dict[int, Decimal] = {}
    for (contract_id, supplier_id), group in sorted(groups.items()):
        contract = contracts[contract_id]
        order = Order(
            member=member,
            contract=contract,
            supplier=lots[(contract_id, supplier_id)].supplier,
            requester=actor,
            status=OrderStatus.PENDING,
            legal_basis=_("Abruf aus Rahmenvertrag %(number)s (%(basis)s)")
            % {"number": contract.number, "basis": contract.get_legal_basis_display()},
            total=ZERO,
        )
        order_lines = [order_line(order, position, cl, cart, member) for position, cl in enumerate(group, 1)]
        order.total = sum((ln.total for ln in order_lines), ZERO)
        order.savings = sum((ln.savings for ln in order_lines), ZERO)
        order.steps_required = policy.steps_for(order.total)
        order.warnings = warnings_for(order, member, order_lines, day.year, spent)
        if order.steps_required and approvers is None:
            approvers = list(
                Approver.objects.filter(member=member)
                .exclude(user=actor)
                .select_related("user")
                .order_by("step", "is_substitute")
            )
        steps = [[a for a in approvers or [] if a.step == step] for step in range(1, order.steps_required + 1)]
        if steps and not steps[0]:
            plan.problems.append(
                DomainError(
                    _(
                        "Für %(member)s ist niemand zur Freigabe eingetragen; "
                        "bitte die Administration des Mitglieds fragen."
                    )
                    % {"member": member.name}
                )
            )
        plan.orders.append(PlannedOrder(order=order, lines=order_lines, cart_lines=group, approvers=steps))
    return plan


def review(actor: Any, member: Member) -> Plan:
    """The plan of the user's cart for the member as it is now (for the review page; nothing is locked)."""
    cart = selectors.cart_of(actor, member) or Cart(user=actor, member=member)
    return build(actor, member, cart, cart_lines(cart), timezone.localdate())


def cart_line_count(user: Any) -> int | None:
    """Lines in the user's carts (all members they order for), for the header; None for people who do
    not order."""
    if not getattr(user, "is_authenticated", False) or not ordering_members(user):
        return None
    return CartLine.objects.filter(cart__user=user).count()
