"""Test factories of the council information system: small functions with sensible defaults, each
creating one object straight through the ORM (the services are tested on their own)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from kitu.council.models import (
    AgendaItem,
    Body,
    Consultation,
    File,
    FileRole,
    LegislativeTerm,
    Meeting,
    MeetingState,
    Membership,
    Organization,
    OrganizationType,
    Paper,
    Person,
)
from kitu.members.models import Member

TZ = dt.timezone(dt.timedelta(hours=1))


def minimal_pdf(text: str = "Beschlussvorlage") -> bytes:
    """A valid one-page PDF whose text layer holds ``text`` (ASCII)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def make_body(member: Member, slug: str, **extra: Any) -> Body:
    return Body.objects.create(member=member, slug=slug, name=extra.pop("name", member.name), **extra)


def make_term(body: Body, name: str = "Wahlperiode 2024–2029") -> LegislativeTerm:
    return LegislativeTerm.objects.create(
        body=body, name=name, start_date=dt.date(2024, 7, 1), end_date=dt.date(2029, 6, 30)
    )


def make_organization(body: Body, name: str, **extra: Any) -> Organization:
    extra.setdefault("organization_type", OrganizationType.BODY)
    return Organization.objects.create(body=body, name=name, **extra)


def make_person(body: Body, given: str, family: str, **extra: Any) -> Person:
    return Person.objects.create(body=body, given_name=given, family_name=family, **extra)


def make_membership(person: Person, organization: Organization, **extra: Any) -> Membership:
    extra.setdefault("start_date", dt.date(2024, 7, 1))
    return Membership.objects.create(person=person, organization=organization, **extra)


def make_meeting(
    body: Body, organization: Organization, *, start: dt.datetime, state: str = MeetingState.SCHEDULED, **extra: Any
) -> Meeting:
    meeting = Meeting.objects.create(
        body=body,
        name=extra.pop("name", f"{organization.name} am {start:%d.%m.%Y}"),
        start=start,
        end=start + dt.timedelta(hours=3),
        state=state,
        invited_at=extra.pop("invited_at", None if state == MeetingState.SCHEDULED else start - dt.timedelta(days=10)),
        published_at=extra.pop("published_at", timezone.now() if state == MeetingState.PUBLISHED else None),
        **extra,
    )
    meeting.organizations.add(organization)
    return meeting


def make_agenda_item(meeting: Meeting, order: int, name: str, *, public: bool = True, **extra: Any) -> AgendaItem:
    return AgendaItem.objects.create(
        meeting=meeting, order=order, number=extra.pop("number", str(order)), name=name, public=public, **extra
    )


def make_paper(body: Body, reference: str, name: str, **extra: Any) -> Paper:
    extra.setdefault("date", dt.date(2026, 3, 2))
    return Paper.objects.create(body=body, reference=reference, name=name, **extra)


def consult(paper: Paper, item: AgendaItem | None, organization: Organization, **extra: Any) -> Consultation:
    consultation = Consultation.objects.create(paper=paper, agenda_item=item, **extra)
    consultation.organizations.add(organization)
    return consultation


def make_file(*, role: str = FileRole.MAIN, text: str = "Vorlage", **parent: Any) -> File:
    """A PDF file attached to ``paper=``, ``meeting=`` or ``agenda_item=``."""
    (owner,) = parent.values()
    body = owner.body if hasattr(owner, "body") else owner.meeting.body
    content = minimal_pdf(text)
    return File.objects.create(
        body=body,
        role=role,
        name=f"{text}.pdf",
        file_name=f"{text}.pdf",
        mime_type="application/pdf",
        size=len(content),
        sha512=hashlib.sha512(content).hexdigest(),
        date=dt.date(2026, 3, 2),
        text=text,
        content=ContentFile(content, name="x.pdf"),
        **parent,
    )
