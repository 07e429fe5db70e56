"""The OParl 1.1 objects, one function per type, each producing exactly the properties of the schema
(https://schema.oparl.org/1.1/) from an object the caller has read through ``Visibility.public`` with the
related objects prefetched (``prepare_*``), so that a list page costs a fixed number of queries.

Embedded objects (chapter 3: terms in Body, memberships in Person, agenda items and files in Meeting,
files and consultations in Paper, files in AgendaItem, locations) leave out the back reference to their
parent; the same object fetched on its own carries it. Empty values are left out (chapter 2.4). Every
related object named here comes from a ``Visibility`` query set: nothing that is not public appears.

The shared context and helpers are in base; the objects in bodies, files, meetings and papers.
"""

from .base import OPARL_VERSION, SAFE_INLINE_TYPES, Ctx, tombstone
from .bodies import (
    body,
    location,
    membership,
    organization,
    person,
    prepare_bodies,
    prepare_locations,
    prepare_memberships,
    prepare_organizations,
    prepare_persons,
    prepare_terms,
    system,
    term,
)
from .files import file, prepare_files
from .meetings import agenda_item, agenda_item_alone, meeting, prepare_agenda_items, prepare_meetings
from .papers import consultation, consultation_alone, paper, prepare_consultations, prepare_papers

__all__ = [
    "OPARL_VERSION",
    "SAFE_INLINE_TYPES",
    "Ctx",
    "agenda_item",
    "agenda_item_alone",
    "body",
    "consultation",
    "consultation_alone",
    "file",
    "location",
    "meeting",
    "membership",
    "organization",
    "paper",
    "person",
    "prepare_agenda_items",
    "prepare_bodies",
    "prepare_consultations",
    "prepare_files",
    "prepare_locations",
    "prepare_meetings",
    "prepare_memberships",
    "prepare_organizations",
    "prepare_papers",
    "prepare_persons",
    "prepare_terms",
    "system",
    "term",
    "tombstone",
]
