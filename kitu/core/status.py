"""Statuses for people: one table from (kind, status code) to the words shown and the colour of the KERN
badge (``kern-badge--info|success|warning|danger``, or none for a neutral/finished state). The colour is
only a second cue; the words carry the meaning. Templates use ``{% status_badge "order" order.status %}``.

The codes are the domain apps' status values; core only knows them as strings (no domain import)."""

from __future__ import annotations

from typing import NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

INFO, SUCCESS, WARNING, DANGER, NEUTRAL = "info", "success", "warning", "danger", ""


class Status(NamedTuple):
    label: str | Promise
    tone: str


STATUSES: dict[str, dict[str, Status]] = {
    "order": {
        "pending": Status(_("wartet auf Freigabe"), WARNING),
        "approved": Status(_("freigegeben"), INFO),
        "sent": Status(_("an den Lieferanten übermittelt"), INFO),
        "confirmed": Status(_("vom Lieferanten bestätigt"), INFO),
        "partly_shipped": Status(_("teilweise geliefert"), INFO),
        "shipped": Status(_("geliefert"), WARNING),  # the goods receipt is to be booked
        "partly_received": Status(_("Wareneingang teilweise gebucht"), WARNING),
        "received": Status(_("Wareneingang gebucht"), SUCCESS),
        "rejected": Status(_("abgelehnt"), DANGER),
        "cancelled": Status(_("storniert"), NEUTRAL),
    },
    # An invoice as the receivables see it (billing.receivables.state_of), plus the draft.
    "invoice": {
        "draft": Status(_("Entwurf"), INFO),
        "issued": Status(_("ausgestellt"), INFO),
        "open": Status(_("offen"), INFO),
        "overdue": Status(_("überfällig"), DANGER),
        "paid": Status(_("bezahlt"), SUCCESS),
        "cancelled": Status(_("storniert (Gutschrift)"), NEUTRAL),
        "credit": Status(_("Gutschrift"), NEUTRAL),
    },
    "billing_run": {
        "draft": Status(_("Entwurf"), INFO),
        "reviewed": Status(_("geprüft"), WARNING),
        "issued": Status(_("ausgestellt"), SUCCESS),
    },
    "request": {
        "pending": Status(_("beantragt"), WARNING),
        "approved": Status(_("genehmigt"), SUCCESS),
        "rejected": Status(_("abgelehnt"), DANGER),
    },
    "campaign": {
        "draft": Status(_("Entwurf"), INFO),
        "open": Status(_("offen"), SUCCESS),
        "closed": Status(_("geschlossen"), WARNING),
        "evaluated": Status(_("ausgewertet"), INFO),
        "awarded": Status(_("vergeben"), NEUTRAL),
    },
    # A member's answer to a campaign.
    "campaign_report": {
        "open": Status(_("keine Meldung"), WARNING),
        "no_demand": Status(_("kein Bedarf"), NEUTRAL),
        "reported": Status(_("gemeldet"), SUCCESS),
    },
    "optimiser_run": {
        "optimal": Status(_("nachweislich günstigste Vergabe"), SUCCESS),
        "infeasible": Status(_("keine zulässige Vergabe"), DANGER),
    },
    "member": {
        "active": Status(_("Mitglied"), SUCCESS),
        "leaving": Status(_("Ausscheiden steht fest"), WARNING),
        "applicant": Status(_("Antrag gestellt"), INFO),
        "rejected": Status(_("abgelehnt"), DANGER),
        "exited": Status(_("ausgeschieden"), NEUTRAL),
    },
    "contract": {
        "active": Status(_("aktiv"), SUCCESS),
        "draft": Status(_("Entwurf"), INFO),
        "exhausted": Status(_("ausgeschöpft"), DANGER),
        "expired": Status(_("abgelaufen"), NEUTRAL),
    },
    "defect": {
        "open": Status(_("offen"), WARNING),
        "in_progress": Status(_("in Bearbeitung"), INFO),
        "closed": Status(_("erledigt"), SUCCESS),
    },
    "catalog_import": {
        "pending": Status(_("wartet"), INFO),
        "running": Status(_("läuft"), INFO),
        "succeeded": Status(_("erfolgreich"), SUCCESS),
        "failed": Status(_("fehlgeschlagen"), DANGER),
    },
    "registration": {
        "registered": Status(_("angemeldet"), SUCCESS),
        "waiting": Status(_("Warteliste"), WARNING),
        "cancelled": Status(_("abgemeldet"), NEUTRAL),
    },
    "group_membership": {
        "active": Status(_("Mitglied"), SUCCESS),
        "pending": Status(_("beantragt"), INFO),
    },
    # a service desk ticket (kitu.servicedesk)
    "ticket": {
        "new": Status(_("neu"), INFO),
        "in_progress": Status(_("in Bearbeitung"), INFO),
        "waiting": Status(_("wartet auf Ihre Antwort"), WARNING),
        "resolved": Status(_("gelöst – bitte bestätigen"), SUCCESS),
        "closed": Status(_("geschlossen"), NEUTRAL),
        "merged": Status(_("zusammengeführt"), NEUTRAL),
    },
}


def status_of(kind: str, code: str) -> Status:
    """The words and tone of a status; an unknown kind or code shows the code, neutral."""
    found = STATUSES.get(kind, {}).get(str(code))
    return found if found is not None else Status(str(code), NEUTRAL)


def badge_class(tone: str) -> str:
    return f"kern-badge kern-badge--{tone}" if tone else "kern-badge"
