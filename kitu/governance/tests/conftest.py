"""Fixtures of the governance tests: representatives for Wernigerode and Zeitz, an assembly with an agenda and
polls."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import make_user
from kitu.accounts.roles import Role
from kitu.governance.models import Procedure
from kitu.governance.rules import Majority, PollStatus
from kitu.governance.services import assemblies, representatives, voting

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "vollmacht.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def name_representative(world: dict[str, Any], member: Any, email: str) -> Any:
    """A user of ``member`` named its representative by the coop admin (with a PDF of authority)."""
    user = make_user(email, [(member.organisation, Role.REQUESTER)])
    representatives.representative_name(actor=world["admin"], member=member, user=user, authority=pdf())
    return user


@pytest.fixture
def gov(world: dict[str, Any]) -> dict[str, Any]:
    """world plus: representatives (rep_w, rep_w2 of Wernigerode; rep_z of Zeitz), an assembly in 30 days with
    TOP 1 and two open electronic polls (open: simple majority; secret: three quarters) and a draft poll
    at the assembly."""
    w = world
    admin = w["admin"]
    w["rep_w"] = name_representative(w, w["wernigerode"], "rep.wernigerode@test.example")
    w["rep_w2"] = name_representative(w, w["wernigerode"], "rep2.wernigerode@test.example")
    w["rep_z"] = name_representative(w, w["zeitz"], "rep.zeitz@test.example")
    assembly = assemblies.assembly_create(
        actor=admin,
        title="Ordentliche Generalversammlung 2027",
        starts_at=timezone.now() + dt.timedelta(days=30),
        place="Magdeburg",
    )
    item = assemblies.agenda_item_add(actor=admin, assembly=assembly, title="Jahresabschluss 2026")
    open_poll = assemblies.resolution_add(
        actor=admin, assembly=assembly, agenda_item=item, title="Feststellung", procedure=Procedure.WRITTEN
    )
    secret_poll = assemblies.resolution_add(
        actor=admin,
        assembly=assembly,
        agenda_item=item,
        title="Satzungsänderung § 5",
        rule=Majority.THREE_QUARTERS,
        secret=True,
        procedure=Procedure.WRITTEN,
    )
    for poll in (open_poll, secret_poll):
        voting.poll_transition(actor=admin, poll=poll, to=PollStatus.OPEN)
    at_assembly = assemblies.resolution_add(actor=admin, assembly=assembly, agenda_item=item, title="Entlastung")
    w.update(assembly=assembly, item=item, open_poll=open_poll, secret_poll=secret_poll, at_assembly=at_assembly)
    return w
