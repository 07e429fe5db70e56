"""The task inbox: which kinds of task each role has, where their facts come from (one selector of the owning
app per kind, scoped to the acting user) and how a fact becomes a task line — title, link, since, due.

This app reads the other apps' selectors only; it never changes their data. A task disappears when its work
is done because the selector's condition no longer holds (approved, booked, decided, …)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kitu.accounts.roles import Role
from kitu.accounts.selectors import role_pairs
from kitu.billing import selectors as billing
from kitu.billing.models import RequestKind, RequestStatus, RunStatus
from kitu.bundling import selectors as bundling
from kitu.catalog import selectors as catalog
from kitu.competitions import selectors as competitions
from kitu.contracts import selectors as contracts
from kitu.core.money import format_eur
from kitu.core.rows import TaskRows, count_rows
from kitu.council import selectors_meetings as council
from kitu.defects import selectors as defects
from kitu.governance import selectors as governance
from kitu.members import selectors as members
from kitu.orders import selectors as orders
from kitu.payables import selectors as payables
from kitu.procedures import selectors as procedures
from kitu.servicedesk import selectors as servicedesk
from kitu.workgroups import selectors as workgroups


@dataclass(frozen=True)
class Task:
    """One line of the inbox. ``kind`` is a stable identifier (API, filters); ``since`` when the condition
    began; ``due`` an optional date by which the work should be done."""

    kind: str
    title: str
    url: str
    since: dt.datetime
    due: dt.date | None = None


def _at(day: dt.date) -> dt.datetime:
    """A date as the start of that day in the platform's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _date(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%d.%m.%Y}"


# --- from facts to tasks, one function per kind -------------------------------------------------------------


def _order_approval(user: Any) -> Iterable[Task]:
    for row in orders.approval_tasks(user):
        title = _("Bestellung %(number)s freigeben: %(member)s, %(total)s, bestellt von %(requester)s") % {
            "number": row["number"],
            "member": row["member__organisation__name"],
            "total": format_eur(row["total"]),
            "requester": row["requester__full_name"],
        }
        if row["steps_done"]:
            title += " " + _("(2. Freigabe)")
        yield Task("order_approval", title, reverse("orders:detail", args=[row["pk"]]), row["since"])


def _goods_receipt(user: Any) -> Iterable[Task]:
    for row in orders.receipt_tasks(user):
        title = _("Wareneingang buchen: Lieferung %(n)s zu Bestellung %(number)s von %(supplier)s") % {
            "n": row["number"],
            "number": row["order__number"],
            "supplier": row["order__supplier__organisation__name"],
        }
        yield Task("goods_receipt", title, reverse("orders:detail", args=[row["order_id"]]), _at(row["shipped_on"]))


def _order_rejected(user: Any) -> Iterable[Task]:
    for row in orders.rejected_tasks(user):
        title = _("Bestellung %(number)s wurde abgelehnt: ändern und erneut absenden") % {"number": row["number"]}
        if row["reason"]:
            title += f" ({row['reason'][:120]})"
        yield Task("order_rejected", title, reverse("orders:detail", args=[row["pk"]]), row["since"])


def _demand_report(user: Any) -> Iterable[Task]:
    for row in bundling.report_due_tasks(user):
        title = _("Bedarf melden: %(campaign)s (für %(member)s)") % {
            "campaign": row["campaign__title"],
            "member": row["member__organisation__name"],
        }
        since = row["campaign__opened_at"] or _at(row["campaign__opens_on"])
        url = reverse("bundling:detail", args=[row["campaign_id"]])
        yield Task("demand_report", title, url, since, row["campaign__closes_on"])


def _invoice_overdue(user: Any) -> Iterable[Task]:
    for row in billing.overdue_invoice_tasks(user):
        title = _("Rechnung %(number)s ist überfällig: %(open)s offen") % {
            "number": row["number"],
            "open": format_eur(row["gross_total"] - row["paid_amount"]),
        }
        url = reverse("billing:invoice", args=[row["pk"]])
        yield Task("invoice_overdue", title, url, _at(row["due_date"] + dt.timedelta(days=1)), row["due_date"])


def _request_answered(user: Any) -> Iterable[Task]:
    for row in billing.answered_request_tasks(user):
        decision = _("genehmigt") if row["status"] == RequestStatus.APPROVED else _("abgelehnt")
        title = _("Ihr Antrag „%(kind)s: %(service)s“ wurde %(decision)s") % {
            "kind": RequestKind(row["kind"]).label,
            "service": row["service__name"],
            "decision": decision,
        }
        yield Task("request_answered", title, reverse("billing:subscriptions"), row["decided_at"])


def _membership_application(user: Any) -> Iterable[Task]:
    for row in members.application_tasks(user):
        title = _("Aufnahmeantrag entscheiden: %(name)s") % {"name": row["organisation__name"]}
        yield Task("membership_application", title, reverse("members:detail", args=[row["pk"]]), row["created_at"])


def _online_application(user: Any) -> Iterable[Task]:
    for row in members.online_application_tasks(user):
        title = _("Online-Beitrittsantrag entscheiden: %(name)s (%(n)s Geschäftsanteile gewünscht)") % {
            "name": row["name"],
            "n": row["shares"],
        }
        yield Task("online_application", title, reverse("members:detail", args=[row["member_id"]]), row["confirmed_at"])


def _service_request(user: Any) -> Iterable[Task]:
    for row in billing.request_tasks(user):
        title = _("Antrag entscheiden: %(kind)s „%(service)s“ von %(member)s") % {
            "kind": RequestKind(row["kind"]).label,
            "service": row["service__name"],
            "member": row["member__organisation__name"],
        }
        yield Task("service_request", title, reverse("billing:subscriptions"), row["requested_at"])


def _campaign_evaluation(user: Any) -> Iterable[Task]:
    for row in bundling.evaluation_tasks(user):
        title = _("Bedarfsabfrage auswerten: %(title)s (Meldeschluss war der %(date)s)") % {
            "title": row["title"],
            "date": f"{row['closes_on']:%d.%m.%Y}",
        }
        url = reverse("bundling:detail", args=[row["pk"]])
        yield Task("campaign_evaluation", title, url, _at(row["closes_on"] + dt.timedelta(days=1)))


def _billing_run(user: Any) -> Iterable[Task]:
    for row in billing.run_tasks(user):
        text = (
            _("Abrechnungslauf %(period)s prüfen")
            if row["status"] == RunStatus.DRAFT
            else _("Abrechnungslauf %(period)s ausstellen und versenden")
        )
        yield Task(
            "billing_run", text % {"period": row["period"]}, reverse("billing:run", args=[row["pk"]]), row["created_at"]
        )


def _invoices_unmailed(user: Any) -> Iterable[Task]:
    row = billing.unmailed_tasks(user)
    if row:
        count = row["count"]
        title = ngettext(
            "%(count)s ausgestellte Rechnung ist noch nicht versandt",
            "%(count)s ausgestellte Rechnungen sind noch nicht versandt",
            count,
        ) % {"count": count}
        yield Task("invoices_unmailed", title, reverse("billing:runs"), row["since"] or timezone.now())


def _percent(row: dict[str, Any]) -> int:
    shares = []
    if row["max_quantity"]:
        shares.append(Decimal(row["consumed_quantity"] + row["reserved_quantity"]) / row["max_quantity"])
    if row["max_value"]:
        shares.append((row["consumed_value"] + row["reserved_value"]) / row["max_value"])
    return int(max(shares, default=Decimal(0)) * 100)


def _contract_volume(user: Any) -> Iterable[Task]:
    for row in contracts.volume_tasks(user):
        where = _("Los %(lot)s") % {"lot": row["lot__number"]}
        if row["article_pid"]:
            where += ", " + _("Artikel %(pid)s") % {"pid": row["article_pid"]}
        title = _("Rahmenvertrag %(number)s, %(where)s: %(percent)s %% der Höchstmenge ausgeschöpft") % {
            "number": row["contract__number"],
            "where": where,
            "percent": _percent(row),
        }
        yield Task("contract_volume", title, reverse("contracts:detail", args=[row["contract_id"]]), row["since"])


def _contract_ending(user: Any) -> Iterable[Task]:
    for row in contracts.ending_contract_tasks(user):
        title = _("Rahmenvertrag %(number)s „%(title)s“ endet am %(date)s: Anschluss planen") % {
            "number": row["number"],
            "title": row["title"],
            "date": f"{row['ends_on']:%d.%m.%Y}",
        }
        since = _at(row["ends_on"] - dt.timedelta(days=contracts.ENDING_TASK_DAYS))
        yield Task("contract_ending", title, reverse("contracts:detail", args=[row["pk"]]), since, row["ends_on"])


def _procedure_contract_ending(user: Any) -> Iterable[Task]:
    days = procedures.ending_days()
    for row in procedures.ending_contract_tasks(user):
        if row["contract_end"] < timezone.localdate():
            text = _("Vertrag des Fachverfahrens %(name)s (%(product)s) ist am %(date)s ausgelaufen: %(member)s")
        else:
            text = _("Vertrag des Fachverfahrens %(name)s (%(product)s) endet am %(date)s: %(member)s")
        title = text % {
            "name": row["name"],
            "product": " ".join(filter(None, (row["product"], row["version"]))),
            "date": f"{row['contract_end']:%d.%m.%Y}",
            "member": row["member__organisation__name"],
        }
        since = _at(row["contract_end"] - dt.timedelta(days=days))
        url = reverse("procedures:detail", args=[row["pk"]])
        yield Task("procedure_contract_ending", title, url, since, row["contract_end"])


def _catalog_import_failed(user: Any) -> Iterable[Task]:
    for row in catalog.failed_import_tasks(user):
        title = _("Katalogimport fehlgeschlagen: %(file)s für Rahmenvertrag %(number)s") % {
            "file": row["filename"],
            "number": row["contract__number"],
        }
        url = reverse("catalog:import_result", args=[row["pk"]])
        yield Task("catalog_import_failed", title, url, row["finished_at"] or row["started_at"])


def _group_join_request(user: Any) -> Iterable[Task]:
    for row in workgroups.join_request_tasks(user):
        title = _("Beitrittswunsch entscheiden: %(name)s möchte in den Arbeitskreis %(group)s") % {
            "name": row["user__full_name"] or row["user__email"],
            "group": row["group__name"],
        }
        yield Task("group_join_request", title, reverse("workgroups:group", args=[row["group_id"]]), row["created_at"])


def _report_title(text: str, row: dict[str, Any]) -> str:
    title = text % {"pk": row["pk"], "category": row["category__name"]}
    return f"{title} – {row['address']}" if row["address"] else title


def _defect_new(user: Any) -> Iterable[Task]:
    for row in defects.new_report_tasks(user):
        title = _report_title(_("Neue Mängelmeldung Nr. %(pk)s: %(category)s"), row)
        due = timezone.localdate(row["requested_at"]) + dt.timedelta(days=row["service__target_days"])
        yield Task("defect_new", title, reverse("defects:case", args=[row["pk"]]), row["requested_at"], due)


def _defect_overdue(user: Any) -> Iterable[Task]:
    for row in defects.overdue_report_tasks(user):
        title = _report_title(_("Mängelmeldung Nr. %(pk)s über dem Bearbeitungsziel: %(category)s"), row)
        due = timezone.localdate(row["requested_at"]) + dt.timedelta(days=row["service__target_days"])
        yield Task("defect_overdue", title, reverse("defects:case", args=[row["pk"]]), row["requested_at"], due)


def _order_confirm(user: Any) -> Iterable[Task]:
    for row in orders.supplier_confirm_tasks(user):
        title = _("Bestellung %(number)s von %(member)s bestätigen") % {
            "number": row["number"],
            "member": row["member__organisation__name"],
        }
        yield Task("order_confirm", title, reverse("orders:detail", args=[row["pk"]]), row["since"])


def _competition_offer(user: Any) -> Iterable[Task]:
    for row in competitions.offer_tasks(user):
        title = _("Angebot im Kleinwettbewerb abgeben: %(title)s für %(member)s, bis %(at)s Uhr") % {
            "title": row["title"],
            "member": row["member__organisation__name"],
            "at": f"{timezone.localtime(row['deadline']):%d.%m.%Y %H:%M}",
        }
        url = reverse("competitions:detail", args=[row["pk"]])
        yield Task("competition_offer", title, url, row["sent_at"], timezone.localdate(row["deadline"]))


def _competition_award(user: Any) -> Iterable[Task]:
    for row in competitions.award_tasks(user):
        title = _("Kleinwettbewerb auswerten und vergeben: %(title)s (%(member)s)") % {
            "title": row["title"],
            "member": row["member__organisation__name"],
        }
        yield Task("competition_award", title, reverse("competitions:detail", args=[row["pk"]]), row["deadline"])


def _inbound_invoice(user: Any) -> Iterable[Task]:
    for row in payables.approval_tasks(user):
        step = _("sachlich prüfen") if row["status"] != "factually_approved" else _("rechnerisch prüfen")
        title = _("Eingangsrechnung %(number)s von %(seller)s %(step)s") % {
            "number": row["number"],
            "seller": row["seller_name"],
            "step": step,
        }
        yield Task("inbound_invoice", title, reverse("payables:detail", args=[row["pk"]]), row["received_at"])


def _order_ship(user: Any) -> Iterable[Task]:
    for row in orders.supplier_ship_tasks(user):
        title = _("Bestellung %(number)s an %(member)s liefern") % {
            "number": row["number"],
            "member": row["member__organisation__name"],
        }
        url = reverse("orders:detail", args=[row["pk"]])
        yield Task("order_ship", title, url, row["since"], row["delivery_date"])


def _action_item(user: Any) -> Iterable[Task]:
    for row in workgroups.action_item_tasks(user):
        text = row["text"] if len(row["text"]) <= 120 else row["text"][:119] + "…"
        title = _("Aufgabe aus dem Protokoll „%(meeting)s“: %(text)s") % {
            "meeting": row["meeting__title"],
            "text": text,
        }
        url = reverse("workgroups:meeting", args=[row["meeting_id"]])
        yield Task("action_item", title, url, row["meeting__ends_at"], row["due_on"])


def _meeting_registration(user: Any) -> Iterable[Task]:
    for row in workgroups.registration_tasks(user):
        title = _("Zum Termin anmelden: %(group)s – %(title)s am %(date)s") % {
            "group": row["group__name"],
            "title": row["title"],
            "date": _date(row["starts_at"]),
        }
        url = reverse("workgroups:meeting", args=[row["pk"]])
        yield Task("meeting_registration", title, url, row["invited_at"], timezone.localdate(row["starts_at"]))


def _council_invite(user: Any) -> Iterable[Task]:
    for row in council.invite_tasks(user):
        title = _("Zur Sitzung einladen: %(name)s am %(date)s (%(town)s), Ladungsfrist bis %(deadline)s") % {
            "name": row["name"],
            "date": _date(row["start"]),
            "town": row["town"],
            "deadline": f"{row['deadline']:%d.%m.%Y}",
        }
        url = reverse("council:office_meeting", args=[row["slug"], row["pk"]])
        yield Task("council_invite", title, url, row["created"], row["deadline"])


def _council_publish(user: Any) -> Iterable[Task]:
    for row in council.publish_tasks(user):
        title = _("Ergebnisse erfassen und veröffentlichen: %(name)s vom %(date)s (%(town)s)") % {
            "name": row["name"],
            "date": _date(row["start"]),
            "town": row["town"],
        }
        url = reverse("council:office_meeting", args=[row["slug"], row["pk"]])
        yield Task("council_publish", title, url, row["start"])


def _assembly_vote(user: Any) -> Iterable[Task]:
    for row in governance.vote_tasks(user):
        poll = row["poll"]
        title = _("Abstimmen für %(member)s: %(poll)s (%(assembly)s)") % {
            "member": row["member"],
            "poll": poll.title,
            "assembly": poll.assembly.title,
        }
        url = reverse("governance:assembly", args=[poll.assembly_id])
        yield Task("assembly_vote", title, url, row["since"], timezone.localdate(poll.assembly.starts_at))


def _assembly_invitation(user: Any) -> Iterable[Task]:
    for row in governance.invitation_tasks(user):
        assembly = row["assembly"]
        title = _("Zur Generalversammlung am %(date)s anmelden oder Vollmacht erteilen: %(member)s") % {
            "date": _date(assembly.starts_at),
            "member": row["member"],
        }
        url = reverse("governance:assembly", args=[assembly.pk])
        yield Task("assembly_invitation", title, url, row["since"], timezone.localdate(assembly.starts_at))


def _ticket_waiting(user: Any) -> Iterable[Task]:
    for row in servicedesk.waiting_tasks(user):
        if row["status"] == "resolved":
            text = _("Lösung bestätigen oder Ticket wieder öffnen: %(number)s %(subject)s")
        else:
            text = _("Rückfrage des Servicedesks beantworten: %(number)s %(subject)s")
        title = text % {"number": row["number"], "subject": row["subject"]}
        yield Task("ticket_waiting", title, reverse("servicedesk:detail", args=[row["pk"]]), row["paused_since"])


def _ticket_assigned(user: Any) -> Iterable[Task]:
    for row in servicedesk.assigned_tasks(user):
        title = _("Ticket bearbeiten: %(number)s %(subject)s") % {"number": row["number"], "subject": row["subject"]}
        due = timezone.localdate(row["resolution_due"]) if row["resolution_due"] else None
        yield Task("ticket_assigned", title, reverse("servicedesk:detail", args=[row["pk"]]), row["created_at"], due)


def _ticket_near_breach(user: Any) -> Iterable[Task]:
    for row in servicedesk.near_breach_tasks(user):
        title = _("SLA-Frist läuft ab: %(number)s %(subject)s (fällig %(due)s)") % {
            "number": row["number"],
            "subject": row["subject"],
            "due": f"{timezone.localtime(row['resolution_due']):%d.%m.%Y %H:%M}" if row["resolution_due"] else "–",
        }
        due = timezone.localdate(row["resolution_due"]) if row["resolution_due"] else None
        yield Task("ticket_near_breach", title, reverse("servicedesk:detail", args=[row["pk"]]), row["created_at"], due)


@dataclass(frozen=True)
class Kind:
    label: Any  # lazy text for the filter
    build: Callable[[Any], Iterable[Task]]
    rows: Callable[[Any], TaskRows]  # the selector: one row per task that ``build`` makes (for counting)


KINDS: dict[str, Kind] = {
    "order_approval": Kind(gettext_lazy("Bestellungen freigeben"), _order_approval, orders.approval_tasks),
    "goods_receipt": Kind(gettext_lazy("Wareneingang buchen"), _goods_receipt, orders.receipt_tasks),
    "order_rejected": Kind(gettext_lazy("Abgelehnte Bestellungen"), _order_rejected, orders.rejected_tasks),
    "demand_report": Kind(gettext_lazy("Bedarf melden"), _demand_report, bundling.report_due_tasks),
    "invoice_overdue": Kind(gettext_lazy("Überfällige Rechnungen"), _invoice_overdue, billing.overdue_invoice_tasks),
    "request_answered": Kind(gettext_lazy("Entschiedene Anträge"), _request_answered, billing.answered_request_tasks),
    "membership_application": Kind(gettext_lazy("Aufnahmeanträge"), _membership_application, members.application_tasks),
    "online_application": Kind(
        gettext_lazy("Online-Beitrittsanträge"), _online_application, members.online_application_tasks
    ),
    "service_request": Kind(gettext_lazy("Anträge zu Leistungen"), _service_request, billing.request_tasks),
    "campaign_evaluation": Kind(
        gettext_lazy("Bedarfsabfragen auswerten"), _campaign_evaluation, bundling.evaluation_tasks
    ),
    "billing_run": Kind(gettext_lazy("Abrechnungsläufe"), _billing_run, billing.run_tasks),
    "invoices_unmailed": Kind(
        gettext_lazy("Nicht versandte Rechnungen"), _invoices_unmailed, billing.unmailed_task_rows
    ),
    "contract_volume": Kind(gettext_lazy("Ausgeschöpfte Rahmenverträge"), _contract_volume, contracts.volume_tasks),
    "contract_ending": Kind(
        gettext_lazy("Auslaufende Rahmenverträge"), _contract_ending, contracts.ending_contract_tasks
    ),
    "catalog_import_failed": Kind(
        gettext_lazy("Fehlgeschlagene Katalogimporte"), _catalog_import_failed, catalog.failed_import_tasks
    ),
    "procedure_contract_ending": Kind(
        gettext_lazy("Auslaufende Verträge von Fachverfahren"),
        _procedure_contract_ending,
        procedures.ending_contract_tasks,
    ),
    "group_join_request": Kind(gettext_lazy("Beitrittswünsche"), _group_join_request, workgroups.join_request_tasks),
    "defect_new": Kind(gettext_lazy("Neue Mängelmeldungen"), _defect_new, defects.new_report_tasks),
    "defect_overdue": Kind(gettext_lazy("Überfällige Mängelmeldungen"), _defect_overdue, defects.overdue_report_tasks),
    "order_confirm": Kind(gettext_lazy("Bestellungen bestätigen"), _order_confirm, orders.supplier_confirm_tasks),
    "order_ship": Kind(gettext_lazy("Bestellungen liefern"), _order_ship, orders.supplier_ship_tasks),
    "competition_offer": Kind(
        gettext_lazy("Angebote in Kleinwettbewerben"), _competition_offer, competitions.offer_tasks
    ),
    "competition_award": Kind(gettext_lazy("Kleinwettbewerbe auswerten"), _competition_award, competitions.award_tasks),
    "inbound_invoice": Kind(gettext_lazy("Eingangsrechnungen prüfen"), _inbound_invoice, payables.approval_tasks),
    "ticket_waiting": Kind(gettext_lazy("Tickets, die auf Sie warten"), _ticket_waiting, servicedesk.waiting_tasks),
    "ticket_assigned": Kind(gettext_lazy("Mir zugewiesene Tickets"), _ticket_assigned, servicedesk.assigned_tasks),
    "ticket_near_breach": Kind(
        gettext_lazy("Tickets kurz vor SLA-Frist"), _ticket_near_breach, servicedesk.near_breach_tasks
    ),
    "action_item": Kind(gettext_lazy("Aufgaben aus Protokollen"), _action_item, workgroups.action_item_tasks),
    "meeting_registration": Kind(
        gettext_lazy("Anmeldungen zu Terminen"), _meeting_registration, workgroups.registration_tasks
    ),
    "council_invite": Kind(gettext_lazy("Zu Sitzungen einladen"), _council_invite, council.invite_tasks),
    "council_publish": Kind(
        gettext_lazy("Sitzungsergebnisse veröffentlichen"), _council_publish, council.publish_tasks
    ),
    "assembly_vote": Kind(gettext_lazy("Abstimmungen der Generalversammlung"), _assembly_vote, governance.vote_tasks),
    "assembly_invitation": Kind(
        gettext_lazy("Einladungen zur Generalversammlung"), _assembly_invitation, governance.invitation_tasks
    ),
}

OFFICE = ("membership_application", "online_application", "service_request", "billing_run", "invoices_unmailed")
CONTRACTS = ("campaign_evaluation", "contract_volume", "contract_ending", "catalog_import_failed")
# Everybody of a member or of the cooperative can own action items and belong to (or coordinate) groups.
STAFF = ("action_item", "meeting_registration", "group_join_request")
DESK = ("ticket_assigned", "ticket_near_breach")  # the service desk (kitu.servicedesk)
ROLE_KINDS: dict[str, tuple[str, ...]] = {
    Role.COOP_ADMIN: (*OFFICE, *CONTRACTS, *STAFF, "competition_award", *DESK),  # the bundle requests it awards
    Role.CONTRACT_MANAGER: CONTRACTS + STAFF,
    Role.APPROVER: ("order_approval", "inbound_invoice", "ticket_waiting", *STAFF),
    Role.REQUESTER: (
        "goods_receipt",
        "order_rejected",
        "demand_report",
        "competition_award",
        "inbound_invoice",
        "ticket_waiting",
        *STAFF,
    ),
    Role.MEMBER_ADMIN: (
        "goods_receipt",
        "competition_award",
        "inbound_invoice",
        "order_rejected",
        "demand_report",
        "invoice_overdue",
        "request_answered",
        "ticket_waiting",
        "procedure_contract_ending",
        *STAFF,
    ),
    Role.CASE_WORKER: ("defect_new", "defect_overdue", *STAFF),
    Role.WORKGROUP_MEMBER: STAFF,
    Role.SERVICE_DESK: (*DESK, *STAFF),
    Role.SUPPLIER_USER: ("order_confirm", "order_ship", "competition_offer"),
    Role.COUNCIL_OFFICE: ("council_invite", "council_publish", *STAFF),
    Role.REPRESENTATIVE: ("assembly_vote", "assembly_invitation"),
}


def kinds_of(user: Any) -> list[str]:
    """The kinds of task the user's roles have, in the order of KINDS."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    roles = {role for _org, role in role_pairs(user)}
    if user.is_superuser:
        roles.add(Role.COOP_ADMIN)
    wanted = {kind for role in roles for kind in ROLE_KINDS.get(role, ())}
    return [kind for kind in KINDS if kind in wanted]


def tasks_for(user: Any, kind: str = "") -> list[Task]:
    """The user's tasks (of one kind, if given), oldest first; ties by title, kind and link, so that the order
    is total and the API's pages never overlap. Each selector scopes to the user's organisations and
    permissions itself: nobody sees another member's tasks."""
    kinds = [k for k in kinds_of(user) if not kind or k == kind]
    found = [task for k in kinds for task in KINDS[k].build(user)]
    return sorted(found, key=lambda t: (t.since, t.title, t.kind, t.url))


def count_for(user: Any, kind: str = "") -> int:
    """``len(tasks_for(user, kind))`` without building the tasks: every kind's selector counted in one SQL
    statement (:func:`kitu.core.rows.count_rows`; selectors that still answer with a list cost their own
    query). No cache: the count is as fresh as the list it leads to."""
    return count_rows(KINDS[k].rows(user) for k in kinds_of(user) if not kind or k == kind)


def task_count_of_request(request: Any) -> int:
    """The header's task count: the tasks' number when the page has built them already (the start page,
    the task list), else counted."""
    cached = getattr(request, "_kitu_tasks", None)
    return count_for(request.user) if cached is None else len(cached)


def tasks_of_request(request: Any) -> list[Task]:
    """The signed-in user's tasks, worked out once per request (the page and the header count share them)."""
    cached = getattr(request, "_kitu_tasks", None)
    if cached is None:
        cached = request._kitu_tasks = tasks_for(request.user)
    return cached


def age_in_words(since: dt.datetime, today: dt.date | None = None) -> str:
    """ "seit heute", "seit gestern", "seit 3 Tagen" (calendar days in the platform's time zone)."""
    days = ((today or timezone.localdate()) - timezone.localdate(since)).days
    if days <= 0:
        return _("seit heute")
    if days == 1:
        return _("seit gestern")
    return ngettext("seit %(days)s Tag", "seit %(days)s Tagen", days) % {"days": days}
