"""Shared services of the cooperative, their price lists, the members' subscriptions, billing runs and
invoices (with credit notes). The billing rules themselves are in :mod:`kitu.billing.pricing`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kitu.members.models import CostCentre, Member

from . import pricing


class ServiceCategory(models.TextChoices):
    HOSTING = "hosting", _("Hosting Fachverfahren")
    DMS = "dms", _("Dokumentenmanagement / E-Akte")
    FINANCE = "finance", _("Finanzverfahren")
    HR = "hr", _("Personalwesen")
    COUNCIL = "council", _("Ratsinformationssystem / Gremienarbeit")
    OPERATIONS = "operations", _("Betriebsführung")
    SCHOOL = "school", _("Schul-IT")
    TRAINING = "training", _("Schulungen")
    MEMBERSHIP = "membership", _("Mitgliedschaft")


class PricingModel(models.TextChoices):
    FLAT = pricing.FLAT, _("Pauschale je Zeitraum")
    PER_UNIT = pricing.PER_UNIT, _("je Einheit und Zeitraum (mit Staffel)")
    ONE_OFF = pricing.ONE_OFF, _("einmalig je Einheit")


class Interval(models.TextChoices):
    MONTH = pricing.MONTH, _("Monat")
    QUARTER = pricing.QUARTER, _("Quartal")
    YEAR = pricing.YEAR, _("Jahr")


class Service(models.Model):
    code = models.SlugField(_("Kürzel"), max_length=40, unique=True)
    name = models.CharField(_("Bezeichnung"), max_length=150)
    category = models.CharField(_("Bereich"), max_length=20, choices=ServiceCategory.choices)
    description = models.TextField(_("Beschreibung"), blank=True)
    unit_code = models.CharField(
        _("Einheit (UN/ECE Rec. 20)"), max_length=3, default="C62", help_text=_("z. B. C62 Stück, DAY Tag")
    )
    unit_label = models.CharField(_("Einheit (Text)"), max_length=40, default="Stück")
    vat_rate = models.DecimalField(_("USt-Satz (%)"), max_digits=5, decimal_places=2, default=Decimal("19.00"))
    pricing = models.CharField(_("Preismodell"), max_length=10, choices=PricingModel.choices)
    interval = models.CharField(_("Preis je"), max_length=10, choices=Interval.choices, default=Interval.MONTH)
    contract_reference = models.CharField(
        _("Leistungsvertrag (BT-12)"), max_length=50, help_text=_("Nummer des Leistungsvertrags auf der Rechnung")
    )
    notice_months = models.PositiveSmallIntegerField(_("Kündigungsfrist (Monate)"), default=3)
    is_active = models.BooleanField(_("bestellbar"), default=True)
    is_demo = models.BooleanField(_("Demodaten"), default=False)

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("Leistung")
        verbose_name_plural = _("Leistungen")

    def __str__(self) -> str:
        return self.name


class Price(models.Model):
    """A price list entry effective from a date; ``amount`` per unit and interval (flat: per interval)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="prices")
    valid_from = models.DateField(_("gültig ab"))
    amount = models.DecimalField(_("Preis (EUR, netto)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["service", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["service", "valid_from"], name="billing_price_unique")]
        verbose_name = _("Preis")
        verbose_name_plural = _("Preisliste")

    def __str__(self) -> str:
        return f"{self.service}: {self.amount} ab {self.valid_from}"


class PriceTier(models.Model):
    """From ``min_quantity`` units on, every unit costs ``amount`` (volume tier)."""

    price = models.ForeignKey(Price, on_delete=models.CASCADE, related_name="tiers")
    min_quantity = models.PositiveIntegerField(_("ab Menge"))
    amount = models.DecimalField(_("Preis je Einheit (EUR, netto)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["price", "min_quantity"]
        constraints = [models.UniqueConstraint(fields=["price", "min_quantity"], name="billing_tier_unique")]
        verbose_name = _("Staffelpreis")
        verbose_name_plural = _("Staffelpreise")

    def __str__(self) -> str:
        return f"ab {self.min_quantity}: {self.amount}"


class Subscription(models.Model):
    """A member's use of a service from ``starts_on`` (to ``ends_on`` after notice); its quantity over time
    is in ``changes`` (the first on ``starts_on``)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="subscriptions")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="subscriptions")
    starts_on = models.DateField(_("Beginn"))
    ends_on = models.DateField(_("Ende"), null=True, blank=True)
    notice_months = models.PositiveSmallIntegerField(_("Kündigungsfrist (Monate)"), default=3)
    cost_centre = models.ForeignKey(
        CostCentre, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Kostenstelle")
    )
    leitweg_id = models.CharField(
        _("Leitweg-ID der Rechnung"),
        max_length=46,
        blank=True,
        help_text=_("leer: die Standard-Leitweg-ID des Mitglieds"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("Demodaten"), default=False)

    class Meta:
        ordering = ["member", "service", "starts_on"]
        verbose_name = _("Abonnement")
        verbose_name_plural = _("Abonnements")

    def __str__(self) -> str:
        return f"{self.member}: {self.service}"


class QuantityChange(models.Model):
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="changes")
    effective_from = models.DateField(_("gültig ab"))
    quantity = models.PositiveIntegerField(_("Menge"))

    class Meta:
        ordering = ["subscription", "effective_from"]
        constraints = [models.UniqueConstraint(fields=["subscription", "effective_from"], name="billing_change_unique")]
        verbose_name = _("Mengenänderung")
        verbose_name_plural = _("Mengenänderungen")

    def __str__(self) -> str:
        return f"{self.subscription}: {self.quantity} ab {self.effective_from}"


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    REVIEWED = "reviewed", _("geprüft")
    ISSUED = "issued", _("ausgestellt")


class BillingRun(models.Model):
    period = models.CharField(_("Zeitraum"), max_length=7, unique=True)  # YYYY-MM, YYYY-Qn or YYYY
    period_start = models.DateField(_("von"))
    period_end = models.DateField(_("bis"))
    status = models.CharField(_("Status"), max_length=10, choices=RunStatus.choices, default=RunStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "period"]
        verbose_name = _("Abrechnungslauf")
        verbose_name_plural = _("Abrechnungsläufe")

    def __str__(self) -> str:
        return self.period


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Rechnung")
    CREDIT_NOTE = "credit_note", _("Gutschrift (Rechnungskorrektur)")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    ISSUED = "issued", _("ausgestellt")


class ImmutableInvoice(Exception):
    """An issued invoice (or its lines) was to be changed; corrections are credit notes."""


# What an issued invoice may still change: the receivables side (payments, reminders).
MUTABLE_AFTER_ISSUE = {"paid_amount", "paid_on", "reminder_level", "last_reminder_on", "mailed_to", "mailed_at"}


class InvoiceQuerySet(models.QuerySet["Invoice"]):
    def unmailed(self) -> InvoiceQuerySet:
        """Issued invoices and credit notes whose mail has not gone out (yet)."""
        return self.filter(status=InvoiceStatus.ISSUED, mailed_at__isnull=True)


class Invoice(models.Model):
    run = models.ForeignKey(BillingRun, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="invoices")
    leitweg_id = models.CharField(_("Leitweg-ID (BT-10)"), max_length=46)
    kind = models.CharField(_("Art"), max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("korrigiert"),
    )
    number = models.CharField(_("Rechnungsnummer"), max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(_("Status"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    issue_date = models.DateField(_("Rechnungsdatum"), null=True, blank=True)
    issued_at = models.DateTimeField(_("ausgestellt um"), null=True, blank=True)  # the moment of the issue
    due_date = models.DateField(_("fällig am"), null=True, blank=True)
    period_start = models.DateField(_("Leistungszeitraum von"))
    period_end = models.DateField(_("Leistungszeitraum bis"))
    contract_reference = models.CharField(_("Vertragsnummer (BT-12)"), max_length=50, blank=True)
    note = models.TextField(_("Bemerkung (BT-22)"), blank=True, help_text=_("bei Gutschriften: Grund der Korrektur"))
    net_total = models.DecimalField(_("netto"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    vat_total = models.DecimalField(_("USt"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    gross_total = models.DecimalField(_("brutto"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    paid_amount = models.DecimalField(_("bezahlt"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    paid_on = models.DateField(_("bezahlt am"), null=True, blank=True)
    reminder_level = models.PositiveSmallIntegerField(_("Mahnstufe"), default=0)
    last_reminder_on = models.DateField(_("zuletzt gemahnt am"), null=True, blank=True)
    mailed_to = models.CharField(_("versandt an"), max_length=500, blank=True)
    mailed_at = models.DateTimeField(_("versandt am"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(_("Demodaten"), default=False)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-issue_date", "-number", "-pk"]
        # The lists: the office's (all invoices, newest first) and a member's (issue 23.4).
        indexes = [
            models.Index(fields=["-issue_date", "-number", "-id"], name="billing_invoice_newest_idx"),
            models.Index(fields=["member", "-issue_date", "-number", "-id"], name="billing_invoice_member_idx"),
            # The drafts the office's list counts: a handful during a billing run, else none (without it a scan
            # of every invoice, 22,000 at 11,000 members, to find none).
            models.Index(fields=["run"], condition=models.Q(status="draft"), name="billing_invoice_drafts_idx"),
            # The issued invoices whose mail has not gone out (the office's task on every page, its list of
            # them): usually none; without it the task's check walked every invoice to find none.
            models.Index(
                fields=["issued_at"],
                condition=models.Q(status="issued", mailed_at__isnull=True),
                name="billing_invoice_unmailed_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "member", "leitweg_id"],
                condition=models.Q(kind="invoice"),
                name="billing_invoice_once_per_run",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(number__isnull=False, issue_date__isnull=False),
                name="billing_issued_has_number",
            ),
        ]
        verbose_name = _("Rechnung")
        verbose_name_plural = _("Rechnungen")

    def __str__(self) -> str:
        return self.number or f"Entwurf {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored: dict[str, Any] | None = Invoice.objects.filter(pk=self.pk).values().first()  # type: ignore[assignment]
            if stored and stored["status"] == InvoiceStatus.ISSUED:
                changed = {
                    f.attname for f in self._meta.concrete_fields if getattr(self, f.attname) != stored[f.attname]
                }
                if changed - MUTABLE_AFTER_ISSUE:
                    raise ImmutableInvoice(
                        f"{self.number}: issued, cannot change {sorted(changed - MUTABLE_AFTER_ISSUE)}"
                    )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.status == InvoiceStatus.ISSUED:
            raise ImmutableInvoice(f"{self.number}: issued, cannot be deleted")
        return super().delete(*args, **kwargs)


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(_("Pos."))
    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, null=True, blank=True, related_name="invoice_lines"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("Beschreibung"), max_length=250)
    period_start = models.DateField(_("von"))
    period_end = models.DateField(_("bis"))
    quantity = models.DecimalField(_("Menge"), max_digits=14, decimal_places=4)
    unit_code = models.CharField(max_length=3)
    unit_price = models.DecimalField(_("Einzelpreis"), max_digits=16, decimal_places=6)
    net_amount = models.DecimalField(_("Betrag netto"), max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField(_("USt-Satz (%)"), max_digits=5, decimal_places=2)
    contract_reference = models.CharField(max_length=50)
    # read with the lines by xrechnung.document_lines for the renditions (values of the query, no fields)
    service_code: str
    service_name: str
    cost_centre_code: str | None

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="billing_line_position_unique"),
        ]
        verbose_name = _("Rechnungsposition")
        verbose_name_plural = _("Rechnungspositionen")

    def __str__(self) -> str:
        return f"{self.invoice} / {self.position}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if Invoice.objects.filter(pk=self.invoice_id, status=InvoiceStatus.ISSUED).exists():
            raise ImmutableInvoice(f"{self.invoice}: issued, its lines cannot change")
        super().save(*args, **kwargs)


class InvoiceNumberSequence(models.Model):
    """The last number drawn per year; its row lock makes numbers gapless and unique."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Rechnungsnummernkreis")
        verbose_name_plural = _("Rechnungsnummernkreise")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class RequestKind(models.TextChoices):
    NEW = "new", _("neue Leistung")
    CHANGE = "change", _("Mengenänderung")
    CANCEL = "cancel", _("Kündigung")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("beantragt")
    APPROVED = "approved", _("genehmigt")
    REJECTED = "rejected", _("abgelehnt")


class SubscriptionRequest(models.Model):
    """A member's request for a new service, a new quantity or a cancellation; the office decides."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="subscription_requests")
    kind = models.CharField(_("Antrag"), max_length=10, choices=RequestKind.choices)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+", verbose_name=_("Leistung"))
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, null=True, blank=True, related_name="requests"
    )
    quantity = models.PositiveIntegerField(_("Menge"), null=True, blank=True)
    effective_from = models.DateField(_("wirksam ab"))  # cancellation: the last day of the service
    cost_centre = models.ForeignKey(
        CostCentre, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Kostenstelle")
    )
    note = models.TextField(_("Bemerkung"), blank=True)
    status = models.CharField(_("Status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("Begründung"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription"],
                condition=models.Q(status="pending"),
                name="billing_one_pending_request_per_subscription",
            )
        ]
        verbose_name = _("Antrag")
        verbose_name_plural = _("Anträge")

    def __str__(self) -> str:
        return f"{self.member}: {self.get_kind_display()} {self.service}"
