"""Opening, closing and evaluating a campaign need the confirmation page; without it nothing changes and no
mail goes out. Opening mails the members as a job with a progress page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from kitu.bundling.models import Campaign
from kitu.core.confirm import CONFIRM_FIELD, CONFIRM_VALUE
from kitu.core.models import AuditEntry, Job

pytestmark = pytest.mark.django_db
CONFIRM = {CONFIRM_FIELD: CONFIRM_VALUE}


def state() -> Any:
    return (
        list(Campaign.objects.order_by("pk").values_list("state", flat=True)),
        Job.objects.count(),
        AuditEntry.objects.count(),
        len(mail.outbox),
    )


def test_opening_asks_with_the_people_and_members_then_mails_as_a_job(
    campaign_world: dict[str, Any], client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    staff, draft = client_for("coop_admin"), campaign_world["draft_campaign"]
    url = reverse("bundling:transition", args=[draft.pk, "oeffnen"])
    before = state()
    with django_capture_on_commit_callbacks(execute=True):
        page = staff.post(url)
    assert page.status_code == 200 and state() == before
    text = page.content.decode()
    # Wernigerode: member admin, requester, approver; Zeitz: member admin, requester
    assert "Bedarfsabfrage öffnen und 5 Personen aus 2 Mitgliedern benachrichtigen" in text
    assert "Öffnen und 5 Personen benachrichtigen</span>" in text
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url, {CONFIRM_FIELD: "vielleicht"})
    assert state() == before
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, CONFIRM)
    job = Job.objects.get(kind="bundling.open_mails", subject_id=str(draft.pk))
    assert response["Location"] == f"/fortschritt/{job.pk}/"
    assert Campaign.objects.get(pk=draft.pk).state == "open"
    assert (job.status, job.done, job.total, job.owner_id) == ("done", 2, 2, campaign_world["admin"].pk)
    assert job.message == "2 Mitglieder benachrichtigt (5 Personen)."
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("action", ["schliessen", "auswerten"])
def test_closing_and_evaluating_need_the_confirmation(
    campaign_world: dict[str, Any], client_for: Any, action: str
) -> None:
    staff, c = client_for("contract_manager"), campaign_world["campaign"]
    if action == "auswerten":
        staff.post(reverse("bundling:transition", args=[c.pk, "schliessen"]), CONFIRM)
    before = state()
    page = staff.post(reverse("bundling:transition", args=[c.pk, action]))
    assert page.status_code == 200 and state() == before
    assert "das lässt sich nicht rückgängig machen" in page.content.decode().lower()
    if action == "schliessen":
        assert "0 von 2 Mitgliedern haben gemeldet" in page.content.decode()
