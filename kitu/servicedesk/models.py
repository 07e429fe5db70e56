"""The service desk: teams with their queues, tickets of the members with SLA clocks, public replies and
internal notes, status history, attachments, canned replies, time recorded per ticket (docs/servicedesk.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kitu.assets.models import Asset
from kitu.billing.models import InvoiceLine, Service
from kitu.members.models import Member
from kitu.procedures.models import Procedure


class Kind(models.TextChoices):
    INCIDENT = "incident", _("Störung")
    SERVICE_REQUEST = "service_request", _("Serviceanfrage")
    QUESTION = "question", _("Frage")


class Level(models.TextChoices):
    """Impact and urgency as the member states them."""

    HIGH = "high", _("hoch")
    MEDIUM = "medium", _("mittel")
    LOW = "low", _("niedrig")


class Priority(models.IntegerChoices):
    """From impact × urgency (setting KITU_SERVICEDESK_PRIORITY); 1 comes first in every queue."""

    CRITICAL = 1, _("kritisch")
    HIGH = 2, _("hoch")
    MEDIUM = 3, _("mittel")
    LOW = 4, _("niedrig")


PRIORITY_CODES = {1: "critical", 2: "high", 3: "medium", 4: "low"}
PRIORITY_BY_CODE = {code: number for number, code in PRIORITY_CODES.items()}


class Status(models.TextChoices):
    NEW = "new", _("neu")
    IN_PROGRESS = "in_progress", _("in Bearbeitung")
    WAITING = "waiting", _("wartet auf Mitglied")
    RESOLVED = "resolved", _("gelöst")
    CLOSED = "closed", _("geschlossen")
    MERGED = "merged", _("zusammengeführt")


OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED)
PAUSED_STATUSES = (Status.WAITING, Status.RESOLVED)  # the SLA clock stops while the member is asked


class Channel(models.TextChoices):
    PAGE = "page", _("Webseite")
    API = "api", _("API")
    MAIL = "mail", _("E-Mail")


class Team(models.Model):
    """A queue of the cooperative's service desk; its members work the tickets routed to it."""

    code = models.SlugField(_("Kürzel"), max_length=40, unique=True)
    name = models.CharField(_("Bezeichnung"), max_length=120)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="servicedesk_teams")
    services = models.ManyToManyField(Service, blank=True, related_name="+", verbose_name=_("zuständig für"))
    is_demo = models.BooleanField(_("Demodaten"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Team")
        verbose_name_plural = _("Teams")

    def __str__(self) -> str:
        return self.name


class ServiceLevel(models.Model):
    """Response and resolution time in service minutes per service (None: the default) and priority."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    priority = models.PositiveSmallIntegerField(_("Priorität"), choices=Priority.choices)
    response_minutes = models.PositiveIntegerField(_("Reaktionszeit (Servicezeit-Minuten)"))
    resolution_minutes = models.PositiveIntegerField(_("Lösungszeit (Servicezeit-Minuten)"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "priority"], name="servicedesk_level_unique"),
            models.UniqueConstraint(
                fields=["priority"], condition=models.Q(service__isnull=True), name="servicedesk_default_level_unique"
            ),
        ]
        verbose_name = _("Servicelevel")
        verbose_name_plural = _("Servicelevel")

    def __str__(self) -> str:
        return f"{self.service or '—'} P{self.priority}"


class TicketSequence(models.Model):
    """The last ticket number drawn per year (row lock: unique, gapless)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Ticket(models.Model):
    number = models.CharField(_("Nummer"), max_length=20, unique=True)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="tickets")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="tickets"
    )
    subject = models.CharField(_("Betreff"), max_length=200)
    description = models.TextField(_("Beschreibung"))
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("Leistung")
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Fachverfahren")
    )
    asset = models.ForeignKey(
        Asset, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("Gerät")
    )
    impact = models.CharField(_("Auswirkung"), max_length=10, choices=Level.choices)
    urgency = models.CharField(_("Dringlichkeit"), max_length=10, choices=Level.choices)
    priority = models.PositiveSmallIntegerField(_("Priorität"), choices=Priority.choices)
    status = models.CharField(_("Status"), max_length=12, choices=Status.choices, default=Status.NEW)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("Eingang"), max_length=10, choices=Channel.choices, default=Channel.PAGE)
    created_at = models.DateTimeField(_("gemeldet am"))
    updated_at = models.DateTimeField(auto_now=True)
    first_response_at = models.DateTimeField(_("erste Antwort"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("gelöst am"), null=True, blank=True)
    closed_at = models.DateTimeField(_("geschlossen am"), null=True, blank=True)
    # The SLA clock (kitu/servicedesk/sla.py): targets copied at creation, pauses, due times kept current.
    response_minutes = models.PositiveIntegerField(default=0)
    resolution_minutes = models.PositiveIntegerField(default=0)
    paused_seconds = models.PositiveIntegerField(default=0)
    paused_since = models.DateTimeField(null=True, blank=True)
    response_due = models.DateTimeField(_("Reaktion fällig"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("Lösung fällig"), null=True, blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates")
    rating = models.PositiveSmallIntegerField(_("Zufriedenheit (1–5)"), null=True, blank=True)
    rating_comment = models.TextField(_("Anmerkung zur Bewertung"), blank=True)
    is_demo = models.BooleanField(_("Demodaten"), default=False)

    class Meta:
        ordering = ["priority", "resolution_due", "pk"]
        indexes = [
            models.Index(fields=["status", "priority", "resolution_due", "id"], name="servicedesk_queue"),
            models.Index(fields=["team", "status", "priority"], name="servicedesk_team_queue"),
            models.Index(fields=["member", "-created_at"], name="servicedesk_member"),
            # the coop queue: open tickets in queue order (partial, so ORDER BY … LIMIT reads 50 index entries)
            models.Index(
                fields=["priority", "resolution_due", "id"],
                condition=models.Q(status__in=["new", "in_progress", "waiting", "resolved"]),
                name="servicedesk_open_queue",
            ),
            models.Index(
                fields=["team", "priority", "resolution_due", "id"],
                condition=models.Q(status__in=["new", "in_progress", "waiting", "resolved"]),
                name="servicedesk_open_team_queue",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="servicedesk_rating_range",
            )
        ]
        verbose_name = _("Ticket")
        verbose_name_plural = _("Tickets")

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def mail_token(self) -> str:
        """What a reply's subject must carry to be added to this ticket."""
        return f"[KITU-{self.number}]"

    @property
    def priority_code(self) -> str:
        return PRIORITY_CODES[self.priority]


class Comment(models.Model):
    """A public reply (the member sees it) or an internal note (only the cooperative's staff)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    author_name = models.CharField(max_length=150, blank=True)  # the sender of a mail, the name at the time
    body = models.TextField(_("Text"))
    is_internal = models.BooleanField(_("interne Notiz"), default=False)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PAGE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.author_name}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    file = models.FileField(upload_to="servicedesk/%Y/%m/")
    file_name = models.CharField(_("Dateiname"), max_length=220)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    is_internal = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.file_name


class Transition(models.Model):
    """One row per status change (the ticket's history)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.from_status} → {self.to_status}"


class Clock(models.TextChoices):
    RESPONSE = "response", _("Reaktion")
    RESOLUTION = "resolution", _("Lösung")


class SlaEventKind(models.TextChoices):
    WARNING = "warning", _("Warnung")
    BREACH = "breach", _("Verletzung")


class SlaEvent(models.Model):
    """A warning before a due time, or a breach of it; at most one of each per ticket and clock."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_events")
    clock = models.CharField(max_length=12, choices=Clock.choices)
    kind = models.CharField(max_length=10, choices=SlaEventKind.choices)
    due = models.DateTimeField()
    at = models.DateTimeField()
    mailed_at = models.DateTimeField(null=True, blank=True)  # set once the assignee or the team was mailed

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "clock", "kind"], name="servicedesk_sla_event_once")]
        indexes = [models.Index(fields=["kind", "at"], name="servicedesk_sla_kind_at")]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.clock} {self.kind}"


class CannedReply(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, blank=True, related_name="canned_replies")
    title = models.CharField(_("Titel"), max_length=120)
    body = models.TextField(_("Text"))
    retired_at = models.DateTimeField(_("außer Gebrauch seit"), null=True, blank=True)  # not offered any more
    is_demo = models.BooleanField(_("Demodaten"), default=False)

    class Meta:
        ordering = ["title"]
        verbose_name = _("Textbaustein")
        verbose_name_plural = _("Textbausteine")

    def __str__(self) -> str:
        return self.title


class TimeEntry(models.Model):
    """Time the cooperative's staff worked on a ticket; billable time is billed once through the member's
    support contract (kitu.billing.usage), then ``invoice_line`` names the line."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="time_entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    worked_on = models.DateField(_("Datum"))
    minutes = models.PositiveIntegerField(_("Minuten"))
    billable = models.BooleanField(_("abrechenbar"), default=True)
    note = models.CharField(_("Tätigkeit"), max_length=200, blank=True)
    invoice_line = models.ForeignKey(InvoiceLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["worked_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(minutes__gte=1, minutes__lte=24 * 60), name="servicedesk_minutes")
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.minutes} min"
