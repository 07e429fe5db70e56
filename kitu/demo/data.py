"""Demo data: the cooperative's publicly known members and history, plus demo logins.

Everything created from here is marked as demo data (``is_demo``). Member numbers, founding date and
joining dates of Magdeburg, Barleben, KID Magdeburg, Wernigerode, Lutherstadt Eisleben and Landkreis
Anhalt-Bitterfeld follow public sources; the other members are named in public sources, their
numbers and dates are plausible placeholders. Members marked "(fiktiv)" exist to show the lifecycle.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kitu.accounts.roles import Role

DEMO_DOMAIN = "demo.kitu.example"
DEMO_PASSWORD = "KITU-Demo-2026!"  # noqa: S105 - published demo password, demo installs only
COOPERATIVE = "Kommunale IT-UNION eG"


@dataclass(frozen=True)
class DemoMember:
    number: int | None
    name: str
    member_type: str
    street: str
    postcode: str
    city: str
    joined: dt.date | None
    ags: str = ""
    shares: int = 1
    notice_received: dt.date | None = None  # a notice given (the exit follows from § 65 GenG)
    exited_paid: bool = False  # exit recorded and settlement paid


D = dt.date
MEMBERS: tuple[DemoMember, ...] = (
    DemoMember(
        1, "Landeshauptstadt Magdeburg", "stadt", "Alter Markt 6", "39104", "Magdeburg", D(2009, 12, 22), "15003000", 3
    ),
    DemoMember(
        2, "Gemeinde Barleben", "gemeinde", "Ernst-Thälmann-Straße 22", "39179", "Barleben", D(2009, 12, 22), "15083040"
    ),
    DemoMember(3, "KID Magdeburg GmbH", "gmbh", "Alter Markt 15", "39104", "Magdeburg", D(2009, 12, 22), "", 2),
    DemoMember(7, "Stadt Haldensleben", "stadt", "Markt 20–22", "39340", "Haldensleben", D(2011, 3, 1)),
    DemoMember(9, "Gemeinde Sülzetal", "gemeinde", "Alte Dorfstraße 1", "39171", "Sülzetal", D(2011, 7, 1)),
    DemoMember(12, "Stadt Wanzleben-Börde", "stadt", "Markt 1–2", "39164", "Wanzleben-Börde", D(2012, 1, 1)),
    DemoMember(14, "Stadt Burg", "stadt", "In der Alten Kaserne 2", "39288", "Burg", D(2012, 4, 1)),
    DemoMember(17, "Gemeinde Möser", "gemeinde", "Brunnenbreite 6", "39291", "Möser", D(2012, 10, 1)),
    DemoMember(
        19, "Verbandsgemeinde Obere Aller", "verbandsgemeinde", "Breite Straße 20", "39365", "Eilsleben", D(2013, 1, 1)
    ),
    DemoMember(22, "Gemeinde Huy", "gemeinde", "Halberstädter Straße 55", "38836", "Huy OT Dingelstedt", D(2013, 4, 1)),
    DemoMember(25, "Stadt Wernigerode", "stadt", "Marktplatz 1", "38855", "Wernigerode", D(2013, 9, 1), "15085370"),
    DemoMember(28, "Stadt Blankenburg (Harz)", "stadt", "Harzstraße 3", "38889", "Blankenburg (Harz)", D(2014, 1, 1)),
    DemoMember(
        31, "Gemeinde Nordharz", "gemeinde", "Schützenstraße 22", "38871", "Nordharz OT Veckenstedt", D(2014, 7, 1)
    ),
    DemoMember(
        33, "Stadt Ilsenburg (Harz)", "stadt", "Harzburger Straße 24", "38871", "Ilsenburg (Harz)", D(2014, 10, 1)
    ),
    DemoMember(36, "Stadt Osterwieck", "stadt", "Am Markt 11", "38835", "Osterwieck", D(2015, 4, 1)),
    DemoMember(40, "Stadt Halberstadt", "stadt", "Holzmarkt 1", "38820", "Halberstadt", D(2016, 1, 1)),
    DemoMember(
        43,
        "Landkreis Harz",
        "landkreis",
        "Friedrich-Ebert-Straße 42",
        "38820",
        "Halberstadt",
        D(2016, 7, 1),
        "15085",
        2,
    ),
    DemoMember(47, "Saalekreis", "landkreis", "Domplatz 9", "06217", "Merseburg", D(2017, 1, 1), "15088", 2),
    DemoMember(50, "Stadt Leuna", "stadt", "Rathausstraße 1", "06237", "Leuna", D(2017, 7, 1)),
    DemoMember(53, "Stadt Landsberg", "stadt", "Köthener Straße 2", "06188", "Landsberg", D(2018, 1, 1)),
    DemoMember(56, "Stadt Weißenfels", "stadt", "Markt 1", "06667", "Weißenfels", D(2018, 7, 1)),
    DemoMember(58, "Stadt Zeitz", "stadt", "Altmarkt 1", "06712", "Zeitz", D(2018, 10, 1)),
    DemoMember(61, "Gemeinde Elsteraue", "gemeinde", "Freiheitsplatz 2", "06729", "Elsteraue", D(2019, 1, 1)),
    DemoMember(64, "Hansestadt Stendal", "stadt", "Markt 1", "39576", "Hansestadt Stendal", D(2019, 4, 1)),
    DemoMember(
        66,
        "Verbandsgemeinde Arneburg-Goldbeck",
        "verbandsgemeinde",
        "Lindenstraße 17",
        "39596",
        "Goldbeck",
        D(2019, 7, 1),
    ),
    DemoMember(
        69, "Hansestadt Salzwedel", "stadt", "An der Mönchskirche 5", "29410", "Hansestadt Salzwedel", D(2020, 1, 1)
    ),
    DemoMember(72, "Stadt Zerbst/Anhalt", "stadt", "Schloßfreiheit 12", "39261", "Zerbst/Anhalt", D(2020, 4, 1)),
    DemoMember(
        75, "Stadt Bernburg (Saale)", "stadt", "Schloßgartenstraße 16", "06406", "Bernburg (Saale)", D(2020, 7, 1)
    ),
    DemoMember(78, "Stadt Sangerhausen", "stadt", "Markt 7a", "06526", "Sangerhausen", D(2020, 10, 1)),
    DemoMember(81, "Verbandsgemeinde Wethautal", "verbandsgemeinde", "Markt 1", "06618", "Osterfeld", D(2021, 1, 1)),
    DemoMember(
        84,
        "Wolmirstedter Wasser- und Abwasserzweckverband",
        "zweckverband",
        "Farsleber Straße 19",
        "39326",
        "Wolmirstedt",
        D(2021, 4, 1),
    ),
    DemoMember(
        87, "Stadt Sandersdorf-Brehna", "stadt", "Bahnhofstraße 2", "06792", "Sandersdorf-Brehna", D(2021, 7, 1)
    ),
    DemoMember(
        90, "Lutherstadt Eisleben", "stadt", "Markt 1", "06295", "Lutherstadt Eisleben", D(2021, 11, 1), "15087130"
    ),
    DemoMember(
        100,
        "Landkreis Anhalt-Bitterfeld",
        "landkreis",
        "Am Flugplatz 1",
        "06366",
        "Köthen (Anhalt)",
        D(2022, 10, 1),
        "15082",
        2,
    ),
    DemoMember(104, "Stadt Oschersleben (Bode)", "stadt", "Markt 1", "39387", "Oschersleben (Bode)", D(2023, 4, 1)),
    DemoMember(
        108, "Gemeinde Hohe Börde", "gemeinde", "Bördestraße 8", "39167", "Hohe Börde OT Irxleben", D(2024, 1, 1)
    ),
    # Fictional members that show the lifecycle: a pending application, a notice, an exit with settlement.
    DemoMember(None, "Gemeinde Musterhausen (fiktiv)", "gemeinde", "Am Anger 1", "39999", "Musterhausen", None),
    DemoMember(
        112,
        "Stadtwerke Beispielstadt GmbH (fiktiv)",
        "gmbh",
        "Werkstraße 4",
        "39998",
        "Beispielstadt",
        D(2024, 7, 1),
        notice_received=D(2026, 9, 15),
    ),
    DemoMember(
        45,
        "Zweckverband Beispielaue (fiktiv)",
        "zweckverband",
        "Auenweg 2",
        "39997",
        "Beispielaue",
        D(2016, 10, 1),
        notice_received=D(2020, 6, 30),
        exited_paid=True,
    ),
)


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    label: str
    organisation: str  # organisation name
    roles: tuple[str, ...]
    superuser: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        f"admin@{DEMO_DOMAIN}",
        "Anja Admin (Demo)",
        "Geschäftsstelle, Administration",
        COOPERATIVE,
        (Role.COOP_ADMIN,),
        superuser=True,
    ),
    DemoUser(
        f"contracts@{DEMO_DOMAIN}", "Claus Vertrag (Demo)", "Vertragsmanagement", COOPERATIVE, (Role.CONTRACT_MANAGER,)
    ),
    DemoUser(
        f"memberadmin.wernigerode@{DEMO_DOMAIN}",
        "Maria Verwaltung (Demo)",
        "Administration Stadt Wernigerode",
        "Stadt Wernigerode",
        (Role.MEMBER_ADMIN,),
    ),
    DemoUser(
        f"requester.wernigerode@{DEMO_DOMAIN}",
        "Robert Bedarf (Demo)",
        "Bedarfsträger Stadt Wernigerode",
        "Stadt Wernigerode",
        (Role.REQUESTER,),
    ),
    DemoUser(
        f"approver.wernigerode@{DEMO_DOMAIN}",
        "Astrid Freigabe (Demo)",
        "Freigabe Stadt Wernigerode",
        "Stadt Wernigerode",
        (Role.APPROVER,),
    ),
    DemoUser(
        f"caseworker.wernigerode@{DEMO_DOMAIN}",
        "Carsten Mängel (Demo)",
        "Sachbearbeitung Mängelmelder Stadt Wernigerode",
        "Stadt Wernigerode",
        (Role.CASE_WORKER,),
    ),
    DemoUser(
        f"workgroup.wernigerode@{DEMO_DOMAIN}",
        "Wiebke Austausch (Demo)",
        "Arbeitskreismitglied Stadt Wernigerode",
        "Stadt Wernigerode",
        (Role.WORKGROUP_MEMBER,),
    ),
    DemoUser(
        f"council.wernigerode@{DEMO_DOMAIN}",
        "Sabine Sitzungsdienst (Demo)",
        "Sitzungsdienst (Ratsinformationssystem) Stadt Wernigerode",
        "Stadt Wernigerode",
        (Role.COUNCIL_OFFICE,),
    ),
    DemoUser(
        f"councillor.wernigerode@{DEMO_DOMAIN}",
        "Dr. Susanne Hartwig (Demo)",
        "Stadträtin Wernigerode (Ratsmitglied, CDU-Fraktion)",
        "Stadt Wernigerode",
        (Role.COUNCIL_MEMBER,),
    ),
    DemoUser(
        f"approver.zeitz@{DEMO_DOMAIN}",
        "Zacharias Freigabe (Demo)",
        "Freigabe Stadt Zeitz",
        "Stadt Zeitz",
        (Role.APPROVER,),
    ),
    DemoUser(
        f"requester.zeitz@{DEMO_DOMAIN}",
        "Zoe Bedarf (Demo)",
        "Bedarfsträgerin Stadt Zeitz",
        "Stadt Zeitz",
        (Role.REQUESTER,),
    ),
    DemoUser(
        f"supplier@{DEMO_DOMAIN}",
        "Sven Lieferung (Demo)",
        "Lieferant Elbe-IT Systemhaus (Rahmenvertrag RV-2024-01)",
        "Elbe-IT Systemhaus GmbH (Demo)",
        (Role.SUPPLIER_USER,),
    ),
    DemoUser(
        f"representative.wernigerode@{DEMO_DOMAIN}",
        "Rainer Vertreter (Demo)",
        "Vertretung Stadt Wernigerode in der Generalversammlung",
        "Stadt Wernigerode",
        (Role.REPRESENTATIVE,),
    ),
    DemoUser(
        f"representative.zeitz@{DEMO_DOMAIN}",
        "Renate Vertreterin (Demo)",
        "Vertretung Stadt Zeitz in der Generalversammlung",
        "Stadt Zeitz",
        (Role.REPRESENTATIVE,),
    ),
)
