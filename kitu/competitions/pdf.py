"""The award note (Vergabevermerk) of a mini-competition as PDF: request, invited suppliers, the offers with
totals and points, the winner and the reason, the call-off order. reportlab is imported here only (see
pyproject.toml, PLC0415)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone

from kitu.core.money import format_eur

from .models import Competition
from .selectors import Comparison


def award_note(competition: Competition, comparison: Comparison) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, title="Vergabevermerk")

    def p(text: str, style: str = "BodyText") -> Any:
        return Paragraph(escape(text), styles[style])

    story: list[Any] = [
        p(f"Vergabevermerk Kleinwettbewerb {competition.reference}", "Title"),
        p(f"Mitglied: {competition.buyer_name}"),
        p(f"Gegenstand: {competition.title}"),
        p(
            f"Rahmenvertrag {competition.lot.contract.number}, Los {competition.lot.number} "
            f"({competition.lot.title}); erneuter Wettbewerb nach § 21 Abs. 5 VgV unter allen Partnern des Loses."
        ),
        p(
            "Angebotsfrist: "
            + timezone.localtime(competition.deadline).strftime("%d.%m.%Y %H:%M Uhr")
            + "; Angebote bis dahin versiegelt, verspätete Angebote nicht angenommen."
        ),
        p(
            "Eingeladen: "
            + ", ".join(i.supplier.name for i in competition.invitations.select_related("supplier__organisation"))
        ),
        p(
            f"Zuschlagskriterien: Preis {competition.price_points} Punkte (niedrigste Summe volle Punkte, andere "
            "anteilig: Punkte × niedrigste Summe ÷ eigene Summe)"
            + "".join(f"; {c.name} {c.points} Punkte" for c in competition.criteria.all())
        ),
        Spacer(1, 6 * mm),
    ]
    names = {o.pk: o.supplier.name for o in comparison.offers}
    rows: list[list[Any]] = [["Rang", "Lieferant", "Summe netto", "Preis-Punkte", "Punkte gesamt"]]
    for n, r in enumerate(comparison.ranking, 1):
        rows.append([str(n), p(names[r.key]), format_eur(r.total), f"{r.price_score:.2f}", f"{r.score:.2f}"])
    table = Table(rows, repeatRows=1, colWidths=[14 * mm, 62 * mm, 32 * mm, 28 * mm, 30 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    story += [table, Spacer(1, 6 * mm)]
    for (offer_id, _criterion_id), score in sorted(comparison.scores.items()):
        story.append(
            p(f"{names[offer_id]} – {score.criterion.name}: {score.points} Punkte. Begründung: {score.reason}")
        )
    if competition.winner is not None:
        story += [
            Spacer(1, 4 * mm),
            p(f"Zuschlag an: {competition.winner.supplier.name}", "Heading3"),
            p(f"Begründung: {competition.award_reason}"),
        ]
        if competition.awarded_at:
            who = competition.awarded_by.full_name if competition.awarded_by else ""
            story.append(p(f"Entschieden am {timezone.localtime(competition.awarded_at):%d.%m.%Y %H:%M} von {who}"))
        if competition.order is not None:
            if competition.is_bundle:
                for bm in competition.bundle_members.select_related("member__organisation", "order"):
                    if bm.order is not None:
                        story.append(
                            p(f"Abrufbestellung {bm.order.number} für {bm.member.name} (durch dessen Freigabe)")
                        )
            else:
                story.append(p(f"Abrufbestellung {competition.order.number} (durch die Freigabe des Mitglieds)"))
    doc.build(story)
    return buffer.getvalue()
