"""Forms of the mini-competition pages; the rules are in services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kitu.core.forms import DATE_INPUT
from kitu.members.models import Member

from .services import LineInput

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M", "%d.%m.%Y, %H:%M"]


class RequestForm(forms.Form):
    member: forms.ModelChoiceField[Member] = forms.ModelChoiceField(
        queryset=Member.objects.none(), label=_("Mitglied"), empty_label=_("Bitte wählen")
    )
    lot = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Gegenstand"), max_length=200)
    lines = forms.CharField(
        label=_("Positionen"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Eine Position je Zeile: Menge; Einheit; Beschreibung – zum Beispiel „20; Stück; Notebook 14 Zoll“."
        ),
    )
    delivery_date = forms.DateField(
        label=_("Gewünschter Liefertermin"), widget=DATE_INPUT, input_formats=["%Y-%m-%d", "%d.%m.%Y"]
    )
    deadline = forms.DateTimeField(
        label=_("Angebotsfrist (Datum und Uhrzeit)"), widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS
    )
    criteria = forms.CharField(
        label=_("Weitere Zuschlagskriterien"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Leer lassen, wenn nur der Preis zählt. Sonst ein Kriterium je Zeile: Name: Punkte – zum Beispiel "
            "„Lieferzeit: 30“. Der Preis erhält die übrigen Punkte bis 100."
        ),
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]

    def clean_lines(self) -> list[LineInput]:
        parsed = []
        for n, raw in enumerate((r for r in self.cleaned_data["lines"].splitlines() if r.strip()), 1):
            parts = [p.strip() for p in raw.split(";", 2)]
            if len(parts) != 3 or not parts[0].isdigit() or int(parts[0]) <= 0 or not parts[2]:
                raise forms.ValidationError(
                    _("Zeile %(n)s: bitte „Menge; Einheit; Beschreibung“ angeben, die Menge als ganze Zahl ab 1.")
                    % {"n": n}
                )
            parsed.append(LineInput(quantity=int(parts[0]), unit=parts[1], description=parts[2]))
        if not parsed:
            raise forms.ValidationError(_("Bitte geben Sie mindestens eine Position an."))
        return parsed

    def clean_criteria(self) -> list[tuple[str, int]]:
        parsed = []
        for raw in (r for r in self.cleaned_data["criteria"].splitlines() if r.strip()):
            name, _sep, points = raw.rpartition(":")
            if not name.strip() or not points.strip().isdigit():
                raise forms.ValidationError(
                    _("„%(row)s“: bitte „Name: Punkte“ angeben, zum Beispiel „Lieferzeit: 30“.") % {"row": raw.strip()}
                )
            parsed.append((name.strip(), int(points.strip())))
        return parsed


class ScoreForm(forms.Form):
    offer = forms.IntegerField(widget=forms.HiddenInput)
    criterion = forms.IntegerField(widget=forms.HiddenInput)
    points = forms.CharField(label=_("Punkte"), max_length=8)
    reason = forms.CharField(label=_("Begründung"), max_length=500)


class AwardForm(forms.Form):
    offer = forms.IntegerField(label=_("Angebot"))
    reason = forms.CharField(label=_("Begründung des Zuschlags"), widget=forms.Textarea(attrs={"rows": 3}))
