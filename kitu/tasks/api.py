"""JSON API of the task inbox: the caller's open tasks, oldest first (the same list as the page /aufgaben/)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from kitu.core.errors import DomainError
from kitu.core.pagination import PageQuery, paginate

from . import registry

router = Router(tags=["tasks"])


class TaskOut(Schema):
    kind: str
    title: str
    url: str
    since: dt.datetime
    due: dt.date | None


class TaskQuery(PageQuery):
    kind: str = Field("", description="Only tasks of this kind (e.g. order_approval); unknown kinds are a 400")


@router.get("/tasks", response=list[TaskOut], summary="My open tasks, oldest first, one page")
def task_list(request: HttpRequest, response: HttpResponse, query: Query[TaskQuery]) -> list[registry.Task]:
    """The caller's open tasks: ``kind`` a stable identifier (e.g. ``order_approval``), ``title`` in
    the caller's language, ``url`` the page where the work is done (relative), ``since`` when the task
    arose, ``due`` the date by which it should be done (or null). ``kind`` filters; an unknown kind is a
    400 naming the field. Oldest first (then by title, kind and link, so pages never overlap); paged
    (``page``, ``page_size``; count and links in headers, see docs/api.md)."""
    if query.kind and query.kind not in registry.KINDS:
        raise DomainError(f"Unknown kind of task: {query.kind[:40]}", field="kind")
    tasks = registry.tasks_for(request.user, kind=query.kind)
    return paginate(request, response, tasks, page=query.page, page_size=query.page_size, allowed=("kind",))
