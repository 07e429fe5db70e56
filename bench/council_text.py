"""Realistic German council text for the council benchmark (bench/council.py): streets and districts of
Wernigerode, paper subjects, sentences, groups, committees and names, and a paper's search_text built as the
services build it. Plain Python: it needs no Django."""

from __future__ import annotations

import random

STREETS = (
    "Breite Straße",
    "Westernstraße",
    "Burgstraße",
    "Nöschenröder Straße",
    "Salzbergstraße",
    "Friedrichstraße",
    "Am Katzenteich",
    "Bahnhofstraße",
    "Kohlmarkt",
    "Schöne Ecke",
    "Kirchstraße",
    "Lindenallee",
    "Dornbergsweg",
    "Halberstädter Straße",
    "Ilsenburger Straße",
    "Minslebener Straße",
    "Veckenstedter Weg",
    "Harzblick",
    "Am Schlossberg",
    "Unter den Zindeln",
    "Albert-Bartels-Straße",
    "Amelungsweg",
    "Am Eichberg",
    "Am Galgenberg",
    "Am Lindenberg",
    "Am Vossberg",
    "Auerhahnring",
    "Benzingeröder Chaussee",
    "Charlottenlust",
    "Dr.-Otto-Straße",
    "Feldstraße",
    "Forckestraße",
    "Gießerweg",
    "Hagenstraße",
    "Heidebreite",
    "Hinter der Liebfrauenkirche",
    "Johann-Sebastian-Bach-Straße",
    "Kanzleistraße",
    "Klint",
    "Kurtsstraße",
    "Lessingstraße",
    "Marktstraße",
    "Mühlental",
    "Oberpfarrkirchhof",
    "Pfarrstraße",
    "Ringstraße",
    "Rudolf-Breitscheid-Straße",
    "Sandbrink",
    "Schlachthofstraße",
    "Steingrube",
    "Thälmannplatz",
    "Walther-Rathenau-Straße",
    "Weinberg",
    "Wilhelm-Raabe-Straße",
    "Ziegeleistraße",
    "Zaunwiese",
    "Große Bergstraße",
    "Kleine Bergstraße",
    "Hasseröder Straße",
    "Im Freiheit",
)
DISTRICTS = ("Benzingerode", "Minsleben", "Reddeber", "Schierke", "Silstedt", "Wernigerode", "Hasserode")
SUBJECTS = (
    "Bebauungsplan Nr. {n} „{street}“ – Aufstellungsbeschluss",
    "Bebauungsplan Nr. {n} „{street}“ – Satzungsbeschluss",
    "Haushaltssatzung und Haushaltsplan {year}",
    "Jahresabschluss {year} der Stadt Wernigerode",
    "Änderung der Kita-Gebührensatzung zum 1. August {year}",
    "Straßenausbau {street}, {district} – Bau- und Finanzierungsbeschluss",
    "Feuerwehrbedarfsplan {year} bis {year2}",
    "Ersatzbeschaffung eines Löschfahrzeugs für die Ortsfeuerwehr {district}",
    "Städtepartnerschaft mit Carvin (Frankreich): Bürgerreise {year}",
    "Antrag der Fraktion {group}: Sanierung des Spielplatzes {street}",
    "Anfrage der Fraktion {group} zur Parksituation in der {street}",
    "Vergabe der Bauleistungen Regenrückhaltebecken {district}",
    "Sanierung der Grundschule {district} – Fördermittelantrag",
    "Satzung über die Erhebung von Straßenausbaubeiträgen – Aufhebung",
    "Mitteilung: Stand der Breitbandversorgung im Ortsteil {district}",
    "Grundstücksangelegenheit {street} (Verkauf einer Teilfläche)",
    "Benennung einer Straße im Baugebiet {street}",
    "Zuschuss für den Harzer Schmalspurbahnen-Haltepunkt {district}",
)
SENTENCES = (
    "Der Stadtrat der Stadt Wernigerode beschließt die {thing} in der vorliegenden Fassung.",
    "Die Verwaltung wird beauftragt, die erforderlichen Schritte zur Umsetzung einzuleiten.",
    "Der Antrag der Fraktion {group} wird in den Ausschuss verwiesen.",
    "Die Kosten in Höhe von {money} Euro stehen im Haushalt {year} im Produkt {product} zur Verfügung.",
    "Das Plangebiet liegt im Ortsteil {district} und wird begrenzt durch die {street}.",
    "Die frühzeitige Beteiligung der Öffentlichkeit fand vom {day}. bis {day2}. März {year} statt.",
    "Die Stellungnahmen der Träger öffentlicher Belange sind in der Anlage abgewogen.",
    "Die Gebühren für die Betreuung in Kindertageseinrichtungen steigen um {pct} Prozent.",
    "Die Ortsfeuerwehr {district} erhält ein neues Hilfeleistungslöschgruppenfahrzeug.",
    "Die Fahrbahn der {street} wird auf einer Länge von {m} Metern grundhaft erneuert.",
    "Der Gehweg und die Straßenbeleuchtung werden im Zuge der Maßnahme ebenfalls erneuert.",
    "Die Anlieger wurden in einer Einwohnerversammlung am {day}. Mai {year} informiert.",
    "Der Haushaltsausgleich wird im Ergebnisplan {year} nicht erreicht; ein Haushaltskonsolidierungskonzept ist beigefügt.",
    "Die Kommunalaufsicht des Landkreises Harz hat die Genehmigung in Aussicht gestellt.",
    "Die Partnerstadt Carvin lädt zu den Feierlichkeiten des Jubiläums ein.",
    "Für die Maßnahme wurden Fördermittel aus dem Programm Stadtumbau Ost beantragt.",
    "Die Vergabe erfolgt an den wirtschaftlichsten Bieter nach öffentlicher Ausschreibung.",
    "Der Ausschuss empfiehlt dem Stadtrat einstimmig die Annahme der Vorlage.",
    "Mit der Verlegung der Versorgungsleitungen durch die Stadtwerke wird im Herbst begonnen.",
    "Die Elternvertretungen der Kindertagesstätten wurden nach § 19 KiFöG angehört.",
)
THINGS = ("Satzung", "Änderungssatzung", "Vergabe", "Maßnahme", "Planung", "Richtlinie", "Vereinbarung")
GROUPS = ("CDU", "SPD", "Die Linke", "Bündnis 90/Die Grünen", "FDP", "Bürgerliste/Freie Wähler", "AfD")
COMMITTEES = (
    ("Stadtrat", "SR"),
    ("Haupt- und Finanzausschuss", "HFA"),
    ("Bau- und Umweltausschuss", "BUA"),
    ("Ausschuss für Bildung, Kultur und Soziales", "BKS"),
    ("Ordnungsausschuss", "OA"),
    ("Ortschaftsrat Benzingerode", "OR-B"),
    ("Ortschaftsrat Minsleben", "OR-M"),
    ("Ortschaftsrat Reddeber", "OR-R"),
    ("Ortschaftsrat Schierke", "OR-S"),
    ("Ortschaftsrat Silstedt", "OR-Si"),
    ("Rechnungsprüfungsausschuss", "RPA"),
)
GIVEN = ("Anna", "Bernd", "Claudia", "Dirk", "Elke", "Frank", "Gabriele", "Heiko", "Ines", "Jörg", "Katrin", "Lutz")
FAMILY = ("Müller", "Schulze", "Schmidt", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Krüger")


def fill(template: str, rng: random.Random, year: int, place: tuple[str, str] | None = None) -> str:
    street, district = place or (rng.choice(STREETS), rng.choice(DISTRICTS))
    return template.format(
        n=rng.randint(1, 60),
        street=street,
        district=district,
        year=year,
        year2=year + 4,
        group=rng.choice(GROUPS),
        thing=rng.choice(THINGS),
        money=f"{rng.randint(5, 2500) * 1000:,}".replace(",", "."),
        product=f"{rng.randint(1, 6)}.{rng.randint(1, 9)}.{rng.randint(1, 9)}",
        day=rng.randint(1, 14),
        day2=rng.randint(15, 28),
        pct=rng.randint(2, 15),
        m=rng.randint(80, 900),
    )


def text(rng: random.Random, year: int, sentences: int, place: tuple[str, str] | None = None) -> str:
    """``sentences`` sentences about one place (a street and a district of the paper)."""
    place = place or (rng.choice(STREETS), rng.choice(DISTRICTS))
    return " ".join(fill(rng.choice(SENTENCES), rng, year, place) for _ in range(sentences))


def search_text(reference: str, name: str, file_texts: list[str]) -> str:
    """As kitu.council.services.papers.refresh_search_text builds it: reference, subject, the texts of
    the paper's (live) files, one per line."""
    return "\n".join([reference, name, *file_texts])
