"""The shared defect reporter (Mängelmelder): a town's service with its categories and area, the citizens'
reports, and the client applications allowed to post through Open311."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kitu.members.models import Member

LEGAL_TEXT_MAX = 20000


def arms_path(instance: models.Model, filename: str) -> str:
    """A fresh name per upload, so that a changed coat of arms is never served from a cache."""
    return f"defects/arms/{uuid.uuid4().hex}.png"


class DefectService(models.Model):
    """A member town that runs the defect reporter; its slug is the Open311 ``jurisdiction_id``."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="defect_service")
    slug = models.SlugField(_("Kennung (jurisdiction_id)"), max_length=50, unique=True)
    is_enabled = models.BooleanField(_("freigeschaltet"), default=True)
    area = models.JSONField(
        _("Gebiet (Polygon)"),
        default=list,
        blank=True,
        help_text=_("Eckpunkte [Breite, Länge] nach WGS84; leer: keine Prüfung"),
    )
    outside_hint = models.CharField(
        _("Hinweis für Meldungen außerhalb"),
        max_length=300,
        blank=True,
        help_text=_("z. B. welche Stelle für das Gebiet außerhalb zuständig ist"),
    )
    retention_days = models.PositiveIntegerField(_("Aufbewahrung geschlossener Meldungen (Tage)"), default=730)
    target_days = models.PositiveSmallIntegerField(
        _("Bearbeitungsziel (Tage)"),
        default=10,
        help_text=_("Meldungen, die danach nicht erledigt sind, erscheinen als überfällig in den Aufgaben"),
    )
    is_demo = models.BooleanField(_("Demodaten"), default=False)
    # What the town's public pages show: its coat of arms (checked and re-encoded, see arms.py) and its own
    # legal texts (plain text; the footer of its pages links them).
    coat_of_arms = models.FileField(_("Wappen"), upload_to=arms_path, blank=True)
    arms_width = models.PositiveIntegerField(default=0)
    arms_height = models.PositiveIntegerField(default=0)
    imprint = models.TextField(_("Impressum"), max_length=LEGAL_TEXT_MAX, blank=True)
    privacy = models.TextField(_("Datenschutzerklärung"), max_length=LEGAL_TEXT_MAX, blank=True)
    accessibility = models.TextField(_("Erklärung zur Barrierefreiheit"), max_length=LEGAL_TEXT_MAX, blank=True)
    accessibility_email = models.EmailField(_("E-Mail für Rückmeldungen zur Barrierefreiheit"), blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("Mängelmelder einer Kommune")
        verbose_name_plural = _("Mängelmelder der Kommunen")

    def __str__(self) -> str:
        return self.slug


class Category(models.Model):
    """A kind of defect (Open311 "service"), routed to a department's mailbox."""

    service = models.ForeignKey(DefectService, on_delete=models.CASCADE, related_name="categories")
    code = models.SlugField(_("Code (service_code)"), max_length=50)
    name = models.CharField(_("Bezeichnung"), max_length=100)
    description = models.CharField(_("Beschreibung"), max_length=300, blank=True)
    group = models.CharField(_("Gruppe"), max_length=60, blank=True)
    keywords = models.CharField(_("Stichwörter"), max_length=200, blank=True)
    department_email = models.EmailField(_("E-Mail der Fachabteilung"))
    case_workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="defect_categories",
        verbose_name=_("zuständige Sachbearbeiter"),
        help_text=_("werden wie die Fachabteilung über neue Meldungen benachrichtigt"),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["service", "name"]
        constraints = [models.UniqueConstraint(fields=["service", "code"], name="defects_category_code_unique")]
        verbose_name = _("Kategorie")
        verbose_name_plural = _("Kategorien")

    def __str__(self) -> str:
        return self.name


class ReportStatus(models.TextChoices):
    OPEN = "open", _("offen")
    IN_PROGRESS = "in_progress", _("in Bearbeitung")
    CLOSED = "closed", _("erledigt")


class Report(models.Model):
    """A citizen's report. ``token`` is the citizen's tracking key (and the Open311 token)."""

    service = models.ForeignKey(DefectService, on_delete=models.CASCADE, related_name="reports")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports")
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    description = models.TextField(_("Beschreibung"), max_length=4000)
    lat = models.DecimalField(_("Breite"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("Länge"), max_digits=9, decimal_places=6, null=True, blank=True)
    address = models.CharField(_("Ort (Adresse)"), max_length=250, blank=True)
    email = models.EmailField(_("E-Mail für Rückmeldungen"), blank=True)
    email_confirmed_at = models.DateTimeField(_("E-Mail bestätigt am"), null=True, blank=True)
    status = models.CharField(_("Status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    status_notes = models.TextField(_("öffentliche Antwort"), blank=True)
    is_published = models.BooleanField(_("veröffentlicht"), default=False)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("Duplikat von"),
    )
    media_url = models.URLField(_("Foto-Adresse (Open311)"), max_length=500, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)
    closed_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)
    source = models.CharField(_("Eingang"), max_length=20, default="web")
    api_client = models.ForeignKey(
        "ApiClient", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    requested_at = models.DateTimeField(_("gemeldet am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    is_demo = models.BooleanField(_("Demodaten"), default=False)
    # the outbox of the department's mail: set for a new report, cleared by the sweep that mails it (tasks.py)
    department_mail_pending = models.BooleanField(_("Meldung an die Fachabteilung ausstehend"), default=False)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["service", "requested_at"]),
            models.Index(fields=["service", "status"]),
            # the sweep's pending reports: few rows at any time, so a partial index
            models.Index(
                fields=["id"], condition=models.Q(department_mail_pending=True), name="defects_report_mail_pending"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(lat__isnull=False) & models.Q(lon__isnull=False)) | ~models.Q(address=""),
                name="defects_report_has_location",
            )
        ]
        verbose_name = _("Mängelmeldung")
        verbose_name_plural = _("Mängelmeldungen")

    def __str__(self) -> str:
        return f"{self.service}-{self.pk}"


def photo_path(instance: models.Model, filename: str) -> str:
    """A random name: the citizen's file name may carry personal data."""
    return f"defects/{uuid.uuid4().hex}.jpg"


class Photo(models.Model):
    """A citizen's photo, stored re-encoded as JPEG without metadata; public only with a published report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=photo_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("Foto")
        verbose_name_plural = _("Fotos")

    def __str__(self) -> str:
        return f"{self.report}: Foto {self.pk}"


class Note(models.Model):
    """A case worker's internal note on a report (never public)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("interne Notiz"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("interne Notiz")
        verbose_name_plural = _("interne Notizen")

    def __str__(self) -> str:
        return f"{self.report}: Notiz {self.pk}"


class ApiClient(models.Model):
    """An application allowed to post reports for a town through Open311 (``api_key``; only a hash is kept)."""

    service = models.ForeignKey(DefectService, on_delete=models.CASCADE, related_name="api_clients")
    name = models.CharField(_("Anwendung"), max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["service", "name"]
        verbose_name = _("Open311-Anwendung")
        verbose_name_plural = _("Open311-Anwendungen")

    def __str__(self) -> str:
        return f"{self.service}: {self.name}"
