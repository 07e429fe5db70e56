"""Cross-cutting models: the append-only audit trail and the background jobs with their progress."""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise RuntimeError("The audit trail is append-only.")

    def delete(self) -> NoReturn:
        raise RuntimeError("The audit trail is append-only.")

    def unsealed(self) -> AuditQuerySet:
        """What readers of the trail may see now: not the entries sealed until a later time (an offer in a
        mini-competition before its deadline: not even who made one may show)."""
        return self.exclude(sealed_until__gt=timezone.now())


class AuditEntry(models.Model):
    """One change: who did what to which object, when, with the values before and after.

    Rows are never updated or deleted: the model refuses it, and on PostgreSQL a trigger does too
    (see migration 0002). SQLite refuses updates by trigger as well.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("angelegt")
        UPDATE = "update", _("geändert")
        DELETE = "delete", _("gelöscht")

    at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Person"),
    )
    actor_email = models.CharField(_("E-Mail der Person"), max_length=254, blank=True)
    action = models.CharField(_("Aktion"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("Objektart"), max_length=60, db_index=True)
    object_id = models.CharField(_("Objekt-ID"), max_length=40)
    object_repr = models.CharField(_("Objekt"), max_length=200)
    changes = models.JSONField(_("Änderungen"), default=dict)
    sealed_until = models.DateTimeField(_("versiegelt bis"), null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Änderungsprotokoll")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("The audit trail is append-only.")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("wartet")
    RUNNING = "running", _("läuft")
    DONE = "done", _("fertig")
    FAILED = "failed", _("fehlgeschlagen")


class Job(models.Model):
    """One piece of long work done by a background task (issuing a billing run, mailing a campaign, an
    optimiser run …): what it is, for whom, how far it got and where its result is. Its id is in the URL of
    the progress page, so the page survives a reload."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("Art"), max_length=60, db_index=True)
    title = models.CharField(_("Vorgang"), max_length=200)
    unit = models.CharField(_("Einheit"), max_length=60, blank=True)  # plural noun: "Rechnungen"
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_type = models.CharField(max_length=60, blank=True)
    subject_id = models.CharField(max_length=40, blank=True)
    status = models.CharField(_("Status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(_("erledigt"), default=0)
    total = models.PositiveIntegerField(_("insgesamt"), default=0)
    message = models.TextField(_("Meldung"), blank=True)
    result_url = models.CharField(_("Ergebnis"), max_length=300, blank=True)
    result_label = models.CharField(_("Verweis auf das Ergebnis"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    started_at = models.DateTimeField(_("begonnen"), null=True, blank=True)
    finished_at = models.DateTimeField(_("beendet"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "kind"])]
        verbose_name = _("Hintergrundvorgang")
        verbose_name_plural = _("Hintergrundvorgänge")

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def active(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0
