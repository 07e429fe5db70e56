"""What the task inbox stores itself: which daily digests went out (one per user and day)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DigestSent(models.Model):
    """The daily task digest mailed to ``user`` on ``day``; the unique pair makes a second run a no-op."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("Tag"))
    tasks = models.PositiveIntegerField(_("Aufgaben"))
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="tasks_digest_once_a_day")]
        verbose_name = _("Aufgaben-Zusammenfassung")
        verbose_name_plural = _("Aufgaben-Zusammenfassungen")

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"
