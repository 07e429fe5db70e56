"""Issue 18.7: the optimiser result in words (no status codes, seconds rounded, the gap only when it
matters), its chart with member names and a € axis, and "alle auswählen" for the eligible members."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse

from kitu.bundling import services
from kitu.bundling.forms import CampaignForm
from kitu.bundling.models import Campaign, OptimisationRun
from kitu.members.models import Member

from .test_campaigns import enter_offers, report_demo

pytestmark = pytest.mark.django_db


def _run(w: dict[str, Any]) -> OptimisationRun:
    report_demo(w, w["today"])
    services.campaign_close(actor=w["admin"], campaign=w["campaign"])
    enter_offers(w)
    run = services.optimiser_run(actor=w["admin"], campaign=w["campaign"])
    run.result = {**run.result, "solve_seconds": 0.147098, "gap": 0.0}
    run.save(update_fields=["result"])
    return run


def test_the_result_page_speaks_words(campaign_world: dict[str, Any], client_for: Any) -> None:
    w = campaign_world
    run = _run(w)
    page = client_for("coop_admin").get(reverse("bundling:run", args=[w["campaign"].pk, run.pk])).content.decode()
    assert (
        '<span class="kern-badge kern-badge--success" data-status="optimal">'
        '<span class="kern-label">nachweislich günstigste Vergabe</span></span>'
    ) in page
    assert "Rechenzeit 0,1 s" in page
    assert "0,147098" not in page and "Lücke" not in page and ">optimal<" not in page
    assert "40 Stück" in page and "20 Stück" in page  # awarded quantities with their unit
    assert "35.400,00\u00a0€" in page
    # the chart: horizontal bars, member names on the left, a € axis with a label, the same figures as a table
    svg = re.search(r"<svg.*?</svg>", page, re.S)
    assert svg is not None
    chart = svg.group(0)
    assert 'text-anchor="end"><title>Stadt Wernigerode</title>Stadt Wernigerode</text>' in chart
    assert "0\u00a0€</text>" in chart and "Kosten in € (netto)</text>" in chart
    assert "27.600\u00a0€</text>" in chart  # Wernigerode's whole bar: cost alone
    assert "<title>Stadt Zeitz: Einsparung 700\u00a0€</title>" in chart
    assert '<th class="kern-table__cell" scope="row">Stadt Zeitz</th>' in page


def test_the_run_list_uses_the_same_words(campaign_world: dict[str, Any], client_for: Any) -> None:
    w = campaign_world
    _run(w)
    page = client_for("coop_admin").get(reverse("bundling:offers", args=[w["campaign"].pk])).content.decode()
    assert 'data-status="optimal"><span class="kern-label">nachweislich günstigste Vergabe</span>' in page


def test_an_infeasible_run_says_so_and_gives_the_gap_in_words_only_then(
    campaign_world: dict[str, Any], client_for: Any
) -> None:
    w = campaign_world
    run = _run(w)
    run.status = "infeasible"
    run.result = {**run.result, "status": "infeasible", "message": "item '01': no offer", "gap": 0.0123}
    run.save()
    page = client_for("coop_admin").get(reverse("bundling:run", args=[w["campaign"].pk, run.pk])).content.decode()
    assert "Keine zulässige Vergabe" in page
    assert "höchstens 1,2 % teurer als die günstigste mögliche" in page
    assert "nachweislich günstigste Vergabe" not in page


def _campaign_data(**extra: Any) -> dict[str, Any]:
    today = dt.date.today()
    return {
        "title": "Alle",
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=20)).isoformat(),
        "reminder_days": 7,
        "max_factor": 130,
        **extra,
    }


def test_the_form_takes_a_rule_or_picked_members(campaign_world: dict[str, Any]) -> None:
    form = CampaignForm(_campaign_data(participation="all"))
    assert form.is_valid(), form.errors
    assert list(form.cleaned_data["eligible_members"]) == []  # the rule decides, in the service
    typed = CampaignForm(_campaign_data(participation="member_type"))
    assert not typed.is_valid() and "participant_type" in typed.errors
    one = CampaignForm(_campaign_data(participation="selected", eligible_members=[campaign_world["zeitz"].pk]))
    assert one.is_valid() and list(one.cleaned_data["eligible_members"]) == [campaign_world["zeitz"]]


def test_alle_mitglieder_on_the_page_creates_the_campaign_for_all(
    campaign_world: dict[str, Any], client_for: Any
) -> None:
    client = client_for("coop_admin")
    page = client.get(reverse("bundling:create")).content.decode()
    assert 'value="all"' in page and "alle Mitglieder" in page and 'hx-get="/mitglieder/auswahl/"' in page
    assert "Stadt Zeitz" not in page  # the page does not list the register
    response = client.post(reverse("bundling:create"), _campaign_data(participation="all"))
    assert response.status_code == 302
    campaign = Campaign.objects.get(title="Alle")
    assert campaign.participation == "all"
    assert set(campaign.eligible_members.values_list("pk", flat=True)) == set(
        Member.objects.members_on(dt.date.today()).values_list("pk", flat=True)
    )
