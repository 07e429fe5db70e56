"""Suppliers, framework contracts (Rahmenverträge), lots and the volume limits with their counters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kitu.accounts.models import Organisation
from kitu.core.prepared import Prepared
from kitu.members.models import Member, MemberType
from kitu.members.validators import validate_postcode, validate_vat_id


class Supplier(models.Model):
    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="supplier")
    street = models.CharField(_("Straße und Hausnummer"), max_length=120)
    postcode = models.CharField(_("PLZ"), max_length=5, validators=[validate_postcode])
    city = models.CharField(_("Ort"), max_length=80)
    vat_id = models.CharField(_("USt-IdNr."), max_length=11, blank=True, validators=[validate_vat_id])
    order_email = models.EmailField(_("E-Mail für Bestellungen"))
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    is_demo = models.BooleanField(_("Demodaten"), default=False)

    class Meta:
        verbose_name = _("Lieferant")
        verbose_name_plural = _("Lieferanten")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.organisation.name


class SupplierContact(models.Model):
    """A contact person at a supplier (sales, framework contract, technical support, …)."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("Name"), max_length=120)
    role = models.CharField(_("Funktion"), max_length=120, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)

    class Meta:
        ordering = ["supplier", "name", "pk"]
        verbose_name = _("Ansprechperson")
        verbose_name_plural = _("Ansprechpersonen")

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


class LegalBasis(models.TextChoices):
    VGV_21 = "vgv21", _("Rahmenvereinbarung nach § 21 VgV (oberhalb der EU-Schwellenwerte)")
    UVGO_15 = "uvgo15", _("Rahmenvereinbarung nach § 15 UVgO (unterhalb der EU-Schwellenwerte)")
    GWB_108 = "gwb108", _("Inhouse-Vergabe nach § 108 GWB")


# Longest allowed term per legal basis, in years (§ 21 (6) VgV: 4, § 15 (4) UVgO: 6; in-house: none).
MAX_TERM_YEARS = {LegalBasis.VGV_21: 4, LegalBasis.UVGO_15: 6, LegalBasis.GWB_108: None}


class CallOffMode(models.TextChoices):
    DIRECT = "direct", _("Einzelabruf nach festgelegten Kriterien")
    MINI_COMPETITION = "mini_competition", _("Kleinwettbewerb unter den Rahmenvertragspartnern")


class ContractState(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    ACTIVE = "active", _("aktiv")
    EXHAUSTED = "exhausted", _("ausgeschöpft")
    EXPIRED = "expired", _("abgelaufen")


class Eligibility(models.TextChoices):
    """Who may call off: a rule, so that members admitted later are covered without anybody ticking them."""

    ALL = "all", _("alle Mitglieder")
    MEMBER_TYPE = "member_type", _("alle Mitglieder einer Art")
    SELECTED = "selected", _("ausgewählte Mitglieder")


class FrameworkContract(models.Model):
    number = models.CharField(_("Vertragsnummer"), max_length=40, unique=True)
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    legal_basis = models.CharField(_("Rechtsgrundlage"), max_length=10, choices=LegalBasis.choices)
    awarding_body = models.CharField(_("Vergabestelle"), max_length=200, default="Kommunale IT-UNION eG")
    suppliers = models.ManyToManyField(Supplier, related_name="contracts", verbose_name=_("Lieferanten"))
    starts_on = models.DateField(_("Laufzeit von"))
    ends_on = models.DateField(_("Laufzeit bis"))
    call_off_mode = models.CharField(
        _("Abrufverfahren"), max_length=20, choices=CallOffMode.choices, default=CallOffMode.DIRECT
    )
    # Who may call off (kitu.contracts.eligibility reads it): every current member, every current member of
    # one type, or the members in ``eligible_members`` (only read for SELECTED).
    eligibility = models.CharField(
        _("Abrufberechtigung"), max_length=20, choices=Eligibility.choices, default=Eligibility.SELECTED
    )
    eligible_member_type = models.CharField(
        _("Art der abrufberechtigten Mitglieder"), max_length=20, choices=MemberType.choices, blank=True
    )
    eligible_members = models.ManyToManyField(
        Member, related_name="eligible_contracts", blank=True, verbose_name=_("abrufberechtigte Mitglieder")
    )
    published_at = models.DateTimeField(_("freigegeben am"), null=True, blank=True)
    warranty_months = models.PositiveSmallIntegerField(
        _("Garantie (Monate)"), null=True, blank=True, help_text=_("Gilt für Geräte aus Abrufen dieses Vertrags.")
    )
    is_demo = models.BooleanField(_("Demodaten"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="contracts_term_order"),
            models.CheckConstraint(
                condition=Q(eligibility=Eligibility.MEMBER_TYPE, eligible_member_type__gt="")
                | (~Q(eligibility=Eligibility.MEMBER_TYPE) & Q(eligible_member_type="")),
                name="contracts_eligible_type_iff_rule",
            ),
        ]
        verbose_name = _("Rahmenvertrag")
        verbose_name_plural = _("Rahmenverträge")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def state_on(self, day: dt.date, lot_limits: list[VolumeLimit] | None = None) -> str:
        """The state on ``day``; ``lot_limits``: the limits of all its lots, when the caller has read them."""
        if self.published_at is None:
            return ContractState.DRAFT
        if day > self.ends_on:
            return ContractState.EXPIRED
        if lot_limits is None and "limits" in getattr(self, "_prefetched_objects_cache", {}):  # read with it
            lot_limits = [lim for lim in self.limits.all() if lim.article_pid == ""]
        elif lot_limits is None:  # only the lots' limits, in no order (the answer does not depend on it)
            lot_limits = _LOT_LIMITS(self.pk)
        limits = [lim for lim in lot_limits if lim.has_maximum]
        if limits and all(lim.is_exhausted for lim in limits):
            return ContractState.EXHAUSTED
        return ContractState.ACTIVE if day >= self.starts_on else ContractState.DRAFT

    @property
    def state(self) -> str:
        return self.state_on(dt.date.today())


class Lot(models.Model):
    contract = models.ForeignKey(FrameworkContract, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField(_("Losnummer"))
    title = models.CharField(_("Titel"), max_length=200)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="lots", verbose_name=_("Lieferant"))
    # A lot awarded to several suppliers (§ 21 (4)/(5) VgV): the others besides ``supplier`` (who stays the
    # first partner and the one direct call-offs go to). See ``all_suppliers`` and ``requires_competition``.
    other_suppliers = models.ManyToManyField(
        Supplier, related_name="shared_lots", blank=True, verbose_name=_("weitere Rahmenvertragspartner des Loses")
    )

    class Meta:
        ordering = ["contract", "number"]
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="contracts_lot_unique")]
        verbose_name = _("Los")
        verbose_name_plural = _("Lose")

    def __str__(self) -> str:
        return f"Los {self.number}: {self.title}"

    def all_suppliers(self) -> list[Supplier]:
        """Every framework partner of the lot: the first supplier, then the others by name."""
        others = [s for s in self.other_suppliers.select_related("organisation") if s.pk != self.supplier_id]
        return [self.supplier, *sorted(others, key=lambda s: s.name)]

    @property
    def requires_competition(self) -> bool:
        """A lot with several suppliers under a contract called off by mini-competition cannot be called off
        directly: every call-off needs a renewed competition (§ 21 (5) VgV)."""
        return (
            self.contract.call_off_mode == CallOffMode.MINI_COMPETITION
            and self.other_suppliers.exclude(pk=self.supplier_id).exists()
        )


class VolumeLimit(models.Model):
    """Estimated and maximum quantity and/or value of a lot, or of one article of a lot, with its
    running consumption and the reservations of orders waiting for approval. Consumption plus
    reservations never pass the maximum (CJEU C-23/20)."""

    contract = models.ForeignKey(FrameworkContract, on_delete=models.CASCADE, related_name="limits")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="limits")
    article_pid = models.CharField(
        _("Artikelnummer des Lieferanten"), max_length=32, blank=True, help_text=_("leer: gilt für das ganze Los")
    )
    estimated_quantity = models.PositiveIntegerField(_("geschätzte Menge"), null=True, blank=True)
    max_quantity = models.PositiveIntegerField(_("Höchstmenge"), null=True, blank=True)
    estimated_value = models.DecimalField(
        _("geschätzter Wert (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(_("Höchstwert (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True)
    consumed_quantity = models.PositiveIntegerField(_("abgerufene Menge"), default=0)
    consumed_value = models.DecimalField(
        _("abgerufener Wert (EUR)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    reserved_quantity = models.PositiveIntegerField(_("reservierte Menge"), default=0)
    reserved_value = models.DecimalField(
        _("reservierter Wert (EUR)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    warned_percent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["lot__number", "article_pid"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "article_pid"], name="contracts_limit_unique"),
            models.CheckConstraint(
                condition=Q(max_quantity__isnull=True)
                | Q(consumed_quantity__lte=F("max_quantity") - F("reserved_quantity")),
                name="contracts_limit_quantity_not_passed",
            ),
            models.CheckConstraint(
                condition=Q(max_value__isnull=True) | Q(consumed_value__lte=F("max_value") - F("reserved_value")),
                name="contracts_limit_value_not_passed",
            ),
            models.CheckConstraint(
                condition=Q(max_quantity__isnull=False) | Q(max_value__isnull=False), name="contracts_limit_has_maximum"
            ),
        ]
        verbose_name = _("Mengen- und Wertgrenze")
        verbose_name_plural = _("Mengen- und Wertgrenzen")

    def __str__(self) -> str:
        return f"{self.lot} {self.article_pid or ''}".strip()

    @property
    def has_maximum(self) -> bool:
        return self.max_quantity is not None or self.max_value is not None

    @property
    def quantity_left(self) -> int | None:
        if self.max_quantity is None:
            return None
        return self.max_quantity - self.consumed_quantity - self.reserved_quantity

    @property
    def value_left(self) -> Decimal | None:
        if self.max_value is None:
            return None
        return self.max_value - self.consumed_value - self.reserved_value

    @property
    def percent_used(self) -> int:
        """The higher of quantity and value use (consumed and reserved), in whole percent."""
        shares = []
        if self.max_quantity:
            shares.append(Decimal(self.consumed_quantity + self.reserved_quantity) / self.max_quantity)
        if self.max_value:
            shares.append((self.consumed_value + self.reserved_value) / self.max_value)
        return int(max(shares, default=Decimal(0)) * 100)

    @property
    def is_exhausted(self) -> bool:
        return self.percent_used >= 100


class VolumeWarning(models.Model):
    limit = models.ForeignKey(VolumeLimit, on_delete=models.CASCADE, related_name="warnings")
    percent = models.PositiveSmallIntegerField(_("Schwelle (%)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Volumenwarnung")
        verbose_name_plural = _("Volumenwarnungen")

    def __str__(self) -> str:
        return f"{self.limit}: {self.percent} %"


class ContractDocument(models.Model):
    contract = models.ForeignKey(FrameworkContract, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("Titel"), max_length=200)
    file = models.FileField(_("Datei"), upload_to="contracts/%Y/")
    uploaded_at = models.DateTimeField(_("hochgeladen am"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("Vertragsdokument")
        verbose_name_plural = _("Vertragsdokumente")

    def __str__(self) -> str:
        return self.title


class MemberQuota(models.Model):
    """A member's share of a contract's volume, taken from its demand report (Bedarfsabfrage): the
    quantity of an article (or of a lot, when ``article_pid`` is empty) it announced."""

    contract = models.ForeignKey(FrameworkContract, on_delete=models.CASCADE, related_name="quotas")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="contract_quotas")
    article_pid = models.CharField(_("Artikelnummer"), max_length=32, blank=True)
    quantity = models.PositiveIntegerField(_("Kontingent (Menge)"))

    class Meta:
        ordering = ["contract", "member__organisation__name", "article_pid"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "member", "article_pid"], name="contracts_quota_unique")
        ]
        verbose_name = _("Kontingent")
        verbose_name_plural = _("Kontingente")

    def __str__(self) -> str:
        return f"{self.member} {self.article_pid}: {self.quantity}"


# --- In-house awards (§ 108 GWB) ------------------------------------------------------------------------


class ControlKind(models.TextChoices):
    SOLE = "sole", _("Kontrolle wie über eine eigene Dienststelle (§ 108 Abs. 1 GWB)")
    JOINT = "joint", _("gemeinsame Kontrolle mehrerer öffentlicher Auftraggeber (§ 108 Abs. 4 und 5 GWB)")


class InHouseEntity(models.Model):
    """A controlled entity the cooperative (or its members jointly) may commission without a tender, with
    the standing facts of the § 108 GWB test: control, private capital, turnover per year (rows below)."""

    supplier = models.OneToOneField(
        Supplier, on_delete=models.PROTECT, related_name="inhouse_entity", verbose_name=_("Einrichtung (Lieferant)")
    )
    control_kind = models.CharField(_("Art der Kontrolle"), max_length=10, choices=ControlKind.choices)
    controlling_members = models.ManyToManyField(
        Member,
        related_name="controlled_entities",
        blank=True,
        verbose_name=_("kontrollierende öffentliche Auftraggeber"),
        help_text=_("Nur bei gemeinsamer Kontrolle: alle beteiligten Mitglieder."),
    )
    control_confirmed = models.BooleanField(_("Kontrollkriterium erfüllt"), default=False)
    control_note = models.TextField(_("Begründung der Kontrolle"), blank=True)
    private_capital_free = models.BooleanField(_("keine direkte private Kapitalbeteiligung"), null=True, blank=True)
    capital_note = models.TextField(_("Begründung zur Kapitalbeteiligung"), blank=True)
    is_demo = models.BooleanField(_("Demodaten"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["supplier__organisation__name"]
        verbose_name = _("Inhouse-Einrichtung")
        verbose_name_plural = _("Inhouse-Einrichtungen")

    def __str__(self) -> str:
        return self.supplier.name


class InHouseTurnover(models.Model):
    """One business year of the entity: turnover with its controlling authorities and in total (EUR).
    ``is_projection``: a business forecast (§ 108 (7) sentence 3 GWB) instead of actual figures."""

    entity = models.ForeignKey(InHouseEntity, on_delete=models.CASCADE, related_name="turnovers")
    year = models.PositiveSmallIntegerField(_("Geschäftsjahr"))
    controlling_turnover = models.DecimalField(
        _("Umsatz mit den kontrollierenden Auftraggebern (EUR)"), max_digits=14, decimal_places=2
    )
    total_turnover = models.DecimalField(_("Gesamtumsatz (EUR)"), max_digits=14, decimal_places=2)
    is_projection = models.BooleanField(_("Prognose"), default=False)
    note = models.CharField(_("Quelle oder Begründung"), max_length=300, blank=True)

    class Meta:
        ordering = ["entity", "year"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "year"], name="contracts_inhouse_turnover_year_unique"),
            models.CheckConstraint(condition=Q(total_turnover__gt=0), name="contracts_inhouse_turnover_total_positive"),
            models.CheckConstraint(
                condition=Q(controlling_turnover__gte=0) & Q(controlling_turnover__lte=F("total_turnover")),
                name="contracts_inhouse_turnover_share_range",
            ),
        ]
        verbose_name = _("Umsatz einer Inhouse-Einrichtung")
        verbose_name_plural = _("Umsätze einer Inhouse-Einrichtung")

    def __str__(self) -> str:
        return f"{self.entity} {self.year}"


class InHouseAwardStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    AWARDED = "awarded", _("vergeben")


class InHouseAward(models.Model):
    """An in-house award to an entity. It backs a framework contract (legal basis § 108 GWB) through
    which the members it serves call off like from any framework contract."""

    entity = models.ForeignKey(
        InHouseEntity, on_delete=models.PROTECT, related_name="awards", verbose_name=_("Einrichtung")
    )
    contract = models.OneToOneField(
        FrameworkContract, on_delete=models.PROTECT, related_name="inhouse_award", verbose_name=_("Rahmenvertrag")
    )
    subject = models.CharField(_("Gegenstand"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    value = models.DecimalField(_("Auftragswert (EUR, netto)"), max_digits=14, decimal_places=2)
    starts_on = models.DateField(_("Laufzeit von"))
    ends_on = models.DateField(_("Laufzeit bis"))
    members = models.ManyToManyField(Member, related_name="inhouse_awards", verbose_name=_("versorgte Mitglieder"))
    status = models.CharField(
        _("Status"), max_length=10, choices=InHouseAwardStatus.choices, default=InHouseAwardStatus.DRAFT
    )
    warning_acknowledged = models.BooleanField(_("Warnung zur Tätigkeitsquote zur Kenntnis genommen"), default=False)
    awarded_on = models.DateField(_("vergeben am"), null=True, blank=True)
    awarded_at = models.DateTimeField(null=True, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessment = models.JSONField(_("Prüfung bei der Vergabe"), default=dict, blank=True)
    is_demo = models.BooleanField(_("Demodaten"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="contracts_inhouse_term_order"),
            models.CheckConstraint(condition=Q(value__gt=0), name="contracts_inhouse_value_positive"),
        ]
        verbose_name = _("Inhouse-Vergabe")
        verbose_name_plural = _("Inhouse-Vergaben")

    def __str__(self) -> str:
        return f"{self.contract.number} {self.subject}"


class InHouseDocument(models.Model):
    award = models.ForeignKey(InHouseAward, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("Titel"), max_length=200)
    file = models.FileField(_("Datei"), upload_to="contracts/inhouse/%Y/")
    filename = models.CharField(_("Dateiname"), max_length=200)
    size = models.PositiveIntegerField(_("Größe (Bytes)"))
    uploaded_at = models.DateTimeField(_("hochgeladen am"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("Dokument einer Inhouse-Vergabe")
        verbose_name_plural = _("Dokumente einer Inhouse-Vergabe")

    def __str__(self) -> str:
        return self.title


# the lots' limits of a contract, in no order (FrameworkContract.state_on; compiled once: kitu.core.prepared)
_LOT_LIMITS: Prepared[VolumeLimit] = Prepared(
    lambda contract_id: VolumeLimit.objects.filter(contract_id=contract_id, article_pid="").order_by()
)
