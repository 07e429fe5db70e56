"""Retention: a closed report is kept as long as its town says (``retention_days``); then the reporter's
address, the photos and the internal notes are deleted and a text never checked for publication is replaced.
What stays (category, place, dates, status, the public answer, a published text) carries no personal data."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.actors import SystemActor
from kitu.core.errors import PermissionDenied

from .models import DefectService, Photo, Report

ANONYMISED = "(anonymisiert)"
BATCH = 500


def due(now: dt.datetime) -> list[int]:
    """Closed, not yet anonymised reports older than their town's retention period (a batch)."""
    due_now = Q(pk__in=[])
    for service in DefectService.objects.only("pk", "retention_days"):
        due_now |= Q(service=service, closed_at__lt=now - dt.timedelta(days=service.retention_days))
    return list(Report.objects.filter(due_now, anonymised_at__isnull=True).values_list("pk", flat=True)[:BATCH])


def _delete_files(names: list[tuple[Storage, str]]) -> None:
    for storage, name in names:
        storage.delete(name)


def anonymise_expired(*, actor: object, now: dt.datetime | None = None) -> int:
    """Anonymise what is due, in batches, each batch in one transaction (a crash loses nothing: the next run
    picks up the rest). Only the platform (SYSTEM) does this, daily. Returns the number of reports."""
    if not isinstance(actor, SystemActor):
        raise PermissionDenied(_("Fristgerecht anonymisiert nur die Plattform selbst."))
    now = now or timezone.now()
    total = 0
    while ids := due(now):
        with transaction.atomic():
            photos = list(Photo.objects.filter(report_id__in=ids))
            names = [(p.image.storage, p.image.name) for p in photos]
            Photo.objects.filter(pk__in=[p.pk for p in photos]).delete()
            for report in Report.objects.select_for_update().filter(pk__in=ids):
                report.notes.all().delete()
                report.email, report.email_confirmed_at, report.media_url = "", None, ""
                if not report.is_published:
                    report.description = ANONYMISED
                report.anonymised_at = now
                report.save(update_fields=["email", "email_confirmed_at", "media_url", "description", "anonymised_at"])
                audit.record(actor=actor, instance=report, action="update", after={"anonymised_at": str(now)})
            transaction.on_commit(partial(_delete_files, names))
        total += len(ids)
    return total
