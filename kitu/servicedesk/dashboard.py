"""Figures of the desk's dashboard: open tickets by priority and team, SLA breaches, median times to respond
and resolve per service (in service hours), and tickets reported per week by priority (chart + table)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from kitu.core import charts

from . import conf, sla
from .models import OPEN_STATUSES, Priority, SlaEvent, SlaEventKind, Ticket

WEEKS = 12


def figures(now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    priorities = list(Priority)
    by_team: dict[str, dict[int, int]] = defaultdict(lambda: dict.fromkeys((p.value for p in priorities), 0))
    for team, priority, count in (
        Ticket.objects.filter(status__in=OPEN_STATUSES)
        .values_list("team__name", "priority")
        .annotate(n=Count("id"))
        .order_by("team__name", "priority")
    ):
        by_team[team or _("ohne Team")][priority] = count
    open_rows = [
        {"team": team, "counts": [counts[p.value] for p in priorities], "total": sum(counts.values())}
        for team, counts in by_team.items()
    ]
    breaches = SlaEvent.objects.filter(kind=SlaEventKind.BREACH)
    recent = breaches.filter(at__gte=now - dt.timedelta(days=30))
    since = now - dt.timedelta(days=90)
    hours = conf.hours()
    respond: dict[str, list[int]] = defaultdict(list)
    resolve: dict[str, list[int]] = defaultdict(list)
    for service, created, responded, resolved, paused in Ticket.objects.filter(created_at__gte=since).values_list(
        "service__name", "created_at", "first_response_at", "resolved_at", "paused_seconds"
    )[:20000]:
        name = service or _("ohne Leistung")
        if responded:
            respond[name].append(sla.business_seconds(hours, created, responded))
        if resolved:
            resolve[name].append(max(sla.business_seconds(hours, created, resolved) - paused, 0))
    medians = [
        {
            "service": name,
            "respond": statistics.median(respond[name]) / 3600 if respond[name] else None,
            "resolve": statistics.median(resolve[name]) / 3600 if resolve[name] else None,
            "count": len(respond[name]),
        }
        for name in sorted(set(respond) | set(resolve))
    ]
    start = timezone.localdate(now) - dt.timedelta(weeks=WEEKS - 1, days=timezone.localdate(now).weekday())
    weekly: dict[dt.date, dict[int, int]] = {
        start + dt.timedelta(weeks=i): dict.fromkeys((p.value for p in priorities), 0) for i in range(WEEKS)
    }
    for week, priority, count in (
        Ticket.objects.filter(created_at__date__gte=start)
        .annotate(week=TruncWeek("created_at"))
        .values_list("week", "priority")
        .annotate(n=Count("id"))
    ):
        day = week.date() if isinstance(week, dt.datetime) else week
        if day in weekly:
            weekly[day][priority] += count
    categories = [f"{week:%d.%m.}" for week in weekly]
    chart = charts.stacked_bars(
        title=_("Gemeldete Tickets je Woche"),
        description=_(
            "Gemeldete Tickets der letzten %(n)s Wochen nach Priorität; "
            "dieselben Zahlen stehen in der Tabelle darunter."
        )
        % {"n": WEEKS},
        categories=categories,
        series=[charts.Series(str(p.label), [weekly[w][p.value] for w in weekly]) for p in priorities],
        axis_label=_("Tickets"),
    )
    week_rows = [
        {"week": week, "counts": [counts[p.value] for p in priorities], "total": sum(counts.values())}
        for week, counts in weekly.items()
    ]
    return {
        "priorities": priorities,
        "open_rows": open_rows,
        "open_total": sum(row["total"] for row in open_rows),
        "breaches_total": breaches.count(),
        "breaches_recent": recent.count(),
        "breach_list": recent.select_related("ticket").order_by("-at")[:20],
        "medians": medians,
        "chart": chart,
        "week_rows": week_rows,
    }
