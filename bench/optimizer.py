"""Award optimiser benchmark (run by `make bench`): 100 members x 50 items x 5 suppliers x 4 tiers.

Prints the time to the proven optimum (the joint award alone, and with the 100 members' buy-alone
awards the CLI also computes) and the total cost against a greedy baseline: each item to the one
supplier with the cheapest price at the item's total quantity (where its capacity allows)."""

from __future__ import annotations

import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kitu.bundling.optimizer import member_results, parse_instance, solve

MEMBERS, ITEMS, SUPPLIERS, TIERS = 100, 50, 5, 4


def generate(seed: int = 2026) -> dict[str, object]:
    rng = random.Random(seed)
    items = [f"I{i:02d}" for i in range(ITEMS)]
    demand = [
        {"member": f"M{m:03d}", "item": item, "quantity": rng.randint(1, 40)}
        for m in range(MEMBERS)
        for item in items
        if rng.random() < 0.4
    ]
    offers = []
    for item in items:
        base = rng.uniform(50, 2000)
        for s in range(SUPPLIERS):
            price = base * rng.uniform(0.85, 1.15)
            tiers = []
            for t in range(TIERS):
                tiers.append({"min_quantity": [1, 100, 300, 600][t], "unit_price": f"{price * (1 - 0.04 * t):.2f}"})
            capacity = rng.choice([None, rng.randint(300, 900)])
            offers.append(
                {
                    "supplier": f"S{s}",
                    "item": item,
                    "min_quantity": rng.choice([0, 0, 50]),
                    "max_quantity": capacity,
                    "tiers": tiers,
                }
            )
    return {"items": [{"id": i} for i in items], "demand": demand, "offers": offers, "lots": []}


def greedy(instance) -> Decimal | None:  # type: ignore[no-untyped-def]
    total = Decimal(0)
    for item, quantity in instance.item_demand().items():
        prices = [
            o.price_at(quantity)
            for o in instance.offers
            if o.item == item
            and (o.max_quantity is None or o.max_quantity >= quantity)
            and quantity >= o.min_quantity
            and o.price_at(quantity) is not None
        ]
        if not prices:
            return None
        total += quantity * min(p for p in prices if p is not None)
    return total


def main() -> None:
    instance = parse_instance(generate())
    started = time.perf_counter()
    solution = solve(instance)
    joint = time.perf_counter() - started
    members = member_results(instance, solution)
    everything = time.perf_counter() - started
    baseline = greedy(instance)
    cost = solution.total_cost
    print(
        f"optimiser: {MEMBERS} members x {ITEMS} items x {SUPPLIERS} suppliers x {TIERS} tiers, {len(instance.demand)} demand lines"
    )
    print(f"joint award  {joint * 1000:8.1f} ms to proven optimum ({solution.status}, gap {solution.gap:.4%})")
    print(f"with members {everything * 1000:8.1f} ms (and the {len(members)} buy-alone awards)")
    if baseline is None:
        print(f"total cost   {cost:>14}   greedy baseline: infeasible (single-supplier capacities too small)")
    else:
        print(
            f"total cost   {cost:>14}   greedy baseline {baseline:>14}   {float((baseline - cost) / baseline):.2%} cheaper"
        )


if __name__ == "__main__":
    main()
