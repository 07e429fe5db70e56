"""The task inbox: an invited supplier has "Angebot abgeben" until it offers or the deadline passes; the
member's requesters and admins have "auswerten und vergeben" from the deadline until the award."""

from __future__ import annotations

from typing import Any

import pytest

from kitu.competitions import services
from kitu.competitions.models import Competition
from kitu.tasks.tests.conftest import tasks_of as tasks_for  # counted too: the header must agree

from .conftest import make_competition, pass_deadline, submit

pytestmark = pytest.mark.django_db


def kinds(user: Any) -> list[str]:
    return [t.kind for t in tasks_for(user) if t.kind.startswith("competition_")]


def test_offer_and_award_tasks(comp_world: dict[str, Any]) -> None:
    w = comp_world
    c = make_competition(w, criteria=[])
    (task,) = [t for t in tasks_for(w["harz_user"]) if t.kind == "competition_offer"]
    assert "20 Arbeitsplatzrechner" in task.title and task.url == f"/kleinwettbewerbe/{c.pk}/"
    assert kinds(w["outsider_user"]) == [] and kinds(w["users"]["requester"]) == []
    offer = submit(w, c, "harz_user", ("700", "150"))
    assert kinds(w["harz_user"]) == [] and kinds(w["saale_user"]) == ["competition_offer"]
    c = pass_deadline(c)
    assert kinds(w["saale_user"]) == []
    assert kinds(w["users"]["requester"]) == ["competition_award"]
    assert kinds(w["users"]["member_admin"]) == ["competition_award"]
    assert kinds(w["users"]["approver"]) == [] and kinds(w["users"]["other_requester"]) == []
    services.competition_award(
        actor=w["users"]["requester"], competition=Competition.objects.get(pk=c.pk), offer=offer, reason="einziges"
    )
    assert kinds(w["users"]["requester"]) == []


def test_award_task_of_a_bundle_is_the_offices(bundle_world: dict[str, Any]) -> None:
    from .conftest import make_bundle, offer

    w = bundle_world
    c = make_bundle(w)
    harz = offer(w, c, "harz_user", ("700", "150"))
    assert kinds(w["admin"]) == []
    c = pass_deadline(c)
    assert kinds(w["admin"]) == ["competition_award"]
    for key in ("requester", "member_admin", "other_requester", "other_member_admin"):
        assert kinds(w["users"][key]) == [], key
    services.competition_award(actor=w["admin"], competition=c, offer=harz, reason="einziges")
    assert kinds(w["admin"]) == []
