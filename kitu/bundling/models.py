"""Demand bundling: campaigns (Bedarfsabfragen) with their items, the members' demand reports, the
suppliers' offers from the joint tender and the optimiser runs over them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kitu.catalog.models import Article
from kitu.contracts.models import Eligibility, FrameworkContract, Supplier
from kitu.members.models import CostCentre, Member, MemberType


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    OPEN = "open", _("offen")
    CLOSED = "closed", _("geschlossen")
    EVALUATED = "evaluated", _("ausgewertet")
    AWARDED = "awarded", _("vergeben")


class Campaign(models.Model):
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    opens_on = models.DateField(_("Beginn der Abfrage"))
    closes_on = models.DateField(_("Meldeschluss"), help_text=_("Meldungen sind bis zum Ende dieses Tages möglich."))
    state = models.CharField(_("Status"), max_length=10, choices=CampaignState.choices, default=CampaignState.DRAFT)
    # Who takes part: a rule (every current member, or of one type) is written out into
    # ``eligible_members`` on saving and again on opening, so members admitted in between take part too.
    participation = models.CharField(
        _("Teilnahme"), max_length=20, choices=Eligibility.choices, default=Eligibility.SELECTED
    )
    participant_type = models.CharField(
        _("Art der teilnehmenden Mitglieder"), max_length=20, choices=MemberType.choices, blank=True
    )
    eligible_members = models.ManyToManyField(
        Member, related_name="campaigns", blank=True, verbose_name=_("teilnahmeberechtigte Mitglieder")
    )
    max_factor = models.PositiveSmallIntegerField(
        _("Höchstmenge in % der Schätzmenge"),
        default=130,
        validators=[MinValueValidator(100), MaxValueValidator(300)],
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("Erinnerung (Tage vor Meldeschluss)"), default=7, validators=[MaxValueValidator(60)]
    )
    opened_at = models.DateTimeField(_("geöffnet am"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("erinnert am"), null=True, blank=True)
    contract = models.OneToOneField(
        FrameworkContract,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaign",
        verbose_name=_("Rahmenvertrag"),
    )
    is_demo = models.BooleanField(_("Demodaten"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-closes_on", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="bundling_campaign_dates_order")
        ]
        verbose_name = _("Bedarfsabfrage")
        verbose_name_plural = _("Bedarfsabfragen")

    def __str__(self) -> str:
        return self.title

    def accepts_reports_on(self, day: dt.date) -> bool:
        """Open, and the close date (inclusive) not passed: a late tick does not extend the deadline."""
        return self.state == CampaignState.OPEN and self.opens_on <= day <= self.closes_on


class CampaignItem(models.Model):
    """A position of the campaign: a catalog article or a specified item (e.g. "Notebook 14 Zoll")."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("Pos.-Nr."), max_length=32)
    title = models.CharField(_("Bezeichnung"), max_length=200)
    description = models.TextField(_("Leistungsbeschreibung"), blank=True)
    unit = models.CharField(_("Einheit"), max_length=20, default="Stück")
    article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Katalogartikel")
    )
    reference_price = models.DecimalField(
        _("Schätzpreis je Einheit (EUR, netto)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        ordering = ["campaign", "code"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="bundling_item_code_unique")]
        verbose_name = _("Position")
        verbose_name_plural = _("Positionen")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class DemandReport(models.Model):
    """A member's answer to a campaign: demand lines, or "no demand"."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reports")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="demand_reports")
    no_demand = models.BooleanField(_("kein Bedarf"), default=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_at = models.DateTimeField(_("gemeldet am"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "member"], name="bundling_report_unique")]
        verbose_name = _("Bedarfsmeldung")
        verbose_name_plural = _("Bedarfsmeldungen")

    def __str__(self) -> str:
        return f"{self.campaign}: {self.member}"


class Quarter(models.IntegerChoices):
    Q1 = 1, _("1. Quartal")
    Q2 = 2, _("2. Quartal")
    Q3 = 3, _("3. Quartal")
    Q4 = 4, _("4. Quartal")


class DemandLine(models.Model):
    report = models.ForeignKey(DemandReport, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(CampaignItem, on_delete=models.CASCADE, related_name="lines")
    quantity = models.PositiveIntegerField(_("Menge"), validators=[MinValueValidator(1)])
    delivery_quarter = models.PositiveSmallIntegerField(_("Lieferquartal"), choices=Quarter.choices)
    cost_centre = models.ForeignKey(
        CostCentre, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Kostenstelle")
    )
    budget_secured = models.BooleanField(_("Haushaltsmittel gesichert"), default=False)
    comment = models.CharField(_("Bemerkung"), max_length=500, blank=True)

    class Meta:
        ordering = ["item__code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "item"], name="bundling_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="bundling_line_quantity_positive"),
        ]
        verbose_name = _("Bedarfsposition")
        verbose_name_plural = _("Bedarfspositionen")

    def __str__(self) -> str:
        return f"{self.item.code}: {self.quantity}"


class Offer(models.Model):
    """A supplier's offer for one item of the campaign's tender, with volume-tiered unit prices."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="offers")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="+", verbose_name=_("Lieferant"))
    item = models.ForeignKey(CampaignItem, on_delete=models.CASCADE, related_name="offers", verbose_name=_("Position"))
    min_quantity = models.PositiveIntegerField(_("Mindestmenge"), default=0)
    max_quantity = models.PositiveIntegerField(_("Höchstmenge"), null=True, blank=True)

    class Meta:
        ordering = ["item__code", "supplier__organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "supplier", "item"], name="bundling_offer_unique"),
            models.CheckConstraint(
                condition=Q(max_quantity__isnull=True) | Q(max_quantity__gte=F("min_quantity")),
                name="bundling_offer_min_le_max",
            ),
        ]
        verbose_name = _("Angebot")
        verbose_name_plural = _("Angebote")

    def __str__(self) -> str:
        return f"{self.supplier} – {self.item.code}"


class OfferTier(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="tiers")
    min_quantity = models.PositiveIntegerField(_("Staffel ab Menge"))
    unit_price = models.DecimalField(
        _("Stückpreis (EUR, netto)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["offer", "min_quantity"]
        constraints = [models.UniqueConstraint(fields=["offer", "min_quantity"], name="bundling_tier_unique")]
        verbose_name = _("Preisstaffel")
        verbose_name_plural = _("Preisstaffeln")

    def __str__(self) -> str:
        return f"ab {self.min_quantity}: {self.unit_price}"


class OfferLot(models.Model):
    """Items a supplier offers only together: it gets all of their demand or none."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="offer_lots")
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="+", verbose_name=_("Lieferant"))
    name = models.CharField(_("Los"), max_length=80)
    items = models.ManyToManyField(CampaignItem, related_name="+", verbose_name=_("Positionen"))

    class Meta:
        ordering = ["supplier__organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "supplier", "name"], name="bundling_offer_lot_unique")
        ]
        verbose_name = _("Angebotslos")
        verbose_name_plural = _("Angebotslose")

    def __str__(self) -> str:
        return f"{self.supplier}: {self.name}"


class OptimisationRun(models.Model):
    """One run of the award optimiser over the campaign's demand and offers, kept as run."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="runs")
    created_at = models.DateTimeField(_("berechnet am"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(_("Ergebnis"), max_length=12)
    total_cost = models.DecimalField(_("Gesamtkosten (EUR)"), max_digits=14, decimal_places=2, null=True)
    instance = models.JSONField()  # the optimiser's input, as the CLI takes it
    result = models.JSONField()  # the optimiser's output, as the CLI prints it

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Optimierungslauf")
        verbose_name_plural = _("Optimierungsläufe")

    def __str__(self) -> str:
        return f"{self.campaign} {self.created_at:%d.%m.%Y %H:%M}"
