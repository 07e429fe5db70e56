"""Forms of the mini-competition pages; the rules are in services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kitu.core.forms import DATE_INPUT
from kitu.members.models import Member

from .services import BundleLineInput, LineInput

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


class BundleForm(forms.Form):
    """The office's request for several members: the lines once, then each member's quantities."""

    lot = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Gegenstand"), max_length=200)
    members: forms.ModelMultipleChoiceField[Member] = forms.ModelMultipleChoiceField(
        queryset=Member.objects.none(),
        label=_("Mitglieder der Bündelung"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Mindestens zwei Mitglieder, die aus dem Rahmenvertrag abrufen dürfen."),
    )
    lines = forms.CharField(
        label=_("Positionen"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Eine Position je Zeile: Einheit; Beschreibung – zum Beispiel „Stück; Notebook 14 Zoll“."),
    )
    delivery_date = forms.DateField(
        label=_("Gewünschter Liefertermin"), widget=DATE_INPUT, input_formats=["%Y-%m-%d", "%d.%m.%Y"]
    )
    deadline = forms.DateTimeField(
        label=_("Angebotsfrist (Datum und Uhrzeit)"), widget=DATETIME_INPUT, input_formats=DATETIME_FORMATS
    )
    criteria = RequestForm.base_fields["criteria"]

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members  # type: ignore[attr-defined]
        self.quantity_fields = []
        for member in members:
            name = f"mengen_{member.pk}"
            self.fields[name] = forms.CharField(
                label=_("Mengen für %(member)s") % {"member": member.name},
                required=False,
                max_length=500,
                help_text=_("Je Position eine ganze Zahl, getrennt durch Semikolon, zum Beispiel „6; 0; 2“."),
            )
            self.quantity_fields.append((member, name))

    def clean_lines(self) -> list[tuple[str, str]]:
        parsed = []
        for n, raw in enumerate((r for r in self.cleaned_data["lines"].splitlines() if r.strip()), 1):
            unit, sep, description = (p.strip() for p in raw.partition(";"))
            if not sep or not description:
                raise forms.ValidationError(_("Zeile %(n)s: bitte „Einheit; Beschreibung“ angeben.") % {"n": n})
            parsed.append((unit, description))
        if not parsed:
            raise forms.ValidationError(_("Bitte geben Sie mindestens eine Position an."))
        return parsed

    clean_criteria = RequestForm.clean_criteria

    def bundle_lines(self) -> list[Any] | None:
        """The lines with each chosen member's quantities (after is_valid); None after adding errors."""
        rows = self.cleaned_data["lines"]
        quantities: list[dict[int, int]] = [{} for _row in rows]
        ok = True
        for member, name in self.quantity_fields:
            if member not in self.cleaned_data["members"]:
                continue
            parts = [p.strip() for p in (self.cleaned_data.get(name) or "").split(";")]
            if len(parts) > len(rows) or not all(p.isdigit() or p == "" for p in parts):
                self.add_error(
                    name,
                    _("Bitte höchstens %(n)s ganze Zahlen ab 0 angeben, getrennt durch Semikolon.") % {"n": len(rows)},
                )
                ok = False
                continue
            for i, p in enumerate(parts):
                if p:
                    quantities[i][member.pk] = int(p)
        if not ok:
            return None
        return [
            BundleLineInput(description=d, unit=u, quantities=q) for (u, d), q in zip(rows, quantities, strict=True)
        ]
