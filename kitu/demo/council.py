"""Demo council information system (marked Demo): Stadt Wernigerode as a subscribing town with the term
2024–2029, the Stadtrat (36 councillors in seven parliamentary groups and the Oberbürgermeister), four
committees, 20 papers with generated PDF files, six past meetings with agendas, attendance, results, vote
counts, a named vote and minutes, and two upcoming meetings the members have been invited to; some agenda
items are non-public (a sale of land, a staff matter).

Everything goes through the council services (register, papers, files, meetings) in the name of the
demo council office (``council.wernigerode@demo.kitu.example``); the town is switched on by the
cooperative's administration. Persons and their votes are invented; dates follow the day of seeding
(past meetings in the last weeks, upcoming ones in the next). Idempotent: nothing is done once the town's
council body exists."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kitu.accounts.models import User
from kitu.council.models import (
    AgendaItem,
    AgendaResult,
    AttendanceStatus,
    Body,
    ConsultationRole,
    FileRole,
    Meeting,
    Organization,
    OrganizationType,
    Paper,
    PaperType,
    Person,
    VoteChoice,
)
from kitu.council.services import files as file_services
from kitu.council.services import meetings as meeting_services
from kitu.council.services import papers as paper_services
from kitu.council.services import register
from kitu.members.models import Member

from .data import DEMO_DOMAIN

BERLIN = ZoneInfo("Europe/Berlin")
TOWN = "Stadt Wernigerode"
SLUG = "wernigerode"
OFFICE_EMAIL = f"council.wernigerode@{DEMO_DOMAIN}"
COUNCILLOR_EMAIL = f"councillor.wernigerode@{DEMO_DOMAIN}"
TERM_START = dt.date(2024, 7, 1)
TERM_END = dt.date(2029, 6, 30)

# --- persons and bodies ----------------------------------------------------------------------------------

GROUPS = (
    # name of the group, short name, seats
    ("CDU-Fraktion", "CDU", 9),
    ("AfD-Fraktion", "AfD", 7),
    ("Fraktion Bürgerliste/Freie Wähler", "BL/FW", 6),
    ("SPD-Fraktion", "SPD", 5),
    ("Fraktion Die Linke", "Die Linke", 3),
    ("Fraktion Bündnis 90/Die Grünen", "Grüne", 3),
    ("FDP-Fraktion", "FDP", 3),
)
# Invented councillors (title, given name, family name, gender), in the order of GROUPS' seats.
COUNCILLORS = (
    ("", "Matthias", "Bertram", "male"),
    ("Dr.", "Susanne", "Hartwig", "female"),
    ("", "Thomas", "Kliemann", "male"),
    ("", "Heike", "Rösler", "female"),
    ("", "Andreas", "Vogt", "male"),
    ("", "Kerstin", "Lindemann", "female"),
    ("", "Jens", "Pfeiffer", "male"),
    ("", "Martina", "Oelze", "female"),
    ("", "Ralf", "Sommerfeld", "male"),
    ("", "Uwe", "Brandt", "male"),
    ("", "Sandra", "Köhler", "female"),
    ("", "Mario", "Thiele", "male"),
    ("", "Steffen", "Wolter", "male"),
    ("", "Daniela", "Kupfer", "female"),
    ("", "René", "Siebert", "male"),
    ("", "Marcel", "Busse", "male"),
    ("", "Karin", "Giesecke", "female"),
    ("", "Frank", "Heinemann", "male"),
    ("", "Birgit", "Zander", "female"),
    ("", "Holger", "Rasch", "male"),
    ("", "Petra", "Schmiedel", "female"),
    ("", "Dirk", "Albrecht", "male"),
    ("Dr.", "Christine", "Wendt", "female"),
    ("", "Michael", "Behrens", "male"),
    ("", "Anja", "Wittig", "female"),
    ("", "Stefan", "Kranz", "male"),
    ("", "Nadine", "Pohl", "female"),
    ("", "Gerd", "Lorenz", "male"),
    ("", "Ines", "Klaus", "female"),
    ("", "Bernd", "Grabow", "male"),
    ("", "Lena", "Hoffmeister", "female"),
    ("", "Jonas", "Riedel", "male"),
    ("", "Miriam", "Esser", "female"),
    ("", "Tobias", "Engelke", "male"),
    ("", "Julia", "Rehberg", "female"),
    ("", "Florian", "Marschall", "male"),
)
MAYOR = ("", "Henning", "Wellmann", "male")  # invented
COMMITTEES = (
    # name, short name, number of members from the council (the mayor chairs the Haupt- und Finanzausschuss)
    ("Haupt- und Finanzausschuss", "HFA", 10),
    ("Bau- und Umweltausschuss", "BUA", 9),
    ("Ausschuss für Bildung, Kultur und Soziales", "BKS", 9),
    ("Ordnungsausschuss", "OA", 7),
)
COUNCIL = ("Stadtrat", "SR")
COUNCILLOR_LOGIN = 1  # Dr. Susanne Hartwig (CDU) is the demo councillor's person
# How each group votes in the named vote on the budget.
BUDGET_VOTES = {
    "CDU": VoteChoice.YES,
    "AfD": VoteChoice.NO,
    "BL/FW": VoteChoice.YES,
    "SPD": VoteChoice.YES,
    "Die Linke": VoteChoice.ABSTAIN,
    "Grüne": VoteChoice.ABSTAIN,
    "FDP": VoteChoice.YES,
}

# --- papers ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoPaper:
    key: str
    reference: str  # without the year: the year of the paper's date follows
    paper_type: str
    name: str
    text: tuple[str, ...]  # paragraphs of the main file
    attachments: tuple[str, ...] = ()  # names of auxiliary files
    public: bool = True
    days_ago: int = 80


P = PaperType
PAPERS: tuple[DemoPaper, ...] = (
    DemoPaper(
        "haushalt",
        "BV/0112",
        P.RESOLUTION,
        "Haushaltssatzung und Haushaltsplan 2026 der Stadt Wernigerode",
        (
            "Der Stadtrat beschließt die Haushaltssatzung für das Haushaltsjahr 2026 mit dem Haushaltsplan und "
            "seinen Anlagen in der vorliegenden Fassung.",
            "Der Ergebnisplan weist ordentliche Erträge von 78,4 Mio. Euro und ordentliche Aufwendungen von "
            "80,1 Mio. Euro aus. Der Fehlbetrag wird durch Rücklagen gedeckt; ein Haushaltskonsolidierungskonzept "
            "ist nicht erforderlich.",
            "Investitionsschwerpunkte sind die Sanierung der Grundschule Harzblick, der Straßenausbau in der "
            "Nöschenröder Straße und die Ersatzbeschaffung eines Löschfahrzeugs für die Ortsfeuerwehr Silstedt.",
        ),
        ("Haushaltsplan 2026", "Stellenplan 2026"),
        days_ago=75,
    ),
    DemoPaper(
        "bplan47",
        "BV/0098",
        P.RESOLUTION,
        "Bebauungsplan Nr. 47 „Am Kupferhammer“ – Aufstellungsbeschluss",
        (
            "Für das Gebiet zwischen der Ilsenburger Straße und dem Zillierbach wird ein Bebauungsplan "
            "aufgestellt. Ziel ist ein allgemeines Wohngebiet mit etwa 40 Baugrundstücken.",
            "Die frühzeitige Beteiligung der Öffentlichkeit nach § 3 Abs. 1 BauGB erfolgt durch eine öffentliche "
            "Auslegung im Rathaus und im Internet.",
        ),
        ("Übersichtsplan Geltungsbereich",),
        days_ago=90,
    ),
    DemoPaper(
        "bplan12",
        "BV/0131",
        P.RESOLUTION,
        "Bebauungsplan Nr. 12 „Schöne Ecke“, 2. Änderung – Satzungsbeschluss",
        (
            "Die während der öffentlichen Auslegung eingegangenen Stellungnahmen wurden geprüft; das "
            "Abwägungsergebnis ist als Anlage beigefügt.",
            "Der Stadtrat beschließt die 2. Änderung des Bebauungsplans Nr. 12 „Schöne Ecke“ als Satzung nach "
            "§ 10 Abs. 1 BauGB.",
        ),
        ("Abwägungstabelle", "Planzeichnung"),
        days_ago=20,
    ),
    DemoPaper(
        "kita",
        "BV/0104",
        P.RESOLUTION,
        "Änderung der Satzung über die Kostenbeiträge für Kindertageseinrichtungen (Kita-Gebühren)",
        (
            "Die Kostenbeiträge für die Betreuung in Krippe, Kindergarten und Hort werden zum 1. August 2026 "
            "an die gestiegenen Personal- und Sachkosten angepasst.",
            "Der monatliche Beitrag für einen Krippenplatz mit zehn Stunden Betreuung steigt von 230 Euro auf "
            "245 Euro, für einen Kindergartenplatz von 175 Euro auf 185 Euro. Die Geschwisterermäßigung bleibt.",
            "Die Elternvertretungen der Kindertageseinrichtungen wurden nach § 19 KiFöG angehört.",
        ),
        ("Kalkulation der Kostenbeiträge",),
        days_ago=85,
    ),
    DemoPaper(
        "strasse",
        "BV/0101",
        P.RESOLUTION,
        "Straßenausbau Nöschenröder Straße (Abschnitt Burgstraße bis Lindenallee) – Bau- und Finanzierungsbeschluss",
        (
            "Die Fahrbahn der Nöschenröder Straße wird auf einer Länge von 420 Metern grundhaft erneuert; "
            "Gehwege und Straßenbeleuchtung werden im gleichen Zuge erneuert.",
            "Die Gesamtkosten betragen 1.850.000 Euro. Die Stadtwerke Wernigerode verlegen vorab neue "
            "Versorgungsleitungen. Straßenausbaubeiträge werden nicht erhoben.",
        ),
        ("Lageplan", "Kostenberechnung"),
        days_ago=88,
    ),
    DemoPaper(
        "feuerwehrplan",
        "BV/0095",
        P.RESOLUTION,
        "Fortschreibung des Feuerwehrbedarfsplans 2026 bis 2030",
        (
            "Der Feuerwehrbedarfsplan beschreibt die Gefahren im Stadtgebiet, die Schutzziele und die dafür "
            "nötige Ausstattung der Ortsfeuerwehren Wernigerode, Benzingerode, Minsleben, Reddeber, Schierke "
            "und Silstedt.",
            "Die Hilfsfrist von zwölf Minuten wird im Ortsteil Schierke nicht in allen Fällen erreicht; der Plan "
            "schlägt eine Zusammenarbeit mit der Ortsfeuerwehr Elend vor.",
        ),
        ("Feuerwehrbedarfsplan (Entwurf)",),
        days_ago=95,
    ),
    DemoPaper(
        "hlf",
        "BV/0109",
        P.RESOLUTION,
        "Ersatzbeschaffung eines Hilfeleistungslöschgruppenfahrzeugs HLF 10 für die Ortsfeuerwehr Silstedt",
        (
            "Das Löschgruppenfahrzeug der Ortsfeuerwehr Silstedt ist 31 Jahre alt und wird ersetzt. Die "
            "Beschaffung erfolgt über die Zentrale Beschaffungsstelle des Landes.",
            "Die Kosten von 480.000 Euro werden zu 40 Prozent aus Fördermitteln des Landes getragen.",
        ),
        days_ago=80,
    ),
    DemoPaper(
        "carvin",
        "BV/0106",
        P.RESOLUTION,
        "Städtepartnerschaft mit Carvin: Bürgerreise und Jugendaustausch zum 35-jährigen Jubiläum",
        (
            "Die Partnerstadt Carvin (Frankreich) lädt zum Jubiläum der Städtepartnerschaft ein. Die Stadt "
            "unterstützt eine Bürgerreise und einen Jugendaustausch der Gymnasien mit 12.000 Euro.",
        ),
        days_ago=82,
    ),
    DemoPaper(
        "spielplatz",
        "A/0017",
        P.MOTION,
        "Antrag der Fraktion Bündnis 90/Die Grünen: Sanierung des Spielplatzes Lindenallee",
        (
            "Der Oberbürgermeister wird beauftragt, die Spielgeräte des Spielplatzes Lindenallee bis Ende 2026 "
            "zu erneuern und den Spielplatz barrierefrei zu gestalten.",
            "Begründung: Zwei Spielgeräte sind seit Monaten gesperrt; der Spielplatz ist der einzige im Quartier.",
        ),
        days_ago=60,
    ),
    DemoPaper(
        "parken",
        "AF/0009",
        P.QUESTION,
        "Anfrage der FDP-Fraktion zur Parksituation in der Breiten Straße",
        (
            "Wie viele Anwohnerparkausweise wurden 2025 für die Breite Straße ausgegeben, und wie viele "
            "Parkplätze stehen dafür zur Verfügung?",
            "Antwort der Verwaltung: 212 Ausweise bei 148 Stellplätzen; eine Erweiterung der Parkzone wird geprüft.",
        ),
        days_ago=70,
    ),
    DemoPaper(
        "schulplanung",
        "IV/0021",
        P.INFORMATION,
        "Schulentwicklungsplanung: Schülerzahlen der Grundschulen bis 2031",
        (
            "Die Zahl der Schulanfänger sinkt bis 2031 voraussichtlich von 290 auf 240. Alle Grundschulstandorte "
            "bleiben erhalten; die Grundschule Harzblick wird saniert.",
        ),
        days_ago=72,
    ),
    DemoPaper(
        "kultursommer",
        "BV/0103",
        P.RESOLUTION,
        "Zuschuss für den Wernigeröder Kultursommer 2026",
        (
            "Der Kulturverein Wernigerode e. V. erhält für den Kultursommer im Lustgarten einen Zuschuss von "
            "18.000 Euro.",
        ),
        days_ago=78,
    ),
    DemoPaper(
        "rrb",
        "BV/0100",
        P.RESOLUTION,
        "Vergabe der Bauleistungen Regenrückhaltebecken Minsleben",
        (
            "Nach öffentlicher Ausschreibung wird der Auftrag an den wirtschaftlichsten Bieter, die Harzer "
            "Tiefbau GmbH, zum Angebotspreis von 612.300 Euro vergeben.",
        ),
        days_ago=86,
    ),
    DemoPaper(
        "grundstueck",
        "BV/0107",
        P.RESOLUTION,
        "Grundstücksangelegenheit: Verkauf einer Teilfläche des Flurstücks 112/4 am Dornbergsweg",
        (
            "Die Teilfläche von 640 Quadratmetern wird zum Verkehrswert an den Eigentümer des Nachbargrundstücks "
            "verkauft. Kaufpreis und Vertragspartner sind vertraulich.",
        ),
        public=False,
        days_ago=84,
    ),
    DemoPaper(
        "personal",
        "BV/0110",
        P.RESOLUTION,
        "Personalangelegenheit: Besetzung der Stelle der Amtsleitung Ordnungsamt",
        ("Die Auswahlkommission schlägt vor, die Stelle mit der Bewerberin Nr. 3 zu besetzen.",),
        public=False,
        days_ago=55,
    ),
    DemoPaper(
        "jahresabschluss",
        "BV/0124",
        P.RESOLUTION,
        "Feststellung des Jahresabschlusses 2024 und Entlastung des Oberbürgermeisters",
        (
            "Der Jahresabschluss 2024 schließt mit einem Jahresüberschuss von 1,2 Mio. Euro. Das "
            "Rechnungsprüfungsamt hat einen uneingeschränkten Bestätigungsvermerk erteilt.",
        ),
        ("Schlussbericht des Rechnungsprüfungsamts",),
        days_ago=30,
    ),
    DemoPaper(
        "breitband",
        "MI/0015",
        P.NOTICE,
        "Mitteilung: Stand des Breitbandausbaus in den Ortsteilen Reddeber und Benzingerode",
        (
            "Der geförderte Glasfaserausbau ist in Reddeber abgeschlossen; in Benzingerode sind 70 Prozent der "
            "Anschlüsse hergestellt.",
        ),
        days_ago=25,
    ),
    DemoPaper(
        "strassenname",
        "BV/0128",
        P.RESOLUTION,
        "Benennung einer Straße im Baugebiet „Am Kupferhammer“: Hüttenmeisterweg",
        ("Die Planstraße A im Baugebiet „Am Kupferhammer“ erhält den Namen „Hüttenmeisterweg“.",),
        days_ago=22,
    ),
    DemoPaper(
        "grundstueck2",
        "BV/0133",
        P.RESOLUTION,
        "Grundstücksangelegenheit: Ankauf einer Fläche für die Erweiterung des Bauhofs",
        ("Die Stadt erwirbt eine angrenzende Fläche von 1.200 Quadratmetern. Einzelheiten sind vertraulich.",),
        public=False,
        days_ago=18,
    ),
    DemoPaper(
        "radweg",
        "A/0021",
        P.MOTION,
        "Antrag der SPD-Fraktion: Radwegeverbindung Wernigerode–Silstedt",
        (
            "Die Verwaltung wird beauftragt, eine Machbarkeitsstudie für einen straßenbegleitenden Radweg "
            "zwischen Wernigerode und Silstedt in Auftrag zu geben und Fördermittel zu beantragen.",
        ),
        days_ago=15,
    ),
)

# --- meetings ----------------------------------------------------------------------------------------------

FREE_ITEMS = {
    "opening": "Eröffnung, Feststellung der ordnungsgemäßen Ladung und der Beschlussfähigkeit",
    "questions": "Einwohnerfragestunde",
    "notices": "Mitteilungen des Oberbürgermeisters",
}


@dataclass(frozen=True)
class DemoItem:
    paper: str = ""  # key of a paper, or
    free: str = ""  # key of FREE_ITEMS
    public: bool = True
    result: str = AgendaResult.ADOPTED
    votes: tuple[int, int, int] | None = None  # yes, no, abstain (None: as many yes as present, or none)
    named: bool = False
    resolution: str = ""


@dataclass(frozen=True)
class DemoMeeting:
    organization: str  # short name
    number: int  # the nth meeting of the organization in the term
    days: int  # from today (negative: past)
    hour: int
    items: tuple[DemoItem, ...] = field(default_factory=tuple)
    location: int = 0


I = DemoItem  # noqa: E741
R = AgendaResult
MEETINGS: tuple[DemoMeeting, ...] = (
    DemoMeeting(
        "BUA",
        9,
        -63,
        17,
        (
            I(free="opening", result=R.NOTED),
            I("bplan47", votes=(7, 1, 1), resolution="Der Ausschuss empfiehlt dem Stadtrat den Aufstellungsbeschluss."),
            I("strasse", votes=(8, 0, 1), resolution="Der Ausschuss empfiehlt dem Stadtrat den Baubeschluss."),
            I("rrb", votes=(9, 0, 0), resolution="Der Auftrag wird an die Harzer Tiefbau GmbH vergeben."),
            I("grundstueck", public=False, votes=(6, 2, 1), resolution="Der Ausschuss empfiehlt den Verkauf."),
        ),
        location=1,
    ),
    DemoMeeting(
        "BKS",
        8,
        -58,
        17,
        (
            I(free="opening", result=R.NOTED),
            I("kita", votes=(6, 2, 1), resolution="Der Ausschuss empfiehlt dem Stadtrat die Satzungsänderung."),
            I("carvin", votes=(8, 0, 1)),
            I("kultursommer", votes=(9, 0, 0), resolution="Der Zuschuss von 18.000 Euro wird bewilligt."),
            I("schulplanung", result=R.NOTED),
        ),
        location=1,
    ),
    DemoMeeting(
        "OA",
        8,
        -56,
        17,
        (
            I(free="opening", result=R.NOTED),
            I("feuerwehrplan", votes=(7, 0, 0)),
            I("hlf", votes=(7, 0, 0)),
            I("parken", result=R.NOTED),
        ),
        location=1,
    ),
    DemoMeeting(
        "HFA",
        10,
        -49,
        17,
        (
            I(free="opening", result=R.NOTED),
            I("haushalt", votes=(7, 3, 1), resolution="Der Ausschuss empfiehlt dem Stadtrat den Haushalt 2026."),
            I("kita", votes=(8, 2, 1)),
            I("hlf", votes=(11, 0, 0)),
            I("personal", public=False, votes=(10, 0, 1), resolution="Die Stelle wird mit Bewerberin Nr. 3 besetzt."),
        ),
        location=1,
    ),
    DemoMeeting(
        "SR",
        11,
        -42,
        17,
        (
            I(free="opening", result=R.NOTED),
            I(free="questions", result=R.NOTED),
            I(free="notices", result=R.NOTED),
            I(
                "haushalt",
                named=True,
                resolution="Die Haushaltssatzung 2026 wird in der vorliegenden Fassung beschlossen.",
            ),
            I("bplan47", votes=(27, 6, 2), resolution="Der Bebauungsplan Nr. 47 wird aufgestellt."),
            I("strasse", votes=(30, 3, 2)),
            I(
                "kita",
                result=R.ADOPTED_AMENDED,
                votes=(21, 12, 2),
                resolution="Die Satzung wird mit der Änderung beschlossen, dass der Hortbeitrag unverändert bleibt.",
            ),
            I("feuerwehrplan", votes=(35, 0, 0)),
            I("hlf", votes=(35, 0, 0)),
            I("carvin", votes=(28, 7, 0)),
            I(
                "spielplatz",
                result=R.REFERRED,
                votes=(20, 14, 1),
                resolution="Verwiesen in den Bau- und Umweltausschuss.",
            ),
            I("grundstueck", public=False, votes=(25, 7, 3), resolution="Dem Verkauf wird zugestimmt."),
        ),
    ),
    DemoMeeting(
        "HFA",
        11,
        -14,
        17,
        (
            I(free="opening", result=R.NOTED),
            I("jahresabschluss", votes=(9, 0, 2), resolution="Der Ausschuss empfiehlt die Feststellung."),
            I("breitband", result=R.NOTED),
        ),
        location=1,
    ),
    # upcoming: invited, not held
    DemoMeeting(
        "BUA",
        10,
        12,
        17,
        (
            I(free="opening"),
            I("bplan12"),
            I("strassenname"),
            I("spielplatz"),
            I("radweg"),
            I("grundstueck2", public=False),
        ),
        location=1,
    ),
    DemoMeeting(
        "SR",
        12,
        19,
        17,
        (
            I(free="opening"),
            I(free="questions"),
            I(free="notices"),
            I("jahresabschluss"),
            I("bplan12"),
            I("strassenname"),
            I("breitband"),
            I("grundstueck2", public=False),
        ),
    ),
)
# Where each paper is consulted, in order (organization short name, role, authoritative); the consultations
# are planned with the paper and placed on the agendas above.
CONSULTATIONS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "haushalt": (("HFA", ConsultationRole.PREPARE, False), ("SR", ConsultationRole.DECIDE, True)),
    "bplan47": (("BUA", ConsultationRole.PREPARE, False), ("SR", ConsultationRole.DECIDE, True)),
    "bplan12": (("BUA", ConsultationRole.PREPARE, False), ("SR", ConsultationRole.DECIDE, True)),
    "kita": (
        ("BKS", ConsultationRole.PREPARE, False),
        ("HFA", ConsultationRole.PREPARE, False),
        ("SR", ConsultationRole.DECIDE, True),
    ),
    "strasse": (("BUA", ConsultationRole.PREPARE, False), ("SR", ConsultationRole.DECIDE, True)),
    "feuerwehrplan": (("OA", ConsultationRole.PREPARE, False), ("SR", ConsultationRole.DECIDE, True)),
    "hlf": (
        ("OA", ConsultationRole.PREPARE, False),
        ("HFA", ConsultationRole.PREPARE, False),
        ("SR", ConsultationRole.DECIDE, True),
    ),
    "carvin": (("BKS", ConsultationRole.PREPARE, False), ("SR", ConsultationRole.DECIDE, True)),
    "spielplatz": (("SR", ConsultationRole.DECIDE, True), ("BUA", ConsultationRole.PREPARE, False)),
    "parken": (("OA", ConsultationRole.NOTE, False),),
    "schulplanung": (("BKS", ConsultationRole.NOTE, False),),
    "kultursommer": (("BKS", ConsultationRole.DECIDE, True),),
    "rrb": (("BUA", ConsultationRole.DECIDE, True),),
    "grundstueck": (("BUA", ConsultationRole.PREPARE, False), ("SR", ConsultationRole.DECIDE, True)),
    "personal": (("HFA", ConsultationRole.DECIDE, True),),
    "jahresabschluss": (("HFA", ConsultationRole.PREPARE, False), ("SR", ConsultationRole.DECIDE, True)),
    "breitband": (("HFA", ConsultationRole.NOTE, False), ("SR", ConsultationRole.NOTE, False)),
    "strassenname": (("BUA", ConsultationRole.PREPARE, False), ("SR", ConsultationRole.DECIDE, True)),
    "grundstueck2": (("BUA", ConsultationRole.PREPARE, False), ("SR", ConsultationRole.DECIDE, True)),
    "radweg": (("BUA", ConsultationRole.PREPARE, False),),
}

# --- PDF ---------------------------------------------------------------------------------------------------


def pdf(title: str, paragraphs: list[str] | tuple[str, ...], subtitle: str = "Stadt Wernigerode") -> bytes:
    """A small A4 document with a heading and paragraphs (reportlab), marked as demo data."""
    from reportlab.lib.pagesizes import A4  # noqa: PLC0415 - reportlab loads on first use
    from reportlab.lib.styles import getSampleStyleSheet  # noqa: PLC0415
    from reportlab.lib.units import mm  # noqa: PLC0415
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer  # noqa: PLC0415

    styles = getSampleStyleSheet()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=25 * mm, rightMargin=20 * mm, title=title, author="Stadt Wernigerode (Demo)"
    )
    story: list[Any] = [
        Paragraph(subtitle + " – Demodaten", styles["Normal"]),
        Spacer(1, 4 * mm),
        Paragraph(escape(title), styles["Heading1"]),
    ]
    for paragraph in paragraphs:
        story += [Paragraph(escape(paragraph), styles["BodyText"]), Spacer(1, 2 * mm)]
    doc.build(story)
    return out.getvalue()


def escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- seeding -------------------------------------------------------------------------------------------------


def seed_council(admin: User) -> int:
    """Switch the council information system on for Wernigerode and fill it, unless it exists; returns the
    number of papers created."""
    member = Member.objects.filter(organisation__name=TOWN).first()
    office = User.objects.filter(email__iexact=OFFICE_EMAIL).first()
    councillor = User.objects.filter(email__iexact=COUNCILLOR_EMAIL).first()
    if member is None or office is None or Body.objects.filter(member=member).exists():
        return 0
    body = register.body_enable(actor=admin, member=member, slug=SLUG, name=TOWN)
    Body.objects.filter(pk=body.pk).update(is_demo=True, short_name="Wernigerode", classification="Stadt")
    body.refresh_from_db()
    register.body_update(
        actor=office,
        body=body,
        invitation_days=7,
        contact_name="Sitzungsdienst der Stadt Wernigerode (Demo)",
        contact_email=f"sitzungsdienst@{SLUG}.example",
        website="https://www.wernigerode.de/",
    )
    orgs, persons, group_of = _register(office, body)
    papers = _papers(office, body, orgs)
    for spec in MEETINGS:
        _meeting(office, body, spec, orgs, papers, persons, group_of)
    if councillor is not None:
        # Tied last: the invitations of the seeding send no mails (nobody else has an address).
        _person(
            office,
            body,
            COUNCILLORS[COUNCILLOR_LOGIN],
            persons[COUNCILLOR_LOGIN].status,
            user=councillor,
            person=persons[COUNCILLOR_LOGIN],
        )
    return len(papers)


def _register(office: User, body: Body) -> tuple[dict[str, Organization], list[Person], dict[int, str]]:
    register.term_save(actor=office, body=body, name="Wahlperiode 2024–2029", start_date=TERM_START, end_date=TERM_END)
    register.location_save(
        actor=office,
        body=body,
        description="Rathaus Wernigerode, Ratssaal",
        street_address="Marktplatz 1",
        room="Ratssaal",
        postal_code="38855",
        locality="Wernigerode",
        lat="51.8352",
        lon="10.7853",
    )
    register.location_save(
        actor=office,
        body=body,
        description="Verwaltungsgebäude, Beratungsraum 1",
        street_address="Schlachthofstraße 6",
        room="Beratungsraum 1",
        postal_code="38855",
        locality="Wernigerode",
        lat="51.8387",
        lon="10.7829",
    )
    orgs: dict[str, Organization] = {}
    for name, short in (COUNCIL, *((n, s) for n, s, _size in COMMITTEES)):
        orgs[short] = register.organization_save(
            actor=office,
            body=body,
            name=name,
            short_name=short,
            organization_type=OrganizationType.BODY,
            classification="Stadtrat" if short == "SR" else "Ausschuss",
            sub_organization_of=None,
            start_date=TERM_START,
        )
    for short in orgs:
        if short != "SR":
            register.organization_save(
                actor=office,
                body=body,
                organization=orgs[short],
                name=orgs[short].name,
                short_name=short,
                organization_type=OrganizationType.BODY,
                classification="Ausschuss",
                sub_organization_of=orgs["SR"],
                start_date=TERM_START,
            )
    for name, short, _seats in GROUPS:
        orgs[short] = register.organization_save(
            actor=office,
            body=body,
            name=name,
            short_name=short,
            organization_type=OrganizationType.GROUP,
            classification="Fraktion",
            start_date=TERM_START,
        )
    mayor = _person(office, body, MAYOR, ["Oberbürgermeister"])
    _member(office, body, mayor, orgs["SR"], "Oberbürgermeister")
    _member(office, body, mayor, orgs["HFA"], "Vorsitz")
    persons: list[Person] = []
    group_of: dict[int, str] = {}
    seats = [short for _name, short, n in GROUPS for _ in range(n)]
    for index, (spec, group) in enumerate(zip(COUNCILLORS, seats, strict=True)):
        first_of_group = seats.index(group) == index
        person = _person(
            office,
            body,
            spec,
            ["Stadtratsmitglied", "Fraktionsvorsitz"] if first_of_group else ["Stadtratsmitglied"],
        )
        persons.append(person)
        group_of[person.pk] = group
        role = "Vorsitz" if index == 0 else "Mitglied"
        _member(office, body, person, orgs["SR"], role, on_behalf_of=orgs[group])
        _member(office, body, person, orgs[group], "Vorsitz" if first_of_group else "Mitglied")
    # The committees: seats in turn by group (so each group is represented), the councillor login sits in
    # the Bau- und Umweltausschuss and the Haupt- und Finanzausschuss.
    order = sorted(range(len(persons)), key=lambda i: (i % 9, i))
    cursor = 0
    for _name, short, size in COMMITTEES:
        chosen: list[int] = []
        if short in ("BUA", "HFA"):
            chosen.append(COUNCILLOR_LOGIN)
        while len(chosen) < size:
            candidate = order[cursor % len(order)]
            cursor += 1
            if candidate not in chosen:
                chosen.append(candidate)
        for n, index in enumerate(chosen):
            person = persons[index]
            role = "Vorsitz" if n == 0 and short != "HFA" else "Mitglied"
            _member(office, body, person, orgs[short], role, on_behalf_of=orgs[group_of[person.pk]])
    return orgs, persons, group_of


def _person(
    office: User,
    body: Body,
    spec: tuple[str, str, str, str],
    status: list[str],
    user: User | None = None,
    person: Person | None = None,
) -> Person:
    title, given, family, gender = spec
    return register.person_save(
        actor=office,
        body=body,
        person=person,
        family_name=family,
        given_name=given,
        title=title,
        form_of_address="Frau" if gender == "female" else "Herr",
        gender=gender,
        status=status,
        user=user,
    )


def _member(
    office: User,
    body: Body,
    person: Person,
    organization: Organization,
    role: str,
    on_behalf_of: Organization | None = None,
) -> None:
    register.membership_save(
        actor=office,
        body=body,
        person=person,
        organization=organization,
        role=role,
        voting_right=True,
        on_behalf_of=on_behalf_of,
        start_date=TERM_START,
    )


def _papers(office: User, body: Body, orgs: dict[str, Organization]) -> dict[str, Paper]:
    today = timezone.localdate()
    papers: dict[str, Paper] = {}
    for spec in PAPERS:
        day = today - dt.timedelta(days=spec.days_ago)
        paper = _paper_create(office, body, spec, f"{spec.reference}/{day.year}", day, orgs)
        reference = paper.reference
        file_services.file_attach(
            actor=office,
            body=body,
            upload=upload(f"{reference.replace('/', '-')}.pdf", pdf(f"{reference} {spec.name}", spec.text)),
            role=FileRole.MAIN,
            name=f"{spec.paper_type} {reference}",
            paper=paper,
        )
        for number, title in enumerate(spec.attachments, start=1):
            file_services.file_attach(
                actor=office,
                body=body,
                upload=upload(
                    f"{reference.replace('/', '-')}-Anlage-{number}.pdf",
                    pdf(title, (f"Anlage {number} zu {reference}: {spec.name}", f"{title} (Demodaten)")),
                ),
                role=FileRole.AUXILIARY,
                name=f"Anlage {number}: {title}",
                paper=paper,
            )
        papers[spec.key] = paper
    return papers


def _paper_create(
    office: User, body: Body, spec: DemoPaper, reference: str, day: dt.date, orgs: dict[str, Organization]
) -> Paper:
    """The paper with its planned consultations; a motion or question names its group as originator."""
    originators = [
        org
        for org in orgs.values()
        if org.organization_type == OrganizationType.GROUP
        and (org.name in spec.name or f"{org.short_name}-Fraktion" in spec.name)
    ]
    paper = paper_services.paper_create(
        actor=office,
        body=body,
        name=spec.name,
        date=day,
        paper_type=spec.paper_type,
        reference=reference,
        public=spec.public,
        originator_organizations=originators,
    )
    for short, role, authoritative in CONSULTATIONS[spec.key]:
        paper_services.consultation_add(
            actor=office, paper=paper, organizations=[orgs[short]], role=role, authoritative=authoritative
        )
    return paper


# The body's meeting day (Monday = 0) and its name in the genitive ("Sitzung des …").
WEEKDAY = {"SR": 3, "HFA": 3, "BUA": 1, "BKS": 2, "OA": 0}
GENITIVE = {
    "SR": "Stadtrates",
    "HFA": "Haupt- und Finanzausschusses",
    "BUA": "Bau- und Umweltausschusses",
    "BKS": "Ausschusses für Bildung, Kultur und Soziales",
    "OA": "Ordnungsausschusses",
}
HOLIDAYS = {(12, 24), (12, 25), (12, 26), (12, 31), (1, 1)}  # no council meets then


def _at(days: int, organization: str, hour: int) -> dt.datetime:
    """``days`` from today, moved on to the body's meeting day (at most six days) and past the holidays."""
    day = timezone.localdate() + dt.timedelta(days=days)
    day += dt.timedelta(days=(WEEKDAY[organization] - day.weekday()) % 7)
    while (day.month, day.day) in HOLIDAYS:
        day += dt.timedelta(days=7)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=BERLIN)


def _meeting(
    office: User,
    body: Body,
    spec: DemoMeeting,
    orgs: dict[str, Organization],
    papers: dict[str, Paper],
    persons: list[Person],
    group_of: dict[int, str],
) -> Meeting:
    organization = orgs[spec.organization]
    start = _at(spec.days, spec.organization, spec.hour)
    end = start + dt.timedelta(hours=3)
    locations = list(body.locations.order_by("pk"))
    meeting = meeting_services.meeting_create(
        actor=office,
        body=body,
        name=f"{spec.number}. Sitzung des {GENITIVE[spec.organization]}",
        start=start,
        end=end,
        location=locations[spec.location],
        organizations=[organization],
    )
    items: list[tuple[AgendaItem, DemoItem]] = []
    for item_spec in spec.items:
        if item_spec.paper:
            item = meeting_services.agenda_item_add(
                actor=office, meeting=meeting, paper=papers[item_spec.paper], public=item_spec.public
            )
        else:
            item = meeting_services.agenda_item_add(
                actor=office, meeting=meeting, name=FREE_ITEMS[item_spec.free], public=item_spec.public
            )
        items.append((item, item_spec))
    past = start < timezone.now()
    invited = start - dt.timedelta(days=14) if past else timezone.now()
    meeting_services.meeting_invite(actor=office, meeting=meeting, now=invited)
    meeting.refresh_from_db()
    file_services.file_attach(
        actor=office,
        body=body,
        upload=upload(
            "Einladung.pdf",
            pdf(
                f"Einladung zur {meeting.name}",
                [
                    f"Die {meeting.name} findet am {start:%d.%m.%Y} um {start:%H:%M} Uhr im "
                    f"{locations[spec.location].description} statt.",
                    "Tagesordnung: "
                    + "; ".join(f"TOP {item.number} {item.name}" for item, s in items if s.public)
                    + ("; nichtöffentlicher Teil" if any(not s.public for _i, s in items) else ""),
                ],
            ),
        ),
        role=FileRole.INVITATION,
        name=f"Einladung {meeting.name}",
        meeting=meeting,
    )
    if not past:
        return meeting
    _record(office, body, meeting, items, persons, group_of, end)
    return meeting


def _record(
    office: User,
    body: Body,
    meeting: Meeting,
    items: list[tuple[AgendaItem, DemoItem]],
    persons: list[Person],
    group_of: dict[int, str],
    end: dt.datetime,
) -> None:
    invited = list(meeting.attendances.select_related("person").order_by("person__family_name"))
    # One or two excused in each meeting (never the councillor login's person), everyone else present.
    excused = {
        a.person_id for n, a in enumerate(invited) if n % 13 == 5 and a.person_id != persons[COUNCILLOR_LOGIN].pk
    }
    statuses = {
        a.person_id: AttendanceStatus.EXCUSED if a.person_id in excused else AttendanceStatus.PRESENT for a in invited
    }
    meeting_services.attendance_record(actor=office, meeting=meeting, statuses=statuses, now=end)
    present = sum(1 for s in statuses.values() if s == AttendanceStatus.PRESENT)
    minutes: list[str] = [f"Anwesend: {present} von {len(invited)} Mitgliedern; die Beschlussfähigkeit ist gegeben."]
    for item, spec in items:
        named_votes = None
        votes: tuple[int | None, int | None, int | None] = (None, None, None)
        if spec.named:
            voters = meeting_services.voters(meeting)
            named_votes = {p.pk: BUDGET_VOTES.get(group_of.get(p.pk, ""), VoteChoice.YES) for p in voters}
        elif spec.votes is not None:
            yes, no, abstain = spec.votes
            scale = min(1.0, present / max(1, yes + no + abstain))
            votes = (int(yes * scale), int(no * scale), int(abstain * scale))
        meeting_services.agenda_item_result(
            actor=office,
            item=item,
            result=spec.result,
            resolution_text=spec.resolution,
            votes_yes=votes[0],
            votes_no=votes[1],
            votes_abstain=votes[2],
            named_votes=named_votes,
            now=end,
        )
        item.refresh_from_db()
        counts = (
            f" (Ja {item.votes_yes}, Nein {item.votes_no}, Enthaltungen {item.votes_abstain}"
            f"{', namentliche Abstimmung' if item.named_vote else ''})"
            if item.votes_yes is not None
            else ""
        )
        if item.public:
            minutes.append(
                f"TOP {item.number} {item.name}: {item.get_result_display()}{counts}. {item.resolution_text}"
            )
        else:
            minutes.append(f"TOP {item.number}: nichtöffentlich beraten.")
    file_services.file_attach(
        actor=office,
        body=body,
        upload=upload("Niederschrift.pdf", pdf(f"Niederschrift über die {meeting.name}", minutes)),
        role=FileRole.RESULTS_PROTOCOL,
        name=f"Niederschrift {meeting.name}",
        meeting=meeting,
    )
    meeting_services.meeting_publish(actor=office, meeting=meeting, now=end + dt.timedelta(days=7))
