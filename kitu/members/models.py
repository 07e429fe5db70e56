"""The member register: members (the tenants), their contacts, sites, cost centres, Leitweg-IDs and
the effective-dated membership events that make up their history (§ 30 GenG)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kitu.accounts.models import Organisation

from .validators import validate_ags, validate_leitweg_id, validate_postcode, validate_vat_id


class MemberType(models.TextChoices):
    STADT = "stadt", _("Stadt")
    GEMEINDE = "gemeinde", _("Gemeinde")
    VERBANDSGEMEINDE = "verbandsgemeinde", _("Verbandsgemeinde")
    LANDKREIS = "landkreis", _("Landkreis")
    ZWECKVERBAND = "zweckverband", _("Zweckverband")
    AOER = "aoer", _("Anstalt des öffentlichen Rechts")
    STIFTUNG = "stiftung", _("Stiftung")
    GMBH = "gmbh", _("Kommunale Gesellschaft (GmbH)")
    VEREIN = "verein", _("Verein")
    HOCHSCHULE = "hochschule", _("Hochschule")
    OTHER = "other", _("Sonstige")


# Bodies whose joining follows a resolution of their council (Stadtrat, Gemeinderat, Kreistag, …).
COUNCIL_TYPES = (
    MemberType.STADT,
    MemberType.GEMEINDE,
    MemberType.VERBANDSGEMEINDE,
    MemberType.LANDKREIS,
    MemberType.ZWECKVERBAND,
)


class MemberStatus(models.TextChoices):
    APPLICANT = "applicant", _("Antrag gestellt")
    REJECTED = "rejected", _("abgelehnt")
    ACTIVE = "active", _("Mitglied")
    LEAVING = "leaving", _("Mitglied, Ausscheiden steht fest")
    EXITED = "exited", _("ausgeschieden")


class MemberQuerySet(models.QuerySet["Member"]):
    def members_on(self, day: dt.date) -> MemberQuerySet:
        """Who was a member on ``day`` (the exit date is the last day of membership)."""
        return self.filter(joined_on__lte=day).filter(models.Q(left_on__isnull=True) | models.Q(left_on__gte=day))

    def with_name(self) -> MemberQuerySet:
        return self.select_related("organisation").order_by("organisation__name")


class Member(models.Model):
    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="member")
    member_type = models.CharField(_("Art"), max_length=20, choices=MemberType.choices)
    member_number = models.PositiveIntegerField(_("Mitgliedsnummer"), null=True, blank=True, unique=True)
    street = models.CharField(_("Straße und Hausnummer"), max_length=120)
    postcode = models.CharField(_("PLZ"), max_length=5, validators=[validate_postcode])
    city = models.CharField(_("Ort"), max_length=80)
    ags = models.CharField(_("Amtlicher Gemeindeschlüssel"), max_length=12, blank=True, validators=[validate_ags])
    vat_id = models.CharField(_("USt-IdNr."), max_length=11, blank=True, validators=[validate_vat_id])
    invoice_email = models.EmailField(_("E-Mail für Rechnungen"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    website = models.URLField(_("Internetseite"), blank=True)
    joined_on = models.DateField(_("Beitritt"), null=True, blank=True, db_index=True)
    left_on = models.DateField(_("Ausscheiden"), null=True, blank=True, db_index=True)
    rejected_on = models.DateField(_("abgelehnt am"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("Rechtsnachfolger"),
    )
    is_demo = models.BooleanField(_("Demodaten"), default=False)
    # Order settings, set by the member's admins: the delivery site preselected in carts, and whether
    # every order line needs a cost centre.
    default_site = models.ForeignKey(
        "Site",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Standard-Lieferort"),
    )
    cost_centre_required = models.BooleanField(_("Kostenstelle bei Bestellungen erforderlich"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("Mitglied")
        verbose_name_plural = _("Mitglieder")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def default_leitweg_id(self) -> str:
        ids = list(self.leitweg_ids.all())
        chosen = next((x for x in ids if x.is_default), ids[0] if ids else None)
        return chosen.value if chosen else ""

    @property
    def status(self) -> str:
        return self.status_on(dt.date.today())

    def status_on(self, day: dt.date) -> str:
        if self.rejected_on:
            return MemberStatus.REJECTED
        if self.joined_on is None or self.joined_on > day:
            return MemberStatus.APPLICANT
        if self.left_on is None:
            return MemberStatus.ACTIVE
        return MemberStatus.LEAVING if self.left_on >= day else MemberStatus.EXITED


class LeitwegId(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="leitweg_ids")
    value = models.CharField(_("Leitweg-ID"), max_length=46, unique=True, validators=[validate_leitweg_id])
    description = models.CharField(_("Verwendung"), max_length=120, blank=True)
    is_default = models.BooleanField(_("Standard für Rechnungen"), default=False)

    class Meta:
        ordering = ["-is_default", "value"]
        verbose_name = _("Leitweg-ID")
        verbose_name_plural = _("Leitweg-IDs")

    def __str__(self) -> str:
        return self.value


class Contact(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("Name"), max_length=120)
    function = models.CharField(_("Funktion"), max_length=120, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Ansprechperson")
        verbose_name_plural = _("Ansprechpersonen")

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("Bezeichnung"), max_length=120)
    street = models.CharField(_("Straße und Hausnummer"), max_length=120)
    postcode = models.CharField(_("PLZ"), max_length=5, validators=[validate_postcode])
    city = models.CharField(_("Ort"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Standort")
        verbose_name_plural = _("Standorte")

    def __str__(self) -> str:
        return self.name


class CostCentre(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="cost_centres")
    code = models.CharField(_("Kostenstelle"), max_length=30)
    name = models.CharField(_("Bezeichnung"), max_length=120)
    is_active = models.BooleanField(_("aktiv"), default=True)
    annual_budget = models.DecimalField(
        _("Haushaltsansatz je Jahr (EUR, netto)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Bestellungen, die ihn im Kalenderjahr überschreiten, werden angezeigt."),
    )

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["member", "code"], name="members_costcentre_unique")]
        verbose_name = _("Kostenstelle")
        verbose_name_plural = _("Kostenstellen")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EventKind(models.TextChoices):
    APPLICATION = "application", _("Beitrittserklärung")
    SUPERVISORY_APPROVAL = "supervisory_approval", _("Genehmigung der Kommunalaufsicht")
    ADMISSION = "admission", _("Zulassung")
    REJECTION = "rejection", _("Ablehnung")
    SHARES_SUBSCRIBED = "shares_subscribed", _("Zeichnung von Geschäftsanteilen")
    SHARES_INCREASED = "shares_increased", _("Beteiligung mit weiteren Anteilen")
    SHARES_REDUCED = "shares_reduced", _("Kündigung einzelner Anteile")
    SHARE_PAYMENT = "share_payment", _("Einzahlung auf Geschäftsanteile")
    NOTICE = "notice", _("Kündigung der Mitgliedschaft")
    EXCLUSION = "exclusion", _("Ausschluss")
    MERGER = "merger", _("Fusion in Rechtsnachfolger")
    EXIT = "exit", _("Ausscheiden")
    SETTLEMENT_PAID = "settlement_paid", _("Auszahlung des Auseinandersetzungsguthabens")
    WITHDRAWAL = "withdrawal", _("Rücknahme des Beitrittsantrags")


class MembershipEvent(models.Model):
    """One dated step of a membership. Rows are only added, never changed (history per § 30 GenG)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("Vorgang"), max_length=30, choices=EventKind.choices)
    effective_date = models.DateField(_("wirksam am"), db_index=True)
    share_delta = models.IntegerField(_("Änderung der Anteile"), default=0)
    nominal_value = models.DecimalField(_("Nennwert je Anteil"), max_digits=12, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(_("Betrag"), max_digits=12, decimal_places=2, null=True, blank=True)
    council_resolution_date = models.DateField(_("Datum des Ratsbeschlusses"), null=True, blank=True)
    exit_date = models.DateField(_("Ausscheiden zum"), null=True, blank=True)
    member_number = models.PositiveIntegerField(_("vergebene Mitgliedsnummer"), null=True, blank=True)
    successor = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Rechtsnachfolger")
    )
    document = models.FileField(_("Dokument"), upload_to="membership/%Y/", blank=True)
    note = models.TextField(_("Bemerkung"), blank=True)
    recorded_at = models.DateTimeField(_("erfasst am"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erfasst von"),
    )

    class Meta:
        ordering = ["effective_date", "id"]
        # the member's events in date order (cockpit, API list): one index range, already in order
        indexes = [models.Index(fields=["member", "effective_date", "id"], name="members_event_member_date_idx")]
        verbose_name = _("Mitgliedschaftsvorgang")
        verbose_name_plural = _("Mitgliedschaftsvorgänge")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_date:%d.%m.%Y}"


class MemberNumberSequence(models.Model):
    """The highest member number ever given; locked while a new one is assigned, so none is reused."""

    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.last_number)


class ApplicationStatus(models.TextChoices):
    UNCONFIRMED = "unconfirmed", _("E-Mail-Adresse noch nicht bestätigt")
    PENDING = "pending", _("liegt der Geschäftsstelle vor")
    ADMITTED = "admitted", _("zugelassen")
    REJECTED = "rejected", _("abgelehnt")
    WITHDRAWN = "withdrawn", _("zurückgenommen")
    EXPIRED = "expired", _("verfallen (E-Mail-Adresse nicht bestätigt)")


class JoiningApplication(models.Model):
    """An application to join made online by a town's authorised person (see docs/joining.md). It enters
    the register (a :class:`Member` applicant with its application event) only once the e-mail address is
    confirmed; until then it is only this row."""

    status = models.CharField(
        _("Stand"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.UNCONFIRMED
    )
    name = models.CharField(_("Name (Firma)"), max_length=200)
    member_type = models.CharField(_("Art"), max_length=20, choices=MemberType.choices)
    leitweg_id = models.CharField(_("Leitweg-ID"), max_length=46, validators=[validate_leitweg_id])
    street = models.CharField(_("Straße und Hausnummer"), max_length=120)
    postcode = models.CharField(_("PLZ"), max_length=5, validators=[validate_postcode])
    city = models.CharField(_("Ort"), max_length=80)
    shares = models.PositiveIntegerField(_("Geschäftsanteile"))
    council_resolution_date = models.DateField(_("Datum des Ratsbeschlusses"), null=True, blank=True)
    council_resolution = models.FileField(_("Ratsbeschluss (PDF)"), upload_to="joining/%Y/", blank=True)
    contact_name = models.CharField(_("Ansprechperson"), max_length=120)
    contact_function = models.CharField(_("Funktion"), max_length=120, blank=True)
    contact_email = models.EmailField(_("E-Mail"))
    contact_phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    member = models.OneToOneField(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="joining_application"
    )
    admin_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Administrationskonto"),
    )
    reason = models.TextField(_("Begründung"), blank=True)
    is_demo = models.BooleanField(_("Demodaten"), default=False)
    created_at = models.DateTimeField(_("eingegangen am"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("E-Mail bestätigt am"), null=True, blank=True)
    closed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Online-Beitrittsantrag")
        verbose_name_plural = _("Online-Beitrittsanträge")

    def __str__(self) -> str:
        return self.name
