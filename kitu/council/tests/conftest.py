from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import make_user
from kitu.accounts.roles import Role
from kitu.council.models import (
    AgendaItem,
    AgendaResult,
    Attendance,
    AttendanceStatus,
    FileRole,
    Location,
    Meeting,
    MeetingState,
    Organization,
    OrganizationType,
    Paper,
    Person,
)

from .factories import (
    TZ,
    consult,
    make_agenda_item,
    make_body,
    make_file,
    make_meeting,
    make_membership,
    make_organization,
    make_paper,
    make_person,
    make_term,
)


@pytest.fixture
def council_world(world: dict[str, Any]) -> dict[str, Any]:
    """Wernigerode's council (slug ``wernigerode``) and Zeitz's (``zeitz``):

    - Wernigerode: term 2024–2029, Stadtrat ``council`` and Bauausschuss ``committee`` and the group
      ``group``; persons ``mayor`` (Stadtrat), ``anna`` (Stadtrat + committee, login ``councillor``) and
      ``bernd`` (committee only, login ``committee_councillor``).
    - ``published``: a Stadtrat meeting, results published, with public item 1 (paper ``public_paper``,
      adopted 20/3/1) and non-public item 2 (paper ``secret_paper``, with a file ``secret_file``).
    - ``invited``: an upcoming committee meeting with public item 1 (paper ``invited_paper``) and
      non-public item 2 (paper ``committee_secret``).
    - ``draft_paper``: a paper on no agenda yet. ``scheduled``: a Stadtrat meeting only scheduled.
    - Users: ``council_office`` (Wernigerode), ``councillor`` (anna), ``committee_councillor`` (bernd),
      ``other_councillor`` (a councillor of Zeitz), plus everyone of ``world``.
    """
    w_org, z_org = world["wernigerode"].organisation, world["zeitz"].organisation
    body = make_body(
        world["wernigerode"], "wernigerode", name="Stadt Wernigerode", contact_email="rat@wernigerode.example"
    )
    zeitz = make_body(world["zeitz"], "zeitz", name="Stadt Zeitz")
    term = make_term(body)
    council = make_organization(body, "Stadtrat", short_name="SR", classification="Stadtrat")
    committee = make_organization(body, "Bau- und Umweltausschuss", short_name="BUA", classification="Ausschuss")
    group = make_organization(body, "Fraktion Bürgerliste", organization_type=OrganizationType.GROUP)

    users = {
        "council_office": make_user("ratsbuero@test.example", [(w_org, Role.COUNCIL_OFFICE)]),
        "councillor": make_user("anna.ratsmitglied@test.example", [(w_org, Role.COUNCIL_MEMBER)]),
        "committee_councillor": make_user("bernd.ausschuss@test.example", [(w_org, Role.COUNCIL_MEMBER)]),
        "other_councillor": make_user("rat.zeitz@test.example", [(z_org, Role.COUNCIL_MEMBER)]),
    }
    mayor = make_person(body, "Tobias", "Kascha", status=["Oberbürgermeister"])
    anna = make_person(
        body,
        "Anna",
        "Schmidt",
        title="Dr.",
        gender="female",
        email="anna@example.org",
        phone="03943 1234",
        contact_public=True,
        user=users["councillor"],
    )
    bernd = make_person(body, "Bernd", "Müller", email="bernd@example.org", user=users["committee_councillor"])
    zeitz_person = make_person(zeitz, "Zora", "Zeitzer", user=users["other_councillor"])
    make_membership(mayor, council, role="Vorsitz")
    make_membership(anna, council, on_behalf_of=group)
    make_membership(anna, committee)
    make_membership(bernd, committee, role="Vorsitz")
    make_membership(anna, group, role="Fraktionsvorsitzende")

    published = make_meeting(
        body, council, start=dt.datetime(2026, 3, 12, 17, 0, tzinfo=TZ), state=MeetingState.PUBLISHED
    )
    public_item = make_agenda_item(
        published,
        1,
        "Bebauungsplan Nr. 44 „Am Katzenteich“",
        result=AgendaResult.ADOPTED,
        resolution_text="Der Stadtrat beschließt den Bebauungsplan.",
        votes_yes=20,
        votes_no=3,
        votes_abstain=1,
    )
    secret_item = make_agenda_item(
        published,
        2,
        "Grundstücksangelegenheit Lindenallee",
        public=False,
        result=AgendaResult.ADOPTED,
        resolution_text="Verkauf an die Käuferin zum Preis von 120.000 EUR.",
        votes_yes=18,
        votes_no=0,
        votes_abstain=0,
    )
    public_paper = make_paper(body, "BV/0044/2026", "Bebauungsplan Nr. 44 „Am Katzenteich“")
    secret_paper = make_paper(body, "BV/0045/2026", "Verkauf Flurstück 12/3 Lindenallee")
    consult(public_paper, public_item, council, authoritative=True)
    consult(secret_paper, secret_item, council, authoritative=True)
    public_file = make_file(paper=public_paper, text="Bebauungsplan Begruendung")
    secret_file = make_file(paper=secret_paper, text="Kaufpreis Lindenallee geheim")
    protocol = make_file(meeting=published, role=FileRole.RESULTS_PROTOCOL, text="Niederschrift oeffentlich")

    invited = make_meeting(
        body, committee, start=dt.datetime(2026, 12, 15, 17, 0, tzinfo=TZ), state=MeetingState.INVITED
    )
    invited_item = make_agenda_item(invited, 1, "Radweg Nöschenröder Straße")
    committee_item = make_agenda_item(invited, 2, "Vergabe Winterdienst", public=False)
    invited_paper = make_paper(body, "BV/0101/2026", "Radweg Nöschenröder Straße")
    committee_secret = make_paper(body, "BV/0102/2026", "Vergabe Winterdienst 2027")
    consult(invited_paper, invited_item, committee)
    consult(committee_secret, committee_item, committee, authoritative=True)
    make_file(paper=committee_secret, text="Angebote Winterdienst geheim")

    scheduled = make_meeting(body, council, start=dt.datetime(2027, 1, 28, 17, 0, tzinfo=TZ))
    draft_paper = make_paper(body, "BV/0150/2026", "Haushaltssatzung 2027")
    consult(draft_paper, None, council, authoritative=True)

    return {
        **world,
        "users": {**world["users"], **users},
        "body": body,
        "zeitz_body": zeitz,
        "term": term,
        "council": council,
        "committee": committee,
        "group": group,
        "mayor": mayor,
        "anna": anna,
        "bernd": bernd,
        "zeitz_person": zeitz_person,
        "published": published,
        "public_item": public_item,
        "secret_item": secret_item,
        "public_paper": public_paper,
        "secret_paper": secret_paper,
        "public_file": public_file,
        "secret_file": secret_file,
        "protocol": protocol,
        "invited": invited,
        "invited_item": invited_item,
        "committee_item": committee_item,
        "invited_paper": invited_paper,
        "committee_secret": committee_secret,
        "scheduled": scheduled,
        "draft_paper": draft_paper,
    }


@pytest.fixture
def rich_world(council_world: dict[str, Any]) -> dict[str, Any]:
    """council_world plus everything an OParl object can carry: a location, files of every role,
    attendance, related papers (one of them secret), a held but unpublished meeting, a cancelled one,
    and deleted objects of every kind (some once public, some never)."""
    w = council_world
    body, council, committee, group = w["body"], w["council"], w["committee"], w["group"]
    town_hall = Location.objects.create(
        body=body,
        description="Rathaus, Großer Sitzungssaal",
        street_address="Marktplatz 1",
        room="Saal 1",
        postal_code="38855",
        locality="Wernigerode",
        sub_locality="Altstadt",
        geojson={"type": "Feature", "geometry": {"type": "Point", "coordinates": [10.785, 51.835]}},
    )
    Organization.objects.filter(pk=committee.pk).update(
        sub_organization_of=council,
        post=["Vorsitz", "Mitglied"],
        start_date=dt.date(2024, 7, 1),
        website="https://www.wernigerode.de/",
        location=town_hall,
        keyword=["Bauen"],
    )
    mayor = w["mayor"]
    Person.objects.filter(pk=mayor.pk).update(form_of_address="Herr", affix="MdL", gender="male")
    published = w["published"]
    Meeting.objects.filter(pk=published.pk).update(location=town_hall)
    for role in (FileRole.INVITATION, FileRole.VERBATIM_PROTOCOL, FileRole.AUXILIARY):
        make_file(meeting=published, role=role, text=f"Sitzung {role}")
    Attendance.objects.create(meeting=published, person=mayor, status=AttendanceStatus.PRESENT)
    Attendance.objects.create(meeting=published, person=w["anna"], status=AttendanceStatus.PRESENT)
    Attendance.objects.create(meeting=published, person=w["bernd"], status=AttendanceStatus.EXCUSED)
    public_item = w["public_item"]
    AgendaItem.objects.filter(pk=public_item.pk).update(
        start=dt.datetime(2026, 3, 12, 17, 5, tzinfo=TZ), end=dt.datetime(2026, 3, 12, 17, 40, tzinfo=TZ)
    )
    make_file(agenda_item=public_item, role=FileRole.RESOLUTION, text="Beschluss Bebauungsplan")
    make_file(agenda_item=public_item, role=FileRole.AUXILIARY, text="Lageplan")
    make_file(agenda_item=w["secret_item"], role=FileRole.AUXILIARY, text="Nur-intern Anlage")
    public_paper = w["public_paper"]
    make_file(paper=public_paper, role=FileRole.AUXILIARY, text="Anlage Umweltbericht")
    public_paper.related_papers.add(w["invited_paper"], w["secret_paper"], w["draft_paper"])
    public_paper.superordinated_papers.add(w["invited_paper"], w["committee_secret"])
    public_paper.originator_persons.add(w["anna"])
    public_paper.originator_organizations.add(group)
    public_paper.under_direction_of.add(council)
    public_paper.locations.add(town_hall)
    Paper.objects.filter(pk=public_paper.pk).update(keyword=["Bauleitplanung"])

    # held, results not yet published: its public item is visible, its result and protocol are not
    held = make_meeting(body, committee, start=dt.datetime(2026, 11, 5, 17, 0, tzinfo=TZ), state=MeetingState.HELD)
    held_item = make_agenda_item(
        held, 1, "Spielplatz Kurpark", result=AgendaResult.REJECTED, resolution_text="GEHEIM-ERGEBNIS", votes_yes=1
    )
    held_paper = make_paper(body, "BV/0090/2026", "Spielplatz Kurpark")
    consult(held_paper, held_item, committee)
    make_file(meeting=held, role=FileRole.RESULTS_PROTOCOL, text="Geheimprotokoll")
    make_file(agenda_item=held_item, role=FileRole.RESOLUTION, text="Geheimprotokoll Beschluss")
    cancelled = make_meeting(body, council, start=dt.datetime(2026, 10, 1, 17, 0, tzinfo=TZ), cancelled=True)

    # deleted, once public: each becomes a tombstone
    gone_paper = make_paper(body, "BV/0046/2026", "Zurückgezogene Vorlage")
    gone_item = make_agenda_item(published, 3, "Zurückgezogene Vorlage")
    consult(gone_paper, gone_item, council)
    gone_file = make_file(paper=public_paper, role=FileRole.AUXILIARY, text="Veraltete Anlage")
    gone_term = make_term(body, "Wahlperiode 2019–2024")
    gone_org = make_organization(body, "Aufgelöster Ausschuss")
    gone_person = make_person(body, "Gerd", "Gegangen")
    gone_membership = make_membership(w["anna"], gone_org)
    gone_location = Location.objects.create(body=body, description="Altes Rathaus")
    gone_meeting = make_meeting(body, council, start=dt.datetime(2026, 2, 1, 17, 0, tzinfo=TZ), state="eingeladen")
    orphan_item = make_agenda_item(gone_meeting, 1, "Punkt einer gelöschten Sitzung")
    for obj in (gone_paper, gone_item, gone_file, gone_term, gone_org, gone_person, gone_location, gone_meeting):
        obj.deleted = True
        obj.save()
    # deleted, never public: stays a 404 and is never listed
    never_paper = make_paper(body, "BV/0047/2026", "Nur-intern Grundstück", public=False)
    never_item = make_agenda_item(published, 4, "Nur-intern Personalsache", public=False)
    consult(never_paper, never_item, council)
    never_file = make_file(paper=never_paper, text="Nur-intern Akte")
    for obj in (never_paper, never_item, never_file):
        obj.deleted = True
        obj.save()

    # the other town has public data of its own
    zeitz = w["zeitz_body"]
    z_council = make_organization(zeitz, "Stadtrat Zeitz")
    z_meeting = make_meeting(zeitz, z_council, start=dt.datetime(2026, 4, 1, 17, 0, tzinfo=TZ), state="veröffentlicht")
    z_item = make_agenda_item(z_meeting, 1, "Zeitzer Punkt")
    z_paper = make_paper(zeitz, "Z/1/2026", "Zeitzer Vorlage")
    consult(z_paper, z_item, z_council)
    z_file = make_file(paper=z_paper, text="Zeitzer Datei")
    return {
        **w,
        "town_hall": town_hall,
        "held": held,
        "held_item": held_item,
        "held_paper": held_paper,
        "cancelled": cancelled,
        "gone": {
            "paper": gone_paper,
            "agendaItem": gone_item,
            "file": gone_file,
            "legislativeTerm": gone_term,
            "organization": gone_org,
            "person": gone_person,
            "membership": gone_membership,
            "location": gone_location,
            "meeting": gone_meeting,
        },
        "orphan_item": orphan_item,
        "never": {"paper": never_paper, "agendaItem": never_item, "file": never_file},
        "zeitz": {
            "meeting": z_meeting,
            "agendaItem": z_item,
            "paper": z_paper,
            "file": z_file,
            "organization": z_council,
        },
    }
