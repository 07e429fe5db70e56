"""Confirmation of consequences before a mass or irreversible action (UX.md, "Before anything irreversible").

The action's view answers a POST without the confirmation field with a confirmation page — what will happen,
with the real count — and changes nothing; the page posts the same data again with the field. Works without
JavaScript."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

CONFIRM_FIELD = "bestaetigung"
CONFIRM_VALUE = "ja"


def confirmed(request: HttpRequest) -> bool:
    """Whether the POST carries the confirmation (only the confirmation page sends it)."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == CONFIRM_VALUE


def carried(data: QueryDict, *, exclude: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The posted fields to send again from the confirmation page (without the token and the confirmation)."""
    skip = {"csrfmiddlewaretoken", CONFIRM_FIELD, *exclude}
    return [(name, value) for name, values in data.lists() if name not in skip for value in values]


@dataclass
class Confirmation:
    title: str  # the question as heading: "Rechnungen ausstellen?"
    consequence: str  # what will happen, with the count: "36 Rechnungen ausstellen und an 36 Mitglieder senden …"
    button: str  # names the action: "36 Rechnungen ausstellen und verschicken"
    action: str  # the URL the confirmed form posts to
    back: str  # where "Abbrechen" leads
    facts: list[tuple[str, Any]] = field(default_factory=list)  # label, value
    hidden: list[tuple[str, str]] = field(default_factory=list)
    irreversible: bool = True
    extra_form: Any = None  # fields the user must give again (a file cannot be carried over)


def confirmation_page(request: HttpRequest, confirmation: Confirmation) -> HttpResponse:
    return render(
        request,
        "core/confirm.html",
        {
            "c": confirmation,
            "confirm_field": CONFIRM_FIELD,
            "confirm_value": CONFIRM_VALUE,
            "multipart": confirmation.extra_form is not None and confirmation.extra_form.is_multipart(),
        },
    )
