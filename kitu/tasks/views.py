"""The start page ("Meine Aufgaben" first, then the working groups' widgets) and the page of all tasks."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kitu.workgroups.selectors import start_widgets

from . import registry

START_LIMIT = 10  # lines on the start page; the rest behind "Alle Aufgaben"


def _lines(tasks: list[registry.Task]) -> list[dict[str, Any]]:
    today = timezone.localdate()
    return [
        {"task": t, "age": registry.age_in_words(t.since, today), "overdue": t.due is not None and t.due < today}
        for t in tasks
    ]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    tasks = registry.tasks_of_request(request)
    context = {"tasks": _lines(tasks[:START_LIMIT]), "task_total": len(tasks), **start_widgets(request.user)}
    return render(request, "tasks/home.html", context)


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    kinds = registry.kinds_of(request.user)
    kind = request.GET.get("art", "")
    if kind and kind not in kinds:
        kind = ""  # an unknown or foreign kind shows everything (the filter says so)
    all_tasks = registry.tasks_of_request(request)
    shown = [t for t in all_tasks if not kind or t.kind == kind]
    counts = dict.fromkeys(kinds, 0)
    for t in all_tasks:
        counts[t.kind] += 1
    choices = [(k, registry.KINDS[k].label, counts[k]) for k in kinds if counts[k]]
    return render(
        request,
        "tasks/list.html",
        {"tasks": _lines(shown), "kind": kind, "choices": choices, "total": len(all_tasks)},
    )
