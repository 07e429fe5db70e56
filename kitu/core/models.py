"""Cross-cutting models: the append-only audit trail."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise RuntimeError("The audit trail is append-only.")

    def delete(self) -> NoReturn:
        raise RuntimeError("The audit trail is append-only.")


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
