"""Demo approval rules (Wernigerode, Zeitz) and a history of orders in every state (marked Demo)."""

from __future__ import annotations

from decimal import Decimal

from kitu.accounts.models import User
from kitu.catalog.models import Article
from kitu.members.models import Member
from kitu.orders import services
from kitu.orders.models import ApprovalPolicy, Order

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
    services.policy_save(actor=w_admin, member=wernigerode, auto_approve_up_to=Decimal("1000"), second_step_from=None)
    services.approver_set(actor=w_admin, member=wernigerode, user=_user("approver.wernigerode"), step=1)
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
    return len(created)
