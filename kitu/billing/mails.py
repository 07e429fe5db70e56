"""The e-invoice by mail: XRechnung (UBL) and the PDF to the member's invoice address (else to its member
admins), exactly once per issued invoice or credit note.

Sending claims the invoice row (``SELECT … FOR UPDATE OF`` the invoice only) in a transaction of its own and
sets ``mailed_at`` in it after the mail server accepted the mail: a second sender at the same time waits
(the mail on issue) or passes the row by (``skip_locked``: the batch of unmailed invoices), and finds it mailed
once the first commits; a failing mail server rolls back, so the invoice stays unmailed for the next try.
Invoices whose issue committed but whose mail never went out (the process died in between) are sent by
:func:`unmailed_send` — the periodic task, ``manage.py resend_invoice_mails`` or the office's button.
Left open by design: a crash after the mail server accepted the mail but before the commit sends it again."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.accounts.models import User
from kitu.accounts.roles import Role
from kitu.core import audit
from kitu.core.actors import SystemActor
from kitu.core.errors import PermissionDenied
from kitu.core.money import format_eur
from kitu.core.prepared import Prepared

from . import pdf, xrechnung
from .models import Invoice, InvoiceKind
from .policies import can_manage_billing

logger = logging.getLogger(__name__)

# The periodic task leaves younger invoices to the mail on issue (which runs right after the commit).
RESEND_AFTER = dt.timedelta(minutes=10)

BODY = (
    "Guten Tag,\n\n"
    "anbei erhalten Sie {what} {number} vom {date} über {total} für {member}.\n"
    "Die elektronische Rechnung (XRechnung 3.0, UBL) ist die Datei {number}.xml; die PDF-Datei ist eine "
    "Lesefassung mit denselben Beträgen.\n\n"
    "Leitweg-ID: {leitweg}\n"
    "{terms}\n\n"
    "Alle Rechnungen finden Sie auch unter {url}\n\n"
    "Mit freundlichen Grüßen\n{seller}\n"
)


def recipients(invoice: Invoice) -> list[str]:
    member = invoice.member
    if member.invoice_email:
        return [member.invoice_email]
    admins = User.objects.filter(
        is_active=True,
        role_assignments__organisation_id=member.organisation_id,
        role_assignments__role=Role.MEMBER_ADMIN,
    )
    return sorted(set(admins.values_list("email", flat=True)))


def _message(invoice: Invoice, to: list[str]) -> EmailMessage:
    credit = invoice.kind == InvoiceKind.CREDIT_NOTE
    message = EmailMessage(
        f"{'Gutschrift' if credit else 'Rechnung'} {invoice.number} der {settings.KITU_SELLER['name']}",
        BODY.format(
            what="die Gutschrift" if credit else "die Rechnung",
            number=invoice.number,
            date=f"{invoice.issue_date:%d.%m.%Y}",
            total=format_eur(invoice.gross_total),
            member=invoice.member.name,
            leitweg=invoice.leitweg_id,
            terms=xrechnung.payment_terms(invoice),
            url=settings.KITU_BASE_URL.rstrip("/") + reverse("billing:invoices"),
            seller=settings.KITU_SELLER["name"],
        ),
        settings.DEFAULT_FROM_EMAIL,
        to,
    )
    lines = xrechnung.document_lines(invoice)  # once for both documents
    message.attach(f"{invoice.number}.xml", xrechnung.to_ubl(invoice, lines), "application/xml")
    message.attach(f"{invoice.number}.pdf", pdf.render(invoice, lines), "application/pdf")
    return message


# The claim: the issued, unmailed invoice with what the documents read of it, locked (compiled once per
# ``skip_locked``: kitu.core.prepared).
_CLAIMS: dict[bool, Prepared[Invoice]] = {
    skip_locked: Prepared(
        lambda invoice_id, skip_locked=skip_locked: (
            Invoice.objects.unmailed()
            .select_for_update(skip_locked=skip_locked, of=("self",))
            .select_related("member__organisation", "corrects")
            .filter(pk=invoice_id)
            .order_by("pk")[:1]
        )
    )
    for skip_locked in (False, True)
}


def _claim(invoice_id: int, *, skip_locked: bool) -> Invoice | None:
    """The issued, unmailed invoice, locked until the end of the transaction; None when it is mailed already
    (or, with ``skip_locked``, when another sender holds it right now)."""
    return next(iter(_CLAIMS[skip_locked](invoice_id)), None)


def _deliver(invoice: Invoice) -> list[str]:
    """Send the claimed invoice and mark it mailed (in the claiming transaction). An error of the mail server
    propagates, so the transaction rolls back and the invoice stays unmailed."""
    to = recipients(invoice)
    if not to:
        return []
    _message(invoice, to).send()
    invoice.mailed_to, invoice.mailed_at = ", ".join(to), timezone.now()
    # One UPDATE of the locked row: both fields may change after the issue (models.MUTABLE_AFTER_ISSUE), so the
    # issued-invoice guard of Invoice.save, which reads the row again to compare, has nothing to stop here.
    Invoice.objects.filter(pk=invoice.pk).update(mailed_to=invoice.mailed_to, mailed_at=invoice.mailed_at)
    return to


def invoice_mail_send(*, invoice_id: int) -> list[str]:
    """The mail on issue (run after the issuing commit): waits for a sender holding the invoice, then sends it
    unless it is mailed by now. Returns the recipients (empty: mailed already, or nobody to send to)."""
    with transaction.atomic():
        invoice = _claim(invoice_id, skip_locked=False)
        return _deliver(invoice) if invoice is not None else []


@dataclass
class MailBatch:
    sent: list[str] = field(default_factory=list)  # numbers
    failed: list[str] = field(default_factory=list)  # the mail server refused: still unmailed
    no_recipient: list[str] = field(default_factory=list)  # no invoice address and no member admin

    def summary(self) -> str:
        def part(text: str, numbers: list[str]) -> str:
            return text + (f" ({', '.join(numbers)})" if numbers else "")

        parts = [
            part(_("%(n)s verschickt") % {"n": len(self.sent)}, self.sent),
            part(_("%(n)s fehlgeschlagen") % {"n": len(self.failed)}, self.failed),
            part(_("%(n)s ohne Empfänger") % {"n": len(self.no_recipient)}, self.no_recipient),
        ]
        return _("Rechnungsversand: %(parts)s.") % {"parts": ", ".join(parts)}


def unmailed_send(*, actor: Any, issued_before: dt.datetime | None = None) -> MailBatch:
    """Send every issued, unmailed invoice and credit note (issued before ``issued_before``, if given), each
    in its own transaction, so one refused mail neither stops nor undoes the others. Safe to run twice at the
    same time and next to the mail on issue: an invoice is claimed by exactly one sender. Coop admins, or the
    periodic task and the command (SYSTEM)."""
    if not isinstance(actor, SystemActor) and not can_manage_billing(actor):
        raise PermissionDenied(_("Rechnungen verschickt die Geschäftsstelle."))
    candidates = Invoice.objects.unmailed().order_by("issued_at", "number", "pk")
    if issued_before is not None:
        candidates = candidates.filter(issued_at__lt=issued_before)
    batch = MailBatch()
    for invoice_id, number in list(candidates.values_list("pk", "number")):
        try:
            with transaction.atomic():
                invoice = _claim(invoice_id, skip_locked=True)
                if invoice is None:
                    continue  # another sender has it, or has just sent it
                to = _deliver(invoice)
                if to:
                    audit.record(actor=actor, instance=invoice, action="update", after={"mailed_to": invoice.mailed_to})
        except Exception:  # any error of one invoice's mail leaves it unmailed for the next try
            logger.exception("invoice %s: mail not sent, stays unmailed", number)
            batch.failed.append(str(number))
            continue
        (batch.sent if to else batch.no_recipient).append(str(number))
    return batch
