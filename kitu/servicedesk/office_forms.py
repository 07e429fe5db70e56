"""Forms of the office's settings pages (the services check everything again)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Priority


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Bezeichnung"), max_length=120)
    members = forms.TypedMultipleChoiceField(
        label=_("Mitglieder"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    services = forms.TypedMultipleChoiceField(
        label=_("zuständig für die Leistungen"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, people: list[tuple[int, str]], services: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = people  # type: ignore[attr-defined]
        self.fields["services"].choices = services  # type: ignore[attr-defined]


class LevelForm(forms.Form):
    service = forms.TypedChoiceField(label=_("Leistung"), coerce=int, required=False, empty_value=None)
    priority = forms.TypedChoiceField(label=_("Priorität"), coerce=int, choices=Priority.choices)
    response_hours = forms.DecimalField(
        label=_("Reaktionszeit in Servicestunden"),
        help_text=_("z. B. 2 oder 0,5"),
        localize=True,
        min_value=Decimal("0.25"),
        max_value=Decimal(2000),
        decimal_places=2,
        max_digits=6,
    )
    resolution_hours = forms.DecimalField(
        label=_("Lösungszeit in Servicestunden"),
        localize=True,
        min_value=Decimal("0.25"),
        max_value=Decimal(2000),
        decimal_places=2,
        max_digits=6,
    )

    def __init__(self, *args: Any, services: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("alle übrigen Leistungen (Standard)")), *services]  # type: ignore[attr-defined]


class CannedForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=120)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    team = forms.TypedChoiceField(label=_("Team (optional)"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, teams: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("für alle Teams")), *teams]  # type: ignore[attr-defined]
