"""Mails of the campaigns (opening, reminder) and the daily tick that closes and reminds."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django.utils.translation import gettext as _

from kitu.accounts.models import User
from kitu.core import jobs
from kitu.members.models import Member

from .models import Campaign
from .policies import ANSWER_ROLES

OPEN_MAILS = "bundling.open_mails"  # the job of mailing the members when a campaign opens

SUBJECTS = {
    "open": "Bedarfsabfrage „{title}“: bitte melden Sie Ihren Bedarf bis {closes}",
    "reminder": "Erinnerung: Bedarfsabfrage „{title}“ endet am {closes}",
}
BODY = (
    "Guten Tag,\n\n"
    "die Kommunale IT-UNION eG bündelt den Bedarf ihrer Mitglieder für eine gemeinsame Ausschreibung.\n"
    "{lead}\n\n"
    "Bedarfsabfrage: {title}\n"
    "Meldeschluss: {closes} (bis zum Ende des Tages)\n"
    "Meldung abgeben: {url}\n\n"
    "Bitte melden Sie je Position Menge, Lieferquartal und Kostenstelle – oder „kein Bedarf“.\n"
    "Bis zum Meldeschluss können Sie Ihre Meldung ändern.\n\n"
    "Mit freundlichen Grüßen\nIhre Geschäftsstelle der Kommunalen IT-UNION eG\n"
)
LEADS = {
    "open": "Für {member} ist eine neue Bedarfsabfrage geöffnet.",
    "reminder": "Für {member} liegt noch keine Meldung vor.",
}


def recipients(member: Member) -> list[str]:
    return sorted(
        set(
            User.objects.filter(
                is_active=True,
                role_assignments__organisation_id=member.organisation_id,
                role_assignments__role__in=ANSWER_ROLES,
            ).values_list("email", flat=True)
        )
    )


def _messages(campaign: Campaign, member_ids: list[int], kind: str) -> list[EmailMessage]:
    url = settings.KITU_BASE_URL.rstrip("/") + reverse("bundling:report", args=[campaign.pk])
    closes = f"{campaign.closes_on:%d.%m.%Y}"
    messages = []
    for member in Member.objects.with_name().filter(pk__in=member_ids):
        to = recipients(member)
        if not to:
            continue
        body = BODY.format(lead=LEADS[kind].format(member=member.name), title=campaign.title, closes=closes, url=url)
        subject = SUBJECTS[kind].format(title=campaign.title, closes=closes)
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to))
    return messages


@shared_task
def send_campaign_mails(campaign_id: int, member_ids: list[int], kind: str, job_id: str | None = None) -> int:
    """Mail the answering users of each member; returns the number of mails sent (one per member). With a
    job (the opening, started on the page), each member's mail is counted on its progress page."""
    campaign = Campaign.objects.get(pk=campaign_id)
    messages = _messages(campaign, member_ids, kind)
    if job_id is None:
        if messages:
            get_connection().send_messages(messages)
        return len(messages)
    sent: list[Any] = []

    def work(progress: jobs.Progress) -> jobs.Outcome:
        progress.set_total(len(messages))
        with get_connection() as connection:
            for message in messages:
                connection.send_messages([message])
                sent.append(message)
                progress.advance()
        people = len({address for message in sent for address in message.to})
        return jobs.Outcome(
            url=reverse("bundling:detail", args=[campaign.pk]),
            label=_("Zur Bedarfsabfrage „%(title)s“") % {"title": campaign.title},
            message=_("%(members)s Mitglieder benachrichtigt (%(people)s Personen).")
            % {"members": len(sent), "people": people},
        )

    jobs.job_run(job_id, work)
    return len(sent)


@shared_task
def campaign_tick() -> dict[str, int]:
    """Daily: close campaigns past their close date, remind members that have not answered."""
    from .services import campaigns_tick  # noqa: PLC0415 - services imports this module

    return campaigns_tick()
