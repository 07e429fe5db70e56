"""The demo town's 20 papers (texts of their main files, names of their attachments) and where each is
consulted."""

from __future__ import annotations

from dataclasses import dataclass

from kitu.council.models import ConsultationRole, PaperType


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
