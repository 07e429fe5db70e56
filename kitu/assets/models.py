"""The IT asset register: one row per device, created from the goods receipt of a call-off order (one per
unit received) or entered by hand; with warranty, serial number, site, cost centre, responsible person and
a status that moves only along the transitions in ``TRANSITIONS``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kitu.catalog.models import Article
from kitu.contracts.models import Supplier
from kitu.members.models import CostCentre, Member, Site
from kitu.orders.models import Order, ShipmentLine


class AssetStatus(models.TextChoices):
    IN_USE = "in_use", _("im Einsatz")
    STOCK = "stock", _("im Lager")
    DEFECTIVE = "defective", _("defekt")
    RETIRED = "retired", _("ausgesondert")


# The one transition table: from a status to the statuses it may move to. Retired is final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    AssetStatus.STOCK: (AssetStatus.IN_USE, AssetStatus.DEFECTIVE, AssetStatus.RETIRED),
    AssetStatus.IN_USE: (AssetStatus.STOCK, AssetStatus.DEFECTIVE, AssetStatus.RETIRED),
    AssetStatus.DEFECTIVE: (AssetStatus.STOCK, AssetStatus.IN_USE, AssetStatus.RETIRED),
    AssetStatus.RETIRED: (),
}


class AssetSource(models.TextChoices):
    RECEIPT = "receipt", _("aus Wareneingang")
    MANUAL = "manual", _("von Hand erfasst")


class Asset(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="assets")
    source = models.CharField(_("Herkunft"), max_length=10, choices=AssetSource.choices)
    description = models.CharField(_("Bezeichnung"), max_length=150)
    manufacturer = models.CharField(_("Hersteller"), max_length=100, blank=True)
    eclass_group = models.CharField(_("ECLASS-Gruppe"), max_length=20, blank=True, db_index=True)
    article = models.ForeignKey(Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Idempotency of the creation from a goods receipt: one asset per (shipment line, unit).
    shipment_line = models.ForeignKey(ShipmentLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit = models.PositiveSmallIntegerField(_("Einheit"), null=True, blank=True)
    inventory_number = models.CharField(_("Inventarnummer"), max_length=40, blank=True)
    serial_number = models.CharField(_("Seriennummer"), max_length=80, blank=True, db_index=True)
    acquired_on = models.DateField(_("Zugang am"), db_index=True)
    warranty_end = models.DateField(_("Garantie bis"), null=True, blank=True)
    price = models.DecimalField(
        _("Anschaffungspreis (EUR, netto)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    site = models.ForeignKey(Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    cost_centre = models.ForeignKey(CostCentre, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    responsible = models.CharField(_("verantwortliche Person"), max_length=120, blank=True)
    status = models.CharField(_("Status"), max_length=10, choices=AssetStatus.choices, default=AssetStatus.STOCK)
    is_demo = models.BooleanField(_("Demodaten"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["member__organisation__name", "acquired_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["shipment_line", "unit"], name="assets_asset_one_per_unit"),
        ]
        indexes = [models.Index(fields=["member", "status"], name="assets_member_status")]
        verbose_name = _("Gerät")
        verbose_name_plural = _("Geräte")

    def __str__(self) -> str:
        return f"{self.description} {self.serial_number}".strip()
