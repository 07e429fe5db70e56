"""The register of specialist procedures (Fachverfahren): which member runs which product in which version,
where it runs, its contract, the processing record (Art. 30 GDPR) and the data processing agreement
(Art. 28 GDPR), and the protection need (BSI IT-Grundschutz)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kitu.members.models import Member


class Area(models.TextChoices):
    FINANCE = "finance", _("Finanzwesen/Doppik")
    HR = "hr", _("Personalwesen")
    DMS = "dms", _("Dokumentenmanagement (DMS/E-Akte)")
    REGISTRATION = "registration", _("Einwohnermeldewesen")
    COUNCIL = "council", _("Ratsarbeit/Sitzungsdienst")
    CIVIL_STATUS = "civil_status", _("Personenstandswesen")
    REGULATORY = "regulatory", _("Ordnungs- und Gewerbewesen")
    BUILDING = "building", _("Bauwesen/Liegenschaften")
    GEO = "geo", _("Geoinformation")
    SCHOOL = "school", _("Schulverwaltung")
    OTHER = "other", _("Sonstiges")


class Operation(models.TextChoices):
    COOP_DC = "coop_dc", _("Rechenzentrum der Genossenschaft")
    MEMBER = "member", _("beim Mitglied")
    SAAS = "saas", _("Software as a Service beim Hersteller")


class ProtectionNeed(models.TextChoices):
    NORMAL = "normal", _("normal")
    HIGH = "high", _("hoch")
    VERY_HIGH = "very_high", _("sehr hoch")


def dpa_path(instance: models.Model, filename: str) -> str:
    return f"procedures/{instance.member_id}/{filename}"  # type: ignore[attr-defined]


class Procedure(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="procedures")
    name = models.CharField(_("Bezeichnung"), max_length=150)
    vendor = models.CharField(_("Hersteller"), max_length=120)
    product = models.CharField(_("Produkt"), max_length=120, db_index=True)
    version = models.CharField(_("Version"), max_length=40, blank=True)
    area = models.CharField(_("Fachbereich"), max_length=20, choices=Area.choices)
    operation = models.CharField(_("Betrieb"), max_length=10, choices=Operation.choices)
    contact_name = models.CharField(_("Ansprechperson beim Mitglied"), max_length=120, blank=True)
    contact_email = models.EmailField(_("E-Mail der Ansprechperson"), blank=True)
    contact_phone = models.CharField(_("Telefon der Ansprechperson"), max_length=40, blank=True)
    vendor_contact = models.CharField(_("Ansprechperson beim Hersteller"), max_length=200, blank=True)
    licence_count = models.PositiveIntegerField(_("Lizenzen"), null=True, blank=True)
    contract_end = models.DateField(_("Vertragsende"), null=True, blank=True, db_index=True)
    processing_record = models.TextField(
        _("Verzeichnis von Verarbeitungstätigkeiten (Art. 30 DSGVO)"),
        blank=True,
        help_text=_("Zweck, Kategorien betroffener Personen und Daten, Empfänger, Löschfristen."),
    )
    dpa_date = models.DateField(_("Auftragsverarbeitungsvertrag vom (Art. 28 DSGVO)"), null=True, blank=True)
    dpa_document = models.FileField(_("Auftragsverarbeitungsvertrag (Dokument)"), upload_to=dpa_path, blank=True)
    protection_need = models.CharField(
        _("Schutzbedarf (BSI)"), max_length=10, choices=ProtectionNeed.choices, default=ProtectionNeed.NORMAL
    )
    is_demo = models.BooleanField(_("Demodaten"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["member__organisation__name", "area", "product", "pk"]
        indexes = [models.Index(fields=["product", "version"], name="procedures_product_version")]
        verbose_name = _("Fachverfahren")
        verbose_name_plural = _("Fachverfahren")

    def __str__(self) -> str:
        return f"{self.product} {self.version}".strip()
