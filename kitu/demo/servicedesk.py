"""Demo data of the service desk (Demodaten): two teams, service levels, canned replies, the per-hour support
contract of three members, a service desk account, and tickets of Wernigerode and Zeitz in every state —
one with a breached SLA — with recorded time billed in a draft billing run of the previous month.
Everything goes through the real services. Idempotent: nothing happens when the demo team exists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kitu.accounts.models import Organisation, RoleAssignment, User
from kitu.accounts.roles import Role
from kitu.billing import pricing, runs
from kitu.billing.models import BillingRun, Price, QuantityChange, Service, Subscription
from kitu.members.models import Member
from kitu.servicedesk import conf, selectors, services
from kitu.servicedesk.models import CannedReply, ServiceLevel, Team, Ticket

from .data import COOPERATIVE, DEMO_DOMAIN, DEMO_PASSWORD

DESK_EMAIL = f"servicedesk@{DEMO_DOMAIN}"
CANNED = (
    (
        "Eingang bestätigt",
        "Vielen Dank für Ihre Meldung. Wir haben sie aufgenommen und melden uns, sobald wir mehr wissen.",
    ),
    (
        "Rückfrage Fehlermeldung",
        "Damit wir den Fehler eingrenzen können: Bitte senden Sie uns die vollständige Fehlermeldung (gern als "
        "Bildschirmfoto) und die Uhrzeit, zu der sie auftrat.",
    ),
    (
        "Gelöst – bitte bestätigen",
        "Wir haben die Ursache behoben. Bitte prüfen Sie, ob alles wieder funktioniert, und bestätigen Sie die Lösung.",
    ),
)
# (member, reporter e-mail, subject, description, kind, impact, urgency, service code, days ago, final status)
TICKETS = (
    (
        "Stadt Wernigerode",
        "requester",
        "Finanzverfahren: Anmeldung schlägt fehl",
        "Seit heute 8 Uhr erscheint beim Anmelden in H&H proDoppik „Lizenzserver nicht erreichbar“. "
        "Betroffen sind alle 12 Arbeitsplätze der Kämmerei.",
        "incident",
        "high",
        "high",
        "hosting-fv",
        0,
        "new",
    ),
    (
        "Stadt Wernigerode",
        "memberadmin",
        "Neuer Arbeitsplatz im Bürgerbüro",
        "Bitte richten Sie für die neue Kollegin im Bürgerbüro ab 1. des Monats einen Zugang zum "
        "Einwohnermeldeverfahren ein.",
        "service_request",
        "low",
        "medium",
        "",
        2,
        "in_progress",
    ),
    (
        "Stadt Wernigerode",
        "requester",
        "Drucker druckt leere Seiten",
        "Der Netzwerkdrucker im 2. OG (Standesamt) zieht Papier ein, druckt aber nichts.",
        "incident",
        "medium",
        "medium",
        "",
        4,
        "waiting",
    ),
    (
        "Stadt Zeitz",
        "requester.zeitz",
        "Frage zur E-Akte: Aufbewahrungsfristen",
        "Wie stellen wir in der E-Akte die Aufbewahrungsfrist für Bauakten auf 30 Jahre ein?",
        "question",
        "low",
        "low",
        "",
        6,
        "resolved",
    ),
    (
        "Stadt Zeitz",
        "approver.zeitz",
        "Ratsinformationssystem langsam",
        "Das Ratsinformationssystem lädt Vorlagen seit gestern sehr langsam (über 30 Sekunden).",
        "incident",
        "medium",
        "high",
        "",
        12,
        "closed",
    ),
    (
        "Stadt Wernigerode",
        "memberadmin",
        "Lizenzserver Finanzverfahren (Duplikat)",
        "Auch bei uns in der Stadtkasse: Lizenzserver nicht erreichbar.",
        "incident",
        "high",
        "high",
        "hosting-fv",
        0,
        "merged",
    ),
    (
        "Stadt Wernigerode",
        "requester",
        "VPN-Zugang Bauhof fällt aus",
        "Der VPN-Zugang des Bauhofs bricht seit Tagen alle paar Minuten ab.",
        "incident",
        "high",
        "medium",
        "",
        14,
        "breach",
    ),
)


def _desk_user() -> User:
    user = User.objects.filter(email=DESK_EMAIL).first()
    if user is None:
        user = User.objects.create_user(DESK_EMAIL, DEMO_PASSWORD, full_name="Sven Service (Demo)")
    coop = Organisation.objects.get(name=COOPERATIVE)
    RoleAssignment.objects.get_or_create(user=user, organisation=coop, role=Role.SERVICE_DESK)
    return user


def _support_service() -> Service:
    service = Service.objects.filter(code=conf.support_service_code()).first()
    if service is None:
        service = Service.objects.create(
            code=conf.support_service_code(),
            name="Unterstützung durch Fachpersonal",
            category="operations",
            pricing=pricing.PER_UNIT,
            interval=pricing.MONTH,
            unit_code="HUR",
            unit_label="Stunde",
            contract_reference="DLV-2024-09",
            description="Unterstützung nach Aufwand: abrechenbare Zeit aus Servicedesk-Tickets, je angefangene Minute.",
            is_demo=True,
        )
        Price.objects.create(service=service, valid_from=dt.date(2024, 1, 1), amount=Decimal("95.00"))
    return service


def _user(prefix: str) -> User | None:
    return User.objects.filter(email=f"{prefix if '.' in prefix else prefix + '.wernigerode'}@{DEMO_DOMAIN}").first()


@transaction.atomic
def seed_servicedesk() -> int:
    """Returns the number of tickets created (0 when the demo service desk exists)."""
    if Team.objects.filter(code="demo-fachverfahren").exists():
        return 0
    desk = _desk_user()
    admin = User.objects.get(email=f"admin@{DEMO_DOMAIN}")
    support = _support_service()
    apps = Team.objects.create(code="demo-fachverfahren", name="Fachverfahren und Hosting", is_demo=True)
    apps.members.add(desk, admin)
    apps.services.add(*Service.objects.filter(code__in=("hosting-fv", "finanz", "personal", "dms")))
    workplace = Team.objects.create(code="demo-arbeitsplatz", name="Arbeitsplatz und Netz", is_demo=True)
    workplace.members.add(desk)
    for title, body in CANNED:
        CannedReply.objects.create(title=title, body=body, is_demo=True)
    hosting = Service.objects.filter(code="hosting-fv").first()
    if hosting is not None:
        for priority, (response, resolution) in {1: (30, 240), 2: (60, 600), 3: (240, 1800), 4: (480, 3000)}.items():
            ServiceLevel.objects.get_or_create(
                service=hosting,
                priority=priority,
                defaults={"response_minutes": response, "resolution_minutes": resolution},
            )
    first_of_month = timezone.localdate().replace(day=1)
    for name in ("Stadt Wernigerode", "Stadt Zeitz"):
        member = Member.objects.filter(organisation__name=name).first()
        if member is not None and not Subscription.objects.filter(member=member, service=support).exists():
            sub = Subscription.objects.create(
                member=member, service=support, starts_on=dt.date(2025, 1, 1), is_demo=True
            )
            QuantityChange.objects.create(subscription=sub, effective_from=sub.starts_on, quantity=0)  # hours as used
    now = timezone.now()
    created: dict[str, Ticket] = {}
    for member_name, reporter, subject, text, kind, impact, urgency, code, days, final in TICKETS:
        member = Member.objects.filter(organisation__name=member_name).first()
        reporter_user = _user(reporter)
        if member is None or reporter_user is None:
            continue
        service = selectors.subscribed_services(member).filter(code=code).first() if code else None
        opened = now - dt.timedelta(days=days, hours=2)
        ticket = services.ticket_create(
            actor=reporter_user,
            member=member,
            subject=subject,
            description=text,
            kind=kind,
            impact=impact,
            urgency=urgency,
            service_id=service.pk if service else None,
            now=opened,
        )
        Ticket.objects.filter(pk=ticket.pk).update(is_demo=True)
        created[final] = ticket
        _advance(ticket, final, desk, opened, created)
    previous_month_end = first_of_month - dt.timedelta(days=1)
    for final, minutes in (("resolved", 45), ("closed", 90), ("in_progress", 30)):
        if final in created:
            services.time_record(
                actor=desk,
                ticket=created[final],
                minutes=minutes,
                worked_on=previous_month_end,
                note="Analyse und Behebung",
            )
    if "closed" in created:
        services.time_record(
            actor=desk,
            ticket=created["closed"],
            minutes=20,
            worked_on=previous_month_end,
            billable=False,
            note="Rückruf",
        )
    period = f"{previous_month_end:%Y-%m}"
    if not BillingRun.objects.filter(period=period).exclude(status="draft").exists():
        runs.run_create(actor=admin, period=period)  # a draft: the time above is on its invoices
    services.refresh()  # the overdue VPN ticket's warning and breach
    return len(created)


def _advance(ticket: Ticket, final: str, desk: User, opened: dt.datetime, created: dict[str, Ticket]) -> None:
    def at(hours: float) -> dt.datetime:
        return min(opened + dt.timedelta(hours=hours), timezone.now())

    if final in ("new", "breach"):
        return
    if final == "merged":
        into = created.get("new")
        if into is not None:
            services.ticket_merge(actor=desk, ticket=ticket, into=into, now=at(0.5))
        return
    services.comment_add(actor=desk, ticket=ticket, body=CANNED[0][1], now=at(0.5))
    services.comment_add(
        actor=desk, ticket=ticket, body="Prüfe zuerst die Protokolle des Servers.", internal=True, now=at(0.6)
    )
    services.transition(actor=desk, ticket=ticket, to_status="in_progress", now=at(0.7))
    if final == "in_progress":
        return
    if final == "waiting":
        services.comment_add(actor=desk, ticket=ticket, body=CANNED[1][1], now=at(1))
        services.transition(actor=desk, ticket=ticket, to_status="waiting", now=at(1.1))
        return
    services.comment_add(actor=desk, ticket=ticket, body=CANNED[2][1], now=at(20))
    services.transition(actor=desk, ticket=ticket, to_status="resolved", now=at(20.1))
    if final == "closed" and ticket.requester is not None:
        services.ticket_rate(
            actor=ticket.requester, ticket=ticket, rating=5, comment="Schnell und freundlich, danke!", now=at(26)
        )
