"""Demo services of the cooperative with price lists, and subscriptions of most members, so that a billing
run for any month of 2026 issues invoices. Prices and quantities are plausible placeholders (Demodaten)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kitu.billing.models import Price, PriceTier, QuantityChange, Service, Subscription
from kitu.members.models import CostCentre, Member

D = dt.date
# code, name, category, pricing, interval, unit code, unit, price, tiers, VAT, contract, description
SERVICES: tuple[tuple[str, str, str, str, str, str, str, str, tuple[tuple[int, str], ...], str, str, str], ...] = (
    (
        "hosting-fv",
        "Hosting Fachverfahren",
        "hosting",
        "flat",
        "month",
        "C62",
        "Verfahren",
        "1450.00",
        (),
        "19.00",
        "DLV-2024-01",
        "Betrieb eines Fachverfahrens im Rechenzentrum der Genossenschaft, inklusive Datensicherung.",
    ),
    (
        "dms",
        "Dokumentenmanagement / E-Akte je Arbeitsplatz",
        "dms",
        "per_unit",
        "month",
        "C62",
        "Arbeitsplatz",
        "18.50",
        ((100, "16.00"), (250, "14.50")),
        "19.00",
        "DLV-2024-03",
        "E-Akte nach DOMEA-Organisationskonzept, Scan- und Archivanbindung.",
    ),
    (
        "finanz",
        "Finanzverfahren (Doppik) je Einwohner",
        "finance",
        "per_unit",
        "year",
        "IE",
        "Einwohner",
        "0.95",
        ((20000, "0.85"), (50000, "0.75")),
        "19.00",
        "DLV-2024-04",
        "Haushalt, Kasse und Anlagenbuchhaltung.",
    ),
    (
        "personal",
        "Personalabrechnung je Abrechnungsfall",
        "hr",
        "per_unit",
        "month",
        "C62",
        "Abrechnungsfall",
        "6.90",
        (),
        "19.00",
        "DLV-2024-06",
        "Entgelt- und Besoldungsabrechnung mit Meldewesen.",
    ),
    (
        "ratsinfo",
        "Ratsinformationssystem (Gremienarbeit)",
        "council",
        "flat",
        "month",
        "C62",
        "Mandant",
        "390.00",
        (),
        "19.00",
        "DLV-2024-07",
        "Sitzungsdienst, Bürger- und Mandatsträgerportal.",
    ),
    (
        "betrieb-ap",
        "Betriebsführung je Arbeitsplatz",
        "operations",
        "per_unit",
        "month",
        "C62",
        "Arbeitsplatz",
        "32.00",
        ((50, "29.50"), (200, "27.00")),
        "19.00",
        "DLV-2024-02",
        "Client-Management, Patchen, Servicedesk zu den Geschäftszeiten.",
    ),
    (
        "schul-ipad",
        "Schul-iPad-Verwaltung (MDM) je Gerät",
        "school",
        "per_unit",
        "month",
        "C62",
        "Gerät",
        "3.20",
        ((500, "2.80"),),
        "19.00",
        "DLV-2024-08",
        "Geräteverwaltung und App-Verteilung für Schulen in Trägerschaft.",
    ),
    (
        "schulung",
        "Schulungstag",
        "training",
        "one_off",
        "month",
        "DAY",
        "Tag",
        "690.00",
        (),
        "19.00",
        "DLV-2024-05",
        "Ganztägige Schulung vor Ort oder online, bis zwölf Teilnehmende.",
    ),
    (
        "beitrag",
        "Mitgliedsbeitrag",
        "membership",
        "flat",
        "year",
        "C62",
        "Jahr",
        "1200.00",
        (),
        "0.00",
        "Satzung § 12",
        "Jährlicher Beitrag nach der Satzung der Genossenschaft.",
    ),
)
WORKPLACES = {"landkreis": 420, "stadt": 140, "gemeinde": 45, "verbandsgemeinde": 60, "gmbh": 80, "zweckverband": 25}
INHABITANTS = {"landkreis": 180000, "stadt": 32000, "gemeinde": 9000, "verbandsgemeinde": 12000}


def seed_billing() -> int:
    """The services and the members' subscriptions; returns how many services were created (0 when present)."""
    if Service.objects.filter(code="beitrag").exists():
        return 0
    services = {}
    for code, name, category, model, interval, unit, label, amount, tiers, vat, contract, text in SERVICES:
        service = Service.objects.create(
            code=code,
            name=name,
            category=category,
            pricing=model,
            interval=interval,
            unit_code=unit,
            unit_label=label,
            vat_rate=Decimal(vat),
            contract_reference=contract,
            description=text,
            notice_months=12 if category == "membership" else 3,
            is_demo=True,
        )
        price = Price.objects.create(service=service, valid_from=D(2024, 1, 1), amount=Decimal(amount))
        for minimum, tier in tiers:
            PriceTier.objects.create(price=price, min_quantity=minimum, amount=Decimal(tier))
        services[code] = service
    Price.objects.create(service=services["hosting-fv"], valid_from=D(2026, 7, 1), amount=Decimal("1520.00"))
    members = Member.objects.with_name().filter(joined_on__isnull=False, left_on__isnull=True).order_by("member_number")
    for index, member in enumerate(members):
        _subscribe_member(member, index, services)
    return len(services)


def _subscribe(member: Member, service: Service, start: dt.date, quantity: int, **extra: object) -> Subscription:
    subscription = Subscription.objects.create(
        member=member, service=service, starts_on=start, notice_months=service.notice_months, is_demo=True, **extra
    )
    QuantityChange.objects.create(subscription=subscription, effective_from=start, quantity=quantity)
    return subscription


def _subscribe_member(member: Member, index: int, services: dict[str, Service]) -> None:
    joined = member.joined_on or D(2024, 1, 1)
    start = max(joined, D(2024, 1, 1))
    _subscribe(member, services["beitrag"], joined, 1)
    if index % 7 == 6:
        return  # some members use no shared service yet: only the fee
    kind = member.member_type
    seats = WORKPLACES.get(kind, 40) + (index * 7) % 30
    centre = CostCentre.objects.filter(member=member).first()
    operations = _subscribe(member, services["betrieb-ap"], start, seats, cost_centre=centre)
    if member.name == "Stadt Wernigerode":
        QuantityChange.objects.create(subscription=operations, effective_from=D(2026, 6, 1), quantity=seats + 15)
        _subscribe(member, services["schulung"], D(2026, 3, 10), 2)
    if index % 2 == 0:
        _subscribe(member, services["dms"], max(start, D(2025, 4, 1)), max(seats // 2, 10))
    if index % 3 == 0:
        _subscribe(member, services["hosting-fv"], start, 1)
    if kind in INHABITANTS and index % 3 != 2:
        _subscribe(member, services["finanz"], start, INHABITANTS[kind] + index * 113)
    if index % 4 == 1:
        _subscribe(member, services["personal"], start, seats * 2)
    if kind in ("stadt", "landkreis", "verbandsgemeinde") and index % 2 == 1:
        _subscribe(member, services["ratsinfo"], start, 1)
    if kind in ("stadt", "landkreis") and index % 5 == 0:
        _subscribe(member, services["schul-ipad"], D(2025, 8, 1), 150 + index * 20)
