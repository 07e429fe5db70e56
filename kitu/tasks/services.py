"""The daily task digest: one mail per opted-in user with open tasks, at most once a day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kitu.accounts.models import User
from kitu.core.actors import SYSTEM, SystemActor
from kitu.core.errors import PermissionDenied

from . import registry
from .models import DigestSent


def digest_send(*, actor: Any, user: User, today: dt.date | None = None) -> bool:
    """Mail ``user`` the list of their tasks, when they asked for it, have tasks and got no digest today.
    Only the platform (SYSTEM) sends digests. Returns whether a mail went out."""
    if not isinstance(actor, SystemActor):
        raise PermissionDenied("Only the platform sends task digests")
    today = today or timezone.localdate()
    if not (user.is_active and user.task_digest):
        return False
    if DigestSent.objects.filter(user=user, day=today).exists():
        return False
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        tasks = registry.tasks_for(user)
        if not tasks:
            return False
        base = settings.KITU_BASE_URL.rstrip("/")
        context = {
            "user": user,
            "tasks": [(t, registry.age_in_words(t.since, today)) for t in tasks],
            "base": base,
            "count": len(tasks),
        }
        subject = render_to_string("tasks/digest_subject.txt", context).strip()
        body = render_to_string("tasks/digest_body.txt", context)
    with transaction.atomic():
        _row, created = DigestSent.objects.get_or_create(user=user, day=today, defaults={"tasks": len(tasks)})
        if not created:
            return False  # a parallel run was faster
        # inside the transaction: when the mail fails, the row goes too and the next run tries again
        send_mail(subject, body, None, [user.email])
    return True


def digests_send(*, actor: Any = SYSTEM, today: dt.date | None = None) -> int:
    """The daily run over every opted-in user; returns the number of mails sent."""
    today = today or timezone.localdate()
    users = User.objects.filter(is_active=True, task_digest=True).exclude(
        pk__in=DigestSent.objects.filter(day=today).values("user_id")
    )
    return sum(digest_send(actor=actor, user=user, today=today) for user in users.order_by("pk"))
