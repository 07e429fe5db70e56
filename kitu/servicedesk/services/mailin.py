"""A reply by mail: the mail gateway posts sender, subject and text; the ticket is found by the token
"[KITU-T-2026-000123]" in the subject (or the reply address), the sender must be a user who sees the ticket.
The secret is checked by the view (constant time)."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from kitu.accounts.models import User
from kitu.core.errors import DomainError, NotFound
from kitu.servicedesk import selectors
from kitu.servicedesk.models import Channel, Comment

from .comments import comment_add

TOKEN = re.compile(r"KITU-(T-\d{4}-\d{6})", re.IGNORECASE)


def mail_in(
    *, sender: str, subject: str, body: str, recipient: str = "", attachments: list[Any] | None = None
) -> Comment:
    """Add the reply to its ticket as a public comment of the sending user. Unknown token, unknown sender or a
    sender who may not see the ticket: NotFound, nothing stored (never tell which). Attachments of the mail
    pass the same checks as a page's upload (``files``); one refused file refuses the whole mail."""
    match = TOKEN.search(subject or "") or TOKEN.search(recipient or "")
    if match is None:
        raise DomainError(_("Der Betreff enthält keine Ticketnummer."), field="subject")
    user = User.objects.filter(email__iexact=(sender or "").strip(), is_active=True).first()
    if user is None:
        raise NotFound("Not found")
    ticket = selectors.visible_tickets(user).filter(number=match.group(1).upper()).first()
    if ticket is None:
        raise NotFound("Not found")
    return comment_add(
        actor=user, ticket=ticket, body=body, channel=Channel.MAIL, uploads=attachments, upload_field="attachments"
    )
