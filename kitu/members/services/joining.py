"""Joining online (docs/joining.md): a town's authorised person applies through the public form, confirms the
e-mail address through a signed, expiring link, and only then the application enters the register as an
applicant with its application event, for the office to decide with the register's own admission and
rejection. On admission the applicant's address gets the member's admin account (once); on rejection the
reason is mailed; the applicant may withdraw through a second signed link."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.core import audit
from kitu.core.actors import SYSTEM, SystemActor
from kitu.core.errors import DomainError, PermissionDenied, full_clean

from .. import rules
from ..models import (
    COUNCIL_TYPES,
    ApplicationStatus,
    Contact,
    EventKind,
    JoiningApplication,
    LeitwegId,
    Member,
    MemberNumberSequence,
    MemberType,
)
from . import joining_mail
from ._common import PERSONAL_FIELDS, SUBRECORD_FIELDS
from .joining_codes import CONFIRM_MAX_AGE, CONFIRM_SALT, WITHDRAW_MAX_AGE, WITHDRAW_SALT
from .joining_outcome import APPLICATION_AUDIT_FIELDS, close
from .lifecycle import member_reject
from .master_data import member_apply

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # the council resolution, decoded
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class ApplicationInput:
    name: str
    member_type: str
    leitweg_id: str
    street: str
    postcode: str
    city: str
    shares: int
    council_resolution_date: dt.date | None
    contact_name: str
    contact_email: str
    contact_function: str = ""
    contact_phone: str = ""


def check_pdf(upload: Any) -> bytes:
    """The council resolution: a PDF by its content (not its name or declared type), at most
    MAX_UPLOAD_BYTES decoded. Returns the bytes."""
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise DomainError(
            _("Die Datei ist größer als %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
            field="council_resolution",
        )
    if not content:
        raise DomainError(_("Die Datei ist leer."), field="council_resolution")
    if not content.startswith(b"%PDF-"):
        raise DomainError(_("Die Datei ist kein PDF-Dokument."), field="council_resolution")
    return content


def _text(value: str, field: str, *, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise DomainError(_("Bitte ausfüllen."), field=field)
    if CONTROL_CHARACTERS.search(value):
        raise DomainError(_("Der Text enthält Steuerzeichen, die nicht erlaubt sind."), field=field)
    return value


def _duplicate(name: str, leitweg_id: str, *, exclude: int | None = None) -> DomainError | None:
    """An application for an organisation or Leitweg-ID that is already a member or already pending."""
    taken = LeitwegId.objects.filter(value=leitweg_id).select_related("member").first()
    if taken is not None:
        if taken.member.rejected_on is not None:
            message = _(
                "Diese Leitweg-ID gehört zu einem früheren Antrag; bitte wenden Sie sich an die Geschäftsstelle."
            )
        elif taken.member.joined_on is None:
            message = _("Für diese Leitweg-ID liegt bereits ein Beitrittsantrag vor.")
        else:
            message = _("Diese Leitweg-ID ist bereits einem Mitglied zugeordnet.")
        return DomainError(message, field="leitweg_id")
    today = dt.date.today()
    open_member = (
        Member.objects.filter(organisation__name__iexact=name, rejected_on__isnull=True)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=today))
        .exists()
    )
    pending = JoiningApplication.objects.filter(status=ApplicationStatus.PENDING)
    if exclude is not None:
        pending = pending.exclude(pk=exclude)
    if open_member or pending.filter(name__iexact=name).exists():
        return DomainError(
            _("Für „%(name)s“ liegt bereits ein Beitrittsantrag vor oder die Organisation ist schon Mitglied.")
            % {"name": name},
            field="name",
        )
    if pending.filter(leitweg_id=leitweg_id).exists():
        return DomainError(_("Für diese Leitweg-ID liegt bereits ein Beitrittsantrag vor."), field="leitweg_id")
    return None


def _clean(data: ApplicationInput) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": _text(data.name, "name"),
        "member_type": data.member_type,
        "leitweg_id": _text(data.leitweg_id, "leitweg_id").upper(),
        "street": _text(data.street, "street"),
        "postcode": _text(data.postcode, "postcode"),
        "city": _text(data.city, "city"),
        "shares": data.shares,
        "council_resolution_date": data.council_resolution_date,
        "contact_name": _text(data.contact_name, "contact_name"),
        "contact_function": _text(data.contact_function, "contact_function", required=False),
        "contact_email": _text(data.contact_email, "contact_email").lower(),
        "contact_phone": _text(data.contact_phone, "contact_phone", required=False),
    }
    if data.member_type not in MemberType.values:
        raise DomainError(_("Bitte eine Art aus der Liste wählen."), field="member_type")
    if not rules.shares_allowed(data.shares):
        raise DomainError(
            _("Nach der Satzung sind %(low)s bis %(high)s Geschäftsanteile zu zeichnen.")
            % {"low": rules.MIN_SHARES, "high": rules.max_shares()},
            field="shares",
        )
    try:
        validate_email(fields["contact_email"])
    except ValidationError as exc:
        raise DomainError(_("Das ist keine gültige E-Mail-Adresse."), field="contact_email") from exc
    day = data.council_resolution_date
    if data.member_type in COUNCIL_TYPES and day is None:
        raise DomainError(
            _("Für Kommunen und Verbände ist das Datum des Ratsbeschlusses anzugeben."), field="council_resolution_date"
        )
    if day is not None and day > dt.date.today():
        raise DomainError(_("Der Ratsbeschluss kann nicht in der Zukunft liegen."), field="council_resolution_date")
    return fields


@transaction.atomic
def application_submit(*, data: ApplicationInput, upload: Any, is_demo: bool = False) -> JoiningApplication:
    """The public form (no account: anybody may apply; the e-mail confirmation and the office's decision are
    the checks). Every field and the PDF are checked before anything is stored; then the confirmation link
    is mailed. Nothing enters the register yet."""
    fields = _clean(data)
    application = JoiningApplication(**fields, is_demo=is_demo)
    full_clean(application, exclude=["council_resolution", "member", "admin_user"])
    if upload is None:
        raise DomainError(_("Bitte den Ratsbeschluss als PDF hochladen."), field="council_resolution")
    content = check_pdf(upload)
    duplicate = _duplicate(fields["name"], fields["leitweg_id"])
    if duplicate is not None:
        raise duplicate
    application.council_resolution.save("ratsbeschluss.pdf", ContentFile(content), save=False)
    application.save()
    audit.record(
        actor=SYSTEM,
        instance=application,
        action="create",
        after=audit.snapshot(application, APPLICATION_AUDIT_FIELDS),
    )
    transaction.on_commit(lambda: joining_mail.send(application, "confirm"))
    return application


def _from_code(code: str, salt: str, max_age: int, *, lock: bool = True) -> JoiningApplication:
    try:
        data = signing.loads(code, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise DomainError(
            _("Der Link ist abgelaufen. Bitte stellen Sie den Antrag noch einmal."), field="code"
        ) from exc
    except signing.BadSignature as exc:
        raise DomainError(_("Der Link ist ungültig. Bitte prüfen Sie, ob er vollständig ist."), field="code") from exc
    rows = JoiningApplication.objects.select_for_update(of=("self",)) if lock else JoiningApplication.objects
    pk = data.get("a") if isinstance(data, dict) else None
    application = rows.filter(pk=pk).first() if isinstance(pk, int) else None
    if application is None or not application.contact_email or application.contact_email != data.get("e"):
        raise DomainError(_("Der Link ist ungültig. Bitte prüfen Sie, ob er vollständig ist."), field="code")
    return application


def application_for_code(code: str, *, withdraw: bool = False) -> JoiningApplication:
    """The application a link names (for the page that asks to confirm); DomainError if forged or expired."""
    if withdraw:
        return _from_code(code, WITHDRAW_SALT, WITHDRAW_MAX_AGE, lock=False)
    return _from_code(code, CONFIRM_SALT, CONFIRM_MAX_AGE, lock=False)


@transaction.atomic
def application_confirm(*, code: str) -> JoiningApplication:
    """The e-mail address is confirmed: the application enters the register as applicant (organisation,
    member, application event with the council resolution, Leitweg-ID, contact) for the office to decide.
    A second click changes nothing."""
    application = _from_code(code, CONFIRM_SALT, CONFIRM_MAX_AGE)
    if application.status == ApplicationStatus.PENDING or application.status == ApplicationStatus.ADMITTED:
        return application
    if application.status != ApplicationStatus.UNCONFIRMED:
        raise DomainError(_("Dieser Antrag ist bereits abgeschlossen."), field="code")
    # Confirmations take turns (a short lock on the one sequence row), so two applications of one town
    # confirmed at the same moment cannot both pass the duplicate check.
    MemberNumberSequence.objects.select_for_update().get_or_create(pk=1)
    duplicate = _duplicate(application.name, application.leitweg_id, exclude=application.pk)
    if duplicate is not None:
        raise duplicate
    before = audit.snapshot(application, APPLICATION_AUDIT_FIELDS)
    with application.council_resolution.open("rb") as handle:
        document = ContentFile(handle.read(), name="ratsbeschluss.pdf")
    today = timezone.localdate()
    member = member_apply(
        actor=SYSTEM,
        name=application.name,
        member_type=application.member_type,
        street=application.street,
        postcode=application.postcode,
        city=application.city,
        application_date=today,
        council_resolution_date=application.council_resolution_date,
        invoice_email="",
        phone=application.contact_phone,
        document=document,  # type: ignore[arg-type]
        note=_("Online-Antrag: %(n)s Geschäftsanteile gewünscht; Antragsteller/in %(person)s <%(email)s>")
        % {"n": application.shares, "person": application.contact_name, "email": application.contact_email},
        is_demo=application.is_demo,
    )
    for instance in (
        LeitwegId(member=member, value=application.leitweg_id, description=_("aus dem Online-Antrag"), is_default=True),
        Contact(
            member=member,
            name=application.contact_name,
            function=application.contact_function,
            email=application.contact_email,
            phone=application.contact_phone,
        ),
    ):
        full_clean(instance)
        instance.save()
        fields = SUBRECORD_FIELDS[type(instance)]
        audit.record(
            actor=SYSTEM,
            instance=instance,
            action="create",
            after=audit.snapshot(instance, fields),
            redact=PERSONAL_FIELDS.get(type(instance), ()),
        )
    application.council_resolution.delete(save=False)  # the register's application event keeps the document
    application.status = ApplicationStatus.PENDING
    application.member = member
    application.confirmed_at = timezone.now()
    application.save()
    audit.record(
        actor=SYSTEM,
        instance=application,
        action="update",
        before=before,
        after=audit.snapshot(application, APPLICATION_AUDIT_FIELDS),
    )
    return application


@transaction.atomic
def application_withdraw(*, code: str) -> JoiningApplication:
    """The applicant withdraws through the link from the mail, while the office has not decided. A confirmed
    application is closed in the register (withdrawal event, personal data deleted like on rejection)."""
    application = _from_code(code, WITHDRAW_SALT, WITHDRAW_MAX_AGE)
    if application.status == ApplicationStatus.WITHDRAWN:
        return application
    if application.status == ApplicationStatus.UNCONFIRMED:
        close(application, ApplicationStatus.WITHDRAWN, "")
        return application
    if application.status != ApplicationStatus.PENDING or application.member is None:
        raise DomainError(_("Über diesen Antrag ist bereits entschieden."), field="code")
    member_reject(
        actor=SYSTEM, member=application.member, effective_date=timezone.localdate(), kind=EventKind.WITHDRAWAL
    )
    application.refresh_from_db()
    return application


def applications_expire(*, actor: Any, now: dt.datetime | None = None) -> int:
    """Close the applications whose address was never confirmed within the link's lifetime (3 days): their
    personal data and the council resolution are deleted, as on withdrawal (data minimisation; nothing of
    them ever entered the register). Only the platform (SYSTEM) does this, daily. Returns how many."""
    if not isinstance(actor, SystemActor):
        raise PermissionDenied(_("Verfallene Anträge schließt nur die Plattform selbst."))
    cutoff = (now or timezone.now()) - dt.timedelta(seconds=CONFIRM_MAX_AGE)
    stale = JoiningApplication.objects.filter(status=ApplicationStatus.UNCONFIRMED, created_at__lt=cutoff)
    closed = 0
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():  # one at a time, each locked: a confirmation in flight wins or waits
            application = stale.select_for_update(of=("self",)).filter(pk=pk).first()
            if application is not None:
                close(application, ApplicationStatus.EXPIRED, "")
                closed += 1
    return closed
