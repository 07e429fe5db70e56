"""The demo town's meetings: six past ones with their agendas, results and votes, two upcoming ones; some
agenda items are non-public."""

from __future__ import annotations

from dataclasses import dataclass, field

from kitu.council.models import AgendaResult

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
