"""The demo town's register: the term, the Stadtrat's parliamentary groups and councillors (invented), the
Oberbürgermeister, the committees and how the groups vote on the budget."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from kitu.council.models import VoteChoice

from ..data import DEMO_DOMAIN

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
