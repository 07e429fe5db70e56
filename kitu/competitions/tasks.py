"""Mails of a mini-competition (texts in templates/competitions/mail/): the invitation to every supplier
of the lot, and after the award the notice to each supplier (won / not won). No mail carries an offer's
content before the deadline; the notices go out only after the award, which is after the deadline."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Competition, Invitation


def _context(competition: Competition, **extra: Any) -> dict[str, Any]:
    return {
        "c": competition,
        "deadline": timezone.localtime(competition.deadline),
        "url": settings.KITU_BASE_URL.rstrip("/") + reverse("competitions:detail", args=[competition.pk]),
        **extra,
    }


def _send(template: str, context: dict[str, Any], to: str) -> None:
    text = render_to_string(template, context).strip()
    subject, _blank, body = text.partition("\n")
    EmailMessage(subject=subject.strip(), body=body.strip() + "\n", to=[to]).send()


@shared_task
def send_invitations(competition_id: int) -> int:
    competition = Competition.objects.select_related("member__organisation", "lot__contract").get(pk=competition_id)
    sent = 0
    for invitation in Invitation.objects.filter(competition=competition).select_related("supplier__organisation"):
        _send(
            "competitions/mail/invitation.txt",
            _context(competition, supplier=invitation.supplier, lines=list(competition.lines.all())),
            invitation.supplier.order_email,
        )
        sent += 1
    return sent


@shared_task
def send_award_notices(competition_id: int) -> int:
    competition = Competition.objects.select_related(
        "member__organisation", "lot__contract", "winner__supplier__organisation", "order"
    ).get(pk=competition_id)
    winner = competition.winner
    sent = 0
    for invitation in Invitation.objects.filter(competition=competition).select_related("supplier__organisation"):
        won = winner is not None and invitation.supplier_id == winner.supplier_id
        offered = competition.offers.filter(supplier_id=invitation.supplier_id).exists()
        _send(
            "competitions/mail/award_won.txt" if won else "competitions/mail/award_lost.txt",
            _context(competition, supplier=invitation.supplier, offered=offered),
            invitation.supplier.order_email,
        )
        sent += 1
    return sent
