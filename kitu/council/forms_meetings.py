"""Forms of the council office's meeting pages: the meeting, agenda items, invitation, attendance, results
and the minutes. They parse input only; the rules are in services/meetings/."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kitu.core.schemas import MAX_ID

from .models import (
    AgendaResult,
    Attendance,
    AttendanceStatus,
    Body,
    Location,
    Organization,
    Paper,
    Person,
    VoteChoice,
)


def _valid_id(value: Any) -> bool:
    text = str(value).strip()
    return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID


class IdChoiceField(forms.ModelChoiceField):
    """A choice by id that refuses ids no database row can have (instead of an overflow in the query)."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if not _valid_id(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)) and any(not _valid_id(v) for v in value):
            raise forms.ValidationError(_("Bitte wählen Sie aus der Liste."), code="invalid_choice")
        return super().clean(value)


DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]


class MeetingForm(forms.Form):
    name = forms.CharField(label=_("Bezeichnung"), max_length=200, help_text=_("z. B. 12. Sitzung des Stadtrates"))
    start = forms.DateTimeField(label=_("Beginn"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    end = forms.DateTimeField(label=_("Ende"), widget=DATETIME, input_formats=DATETIME_FORMATS, required=False)
    location = IdChoiceField(label=_("Ort"), queryset=Location.objects.none(), required=False)
    organizations = IdMultipleChoiceField(
        label=_("Gremien"), queryset=Organization.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(body=body, deleted=False)  # type: ignore[attr-defined]
        self.fields["organizations"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            body=body, deleted=False
        ).order_by("name")


class AgendaPaperForm(forms.Form):
    paper = IdChoiceField(label=_("Vorlage"), queryset=Paper.objects.none(), empty_label=_("Bitte wählen"))
    name = forms.CharField(
        label=_("Gegenstand"), max_length=500, required=False, help_text=_("leer: der Betreff der Vorlage")
    )
    public = forms.BooleanField(label=_("öffentlich beraten"), required=False, initial=True)

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["paper"]
        field.queryset = Paper.objects.filter(body=body, deleted=False).order_by("-date", "-reference")  # type: ignore[attr-defined]
        field.label_from_instance = lambda p: f"{p.reference} – {p.name}"  # type: ignore[attr-defined]


class AgendaFreeForm(forms.Form):
    name = forms.CharField(label=_("Gegenstand"), max_length=500, help_text=_("z. B. Einwohnerfragestunde"))
    public = forms.BooleanField(label=_("öffentlich beraten"), required=False, initial=True)


class AgendaItemForm(forms.Form):
    name = forms.CharField(label=_("Gegenstand"), max_length=500)
    public = forms.BooleanField(label=_("öffentlich beraten"), required=False)


class InviteForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund der verkürzten Ladung"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Er wird vermerkt und in der Einladung genannt."),
        error_messages={"required": _("Geben Sie den Grund an: die Ladungsfrist ist unterschritten.")},
    )


ATTENDANCE_CHOICES = [("", _("nicht erfasst")), *AttendanceStatus.choices]


class AttendanceForm(forms.Form):
    """One choice per invited person (``person_<id>``)."""

    def __init__(self, *args: Any, rows: list[Attendance], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"person_{row.person_id}"] = forms.ChoiceField(
                label=row.person.name, choices=ATTENDANCE_CHOICES, required=False, initial=row.status
            )

    def statuses(self) -> dict[int, str]:
        return {row.person_id: self.cleaned_data[f"person_{row.person_id}"] for row in self.rows}


VOTE_CHOICES = [("", _("keine Stimme erfasst")), *VoteChoice.choices]


class ResultForm(forms.Form):
    result = forms.ChoiceField(label=_("Ergebnis"), choices=[("", _("Bitte wählen")), *AgendaResult.choices])
    resolution_text = forms.CharField(
        label=_("Beschlusstext"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    votes_yes = forms.IntegerField(label=_("Ja-Stimmen"), min_value=0, max_value=10000, required=False)
    votes_no = forms.IntegerField(label=_("Nein-Stimmen"), min_value=0, max_value=10000, required=False)
    votes_abstain = forms.IntegerField(label=_("Enthaltungen"), min_value=0, max_value=10000, required=False)
    named_vote = forms.BooleanField(
        label=_("namentliche Abstimmung (es zählen die Stimmen je Person unten)"), required=False
    )
    resolution_file = forms.FileField(label=_("Beschluss als Datei"), required=False)

    def __init__(self, *args: Any, voters: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.voters = voters
        for person in voters:
            self.fields[f"vote_{person.pk}"] = forms.ChoiceField(
                label=person.name, choices=VOTE_CHOICES, required=False
            )

    def named_votes(self) -> dict[int, str] | None:
        if not self.cleaned_data.get("named_vote"):
            return None
        return {p.pk: self.cleaned_data[f"vote_{p.pk}"] for p in self.voters if self.cleaned_data[f"vote_{p.pk}"]}

    def vote_fields(self) -> list[Any]:
        return [self[f"vote_{p.pk}"] for p in self.voters]

    def main_fields(self) -> list[Any]:
        return [self[name] for name in ("result", "resolution_text", "votes_yes", "votes_no", "votes_abstain")]


class MinutesForm(forms.Form):
    file = forms.FileField(label=_("Ergebnisprotokoll (PDF)"))
