"""Carts, call-off orders from framework contracts with their lines, approval rules per member and the
approval steps, and each order's status history."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kitu.catalog.models import Article
from kitu.contracts.models import FrameworkContract, Lot, Supplier
from kitu.members.models import CostCentre, Member, Site

ZERO = Decimal("0")


class ApprovalPolicy(models.Model):
    """A member's approval rule: orders up to ``auto_approve_up_to`` (net) are approved at once; above it
    one approval step, and from ``second_step_from`` a second one."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="approval_policy")
    auto_approve_up_to = models.DecimalField(
        _("ohne Freigabe bis (EUR, netto)"), max_digits=12, decimal_places=2, default=ZERO
    )
    second_step_from = models.DecimalField(
        _("zweite Freigabe ab (EUR, netto)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("leer: immer nur eine Freigabestufe"),
    )

    class Meta:
        verbose_name = _("Freigaberegel")
        verbose_name_plural = _("Freigaberegeln")

    def __str__(self) -> str:
        return str(self.member)

    def steps_for(self, total: Decimal) -> int:
        if total <= self.auto_approve_up_to:
            return 0
        return 2 if self.second_step_from is not None and total >= self.second_step_from else 1


class Approver(models.Model):
    """Who approves a member's orders at a step; substitutes may approve too but are not notified."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="approvers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="approver_for")
    step = models.PositiveSmallIntegerField(_("Stufe"), choices=[(1, "1"), (2, "2")])
    is_substitute = models.BooleanField(_("Vertretung"), default=False)

    class Meta:
        ordering = ["member", "step", "is_substitute", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["member", "user", "step"], name="orders_approver_unique")]
        verbose_name = _("Freigabeberechtigte Person")
        verbose_name_plural = _("Freigabeberechtigte")

    def __str__(self) -> str:
        return f"{self.member}: {self.user} ({self.step})"


class Cart(models.Model):
    """The open cart of a user for one member, with the default cost centre and delivery site."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="carts")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="carts")
    cost_centre = models.ForeignKey(
        CostCentre, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Kostenstelle")
    )
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Lieferort")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "member"], name="orders_cart_unique")]
        verbose_name = _("Warenkorb")
        verbose_name_plural = _("Warenkörbe")

    def __str__(self) -> str:
        return f"{self.user} / {self.member}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("Menge"))
    cost_centre = models.ForeignKey(
        CostCentre, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Kostenstelle")
    )
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Lieferort")
    )

    class Meta:
        ordering = ["cart", "pk"]
        constraints = [models.UniqueConstraint(fields=["cart", "article"], name="orders_cartline_unique")]
        verbose_name = _("Position im Warenkorb")
        verbose_name_plural = _("Positionen im Warenkorb")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.article}"


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("wartet auf Freigabe")
    APPROVED = "approved", _("freigegeben")
    SENT = "sent", _("an den Lieferanten übermittelt")
    REJECTED = "rejected", _("abgelehnt")
    CANCELLED = "cancelled", _("storniert")


class Order(models.Model):
    """A call-off order from one framework contract to one supplier."""

    number = models.CharField(_("Bestellnummer"), max_length=20, unique=True)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="orders")
    contract = models.ForeignKey(FrameworkContract, on_delete=models.PROTECT, related_name="orders")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="orders")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(_("Status"), max_length=12, choices=OrderStatus.choices)
    legal_basis = models.CharField(_("Rechtsgrundlage des Abrufs"), max_length=200)
    steps_required = models.PositiveSmallIntegerField(_("Freigabestufen"), default=0)
    steps_done = models.PositiveSmallIntegerField(_("erteilte Freigaben"), default=0)
    total = models.DecimalField(_("Summe (EUR, netto)"), max_digits=14, decimal_places=2)
    savings = models.DecimalField(_("Ersparnis (EUR, netto)"), max_digits=14, decimal_places=2, default=ZERO)
    warnings = models.JSONField(_("Hinweise"), default=list, blank=True)
    created_at = models.DateTimeField(_("bestellt am"), auto_now_add=True)
    approved_at = models.DateTimeField(_("freigegeben am"), null=True, blank=True)
    sent_at = models.DateTimeField(_("übermittelt am"), null=True, blank=True)
    is_demo = models.BooleanField(_("Demodaten"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["member", "status"])]
        verbose_name = _("Bestellung")
        verbose_name_plural = _("Bestellungen")

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("Pos."))
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    supplier_pid = models.CharField(_("Artikelnummer"), max_length=32)
    description = models.CharField(_("Bezeichnung"), max_length=150)
    order_unit = models.CharField(_("Bestelleinheit"), max_length=3)
    quantity = models.PositiveIntegerField(_("Menge"))
    unit_price = models.DecimalField(_("Einzelpreis (netto)"), max_digits=12, decimal_places=2)
    list_price = models.DecimalField(_("Listenpreis (netto)"), max_digits=12, decimal_places=2, null=True)
    total = models.DecimalField(_("Gesamt (netto)"), max_digits=14, decimal_places=2)
    savings = models.DecimalField(_("Ersparnis (netto)"), max_digits=14, decimal_places=2, default=ZERO)
    cost_centre = models.ForeignKey(
        CostCentre, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Kostenstelle")
    )
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Lieferort")
    )

    class Meta:
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="orders_line_position_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_line_quantity_positive"),
        ]
        verbose_name = _("Bestellposition")
        verbose_name_plural = _("Bestellpositionen")

    def __str__(self) -> str:
        return f"{self.order} {self.position}"


class OrderEvent(models.Model):
    """One row per change of an order: who, when, which status, with an optional reason."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("Status"), max_length=12, choices=OrderStatus.choices)
    step = models.PositiveSmallIntegerField(_("Stufe"), null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.TextField(_("Begründung"), blank=True)
    at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True)

    class Meta:
        ordering = ["order", "at", "pk"]
        verbose_name = _("Bestellverlauf")
        verbose_name_plural = _("Bestellverlauf")

    def __str__(self) -> str:
        return f"{self.order}: {self.status}"


class OrderNumberSequence(models.Model):
    """The last order number per year (locked while a number is drawn: no gaps from races, no doubles)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
