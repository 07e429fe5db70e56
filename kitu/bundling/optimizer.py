"""The award optimiser: which supplier gets how much of each item, at least total cost, proven optimal.

A mixed-integer linear programme solved by HiGHS (highspy). For every offer (supplier, item) and every
price tier t of it, a binary ``use[t]`` says "the supplier's quantity of the item falls in tier t" and an
integer ``qty[t]`` is that quantity, bounded by the tier's range (from its ``min_quantity`` to one below
the next tier's, since the price of the highest tier reached applies to all units) and by the offer's
minimum and maximum. At most one tier per offer; each item's demand is awarded exactly; a lot ties the
supplier's quantity of each of its items to all of the item's demand or nothing. Prices are scaled to
integers, so the objective is integral and a gap below one scaled unit proves the optimum.

Pure Python and highspy, no Django: the CLI, the pages and the benchmark call ``optimize``."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")


class InstanceError(ValueError):
    """The instance is malformed; the message says where."""


@dataclass(frozen=True)
class Tier:
    min_quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class Offer:
    supplier: str
    item: str
    min_quantity: int
    max_quantity: int | None
    tiers: tuple[Tier, ...]  # ascending min_quantity

    def price_at(self, quantity: int) -> Decimal | None:
        """Unit price of the highest tier ``quantity`` reaches (None below the first tier)."""
        price = None
        for tier in self.tiers:
            if quantity >= tier.min_quantity:
                price = tier.unit_price
        return price


@dataclass(frozen=True)
class Lot:
    supplier: str
    items: tuple[str, ...]


@dataclass
class Instance:
    items: list[str]
    demand: dict[tuple[str, str], int]  # (member, item) -> quantity
    offers: list[Offer]
    lots: list[Lot] = field(default_factory=list)

    def item_demand(self) -> dict[str, int]:
        totals = dict.fromkeys(self.items, 0)
        for (_member, item), quantity in self.demand.items():
            totals[item] += quantity
        return totals


@dataclass(frozen=True)
class Award:
    supplier: str
    item: str
    quantity: int
    unit_price: Decimal


@dataclass
class Solution:
    status: str  # optimal | infeasible
    message: str
    awards: list[Award] = field(default_factory=list)
    solve_seconds: float = 0.0
    gap: float = 0.0

    @property
    def total_cost(self) -> Decimal:
        return sum((a.unit_price * a.quantity for a in self.awards), Decimal("0"))


# --- reading the instance -------------------------------------------------------------------------


def _int(value: Any, where: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InstanceError(f"{where}: expected an integer, got {value!r}")
    if value < minimum:
        raise InstanceError(f"{where}: must be at least {minimum}, got {value}")
    return value


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise InstanceError(f"{where}: expected a non-empty string, got {value!r}")
    return value


def _list(data: dict[str, Any], key: str, *, required: bool = True) -> list[Any]:
    value = data.get(key, None if required else [])
    if not isinstance(value, list):
        raise InstanceError(f"{key}: expected a list" + ("" if key in data else " (missing)"))
    return value


def parse_instance(data: Any) -> Instance:
    """The instance from its JSON form (see the CLI); raises InstanceError naming the bad field."""
    if not isinstance(data, dict):
        raise InstanceError("the instance must be a JSON object")
    items: list[str] = []
    for n, entry in enumerate(_list(data, "items")):
        if not isinstance(entry, dict):
            raise InstanceError(f"items[{n}]: expected an object")
        item = _str(entry.get("id"), f"items[{n}].id")
        if item in items:
            raise InstanceError(f"items[{n}].id: {item!r} is listed twice")
        items.append(item)
    known = set(items)
    demand: dict[tuple[str, str], int] = defaultdict(int)
    for n, entry in enumerate(_list(data, "demand")):
        where = f"demand[{n}]"
        if not isinstance(entry, dict):
            raise InstanceError(f"{where}: expected an object")
        member = _str(entry.get("member"), f"{where}.member")
        item = _str(entry.get("item"), f"{where}.item")
        if item not in known:
            raise InstanceError(f"{where}.item: unknown item {item!r}")
        demand[member, item] += _int(entry.get("quantity"), f"{where}.quantity")
    offers: list[Offer] = []
    seen: set[tuple[str, str]] = set()
    for n, entry in enumerate(_list(data, "offers")):
        where = f"offers[{n}]"
        if not isinstance(entry, dict):
            raise InstanceError(f"{where}: expected an object")
        supplier = _str(entry.get("supplier"), f"{where}.supplier")
        item = _str(entry.get("item"), f"{where}.item")
        if item not in known:
            raise InstanceError(f"{where}.item: unknown item {item!r}")
        if (supplier, item) in seen:
            raise InstanceError(f"{where}: a second offer of {supplier!r} for {item!r}")
        seen.add((supplier, item))
        minimum = _int(entry.get("min_quantity", 0), f"{where}.min_quantity")
        maximum_raw = entry.get("max_quantity")
        maximum = None if maximum_raw is None else _int(maximum_raw, f"{where}.max_quantity")
        if maximum is not None and maximum < minimum:
            raise InstanceError(f"{where}.max_quantity: {maximum} is below min_quantity {minimum}")
        tiers = []
        raw_tiers = entry.get("tiers")
        if not isinstance(raw_tiers, list) or not raw_tiers:
            raise InstanceError(f"{where}.tiers: expected a non-empty list")
        for t, tier in enumerate(raw_tiers):
            tw = f"{where}.tiers[{t}]"
            if not isinstance(tier, dict):
                raise InstanceError(f"{tw}: expected an object")
            price_raw = tier.get("unit_price")
            if not isinstance(price_raw, str):
                raise InstanceError(f"{tw}.unit_price: expected a decimal string, got {price_raw!r}")
            try:
                price = Decimal(price_raw)
            except InvalidOperation:
                raise InstanceError(f"{tw}.unit_price: {price_raw!r} is not a decimal number") from None
            if not price.is_finite() or price < 0:
                raise InstanceError(f"{tw}.unit_price: must be a finite number of at least 0, got {price_raw!r}")
            tiers.append(Tier(_int(tier.get("min_quantity"), f"{tw}.min_quantity"), price))
        bounds = [t.min_quantity for t in tiers]
        if len(set(bounds)) != len(bounds):
            raise InstanceError(f"{where}.tiers: two tiers with the same min_quantity")
        offers.append(Offer(supplier, item, minimum, maximum, tuple(sorted(tiers, key=lambda t: t.min_quantity))))
    lots = []
    for n, entry in enumerate(_list(data, "lots", required=False)):
        where = f"lots[{n}]"
        if not isinstance(entry, dict):
            raise InstanceError(f"{where}: expected an object")
        supplier = _str(entry.get("supplier"), f"{where}.supplier")
        lot_items = entry.get("items")
        if not isinstance(lot_items, list) or not lot_items:
            raise InstanceError(f"{where}.items: expected a non-empty list")
        for i, item in enumerate(lot_items):
            if _str(item, f"{where}.items[{i}]") not in known:
                raise InstanceError(f"{where}.items[{i}]: unknown item {item!r}")
        lots.append(Lot(supplier, tuple(dict.fromkeys(lot_items))))
    return Instance(items, dict(demand), offers, lots)


# --- the model ------------------------------------------------------------------------------------


def _scale(instance: Instance) -> int:
    """10^d for the most decimal places among the prices (at most 6), making every price an integer."""
    places = 0
    for offer in instance.offers:
        for tier in offer.tiers:
            exponent = tier.unit_price.as_tuple().exponent
            if isinstance(exponent, int):
                places = max(places, -exponent)
    return 10 ** min(places, 6)


@dataclass
class _Var:
    offer: Offer
    tier: int
    use: int  # column of the binary
    qty: int  # column of the quantity


def solve(
    instance: Instance,
    demand: dict[str, int] | None = None,
    time_limit: float = 300.0,
    *,
    explain: bool = True,
    split: bool = True,
) -> Solution:
    """The cost-minimal award of ``demand`` per item (default: the instance's total demand). ``explain``:
    find the item to name when there is no feasible award; ``split``: solve independent groups of items
    one by one (much faster for the joint demand; a single member's small model is faster whole)."""
    import highspy
    import numpy as np

    demand = instance.item_demand() if demand is None else demand
    unmet = _capacity_problem(instance, demand)
    if unmet:
        return Solution("infeasible", unmet)
    parts = [p for p in _components(instance) if any(demand.get(i) for i in p.items)] if split else [instance]
    if len(parts) > 1:
        # items not tied together by a lot are independent problems: many small ones solve far faster
        solutions = [
            solve(part, {i: demand.get(i, 0) for i in part.items}, time_limit, explain=explain) for part in parts
        ]
        failed = next((s for s in solutions if s.status != "optimal"), None)
        seconds = sum(s.solve_seconds for s in solutions)
        if failed is not None:
            return Solution(failed.status, failed.message, solve_seconds=seconds)
        awards = sorted(
            (a for s in solutions for a in s.awards), key=lambda a: (instance.items.index(a.item), a.supplier)
        )
        gap = max(s.gap for s in solutions)
        return Solution("optimal", _proven(gap, seconds), awards, seconds, gap)
    scale = _scale(instance)
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("mip_abs_gap", 0.5)  # the objective is integral: below 1 means optimal
    highs.setOptionValue("time_limit", float(time_limit))
    highs.setOptionValue("threads", 1)
    inf = highspy.kHighsInf
    costs: list[float] = []
    lower: list[float] = []
    upper: list[float] = []
    variables: list[_Var] = []
    rows: list[tuple[float, float, tuple[tuple[int, float], ...]]] = []
    by_offer: dict[tuple[str, str], list[_Var]] = defaultdict(list)
    for offer in instance.offers:
        need = demand.get(offer.item, 0)
        if need == 0:
            continue
        cap = need if offer.max_quantity is None else min(need, offer.max_quantity)
        for t, tier in enumerate(offer.tiers):
            low = max(tier.min_quantity, offer.min_quantity, 1)
            high = cap if t + 1 == len(offer.tiers) else min(cap, offer.tiers[t + 1].min_quantity - 1)
            if low > high:
                continue
            var = _Var(offer, t, len(costs), len(costs) + 1)
            costs += [0.0, float(int(tier.unit_price * scale))]
            lower += [0.0, 0.0]
            upper += [1.0, float(high)]
            variables.append(var)
            by_offer[offer.supplier, offer.item].append(var)
            # low * use <= qty <= high * use
            rows.append((0.0, inf, ((var.qty, 1.0), (var.use, -float(low)))))
            rows.append((-inf, 0.0, ((var.qty, 1.0), (var.use, -float(high)))))
    lots_start = len(costs)
    for _lot in instance.lots:
        costs.append(0.0)
        lower.append(0.0)
        upper.append(1.0)
    columns = len(costs)
    highs.addVars(columns, np.array(lower), np.array(upper))
    highs.changeColsCost(columns, np.arange(columns, dtype=np.int32), np.array(costs))
    highs.changeColsIntegrality(
        columns, np.arange(columns, dtype=np.int32), np.array([highspy.HighsVarType.kInteger] * columns)
    )
    for pair_vars in by_offer.values():  # at most one tier per offer
        rows.append((-inf, 1.0, tuple((v.use, 1.0) for v in pair_vars)))
    for item in instance.items:
        need = demand.get(item, 0)
        if need:
            row = tuple((v.qty, 1.0) for v in variables if v.offer.item == item)
            rows.append((float(need), float(need), row))
    for n, lot in enumerate(instance.lots):
        whole = lots_start + n
        for item in lot.items:
            need = demand.get(item, 0)
            if not need:
                continue
            row = tuple((v.qty, 1.0) for v in by_offer.get((lot.supplier, item), ()))
            # the supplier's quantity of the item is all of it (whole = 1) or nothing (whole = 0)
            rows.append((0.0, 0.0, (*row, (whole, -float(need)))))
    for row_low, row_high, entries in rows:
        index = np.array([c for c, _ in entries], dtype=np.int32)
        value = np.array([v for _, v in entries])
        highs.addRow(row_low, row_high, len(entries), index, value)
    started = time.perf_counter()
    highs.run()
    seconds = time.perf_counter() - started
    status = highs.getModelStatus()
    if status == highspy.HighsModelStatus.kModelEmpty and not any(demand.values()):
        return Solution("optimal", "no demand: nothing to award", solve_seconds=seconds)
    if status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kModelEmpty):
        message = _explain_infeasible(instance, demand) if explain else "no feasible award"
        return Solution("infeasible", message, solve_seconds=seconds)
    if status != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"HiGHS stopped without a proven optimum: {highs.modelStatusToString(status)}")
    values = highs.getSolution().col_value
    awards = []
    for var in variables:
        quantity = round(values[var.qty])
        if quantity > 0:
            awards.append(Award(var.offer.supplier, var.offer.item, quantity, var.offer.tiers[var.tier].unit_price))
    info = highs.getInfo()
    gap = float(info.mip_gap) if info.mip_gap < inf else 0.0
    return Solution(
        "optimal",
        _proven(gap, seconds),
        sorted(awards, key=lambda a: (instance.items.index(a.item), a.supplier)),
        seconds,
        gap,
    )


def _proven(gap: float, seconds: float) -> str:
    return f"proven optimal (HiGHS, gap {gap:.4%}, {seconds:.3f} s)"


def _components(instance: Instance) -> list[Instance]:
    """The instance split into groups of items connected by lots (each item alone when there are none)."""
    group = {item: item for item in instance.items}

    def root(item: str) -> str:
        while group[item] != item:
            group[item] = group[group[item]]
            item = group[item]
        return item

    for lot in instance.lots:
        for item in lot.items[1:]:
            group[root(item)] = root(lot.items[0])
    members: dict[str, list[str]] = defaultdict(list)
    for item in instance.items:
        members[root(item)].append(item)
    if len(members) == 1:
        return [instance]
    return [
        Instance(
            items,
            {k: v for k, v in instance.demand.items() if k[1] in items},
            [o for o in instance.offers if o.item in items],
            [lot for lot in instance.lots if lot.items[0] in items],
        )
        for items in members.values()
    ]


def _capacity_problem(instance: Instance, demand: dict[str, int]) -> str:
    """A clear message for an item whose demand no set of offers can cover (no offer, or above the sum
    of the maximum quantities)."""
    for item in instance.items:
        need = demand.get(item, 0)
        if not need:
            continue
        offers = [o for o in instance.offers if o.item == item]
        if not offers:
            return f"item {item!r}: demand {need} but no offer"
        if all(o.max_quantity is not None for o in offers):
            capacity = sum(o.max_quantity or 0 for o in offers)
            if need > capacity:
                return f"item {item!r}: demand {need} exceeds the total capacity {capacity} of all offers"
    return ""


def _explain_infeasible(instance: Instance, demand: dict[str, int]) -> str:
    """Name the first item that cannot be awarded on its own (minimum quantities, tier gaps); otherwise
    the lots are what cannot be met together."""
    for item in instance.items:
        if not demand.get(item):
            continue
        alone = Instance([item], {}, [o for o in instance.offers if o.item == item], [])
        if solve(alone, {item: demand[item]}, explain=False).status == "infeasible":
            return (
                f"item {item!r}: demand {demand[item]} cannot be split among the offers "
                "(minimum quantities or capacities)"
            )
    lot_items = sorted({i for lot in instance.lots for i in lot.items}, key=instance.items.index)
    return (
        "the lots cannot be awarded whole together with the other offers (items "
        + ", ".join(repr(i) for i in lot_items)
        + ")"
    )


# --- members' savings and the JSON result ---------------------------------------------------------


@dataclass(frozen=True)
class MemberResult:
    member: str
    spend_alone: Decimal
    spend: Decimal
    alone_estimated: bool  # buying alone had no feasible award; priced per item instead

    @property
    def savings(self) -> Decimal:
        return self.spend_alone - self.spend


def _or_first_tier(offer: Offer, quantity: int) -> Decimal:
    price = offer.price_at(quantity)
    return offer.tiers[0].unit_price if price is None else price


def _alone_per_item(instance: Instance, wanted: dict[str, int]) -> Decimal:
    """Fallback for a member that could not buy alone under the offers' minimums, capacities and lots:
    per item the cheapest offer at the member's own quantity (below an offer's first tier, its first
    tier's price)."""
    total = Decimal("0")
    for item, quantity in wanted.items():
        prices = [_or_first_tier(o, quantity) for o in instance.offers if o.item == item]
        total += quantity * min(prices)
    return total


def member_results(instance: Instance, solution: Solution) -> list[MemberResult]:
    """Per member: the cheapest cost of its own demand bought alone (the same offers, tiers reached by
    its own quantities), its spend at the average unit price awarded per item, and the difference."""
    cost: dict[str, Decimal] = defaultdict(Decimal)
    for award in solution.awards:
        cost[award.item] += award.unit_price * award.quantity
    totals = instance.item_demand()
    wanted_by_member: dict[str, dict[str, int]] = defaultdict(dict)
    for (member, item), quantity in instance.demand.items():
        if quantity:
            wanted_by_member[member][item] = quantity
    results = []
    for member in sorted(wanted_by_member):
        wanted = wanted_by_member[member]
        alone = solve(instance, wanted, explain=False, split=False)
        estimated = alone.status != "optimal"
        spend_alone = _alone_per_item(instance, wanted) if estimated else alone.total_cost
        spend = sum((cost[item] * quantity / totals[item] for item, quantity in wanted.items()), Decimal("0"))
        results.append(
            MemberResult(
                member,
                spend_alone.quantize(CENT, ROUND_HALF_UP),
                spend.quantize(CENT, ROUND_HALF_UP),
                estimated,
            )
        )
    return results


def optimize(data: Any) -> dict[str, Any]:
    """The CLI's JSON result for a JSON instance (raises InstanceError for malformed input)."""
    instance = parse_instance(data)
    solution = solve(instance)
    result: dict[str, Any] = {
        "status": solution.status,
        "total_cost": str(solution.total_cost) if solution.status == "optimal" else "0",
        "awards": [
            {"supplier": a.supplier, "item": a.item, "quantity": a.quantity, "unit_price": str(a.unit_price)}
            for a in solution.awards
        ],
        "members": [],
        "solve_seconds": round(solution.solve_seconds, 6),
        "gap": solution.gap,
        "message": solution.message,
    }
    if solution.status == "optimal":
        members = member_results(instance, solution)
        result["members"] = [
            {"member": m.member, "spend_alone": str(m.spend_alone), "spend": str(m.spend), "savings": str(m.savings)}
            for m in members
        ]
        estimated = [m.member for m in members if m.alone_estimated]
        if estimated:
            result["message"] += (
                "; bought alone, no award meets the offers' minimums, capacities and lots for "
                + ", ".join(estimated)
                + ": their spend alone is priced per item at the cheapest offer instead"
            )
    return result
