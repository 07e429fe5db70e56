"""The award optimiser on small instances whose optimum is computed by hand (and by brute force)."""

import io
import itertools
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from kitu.bundling.optimizer import InstanceError, optimize, parse_instance


def offer(supplier: str, item: str, *tiers: tuple[int, str], low: int = 0, high: int | None = None) -> dict[str, Any]:
    return {
        "supplier": supplier,
        "item": item,
        "min_quantity": low,
        "max_quantity": high,
        "tiers": [{"min_quantity": q, "unit_price": p} for q, p in tiers],
    }


def instance(demand: dict[tuple[str, str], int], offers: list[dict[str, Any]], lots: Any = ()) -> dict[str, Any]:
    items = list(dict.fromkeys(item for _m, item in demand))
    return {
        "items": [{"id": i} for i in items],
        "demand": [{"member": m, "item": i, "quantity": q} for (m, i), q in demand.items()],
        "offers": offers,
        "lots": [{"supplier": s, "items": list(its)} for s, its in lots],
    }


def awards(result: dict[str, Any]) -> set[tuple[str, str, int, str]]:
    return {(a["supplier"], a["item"], a["quantity"], a["unit_price"]) for a in result["awards"]}


def brute_force(data: dict[str, Any]) -> Decimal | None:
    """Every split of every item's demand among its offers, with lots — the optimum by enumeration."""
    inst = parse_instance(data)
    need = inst.item_demand()
    choices = []
    for item in inst.items:
        offers = [o for o in inst.offers if o.item == item]
        splits = [
            split for split in itertools.product(range(need[item] + 1), repeat=len(offers)) if sum(split) == need[item]
        ]
        choices.append([dict(zip([(o.supplier, item) for o in offers], s, strict=True)) for s in splits])
    best = None
    for combo in itertools.product(*choices):
        quantity = {k: v for part in combo for k, v in part.items()}
        cost = Decimal(0)
        for o in inst.offers:
            q = quantity.get((o.supplier, o.item), 0)
            price = o.price_at(q)
            if q and (price is None or q < o.min_quantity or (o.max_quantity is not None and q > o.max_quantity)):
                break
            cost += q * (price or 0)
        else:
            whole = all(
                len({quantity.get((lot.supplier, i), 0) == need[i] for i in lot.items}) == 1
                and all(quantity.get((lot.supplier, i), 0) in (0, need[i]) for i in lot.items)
                for lot in inst.lots
            )
            if whole and (best is None or cost < best):
                best = cost
    return best


def test_tier_boundary_makes_the_larger_award_cheaper() -> None:
    # 11 notebooks: all to A reaches A's tier at 10 (900) = 9,900; B is 950 but holds at most 8.
    data = instance(
        {("Zeitz", "NB"): 6, ("Barleben", "NB"): 5},
        [offer("A", "NB", (1, "1000.00"), (10, "900.00")), offer("B", "NB", (1, "950.00"), high=8)],
    )
    result = optimize(data)
    assert result["status"] == "optimal" and result["total_cost"] == "9900.00"
    assert awards(result) == {("A", "NB", 11, "900.00")}
    # each bought alone at its own quantity: B at 950 is cheapest for 6 and for 5
    assert result["members"] == [
        {"member": "Barleben", "spend_alone": "4750.00", "spend": "4500.00", "savings": "250.00"},
        {"member": "Zeitz", "spend_alone": "5700.00", "spend": "5400.00", "savings": "300.00"},
    ]
    assert result["gap"] == 0.0 and result["solve_seconds"] >= 0
    assert brute_force(data) == Decimal("9900.00")


def test_one_unit_below_a_tier_pays_the_lower_tier_for_all_units() -> None:
    # 9 units: A's 10+ price does not apply (all units at 1000 = 9,000); B 950 x 8 + A 1000 x 1 = 8,600
    data = instance(
        {("Zeitz", "NB"): 9}, [offer("A", "NB", (1, "1000"), (10, "500")), offer("B", "NB", (1, "950"), high=8)]
    )
    result = optimize(data)
    assert result["total_cost"] == "8600" and awards(result) == {("B", "NB", 8, "950"), ("A", "NB", 1, "1000")}
    assert brute_force(data) == Decimal("8600")


def test_capacity_and_minimum_quantities() -> None:
    # 30 units; C is cheapest (100) but only from 20 up to 25; D takes the rest at 120 only from 10.
    # C 20 + D 10 = 3,200; C 25 + D 5 is not allowed (D's minimum); E (150) may take 5: C 25 + E 5 = 3,250.
    data = instance(
        {("Harz", "SW"): 30},
        [
            offer("C", "SW", (1, "100"), low=20, high=25),
            offer("D", "SW", (1, "120"), low=10),
            offer("E", "SW", (1, "150")),
        ],
    )
    result = optimize(data)
    assert result["total_cost"] == "3200" and awards(result) == {("C", "SW", 20, "100"), ("D", "SW", 10, "120")}
    assert brute_force(data) == Decimal("3200")


def test_a_lot_is_awarded_whole_or_not_at_all() -> None:
    # L is cheapest for notebooks but must take the docks too (expensive there): 10x500 + 10x200 = 7,000,
    # against N for both: 10x550 + 10x100 = 6,500 — the lot loses.
    demand = {("Stendal", "NB"): 10, ("Stendal", "DOCK"): 10}
    offers = [
        offer("L", "NB", (1, "500")),
        offer("L", "DOCK", (1, "200")),
        offer("N", "NB", (1, "550")),
        offer("N", "DOCK", (1, "100")),
    ]
    with_lot = optimize(instance(demand, offers, lots=[("L", ("NB", "DOCK"))]))
    assert with_lot["total_cost"] == "6500" and awards(with_lot) == {("N", "NB", 10, "550"), ("N", "DOCK", 10, "100")}
    without = optimize(instance(demand, offers))
    assert without["total_cost"] == "6000" and awards(without) == {("L", "NB", 10, "500"), ("N", "DOCK", 10, "100")}
    assert brute_force(instance(demand, offers, lots=[("L", ("NB", "DOCK"))])) == Decimal("6500")


def test_spend_is_shared_at_the_average_awarded_price() -> None:
    # 12 units: B 8 at 950 + A 4 at 1000 = 11,600, average 966.666…; Zeitz 9 units, Barleben 3
    data = instance(
        {("Zeitz", "NB"): 9, ("Barleben", "NB"): 3},
        [offer("A", "NB", (1, "1000")), offer("B", "NB", (1, "950"), high=8)],
    )
    result = optimize(data)
    assert result["total_cost"] == "11600"
    spend = {m["member"]: m["spend"] for m in result["members"]}
    assert spend == {"Zeitz": "8700.00", "Barleben": "2900.00"}
    alone = {m["member"]: m["spend_alone"] for m in result["members"]}
    assert alone == {"Zeitz": "8600.00", "Barleben": "2850.00"}  # alone each fits into B's capacity


def test_infeasible_names_the_item() -> None:
    over = optimize(
        instance({("Zeitz", "NB"): 30}, [offer("A", "NB", (1, "1"), high=10), offer("B", "NB", (1, "1"), high=15)])
    )
    assert over["status"] == "infeasible" and over["awards"] == [] and over["members"] == []
    assert over["message"] == "item 'NB': demand 30 exceeds the total capacity 25 of all offers"
    minimum = optimize(instance({("Zeitz", "NB"): 5}, [offer("A", "NB", (1, "1"), low=10)]))
    assert minimum["status"] == "infeasible" and "'NB'" in minimum["message"]
    missing = optimize(instance({("Zeitz", "TAB"): 1}, []))
    assert missing["message"] == "item 'TAB': demand 1 but no offer"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"items": "x"}, "items: expected a list"),
        ({"items": [{"id": "A"}, {"id": "A"}], "demand": [], "offers": []}, "items[1].id: 'A' is listed twice"),
        (
            {"items": [{"id": "A"}], "demand": [{"member": "M", "item": "B", "quantity": 1}], "offers": []},
            "demand[0].item: unknown item 'B'",
        ),
        (
            {"items": [{"id": "A"}], "demand": [{"member": "M", "item": "A", "quantity": -1}], "offers": []},
            "demand[0].quantity: must be at least 0, got -1",
        ),
        (
            {"items": [{"id": "A"}], "demand": [], "offers": [offer("S", "A", (1, "x"))]},
            "offers[0].tiers[0].unit_price: 'x' is not a decimal number",
        ),
        (
            {"items": [{"id": "A"}], "demand": [], "offers": [offer("S", "A", (1, "1"), low=5, high=2)]},
            "offers[0].max_quantity: 2 is below min_quantity 5",
        ),
        (
            {"items": [{"id": "A"}], "demand": [], "offers": [], "lots": [{"supplier": "S", "items": ["Z"]}]},
            "lots[0].items[0]: unknown item 'Z'",
        ),
    ],
)
def test_malformed_instances_name_the_field(data: dict[str, Any], message: str) -> None:
    with pytest.raises(InstanceError) as info:
        optimize(data)
    assert str(info.value) == message


def test_cli_prints_json_and_fails_on_malformed_input(tmp_path: Path) -> None:
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(instance({("Zeitz", "NB"): 2}, [offer("A", "NB", (1, "10.50"))])))
    out = io.StringIO()
    call_command("optimize_award", str(path), stdout=out)
    result = json.loads(out.getvalue())
    assert (result["status"], result["total_cost"], result["awards"]) == (
        "optimal",
        "21.00",
        [{"supplier": "A", "item": "NB", "quantity": 2, "unit_price": "10.50"}],
    )
    infeasible = tmp_path / "infeasible.json"
    infeasible.write_text(json.dumps(instance({("Zeitz", "NB"): 2}, [offer("A", "NB", (1, "1"), high=1)])))
    out = io.StringIO()
    call_command("optimize_award", str(infeasible), stdout=out)  # exit code 0
    assert json.loads(out.getvalue())["status"] == "infeasible"
    broken = tmp_path / "broken.json"
    broken.write_text('{"items": [')
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("optimize_award", str(broken))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("optimize_award", str(tmp_path / "missing.json"))


def test_member_that_cannot_buy_alone_is_priced_per_item() -> None:
    # the supplier takes orders from 10 units: together 11 is fine, Barleben's 3 alone is not
    data = instance({("Zeitz", "NB"): 8, ("Barleben", "NB"): 3}, [offer("A", "NB", (5, "100"), low=10)])
    result = optimize(data)
    assert result["total_cost"] == "1100"
    assert result["members"] == [
        # alone: 3 units are below A's first tier (5): priced at the first tier's price
        {"member": "Barleben", "spend_alone": "300.00", "spend": "300.00", "savings": "0.00"},
        {"member": "Zeitz", "spend_alone": "800.00", "spend": "800.00", "savings": "0.00"},
    ]
    assert result["message"].endswith(
        "for Barleben, Zeitz: their spend alone is priced per item at the cheapest offer instead"
    )
