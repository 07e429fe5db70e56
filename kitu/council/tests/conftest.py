from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import make_user
from kitu.accounts.roles import Role
from kitu.council.models import AgendaResult, FileRole, MeetingState, OrganizationType

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
