"""Form and action helpers shared by the apps' views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from .errors import DomainError

# HTML date pickers; the value must be ISO for them to show it.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EuroField(forms.DecimalField):
    """An amount in euros as people type it: "1.234,50", "1234,5" or "1234.50"."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(localize=True, **kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and "," in value:
            value = value.replace(".", "").replace(" ", "")
        return super().to_python(value)


def run_action(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run a service call for a POST that redirects: its DomainError becomes an error message, else
    ``success`` is shown. Returns whether it succeeded."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def run_form_action(
    request: HttpRequest, form: forms.BaseForm, action: Callable[[dict[str, Any]], Any], success: str
) -> bool:
    """:func:`run_action` for a posted form: invalid input is shown as one error message (the page
    redirects), else ``action(cleaned_data)`` runs. Returns whether it succeeded."""
    if not form.is_valid():
        messages.error(request, errors_text(form))
        return False
    return run_action(request, lambda: action(form.cleaned_data), success)


def add_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Show a service's DomainError at the field it names, or above the form if the form has no such field."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def errors_text(form: forms.BaseForm) -> str:
    """A form's errors in one line ("Label: message; …") for a flash message after a redirect."""
    return "; ".join(
        f"{form.fields[f].label if f in form.fields else ''}: {' '.join(str(e) for e in errors)}"
        for f, errors in form.errors.items()
    )


def save_form(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], Any],
    success: str,
    done: Callable[[Any], HttpResponse],
) -> HttpResponse | None:
    """A bound, valid form goes to ``save`` (a service call); a DomainError is shown at its field and None
    returned (render the form again), else ``success`` is flashed and ``done(saved)`` answers."""
    if not form.is_bound or not form.is_valid():
        return None
    try:
        saved = save(form.cleaned_data)
    except DomainError as exc:
        add_domain_error(form, exc)
        return None
    messages.success(request, success)
    return done(saved)


ALL_SUFFIX = "_all"


def select_all_field(label: Any, help_text: Any = "") -> forms.BooleanField:
    """The "alle" box of a multiple choice: name it ``<field>_all`` and call :func:`take_all` in ``clean()``.
    Without JavaScript ticking it selects every choice on the server; with core/select-all.js it also ticks
    and unticks the boxes on the page."""
    return forms.BooleanField(label=label, required=False, help_text=help_text)


def take_all(form: forms.BaseForm, field: str) -> None:
    """When ``<field>_all`` is ticked, ``field`` gets every choice of its queryset. The flag itself leaves
    ``cleaned_data`` so views can pass the rest to a service."""
    data = form.cleaned_data
    if data.pop(field + ALL_SUFFIX, False):
        choices = form.fields[field]
        assert isinstance(choices, forms.ModelMultipleChoiceField) and choices.queryset is not None
        data[field] = list(choices.queryset)
