"""The OParl interface over the demo town (``seed_demo``: Wernigerode's council): every list walked through
``links.next``, every object valid against the OParl 1.1 schema, and nothing of the non-public items."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from kitu.council.models import AgendaItem, Body, File, Paper
from kitu.council.visibility import Visibility

from .oparl_client import walk_all
from .test_oparl_schema import check


@pytest.mark.django_db
def test_a_client_walks_the_demo_town(client: Client) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    body = Body.objects.get(slug="wernigerode")
    lists = walk_all(client, "wernigerode")
    vis = Visibility.public(body)
    counts = {kind: len(objects) for kind, objects in lists.items()}
    assert counts == {
        "organization": vis.organizations().count(),
        "person": vis.persons().count(),
        "meeting": vis.meetings().count(),
        "paper": vis.papers().count(),
        "agendaItem": vis.agenda_items().count(),
        "consultation": vis.consultations().count(),
        "file": vis.files().count(),
        "membership": vis.memberships().count(),
        "location": vis.locations().count(),
        "legislativeTerm": vis.terms().count(),
    }
    assert counts["person"] >= 37 and counts["meeting"] == 8 and counts["paper"] >= 15
    for objects in lists.values():
        for obj in objects:
            check(obj)
    text = json.dumps(lists, ensure_ascii=False)
    secret_items = AgendaItem.objects.filter(meeting__body=body, public=False)
    assert secret_items.exists()
    for item in secret_items:
        assert item.name not in text
        assert f'/agendaItem/{item.pk}"' not in text
    secret_papers = Paper.objects.filter(body=body, consultations__agenda_item__public=False).distinct()
    assert secret_papers.exists()
    for paper in secret_papers:
        assert paper.name not in text and paper.reference not in text
    for doc in File.objects.filter(body=body, agenda_item__public=False):
        assert f'/file/{doc.pk}"' not in text
