"""Writes of the defect reporter: reports from the web or Open311 (with photos and the reporter's e-mail
opt-in), the case workers' work on them (status, answer, notes, moderation, merging duplicates), and the
API keys of client applications."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.core import audit, inserts
from kitu.core.errors import DomainError, PermissionDenied

from . import geo, photos, tasks
from .models import Category, DefectService, Note, Photo, Report, ReportStatus
from .optin import optin_data
from .policies import can_work_reports

MAX_DESCRIPTION = 4000
MAX_ADDRESS = Report._meta.get_field("address").max_length or 250
MAX_EMAIL = Report._meta.get_field("email").max_length or 254
MAX_MEDIA_URL = Report._meta.get_field("media_url").max_length or 500
# Characters no text of a report may hold: C0 controls but tab and line breaks (PostgreSQL refuses NUL, XML
# the others), lone surrogates and the non-characters U+FFFE/U+FFFF (not allowed in XML either).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _coordinate(raw: Any, field: str, low: int, high: int) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise DomainError(_("%(field)s ist keine Zahl.") % {"field": field}, field=field) from exc
    if not value.is_finite():  # NaN, sNaN and Infinity are Decimals, but no place (and NaN cannot be compared)
        raise DomainError(_("%(field)s ist keine Zahl.") % {"field": field}, field=field)
    if not low <= value <= high:
        raise DomainError(
            _("%(field)s liegt außerhalb von %(low)s bis %(high)s.") % {"field": field, "low": low, "high": high},
            field=field,
        )
    return value.quantize(Decimal("0.000001"))


def _text(value: str, field: str, limit: int, too_long: str) -> str:
    value = value.strip()
    if len(value) > limit:
        raise DomainError(too_long % {"n": limit}, field=field)
    if CONTROL_CHARACTERS.search(value):
        raise DomainError(_("Der Text enthält Steuerzeichen, die nicht erlaubt sind."), field=field)
    return value


def _email(value: str) -> str:
    """The reporter's address, checked before anything is stored (it goes into mail headers later)."""
    value = value.strip()
    if not value:
        return ""
    if len(value) > MAX_EMAIL:
        raise DomainError(_("Die E-Mail-Adresse ist länger als %(n)s Zeichen.") % {"n": MAX_EMAIL}, field="email")
    try:
        validate_email(value)
    except ValidationError as exc:
        raise DomainError(_("Das ist keine gültige E-Mail-Adresse."), field="email") from exc
    return value


def _media_url(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    try:
        if len(value) > MAX_MEDIA_URL:
            raise ValidationError("too long")
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError as exc:
        raise DomainError(_("media_url ist keine http(s)-Adresse (höchstens 500 Zeichen)."), field="media_url") from exc
    return value


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
    api_client_id: int | None = None,
    media_url: str = "",
    uploads: list[tuple[IO[bytes], str, int]] | None = None,
    category: Category | None = None,
) -> Report:
    """A citizen's report: the category must be active, a location is needed (coordinates or an address),
    and coordinates must lie in the town's area when it has one. Every input is checked, and photos
    (``uploads``: file, name, size) are all checked and cleaned, before anything is stored; a DomainError
    names the field (``location`` when the place is missing or outside). After the commit the department is
    told, and a given e-mail address gets the link that confirms it (double opt-in).

    ``category``: the caller may pass the category it has already read (Open311 reads it together with the
    town and the key); it is used only when it is the active one of ``category_code`` in this town.
    Without photos the report is a single INSERT, which commits on its own (inside a caller's transaction it
    joins that one); with photos the report and its photos are written in one transaction."""
    if not service.is_enabled:
        raise DomainError(_("Der Mängelmelder dieser Kommune ist nicht freigeschaltet."))
    if category is None or not (
        category.service_id == service.pk and category.code == category_code and category.is_active
    ):
        category = None
        if not CONTROL_CHARACTERS.search(category_code):
            category = Category.objects.filter(service=service, code=category_code, is_active=True).first()
    if category is None:
        raise DomainError(_("Unbekannte Kategorie „%(code)s“.") % {"code": category_code}, field="service_code")
    description = _text(
        description, "description", MAX_DESCRIPTION, _("Die Beschreibung ist länger als %(n)s Zeichen.")
    )
    if not description:
        raise DomainError(_("Bitte beschreiben Sie den Mangel."), field="description")
    lat_value, lon_value = _coordinate(lat, "lat", -90, 90), _coordinate(lon, "long", -180, 180)
    if (lat_value is None) != (lon_value is None):
        raise DomainError(_("Bitte Breite und Länge zusammen angeben."), field="lat" if lat_value is None else "long")
    address = _text(address, "address", MAX_ADDRESS, _("Die Ortsangabe ist länger als %(n)s Zeichen."))
    if lat_value is None and not address:
        raise DomainError(
            _("Bitte den Ort angeben: auf der Karte, als Adresse oder als Koordinaten."), field="location"
        )
    if (
        lat_value is not None
        and lon_value is not None
        and not geo.inside(float(lat_value), float(lon_value), service.area)
    ):
        raise DomainError(
            _("Der Ort liegt außerhalb von %(town)s. %(hint)s")
            % {"town": service.member.name, "hint": service.outside_hint},
            field="location",
        )
    email = _email(email)
    media_url = _media_url(media_url)
    cleaned = photos.clean_all(uploads or [])
    report = Report(
        service=service,
        category=category,
        description=description,
        lat=lat_value,
        lon=lon_value,
        address=address,
        email=email,
        source=source,
        api_client_id=api_client_id,
        media_url=media_url,
        department_mail_pending=True,
    )
    if cleaned:
        with transaction.atomic():
            inserts.insert(report)
            for photo in cleaned:
                Photo.objects.create(
                    report=report,
                    image=ContentFile(photo.content, name="photo.jpg"),
                    width=photo.width,
                    height=photo.height,
                )
    else:
        inserts.insert(report)  # the INSERT compiled once (kitu.core.inserts), not for every report
    # after the commit (at once when the INSERT above committed on its own, else with the caller's transaction):
    # the department's mail through the outbox (department_mail_pending, kitu.defects.tasks)
    transaction.on_commit(tasks.queue_new_report_mails)
    if report.email:
        transaction.on_commit(lambda: tasks.send_report_mail.delay(report.pk, "confirm"))
    return report


@transaction.atomic
def email_confirm(*, code: str) -> Report:
    """The reporter confirms the address from the link in the mail; from then on status changes are mailed."""
    data = optin_data(code)
    report = Report.objects.select_for_update().filter(pk=data.get("r", 0)).first()
    if report is None or not report.email or report.email != data.get("e"):
        raise DomainError(_("Der Bestätigungslink ist ungültig."))
    if report.email_confirmed_at is None:
        report.email_confirmed_at = timezone.now()
        report.save(update_fields=["email_confirmed_at"])
    return report


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
    _check_worker(actor, report)
    if category.service_id != report.service_id:
        raise DomainError(_("Die Kategorie gehört zu einer anderen Kommune."), field="category")
    too_long = _("Die Beschreibung ist länger als %(n)s Zeichen.")
    description = _text(description, "description", MAX_DESCRIPTION, too_long)
    if not description:
        raise DomainError(_("Bitte beschreiben Sie den Mangel."), field="description")
    if CONTROL_CHARACTERS.search(status_notes):  # published through Open311, where XML cannot carry them
        raise DomainError(_("Der Text enthält Steuerzeichen, die nicht erlaubt sind."), field="status_notes")
    if status == ReportStatus.CLOSED and not status_notes.strip():
        raise DomainError(_("Bitte begründen Sie den Abschluss in der öffentlichen Antwort."), field="status_notes")
    before = audit.snapshot(report, CASE_FIELDS)
    report.category, report.is_published = category, is_published
    report.description = description
    _set_status(report, status, status_notes)
    audit.record(
        actor=actor, instance=report, action="update", before=before, after=audit.snapshot(report, CASE_FIELDS)
    )
    return report


def _check_worker(actor: Any, report: Report) -> None:
    if not can_work_reports(actor, report.service):
        raise PermissionDenied(_("Meldungen bearbeiten die Sachbearbeiter der Kommune."))


def _set_status(report: Report, status: str, status_notes: str) -> None:
    """Save the report with its new status; a changed status is mailed to a confirmed reporter."""
    changed = report.status != status
    report.status, report.status_notes = status, status_notes.strip()
    if changed:
        report.closed_at = timezone.now() if status == ReportStatus.CLOSED else None
    report.save()
    if changed and report.email and report.email_confirmed_at:
        transaction.on_commit(lambda: tasks.send_report_mail.delay(report.pk, "status"))


@transaction.atomic
def note_add(*, actor: Any, report: Report, text: str) -> Note:
    """An internal note of a case worker (never shown to citizens or through Open311)."""
    report = Report.objects.select_related("service__member").get(pk=report.pk)
    _check_worker(actor, report)
    if not text.strip():
        raise DomainError(_("Die Notiz ist leer."), field="text")
    note = Note.objects.create(report=report, author=actor, text=text.strip()[:MAX_DESCRIPTION])
    audit.record(actor=actor, instance=note, action="create", after={"report": report.pk})
    return note


@transaction.atomic
def report_merge(*, actor: Any, report: Report, into: Report) -> Report:
    """Close ``report`` as a duplicate of ``into`` (same town): its reporter is told where to follow the case,
    its photos and notes stay with it for the record."""
    locked = {
        r.pk: r
        for r in Report.objects.select_for_update()
        .select_related("service__member")
        .filter(pk__in=[report.pk, into.pk])
    }
    report, into = locked[report.pk], locked[into.pk]
    _check_worker(actor, report)
    if report.pk == into.pk or into.service_id != report.service_id:
        raise DomainError(_("Nur mit einer anderen Meldung derselben Kommune zusammenführen."), field="into")
    if into.duplicate_of_id is not None:
        raise DomainError(_("Die Zielmeldung ist selbst ein Duplikat; bitte mit der ursprünglichen zusammenführen."))
    if report.duplicates.exists():
        raise DomainError(_("Zu dieser Meldung gibt es Duplikate; bitte führen Sie umgekehrt zusammen."))
    report.duplicate_of = into
    _set_status(
        report,
        ReportStatus.CLOSED,
        _("Dieser Mangel wurde bereits gemeldet (Meldung %(ref)s); wir bearbeiten ihn dort.") % {"ref": into.pk},
    )
    audit.record(
        actor=actor, instance=report, action="update", before={"duplicate_of": None}, after={"duplicate_of": into.pk}
    )
    return report


@transaction.atomic
def photo_delete(*, actor: Any, photo: Photo) -> None:
    """Moderation: a photo showing people, number plates or the like is deleted (file and record)."""
    photo = Photo.objects.select_related("report__service__member").get(pk=photo.pk)
    _check_worker(actor, photo.report)
    audit.record(actor=actor, instance=photo, action="delete", before={"report": photo.report_id})
    name, storage = photo.image.name, photo.image.storage
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))
