"""Working groups (Arbeitskreise) with their members, and meetings, trainings and events with
registrations: a total capacity, at most N per member organisation, and a waiting list. Meetings have
minutes with decisions and action items; groups have documents with versions; the cooperative publishes
news; every user has a secret calendar feed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kitu.accounts.models import Organisation


class Visibility(models.TextChoices):
    OPEN = "open", _("offen für alle Mitglieder")
    REQUEST = "request", _("auf Antrag (Koordination gibt frei)")


class WorkingGroup(models.Model):
    name = models.CharField(_("Name"), max_length=120, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    visibility = models.CharField(_("Beitritt"), max_length=10, choices=Visibility.choices, default=Visibility.OPEN)
    is_demo = models.BooleanField(_("Demodaten"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Arbeitskreis")
        verbose_name_plural = _("Arbeitskreise")

    def __str__(self) -> str:
        return self.name


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Mitglied")
    PENDING = "pending", _("beantragt")


class GroupMembership(models.Model):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships")
    is_coordinator = models.BooleanField(_("Koordination"), default=False)
    status = models.CharField(_("Status"), max_length=10, choices=MembershipStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group", "-is_coordinator", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="workgroups_membership_unique")]
        verbose_name = _("Mitgliedschaft im Arbeitskreis")
        verbose_name_plural = _("Mitgliedschaften im Arbeitskreis")

    def __str__(self) -> str:
        return f"{self.group}: {self.user}"


class EventKind(models.TextChoices):
    MEETING = "meeting", _("Sitzung")
    TRAINING = "training", _("Schulung")
    EVENT = "event", _("Veranstaltung")


class Meeting(models.Model):
    """A meeting of a working group, or a training or event of the cooperative (no group: open to the
    staff of all members)."""

    kind = models.CharField(_("Art"), max_length=10, choices=EventKind.choices, default=EventKind.MEETING)
    group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("Arbeitskreis"),
    )
    title = models.CharField(_("Titel"), max_length=200)
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    place = models.CharField(_("Ort"), max_length=200, blank=True)
    video_url = models.URLField(_("Videokonferenz"), blank=True)
    agenda = models.TextField(_("Tagesordnung"), blank=True)
    capacity = models.PositiveIntegerField(_("Plätze"), null=True, blank=True, help_text=_("leer: unbegrenzt"))
    per_member_limit = models.PositiveSmallIntegerField(
        _("höchstens je Mitglied"), null=True, blank=True, help_text=_("leer: unbegrenzt")
    )
    fee = models.DecimalField(_("Teilnahmegebühr (EUR, netto)"), max_digits=10, decimal_places=2, null=True, blank=True)
    minutes = models.TextField(_("Protokoll"), blank=True)
    invited_at = models.DateTimeField(_("eingeladen am"), null=True, blank=True)
    is_demo = models.BooleanField(_("Demodaten"), default=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        # upcoming meetings (API list, calendar): the range on ends_at picks only those not yet ended, few
        # enough to sort by start; an index in start order would walk every past meeting first
        indexes = [models.Index(fields=["ends_at"], name="workgroups_meeting_ends_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="workgroups_meeting_time_order"),
            models.CheckConstraint(
                condition=Q(kind="meeting", group__isnull=False) | ~Q(kind="meeting"),
                name="workgroups_meeting_has_group",
            ),
        ]
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")

    def __str__(self) -> str:
        return self.title


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("angemeldet")
    WAITING = "waiting", _("Warteliste")
    CANCELLED = "cancelled", _("abgemeldet")


class Registration(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("für")
    )
    status = models.CharField(_("Status"), max_length=12, choices=RegistrationStatus.choices)
    queued_at = models.DateTimeField(_("angemeldet am"))  # the waiting list's order
    attended = models.BooleanField(_("anwesend"), default=False)
    # the meeting's fee when the registration was made; billed to the organisation after the meeting
    fee = models.DecimalField(_("Teilnahmegebühr (EUR, netto)"), max_digits=10, decimal_places=2, null=True)
    billed_at = models.DateTimeField(_("abgerechnet am"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "queued_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="workgroups_registration_unique")]
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")

    def __str__(self) -> str:
        return f"{self.meeting}: {self.user} ({self.status})"


class MinutesItemKind(models.TextChoices):
    DECISION = "decision", _("Beschluss")
    ACTION = "action", _("Aufgabe")


class MinutesItem(models.Model):
    """A decision or an action item (owner, due date, done) of a meeting's minutes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes_items")
    kind = models.CharField(_("Art"), max_length=10, choices=MinutesItemKind.choices)
    text = models.TextField(_("Text"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("verantwortlich"),
    )
    due_on = models.DateField(_("fällig am"), null=True, blank=True)
    done_on = models.DateField(_("erledigt am"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="action") | Q(owner__isnull=True, due_on__isnull=True, done_on__isnull=True),
                name="workgroups_decision_has_no_owner",
            )
        ]
        verbose_name = _("Protokollpunkt")
        verbose_name_plural = _("Protokollpunkte")

    def __str__(self) -> str:
        return self.text[:60]


class Document(models.Model):
    """A document of a working group (optionally of one of its meetings); only the group sees it."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="documents")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents", verbose_name=_("Sitzung")
    )
    title = models.CharField(_("Titel"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group", "title", "pk"]
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("Version"))
    file = models.FileField(upload_to="workgroups/%Y/")
    filename = models.CharField(_("Dateiname"), max_length=200)
    size = models.PositiveBigIntegerField(_("Größe (Byte)"))
    comment = models.CharField(_("Änderung"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="workgroups_document_version_unique")
        ]
        verbose_name = _("Dokumentversion")
        verbose_name_plural = _("Dokumentversionen")

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class NewsItem(models.Model):
    """ "Aktuelles" of the cooperative on the start page; with a group only for that group's members."""

    title = models.CharField(_("Überschrift"), max_length=200)
    body = models.TextField(_("Text"))
    group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="news",
        verbose_name=_("nur für den Arbeitskreis"),
    )
    published_at = models.DateTimeField(_("veröffentlicht am"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    is_demo = models.BooleanField(_("Demodaten"), default=False)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("Beitrag")
        verbose_name_plural = _("Aktuelles")

    def __str__(self) -> str:
        return self.title


class CalendarFeed(models.Model):
    """The secret token of a user's personal iCal feed (a new token invalidates the old address)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}"
