from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kitu.core.forms import DATE_INPUT

from .models import Category, DefectService, ReportStatus


class ReportForm(forms.Form):
    """A citizen's report (the template adds the honeypot field ``website``, which people never see)."""

    category = forms.ChoiceField(label=_("Was ist los?"))
    description = forms.CharField(label=_("Beschreibung"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    address = forms.CharField(
        label=_("Ort (Straße, Hausnummer oder Beschreibung)"),
        max_length=250,
        required=False,
        help_text=_("oder Koordinaten unten angeben"),
    )
    lat = forms.CharField(label=_("Breite (z. B. 51.8352)"), max_length=20, required=False)
    lon = forms.CharField(label=_("Länge (z. B. 10.7853)"), max_length=20, required=False)
    email = forms.EmailField(
        label=_("E-Mail für Rückmeldungen"),
        required=False,
        help_text=_("freiwillig; wir schreiben Ihnen, wenn sich der Stand ändert"),
    )

    def __init__(self, *args: Any, service: DefectService, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            (c.code, c.name) for c in service.categories.filter(is_active=True).order_by("name")
        ]


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("alle")), *ReportStatus.choices], required=False)
    category = forms.ModelChoiceField(label=_("Kategorie"), queryset=Category.objects.none(), required=False)
    unpublished = forms.BooleanField(label=_("nur noch nicht freigegebene"), required=False)
    since = forms.DateField(label=_("gemeldet seit"), required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, services: list[DefectService], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(service__in=services)  # type: ignore[attr-defined]


class CaseForm(forms.Form):
    """A case worker's answer: status, public answer, category, publication (after moderation)."""

    status = forms.ChoiceField(label=_("Status"), choices=ReportStatus.choices)
    status_notes = forms.CharField(
        label=_("öffentliche Antwort"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ModelChoiceField(label=_("Kategorie"), queryset=Category.objects.none())
    description = forms.CharField(
        label=_("Beschreibung (für die Veröffentlichung ggf. ohne persönliche Daten)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    is_published = forms.BooleanField(label=_("veröffentlichen"), required=False)

    def __init__(self, *args: Any, service: DefectService, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = service.categories.filter(is_active=True)  # type: ignore[attr-defined]
