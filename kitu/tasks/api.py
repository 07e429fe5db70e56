"""JSON API of the task inbox: the caller's open tasks, oldest first (the same list as the page /aufgaben/)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from kitu.core.errors import DomainError

from . import registry

router = Router(tags=["tasks"])


class TaskOut(Schema):
    kind: str
    title: str
    url: str
    since: dt.datetime
    due: dt.date | None


@router.get("/tasks", response=list[TaskOut], summary="My open tasks, oldest first")
def task_list(request: HttpRequest, kind: str = "") -> list[registry.Task]:
    """Every open task of the caller: ``kind`` a stable identifier (e.g. ``order_approval``), ``title`` in
    the caller's language, ``url`` the page where the work is done (relative), ``since`` when the task
    arose, ``due`` the date by which it should be done (or null). ``kind`` filters; an unknown kind is a
    400 naming the field."""
    if kind and kind not in registry.KINDS:
        raise DomainError(f"Unknown kind of task: {kind[:40]}", field="kind")
    return registry.tasks_for(request.user, kind=kind)
