"""Carts, call-off orders from framework contracts with their lines, approval rules per member and the
approval steps, and each order's status history."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
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


def attachment_path(instance: models.Model, filename: str) -> str:
    return f"orders/{timezone.localdate():%Y}/{filename}"


class CartLine(models.Model):
    """A catalog article, or a free-text placeholder for goods priced on quotation (no article; a lot of the
    contract, the description, the quoted unit price and the quotation as an attachment)."""

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    lot = models.ForeignKey(
        Lot, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("Los")
    )
    description = models.CharField(_("Bezeichnung"), max_length=150, blank=True)
    unit_price = models.DecimalField(
        _("Einzelpreis laut Angebot (netto)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    attachment = models.FileField(_("Angebot (Anlage)"), upload_to=attachment_path, blank=True)
    quantity = models.PositiveIntegerField(_("Menge"))
    cost_centre = models.ForeignKey(
        CostCentre, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Kostenstelle")
    )
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Lieferort")
    )

    class Meta:
        ordering = ["cart", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "article"], name="orders_cartline_unique"),
            models.CheckConstraint(
                condition=Q(article__isnull=False) | (Q(lot__isnull=False) & Q(unit_price__isnull=False)),
                name="orders_cartline_article_or_placeholder",
            ),
        ]
        verbose_name = _("Position im Warenkorb")
        verbose_name_plural = _("Positionen im Warenkorb")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.article or self.description}"

    @property
    def label(self) -> str:
        return self.article.description_short if self.article else self.description

    @property
    def pid(self) -> str:
        return self.article.supplier_pid if self.article else ""

    @property
    def contract(self) -> FrameworkContract:
        if self.article is not None:
            return self.article.contract
        assert self.lot is not None  # constraint orders_cartline_article_or_placeholder
        return self.lot.contract


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("wartet auf Freigabe")
    APPROVED = "approved", _("freigegeben")
    SENT = "sent", _("an den Lieferanten übermittelt")
    CONFIRMED = "confirmed", _("vom Lieferanten bestätigt")
    PARTLY_SHIPPED = "partly_shipped", _("teilweise geliefert")
    SHIPPED = "shipped", _("geliefert")
    PARTLY_RECEIVED = "partly_received", _("Wareneingang teilweise gebucht")
    RECEIVED = "received", _("Wareneingang gebucht")
    REJECTED = "rejected", _("abgelehnt")
    CANCELLED = "cancelled", _("storniert")


# Orders from the final approval on that are not rejected or cancelled: their volume and savings count.
PLACED_STATUSES = (
    OrderStatus.APPROVED,
    OrderStatus.SENT,
    OrderStatus.CONFIRMED,
    OrderStatus.PARTLY_SHIPPED,
    OrderStatus.SHIPPED,
    OrderStatus.PARTLY_RECEIVED,
    OrderStatus.RECEIVED,
)


class Order(models.Model):
    """A call-off order from one framework contract to one supplier."""

    number = models.CharField(_("Bestellnummer"), max_length=20, unique=True)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="orders")
    contract = models.ForeignKey(FrameworkContract, on_delete=models.PROTECT, related_name="orders")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="orders")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(_("Status"), max_length=16, choices=OrderStatus.choices)
    legal_basis = models.CharField(_("Rechtsgrundlage des Abrufs"), max_length=200)
    steps_required = models.PositiveSmallIntegerField(_("Freigabestufen"), default=0)
    steps_done = models.PositiveSmallIntegerField(_("erteilte Freigaben"), default=0)
    total = models.DecimalField(_("Summe (EUR, netto)"), max_digits=14, decimal_places=2)
    savings = models.DecimalField(_("Ersparnis (EUR, netto)"), max_digits=14, decimal_places=2, default=ZERO)
    warnings = models.JSONField(_("Hinweise"), default=list, blank=True)
    created_at = models.DateTimeField(_("bestellt am"), auto_now_add=True)
    approved_at = models.DateTimeField(_("freigegeben am"), null=True, blank=True)
    sent_at = models.DateTimeField(_("übermittelt am"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    delivery_date = models.DateField(_("voraussichtlicher Liefertermin"), null=True, blank=True)
    received_at = models.DateTimeField(_("Wareneingang am"), null=True, blank=True)
    is_demo = models.BooleanField(_("Demodaten"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        # The lists: the office's (all orders, newest first), a member's and a supplier's (issue 23.4).
        indexes = [
            models.Index(fields=["member", "status"]),
            models.Index(fields=["-created_at", "-id"], name="orders_newest_idx"),
            models.Index(fields=["member", "-created_at", "-id"], name="orders_member_newest_idx"),
            models.Index(fields=["supplier", "-created_at", "-id"], name="orders_supplier_newest_idx"),
        ]
        verbose_name = _("Bestellung")
        verbose_name_plural = _("Bestellungen")

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    """One position; without an article it is a placeholder priced on quotation (with the quotation
    attached). The supplier may reject a line with a reason; shipped and received quantities are summed
    from the shipments."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("Pos."))
    article = models.ForeignKey(Article, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
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
    attachment = models.FileField(_("Angebot (Anlage)"), upload_to=attachment_path, blank=True)
    rejected_reason = models.CharField(_("vom Lieferanten abgelehnt, weil"), max_length=300, blank=True)
    shipped_quantity = models.PositiveIntegerField(_("geliefert"), default=0)
    received_quantity = models.PositiveIntegerField(_("eingegangen"), default=0)

    class Meta:
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="orders_line_position_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(shipped_quantity__lte=models.F("quantity"))
                & Q(received_quantity__lte=models.F("shipped_quantity")),
                name="orders_line_shipped_within_quantity",
            ),
        ]
        verbose_name = _("Bestellposition")
        verbose_name_plural = _("Bestellpositionen")

    def __str__(self) -> str:
        return f"{self.order} {self.position}"

    @property
    def open_quantity(self) -> int:
        return 0 if self.rejected_reason else self.quantity - self.shipped_quantity


class OrderEvent(models.Model):
    """One row per change of an order: who, when, which status, with an optional reason."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("Status"), max_length=16, choices=OrderStatus.choices)
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


class Shipment(models.Model):
    """A (partial) delivery recorded by the supplier; the member books its goods receipt."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    number = models.PositiveSmallIntegerField(_("Lieferung Nr."))
    delivery_note = models.CharField(_("Lieferschein-Nr."), max_length=40, blank=True)
    shipped_on = models.DateField(_("geliefert am"))
    shipped_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField(_("Wareneingang am"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receipt_note = models.CharField(_("Anmerkung zum Wareneingang"), max_length=300, blank=True)

    class Meta:
        ordering = ["order", "number"]
        constraints = [models.UniqueConstraint(fields=["order", "number"], name="orders_shipment_number_unique")]
        verbose_name = _("Lieferung")
        verbose_name_plural = _("Lieferungen")

    def __str__(self) -> str:
        return f"{self.order} / {self.number}"


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="shipment_lines")
    quantity = models.PositiveIntegerField(_("Menge"))
    serial_numbers = models.TextField(_("Seriennummern"), blank=True)  # one per line, entered at shipment

    class Meta:
        ordering = ["shipment", "line__position"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "line"], name="orders_shipmentline_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_shipmentline_quantity_positive"),
        ]
        verbose_name = _("Lieferposition")
        verbose_name_plural = _("Lieferpositionen")

    def __str__(self) -> str:
        return f"{self.shipment}: {self.quantity}"


class StandardBasket(models.Model):
    """A basket curated by the cooperative (e.g. "Standard-Arbeitsplatz") that members put into their cart
    in one step."""

    name = models.CharField(_("Name"), max_length=120, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    is_active = models.BooleanField(_("sichtbar für Mitglieder"), default=True)
    is_demo = models.BooleanField(_("Demodaten"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Standardwarenkorb")
        verbose_name_plural = _("Standardwarenkörbe")

    def __str__(self) -> str:
        return self.name


class StandardBasketLine(models.Model):
    basket = models.ForeignKey(StandardBasket, on_delete=models.CASCADE, related_name="lines")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("Menge"))

    class Meta:
        ordering = ["basket", "pk"]
        constraints = [models.UniqueConstraint(fields=["basket", "article"], name="orders_basketline_unique")]
        verbose_name = _("Position im Standardwarenkorb")
        verbose_name_plural = _("Positionen im Standardwarenkorb")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.article}"


class OrderNumberSequence(models.Model):
    """The last order number per year (locked while a number is drawn: no gaps from races, no doubles)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
