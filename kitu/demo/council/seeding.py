"""Seeding the demo council information system: the town switched on, its register (term, locations,
organizations, persons, memberships), its papers with their consultations, and its meetings."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kitu.accounts.models import User
from kitu.council.models import Body, FileRole, Organization, OrganizationType, Paper, Person
from kitu.council.services import files as file_services
from kitu.council.services import papers as paper_services
from kitu.council.services import register
from kitu.members.models import Member

from .meeting_data import MEETINGS
from .paper_data import CONSULTATIONS, PAPERS, DemoPaper
from .pdf import pdf, upload
from .register_data import (
    COMMITTEES,
    COUNCIL,
    COUNCILLOR_EMAIL,
    COUNCILLOR_LOGIN,
    COUNCILLORS,
    GROUPS,
    MAYOR,
    OFFICE_EMAIL,
    SLUG,
    TERM_END,
    TERM_START,
    TOWN,
)
from .seed_meetings import seed_meeting


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
        seed_meeting(office, body, spec, orgs, papers, persons, group_of)
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
