"""Demo approval rules (Wernigerode, Zeitz), two standard baskets and a history of orders in every state,
from waiting for approval to goods received (marked Demo)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from kitu.accounts.models import User
from kitu.catalog.models import Article
from kitu.members.models import Member
from kitu.orders import approval_rules, baskets, fulfilment, services
from kitu.orders.models import ApprovalPolicy, Order, OrderStatus, StandardBasket

from .data import DEMO_DOMAIN


def _user(local: str) -> User:
    return User.objects.get(email__iexact=f"{local}@{DEMO_DOMAIN}")


def _articles(contract: str) -> list[Article]:
    return list(
        Article.objects.filter(
            contract__number=contract, is_active=True, price__isnull=False, price_on_request=False
        ).order_by("price", "pk")
    )


def _order(requester: User, member: Member, lines: list[tuple[Article, int]]) -> Order:
    for article, units in lines:
        quantity = int(article.quantity_min) + int(article.quantity_interval) * (units - 1)
        services.cart_add(actor=requester, member=member, article=article, quantity=quantity)
    (order,) = services.checkout(actor=requester, member=member)
    Order.objects.filter(pk=order.pk).update(is_demo=True)
    return order


def seed_orders() -> int:
    """Approval rules and orders, once (when Wernigerode has no rule yet); returns the orders created."""
    wernigerode = Member.objects.with_name().filter(organisation__name="Stadt Wernigerode").first()
    zeitz = Member.objects.with_name().filter(organisation__name="Stadt Zeitz").first()
    if wernigerode is None or zeitz is None or ApprovalPolicy.objects.filter(member=wernigerode).exists():
        return 0
    w_admin = _user("memberadmin.wernigerode")
    approval_rules.policy_save(
        actor=w_admin, member=wernigerode, auto_approve_up_to=Decimal("1000"), second_step_from=None
    )
    approval_rules.approver_set(actor=w_admin, member=wernigerode, user=_user("approver.wernigerode"), step=1)
    # Zeitz has no member-admin login in the demo, so its rule is written directly
    ApprovalPolicy.objects.create(member=zeitz, auto_approve_up_to=Decimal("500"))
    zeitz.approvers.create(user=_user("approver.zeitz"), step=1)
    pcs, printers = _articles("RV-2024-01"), _articles("RV-2025-02")
    if len(pcs) < 10 or not printers:
        return 0
    requester, approver = _user("requester.wernigerode"), _user("approver.wernigerode")
    created = [
        _order(requester, wernigerode, [(pcs[0], 2)]),  # small: approved without approval
        _order(requester, wernigerode, [(pcs[-1], 3), (pcs[-5], 3)]),  # waits for the approver
    ]
    two = _order(requester, wernigerode, [(pcs[-3], 2)])
    services.approve(actor=approver, order=two)
    rejected = _order(requester, wernigerode, [(pcs[-4], 6)])
    services.reject(actor=approver, order=rejected, reason="Bitte zuerst mit der IT-Leitung abstimmen (Demo).")
    cancelled = _order(requester, wernigerode, [(printers[-1], 2)])
    services.cancel(actor=requester, order=cancelled, reason="doppelt erfasst (Demo)")
    z_requester = _user("requester.zeitz")
    created += [two, rejected, cancelled, _order(z_requester, zeitz, [(pcs[1], 1)])]
    created.append(_order(z_requester, zeitz, [(pcs[-6], 2)]))
    created += _fulfilled(requester, approver, wernigerode, pcs)
    return len(created)


def _approved(order: Order, approver: User) -> Order:
    if order.status == OrderStatus.PENDING:
        services.approve(actor=approver, order=order)
    return Order.objects.get(pk=order.pk)


def _fulfilled(requester: User, approver: User, member: Member, pcs: list[Article]) -> list[Order]:
    """Orders the supplier (demo login supplier@) has confirmed, partly shipped and fully delivered."""
    supplier = _user("supplier")
    today = timezone.localdate()
    confirmed = _approved(_order(requester, member, [(pcs[3], 4)]), approver)
    fulfilment.confirm(actor=supplier, order=confirmed, delivery_date=today + dt.timedelta(days=10))
    partly = _approved(_order(requester, member, [(pcs[4], 5), (pcs[5], 2)]), approver)
    first, second = partly.lines.order_by("position")
    fulfilment.confirm(
        actor=supplier,
        order=partly,
        delivery_date=today + dt.timedelta(days=3),
        rejected={second.pk: "Modell nicht mehr lieferbar, Nachfolger folgt im Katalog (Demo)"},
    )
    fulfilment.ship(
        actor=supplier, order=partly, quantities={first.pk: 3}, shipped_on=today, delivery_note="LS-DEMO-0815"
    )
    received = _approved(_order(requester, member, [(pcs[6], 2)]), approver)
    fulfilment.confirm(actor=supplier, order=received, delivery_date=today)
    (line,) = received.lines.all()
    shipment = fulfilment.ship(
        actor=supplier,
        order=received,
        quantities={line.pk: line.quantity},
        shipped_on=today,
        delivery_note="LS-DEMO-0816",
    )
    fulfilment.receive(actor=requester, shipment=shipment, received_on=today, note="vollständig, ohne Schäden (Demo)")
    return [confirmed, partly, received]


BASKETS = (
    (
        "Standard-Arbeitsplatz",
        "Notebook mit Dockingstation, zwei Monitoren und Tastatur – die Ausstattung eines Büroarbeitsplatzes "
        "aus dem Rahmenvertrag RV-2024-01 (Demo).",
        (("Notebook", 1), ("Dockingstation", 1), ("Monitor", 2), ("Tastatur", 1)),
    ),
    (
        "Abteilungsdrucker",
        "Ein Multifunktionsdrucker für eine Abteilung aus dem Rahmenvertrag RV-2025-02 (Demo).",
        (("Multifunktionsdrucker", 1),),
    ),
)


def seed_baskets(office: User) -> int:
    """The two demo standard baskets, once; an article per kind: the cheapest with a fixed price."""
    created = 0
    for name, description, kinds in BASKETS:
        if StandardBasket.objects.filter(name=name).exists():
            continue
        items = []
        for kind, quantity in kinds:
            article = (
                Article.objects.filter(
                    description_short__startswith=kind,
                    is_active=True,
                    price__isnull=False,
                    price_on_request=False,
                    quantity_min=1,
                    contract__number__in=("RV-2024-01", "RV-2025-02"),
                )
                .order_by("price", "pk")
                .first()
            )
            if article is not None:
                items.append((article, quantity))
        if not items:
            continue
        basket = baskets.basket_save(actor=office, name=name, description=description)
        StandardBasket.objects.filter(pk=basket.pk).update(is_demo=True)
        for article, quantity in items:
            baskets.basket_line_set(actor=office, basket=basket, article=article, quantity=quantity)
        created += 1
    return created
