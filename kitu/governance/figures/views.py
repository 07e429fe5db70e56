"""The annual figures page for the general assembly: tables, the same figures as charts, and XLSX."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kitu.core import charts

from . import selectors
from .xlsx import workbook


def _year(request: HttpRequest, year: int | None) -> int:
    if not selectors.can_view(request.user):
        raise PermissionDenied
    years = selectors.years_available()
    chosen = year if year is not None else (dt.date.today().year - 1 if len(years) > 1 else years[0])
    raw = request.GET.get("jahr")
    if year is None and raw is not None:
        if not (raw.isascii() and raw.isdigit()):
            raise Http404
        chosen = int(raw)
    if chosen not in years:
        raise Http404
    return chosen


@login_required
def figures(request: HttpRequest, year: int | None = None) -> HttpResponse:
    chosen = _year(request, year)
    data = selectors.annual_figures(request.user, chosen)
    stages = [_("Anfang des Jahres"), _("Beitritte"), _("Ausgeschieden"), _("Ende des Jahres")]
    member_chart = charts.stacked_bars(
        title=_("Mitglieder nach Art im Geschäftsjahr %(year)s") % {"year": chosen},
        description=_(
            "Gestapelte Säulen je Art: Mitglieder am Anfang, Beitritte, Ausgeschiedene und Mitglieder am Ende "
            "des Jahres. Die Tabelle daneben enthält dieselben Zahlen."
        ),
        categories=stages,
        series=[charts.Series(t.label, [t.at_start, t.admitted, t.exited, t.at_end]) for t in data.types],
        axis_label=_("Anzahl Mitglieder"),
    )
    rows = data.members
    billed_chart = savings_chart = None
    if rows:
        names = [r.name for r in rows]
        billed_chart = charts.horizontal_bars(
            title=_("Abgerechnete Leistungen je Mitglied %(year)s") % {"year": chosen},
            description=_("Waagerechte Balken: Euro netto je Mitglied. Die Tabelle darunter enthält dieselben Zahlen."),
            categories=names,
            series=[charts.Series(_("abgerechnete Leistungen"), [float(r.billed_net) for r in rows])],
            unit="€",
            axis_label=_("Euro (netto)"),
        )
        # two charts of one kind on a page: the second gets its own element ids
        billed_chart = mark_safe(billed_chart.replace("hchart-", "hchart-billed-"))  # noqa: S308 - our own SVG
        savings_chart = charts.horizontal_bars(
            title=_("Abrufe zu Vertragspreisen und Einsparung je Mitglied %(year)s") % {"year": chosen},
            description=_(
                "Gestapelte waagerechte Balken: Abrufvolumen zu Vertragspreisen und Einsparung gegenüber den "
                "Listenpreisen, zusammen der Wert zu Listenpreisen; Euro netto. Die Tabelle darunter enthält "
                "dieselben Zahlen."
            ),
            categories=names,
            series=[
                charts.Series(_("zu Vertragspreisen"), [float(r.ordered) for r in rows]),
                charts.Series(_("Einsparung"), [float(r.savings) for r in rows]),
            ],
            unit="€",
            axis_label=_("Euro (netto)"),
        )
    context = {
        "f": data,
        "years": selectors.years_available(),
        "member_chart": member_chart,
        "member_legend": [(t.label, i) for i, t in enumerate(data.types)],
        "billed_chart": billed_chart,
        "savings_chart": savings_chart,
        "all_lines": selectors.sees_all_lines(request.user),
    }
    return render(request, "governance/figures/index.html", context)


@login_required
def figures_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    chosen = _year(request, year)
    content = workbook(selectors.annual_figures(request.user, chosen), settings.KITU_COOPERATIVE_NAME)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="jahreszahlen-{chosen}.xlsx"'
    return response
