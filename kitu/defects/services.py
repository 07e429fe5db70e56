"""Writes of the defect reporter: reports (from the web or Open311) and the API keys of client applications."""

from __future__ import annotations

import hashlib
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.errors import DomainError, PermissionDenied

from . import geo
from .models import ApiClient, Category, DefectService, Report, ReportStatus
from .policies import can_manage_service, can_work_reports

MAX_DESCRIPTION = 4000


def _coordinate(raw: Any, field: str, low: int, high: int) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise DomainError(_("%(field)s ist keine Zahl.") % {"field": field}, field=field) from exc
    if not low <= value <= high:
        raise DomainError(
            _("%(field)s liegt außerhalb von %(low)s bis %(high)s.") % {"field": field, "low": low, "high": high},
            field=field,
        )
    return value.quantize(Decimal("0.000001"))


@transaction.atomic
def report_create(
    *,
    service: DefectService,
    category_code: str,
    description: str,
    lat: Any = None,
    lon: Any = None,
    address: str = "",
    email: str = "",
    source: str = "web",
    api_client: ApiClient | None = None,
) -> Report:
    """A citizen's report: the category must be active, a location is needed (coordinates or an address),
    and coordinates must lie in the town's area when it has one."""
    if not service.is_enabled:
        raise DomainError(_("Der Mängelmelder dieser Kommune ist nicht freigeschaltet."))
    category = Category.objects.filter(service=service, code=category_code, is_active=True).first()
    if category is None:
        raise DomainError(_("Unbekannte Kategorie „%(code)s“.") % {"code": category_code}, field="service_code")
    description = description.strip()
    if not description:
        raise DomainError(_("Bitte beschreiben Sie den Mangel."), field="description")
    if len(description) > MAX_DESCRIPTION:
        raise DomainError(
            _("Die Beschreibung ist länger als %(n)s Zeichen.") % {"n": MAX_DESCRIPTION}, field="description"
        )
    lat_value, lon_value = _coordinate(lat, "lat", -90, 90), _coordinate(lon, "long", -180, 180)
    if (lat_value is None) != (lon_value is None):
        raise DomainError(_("Bitte Breite und Länge zusammen angeben."), field="lat" if lat_value is None else "long")
    address = address.strip()[:250]
    if lat_value is None and not address:
        raise DomainError(_("Bitte den Ort angeben: auf der Karte, als Adresse oder als Koordinaten."), field="lat")
    if (
        lat_value is not None
        and lon_value is not None
        and not geo.inside(float(lat_value), float(lon_value), service.area)
    ):
        raise DomainError(
            _("Der Ort liegt außerhalb von %(town)s. %(hint)s")
            % {"town": service.member.name, "hint": service.outside_hint},
            field="lat",
        )
    return Report.objects.create(
        service=service,
        category=category,
        description=description,
        lat=lat_value,
        lon=lon_value,
        address=address,
        email=email.strip(),
        source=source,
        api_client=api_client,
    )


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_client_create(*, actor: Any, service: DefectService, name: str) -> tuple[ApiClient, str]:
    """A new Open311 key for a client application of the town; the key is shown once, only its hash kept.
    ``actor`` None: the management command (operator on the server)."""
    if actor is not None and not can_manage_service(actor, service):
        raise PermissionDenied(_("Schlüssel vergibt die Administration der Kommune."))
    if not name.strip():
        raise DomainError(_("Bitte den Namen der Anwendung angeben."), field="name")
    key = secrets.token_urlsafe(32)
    client = ApiClient.objects.create(
        service=service, name=name.strip()[:100], prefix=key[:8], key_hash=_hash(key), created_by=actor
    )
    audit.record(actor=actor, instance=client, action="create", after={"name": client.name})
    return client, key


def api_client_for(service: DefectService, key: str) -> ApiClient | None:
    """The active client of the town holding this key, else None."""
    if not key:
        return None
    return ApiClient.objects.filter(service=service, key_hash=_hash(key), revoked_at__isnull=True).first()


CASE_FIELDS = ("status", "status_notes", "category_id", "description", "is_published")


@transaction.atomic
def report_update(
    *,
    actor: Any,
    report: Report,
    status: str,
    status_notes: str,
    category: Category,
    description: str,
    is_published: bool,
) -> Report:
    """A case worker of the town changes the status, answers publicly, recategorises, edits the text
    (removing personal data) and publishes after moderation."""
    report = Report.objects.select_for_update().select_related("service__member").get(pk=report.pk)
    if not can_work_reports(actor, report.service):
        raise PermissionDenied(_("Meldungen bearbeiten die Sachbearbeiter der Kommune."))
    if category.service_id != report.service_id:
        raise DomainError(_("Die Kategorie gehört zu einer anderen Kommune."), field="category")
    if not description.strip():
        raise DomainError(_("Bitte beschreiben Sie den Mangel."), field="description")
    if status == ReportStatus.CLOSED and not status_notes.strip():
        raise DomainError(_("Bitte begründen Sie den Abschluss in der öffentlichen Antwort."), field="status_notes")
    before = audit.snapshot(report, CASE_FIELDS)
    report.status, report.status_notes, report.category = status, status_notes.strip(), category
    report.description, report.is_published = description.strip()[:MAX_DESCRIPTION], is_published
    report.save()
    audit.record(
        actor=actor, instance=report, action="update", before=before, after=audit.snapshot(report, CASE_FIELDS)
    )
    return report
