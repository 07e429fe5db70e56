"""Changing an assembly before it is held and cancelling it: office only (every other role 403, nothing
changes), after the invitation a changed item is marked (period restarts) and the page says so, a held
assembly is never changed or cancelled, cancelling asks first and mails everyone invited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from conftest import ROLES, login
from kitu.core.errors import DomainError
from kitu.governance.models import AgendaDocument, AgendaItem, Assembly, Invitation
from kitu.governance.rules import PollStatus
from kitu.governance.services import assemblies, changes, invitations, voting

from .conftest import pdf

pytestmark = pytest.mark.django_db


def _state() -> tuple[Any, ...]:
    return (
        list(Assembly.objects.order_by("pk").values_list("title", "starts_at", "place", "cancelled_at")),
        list(AgendaItem.objects.order_by("pk").values_list("title", "description", "changed_at")),
        AgendaDocument.objects.count(),
        len(mail.outbox),
    )


def _edit_data(**extra: str) -> dict[str, str]:
    day = (timezone.localtime() + dt.timedelta(days=40)).strftime("%Y-%m-%dT10:00")
    return {"title": "GV 2027 (verlegt)", "starts_at": day, "mode": "in_person", "place": "Halle", **extra}


def _close_open_polls(w: dict[str, Any]) -> None:
    for poll in (w["open_poll"], w["secret_poll"]):
        voting.poll_transition(actor=w["admin"], poll=poll, to=PollStatus.CLOSED)


def test_only_the_office_changes_or_cancels(gov: dict[str, Any], client_for: Callable[[str | None], Client]) -> None:
    w = gov
    _close_open_polls(w)
    document = assemblies.document_add(actor=w["admin"], item=w["item"], kind="other", upload=pdf("anlage.pdf"))
    base = f"/genossenschaft/versammlungen/{w['assembly'].pk}/"
    requests = [
        ("get", base + "bearbeiten/", {}),
        ("post", base + "bearbeiten/", _edit_data()),
        ("post", base + f"tagesordnung/{w['item'].pk}/", {f"top{w['item'].pk}-title": "Neu"}),
        ("post", base + f"unterlagen/{document.pk}/entfernen/", {"bestaetigung": "ja"}),
        ("post", base + "absagen/", {"reason": "Hochwasser", "bestaetigung": "ja"}),
    ]
    before = _state()
    for role in [r for r in ROLES if r != "coop_admin"] + ["rep_w"]:
        client = login(Client(), w["rep_w"]) if role == "rep_w" else client_for(role)
        for method, url, data in requests:
            response = getattr(client, method)(url, data)
            if role is None:
                assert response.status_code == 302 and "/konto/" in response["Location"]
            else:
                assert response.status_code == 403, (url, role, response.status_code)
        assert _state() == before, role
    client = client_for("coop_admin")
    for method, url, data in requests:
        assert getattr(client, method)(url, data).status_code in (200, 302), url
    assembly = Assembly.objects.get(pk=w["assembly"].pk)
    assert (assembly.title, assembly.place, assembly.cancel_reason) == ("GV 2027 (verlegt)", "Halle", "Hochwasser")
    assert AgendaItem.objects.get(pk=w["item"].pk).title == "Neu" and not AgendaDocument.objects.exists()


def test_changes_before_the_invitation_are_not_marked(
    gov: dict[str, Any], client_for: Callable[[str | None], Client]
) -> None:
    w = gov
    client = client_for("coop_admin")
    base = f"/genossenschaft/versammlungen/{w['assembly'].pk}/"
    page = client.get(base + "bearbeiten/").content.decode()
    assert "Einladung ist schon verschickt" not in page
    response = client.post(base + "bearbeiten/", _edit_data(mode="hybrid", online_url="https://gv.example/raum"))
    assert response.status_code == 302 and response["Location"] == base
    assembly = Assembly.objects.get(pk=w["assembly"].pk)
    assert (assembly.mode, assembly.online_url) == ("hybrid", "https://gv.example/raum")
    client.post(base + f"tagesordnung/{w['item'].pk}/", {f"top{w['item'].pk}-title": "Jahresabschluss 2026 (geprüft)"})
    item = AgendaItem.objects.get(pk=w["item"].pk)
    assert item.title == "Jahresabschluss 2026 (geprüft)" and item.changed_at is None


def test_changes_after_the_invitation_restart_the_period_for_that_item(
    gov: dict[str, Any], client_for: Callable[[str | None], Client], django_capture_on_commit_callbacks: Any
) -> None:
    w = gov
    other = assemblies.agenda_item_add(actor=w["admin"], assembly=w["assembly"], title="Wahlen")
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invitation_start(actor=w["admin"], assembly=w["assembly"])
    client = client_for("coop_admin")
    base = f"/genossenschaft/versammlungen/{w['assembly'].pk}/"
    page = client.get(base + "bearbeiten/").content.decode()
    assert "Einladung ist schon verschickt" in page and "Einladungsfrist von 14 Tagen neu" in page
    client.post(base + f"tagesordnung/{w['item'].pk}/", {f"top{w['item'].pk}-title": "Jahresabschluss (neu)"})
    assert AgendaItem.objects.get(pk=w["item"].pk).changed_at is not None
    assert AgendaItem.objects.get(pk=other.pk).changed_at is None  # only the changed item
    assemblies.document_add(actor=w["admin"], item=other, kind="other", upload=pdf("wahlordnung.pdf"))
    assert AgendaItem.objects.get(pk=other.pk).changed_at is not None
    shown = client_for("requester").get(base).content.decode()
    assert shown.count("Für diesen Punkt beginnt die Einladungsfrist neu") == 2
    later = client.post(base + "bearbeiten/", _edit_data())  # 40 days after the invitation: still in time
    assert later.status_code == 302 and not Assembly.objects.get(pk=w["assembly"].pk).invited_late
    soon = (timezone.localtime() + dt.timedelta(days=10)).strftime("%Y-%m-%dT10:00")
    client.post(base + "bearbeiten/", _edit_data(starts_at=soon))  # moved closer: the period is missed
    assert Assembly.objects.get(pk=w["assembly"].pk).invited_late
    assert "nach Ablauf der Einladungsfrist" in client.get(base).content.decode()
    added = assemblies.agenda_item_add(actor=w["admin"], assembly=w["assembly"], title="Verschiedenes")
    assert added.changed_at is not None
    confirm = client.post(base + f"unterlagen/{AgendaDocument.objects.get().pk}/entfernen/").content.decode()
    assert "Unterlage entfernen?" in confirm and "Einladungsfrist neu" in confirm
    assert AgendaDocument.objects.count() == 1


def test_a_held_assembly_is_never_changed_or_cancelled(
    gov: dict[str, Any], client_for: Callable[[str | None], Client]
) -> None:
    w = gov
    _close_open_polls(w)
    Assembly.objects.filter(pk=w["assembly"].pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    before = _state()
    client = client_for("coop_admin")
    base = f"/genossenschaft/versammlungen/{w['assembly'].pk}/"
    page = client.get(base + "bearbeiten/").content.decode()
    assert "hat stattgefunden" in page and "Änderungen speichern" not in page
    assert "Termin, Tagesordnung bearbeiten" not in client.get(base).content.decode()
    assert client.post(base + "bearbeiten/", _edit_data()).status_code == 400
    client.post(base + f"tagesordnung/{w['item'].pk}/", {f"top{w['item'].pk}-title": "Neu"})
    client.post(base + "absagen/", {"reason": "zu spät", "bestaetigung": "ja"})
    assert _state() == before
    for call in (
        lambda: changes.assembly_cancel(actor=w["admin"], assembly=w["assembly"], reason="x"),
        lambda: assemblies.agenda_item_add(actor=w["admin"], assembly=w["assembly"], title="x"),
        lambda: assemblies.document_add(actor=w["admin"], item=w["item"], kind="other", upload=pdf()),
    ):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.field == "assembly"
    assert _state() == before


def test_bad_edit_input_is_shown_at_the_field(gov: dict[str, Any], client_for: Callable[[str | None], Client]) -> None:
    w = gov
    before = _state()
    client = client_for("coop_admin")
    url = f"/genossenschaft/versammlungen/{w['assembly'].pk}/bearbeiten/"
    past = client.post(url, _edit_data(starts_at="2020-01-01T10:00"))
    assert past.status_code == 400 and "in der Vergangenheit" in past.content.decode()
    no_place = client.post(url, _edit_data(place=""))
    assert no_place.status_code == 400 and "Ort der Versammlung" in no_place.content.decode()
    garbage = client.post(url, _edit_data(starts_at="morgen", mode="party"))
    assert garbage.status_code == 400
    assert _state() == before


def test_cancelling_asks_first_and_mails_everyone_invited(
    gov: dict[str, Any], client_for: Callable[[str | None], Client], django_capture_on_commit_callbacks: Any
) -> None:
    w = gov
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invitation_start(actor=w["admin"], assembly=w["assembly"])
    assert Invitation.objects.count() == 3
    mail.outbox.clear()
    client = client_for("coop_admin")
    url = f"/genossenschaft/versammlungen/{w['assembly'].pk}/absagen/"
    refused = client.post(url, {"reason": "Hochwasser", "bestaetigung": "ja"}, follow=True)
    assert "Abstimmung läuft noch" in refused.content.decode()
    assert Assembly.objects.get(pk=w["assembly"].pk).cancelled_at is None
    _close_open_polls(w)
    assert client.post(url, {"reason": ""}).status_code == 400
    page = client.post(url, {"reason": "Hochwasser in Magdeburg"})
    text = page.content.decode()
    assert page.status_code == 200 and "Versammlung absagen?" in text and "3 eingeladene" in text
    assert Assembly.objects.get(pk=w["assembly"].pk).cancelled_at is None and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"reason": "Hochwasser in Magdeburg", "bestaetigung": "ja"})
    assert done.status_code == 302
    assembly = Assembly.objects.get(pk=w["assembly"].pk)
    assert assembly.cancelled_at is not None and assembly.cancel_reason == "Hochwasser in Magdeburg"
    assert sorted(m.to[0] for m in mail.outbox) == [
        "rep.wernigerode@test.example",
        "rep.zeitz@test.example",
        "rep2.wernigerode@test.example",
    ]
    message = mail.outbox[0]
    assert message.subject == "Absage: Ordentliche Generalversammlung 2027"
    assert "findet nicht statt" in message.body and "Hochwasser in Magdeburg" in message.body
    shown = client_for("requester").get(f"/genossenschaft/versammlungen/{assembly.pk}/").content.decode()
    assert "Abgesagt am" in shown and "Hochwasser in Magdeburg" in shown
    assert "abgesagt" in client_for("requester").get("/genossenschaft/").content.decode()
    # nothing goes on after a cancellation: no second cancel, no invitation, no poll opens
    with pytest.raises(DomainError):
        changes.assembly_cancel(actor=w["admin"], assembly=assembly, reason="noch mal")
    with pytest.raises(DomainError):
        invitations.invitation_start(actor=w["admin"], assembly=assembly)
    with pytest.raises(DomainError):
        voting.poll_transition(actor=w["admin"], poll=w["at_assembly"], to=PollStatus.OPEN)
    with pytest.raises(DomainError):
        assemblies.attendance_register(actor=w["rep_w"], assembly=assembly, member=w["wernigerode"])
    with pytest.raises(DomainError):
        assemblies.proxy_grant(actor=w["rep_z"], assembly=assembly, member=w["zeitz"], holder=w["rep_w"])
    assert len(mail.outbox) == 3 and not assembly.attendances.exists()


def test_a_counted_assembly_cannot_be_cancelled(gov: dict[str, Any]) -> None:
    w = gov
    _close_open_polls(w)
    voting.poll_transition(actor=w["admin"], poll=w["open_poll"], to=PollStatus.COUNTED)
    with pytest.raises(DomainError) as exc:
        changes.assembly_cancel(actor=w["admin"], assembly=w["assembly"], reason="x")
    assert "ausgezählte" in exc.value.message
    assert Assembly.objects.get(pk=w["assembly"].pk).cancelled_at is None
