"""The annual figures as an XLSX workbook: the page's tables, every text cell neutralised."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from kitu.core.exports import xlsx_append

from .selectors import AnnualFigures


def workbook(figures: AnnualFigures, cooperative: str) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415 - only the export needs openpyxl

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = _("Mitglieder")
    period = f"{figures.start:%d.%m.%Y} – {figures.end:%d.%m.%Y}"
    xlsx_append(ws, [_("%(coop)s: Jahreszahlen %(year)s") % {"coop": cooperative, "year": figures.year}, period])
    xlsx_append(ws, [_("Art"), _("Anfang des Jahres"), _("Beitritte"), _("Ausgeschieden"), _("Ende des Jahres")])
    for row in [*figures.types, figures.totals]:
        label = row.label or _("zusammen")
        xlsx_append(ws, [label, row.at_start, row.admitted, row.exited, row.at_end])

    capital = figures.capital
    ws = book.create_sheet(_("Anteile und Kapital"))
    for label, value in (
        (_("Geschäftsanteile am Anfang des Jahres"), capital.shares_at_start),
        (_("neu gezeichnet"), capital.shares_added),
        (_("gekündigt (einzelne Anteile)"), capital.shares_removed),
        (_("durch Ausscheiden weggefallen"), capital.shares_of_leavers),
        (_("Geschäftsanteile am Ende des Jahres"), capital.shares_at_end),
        (_("Nennwert je Anteil (EUR)"), capital.share_value),
        (_("gezeichnetes Kapital am Ende des Jahres (EUR)"), capital.subscribed_at_end),
        (_("eingezahltes Kapital am Ende des Jahres (EUR)"), capital.paid_in_at_end),
    ):
        xlsx_append(ws, [label, value])

    ws = book.create_sheet(_("je Mitglied"))
    xlsx_append(
        ws,
        [
            _("Mitglied"),
            _("abgerechnete Leistungen (EUR, netto)"),
            _("Abrufe"),
            _("Abrufvolumen (EUR, netto)"),
            _("Einsparung (EUR, netto)"),
        ],
    )
    for line in figures.members:
        xlsx_append(ws, [line.name, line.billed_net, line.orders, line.ordered, line.savings])
    t = figures.member_totals
    xlsx_append(ws, [_("alle Mitglieder zusammen"), t.billed_net, t.orders, t.ordered, t.savings])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
