"""The award note (Vergabevermerk) of an in-house award as PDF: entity, subject, value, term, the members
served, the control and capital tests, the turnover table with the activity share and the legal conclusion,
the date and the office user. It prints the record frozen at the decision (or, for a draft, the test as it
stands today, marked as draft). reportlab is imported here only (see pyproject.toml, PLC0415)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.utils import translation

from kitu.core.money import format_eur

from . import inhouse_rules as rules
from .inhouse import show_percent

CONCLUSION = {
    rules.Result.OK: (
        "Die Tätigkeitsquote liegt über 80 % (§ 108 Abs. 1 Nr. 2 GWB) und nicht unter 85 %. Zusammen mit dem "
        "Kontrollkriterium und dem Fehlen einer direkten privaten Kapitalbeteiligung sind die Voraussetzungen "
        "einer Inhouse-Vergabe nach § 108 GWB erfüllt; ein Vergabeverfahren nach Teil 4 GWB ist nicht "
        "durchzuführen."
    ),
    rules.Result.WARNING: (
        "Die Tätigkeitsquote liegt über 80 % (§ 108 Abs. 1 Nr. 2 GWB), aber unter 85 %. Die Voraussetzungen "
        "einer Inhouse-Vergabe nach § 108 GWB sind erfüllt; der geringe Abstand zur Grenze wurde zur Kenntnis "
        "genommen und ist bei künftigen Aufträgen zu beobachten."
    ),
    rules.Result.BLOCKED: (
        "Die Tätigkeitsquote beträgt nicht mehr als 80 % (§ 108 Abs. 1 Nr. 2 GWB). Eine Inhouse-Vergabe ist "
        "ausgeschlossen."
    ),
    rules.Result.MISSING: (
        "Die für die Tätigkeitsquote erforderlichen Umsatzzahlen fehlen (§ 108 Abs. 7 GWB). Eine Inhouse-Vergabe "
        "ist so nicht möglich."
    ),
}


CAPITAL_WORDS = {True: "keine direkte private Kapitalbeteiligung", False: "private Kapitalbeteiligung vorhanden"}


def _date(iso: str) -> str:
    return f"{dt.date.fromisoformat(iso):%d.%m.%Y}"


def _eur(value: str | None) -> str:
    return "–" if value is None else format_eur(Decimal(value))


def _percent(value: str | None) -> str:
    return show_percent(value).replace("\u00a0", " ")


def filename(record: dict[str, Any]) -> str:
    return f"Vergabevermerk-{record['number']}.pdf".replace("/", "-")


def render(record: dict[str, Any]) -> bytes:
    with translation.override("de"):  # a German procurement file, whoever asks for it
        return _render(record)


def _render(record: dict[str, Any]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    body = styles["BodyText"].clone("note", fontSize=9.5, leading=12.5)
    small = body.clone("small", fontSize=8, leading=10)
    heading = styles["Heading2"].clone("h2", fontSize=12, leading=15, spaceBefore=8, spaceAfter=4)
    out = io.BytesIO()
    draft = bool(record.get("draft"))
    title = f"Vergabevermerk {record['number']}: Inhouse-Vergabe nach § 108 GWB"
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=record.get("awarding_body", ""),
        lang="de",
        invariant=1,
    )

    def p(text: str, style: Any = body) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    def facts_table(rows: list[tuple[str, str]]) -> Table:
        table = Table([[p(k), p(v)] for k, v in rows], colWidths=[50 * mm, 122 * mm])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        return table

    story: list[Any] = [p(title, styles["Title"].clone("t", fontSize=15, leading=19))]
    if draft:
        story.append(p("ENTWURF – noch nicht vergeben. Stand der Prüfung: " + _date(record["day"]), heading))
    control, capital, activity = record["control"], record["capital"], record["activity"]
    story += [
        p("1. Auftrag", heading),
        facts_table(
            [
                ("Vergabestelle", record.get("awarding_body", "")),
                ("Vertragsnummer", record["number"]),
                ("Gegenstand", record["subject"]),
                *([("Beschreibung", record["description"])] if record.get("description") else []),
                ("Auftragswert (netto)", _eur(record["value"])),
                ("Laufzeit", f"{_date(record['starts_on'])} – {_date(record['ends_on'])}"),
                ("Auftragnehmer (Einrichtung)", f"{record['entity']['name']}, {record['entity']['address']}"),
                ("Versorgte Mitglieder", ", ".join(record["members"]) or "–"),
            ]
        ),
        p("2. Kontrollkriterium (§ 108 Abs. 1 Nr. 1, Abs. 4 und 5 GWB)", heading),
        facts_table(
            [
                ("Art der Kontrolle", control["label"] or "nicht angegeben"),
                *(
                    [("Kontrollierende Auftraggeber", ", ".join(control["controllers"]))]
                    if control["kind"] == rules.Control.JOINT
                    else []
                ),
                ("Ergebnis", "erfüllt" if control["confirmed"] else "nicht bestätigt"),
                ("Begründung", control["note"] or "–"),
            ]
        ),
        p("3. Keine direkte private Kapitalbeteiligung (§ 108 Abs. 1 Nr. 3 GWB)", heading),
        facts_table(
            [
                ("Ergebnis", CAPITAL_WORDS.get(capital["free"], "nicht geprüft")),
                ("Begründung", capital["note"] or "–"),
            ]
        ),
        p("4. Wesentlichkeitskriterium (§ 108 Abs. 1 Nr. 2, Abs. 7 GWB)", heading),
        p(
            "Grundlage: "
            + (
                "Prognose der Geschäftsentwicklung für das Vergabejahr und die zwei folgenden Jahre "
                "(§ 108 Abs. 7 Satz 3 GWB)"
                if activity["basis"] == rules.Basis.PROJECTION
                else "durchschnittlicher Umsatz der drei Geschäftsjahre vor der Vergabe (§ 108 Abs. 7 Satz 1 GWB)"
            )
            + ". Tätigkeitsquote = durchschnittlicher Umsatz mit den kontrollierenden Auftraggebern ÷ "
            "durchschnittlicher Gesamtumsatz."
        ),
        Spacer(1, 2 * mm),
    ]
    rows: list[list[Any]] = [
        [p("Geschäftsjahr"), p("Umsatz mit kontrollierenden Auftraggebern"), p("Gesamtumsatz"), p("Anteil")]
    ]
    for year in activity["years"]:
        label = str(year["year"]) + (" (Prognose)" if year["projection"] else "")
        rows.append([p(label), p(_eur(year["controlling"])), p(_eur(year["total"])), p(_percent(year["share"]))])
    rows.append(
        [
            p("Durchschnitt"),
            p(_eur(activity["controlling_average"])),
            p(_eur(activity["total_average"])),
            p(_percent(activity["share"])),
        ]
    )
    table = Table(rows, colWidths=[32 * mm, 56 * mm, 48 * mm, 36 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf0")),
                ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#f4f6f8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    notes = [f"{y['year']}: {y['note']}" for y in activity["years"] if y.get("note")]
    if notes:
        story.append(p("Quellen: " + "; ".join(notes), small))
    if activity["missing_years"]:
        story.append(p("Es fehlen Zahlen für: " + ", ".join(str(y) for y in activity["missing_years"]), body))
    result = rules.Result(activity["result"])
    story += [
        Spacer(1, 2 * mm),
        p(f"Tätigkeitsquote: {_percent(activity['share'])} – Ergebnis: {RESULT_WORDS[result]}", body),
        p("5. Ergebnis", heading),
        p(_conclusion(record, result)),
    ]
    if record.get("warning_acknowledged"):
        story.append(p("Die Warnung (Tätigkeitsquote unter 85 %) wurde bei der Vergabe zur Kenntnis genommen."))
    story += [
        Spacer(1, 6 * mm),
        facts_table(
            [
                ("Datum", _date(record["day"])),
                ("Bearbeitet von", record.get("user") or "–"),
                ("Status", "Entwurf" if draft else "vergeben"),
            ]
        ),
    ]
    doc.build(story)
    return out.getvalue()


RESULT_WORDS = {
    rules.Result.OK: "erfüllt (mindestens 85 %)",
    rules.Result.WARNING: "erfüllt, Warnung (über 80 %, unter 85 %)",
    rules.Result.BLOCKED: "nicht erfüllt (höchstens 80 %)",
    rules.Result.MISSING: "nicht prüfbar (Zahlen fehlen)",
}


def _conclusion(record: dict[str, Any], result: rules.Result) -> str:
    if result in (rules.Result.OK, rules.Result.WARNING) and record.get("refusals"):
        return (
            "Die Tätigkeitsquote genügt, doch fehlen weitere Voraussetzungen des § 108 GWB (siehe oben). "
            "Eine Inhouse-Vergabe ist so nicht möglich."
        )
    return CONCLUSION[result]
