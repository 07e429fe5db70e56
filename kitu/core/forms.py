"""Form helpers shared by the apps' views."""

from __future__ import annotations

from django import forms

from .errors import DomainError


def add_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Show a service's DomainError at the field it names, or above the form if the form has no such field."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
