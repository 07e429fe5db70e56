"""Forms of the service desk's pages (the services check everything again)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind, Level, Priority, Status

EMPTY = [("", _("– bitte wählen –"))]


class TicketForm(forms.Form):
    subject = forms.CharField(label=_("Betreff"), max_length=200)
    description = forms.CharField(
        label=_("Beschreibung"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
        help_text=_("Was ist passiert, seit wann, wer ist betroffen? Fehlermeldungen bitte wörtlich."),
    )
    kind = forms.ChoiceField(label=_("Art"), choices=EMPTY + list(Kind.choices))
    service_id = forms.TypedChoiceField(label=_("Leistung (optional)"), coerce=int, required=False, empty_value=None)
    procedure_id = forms.TypedChoiceField(
        label=_("Fachverfahren (optional)"), coerce=int, required=False, empty_value=None
    )
    asset_id = forms.TypedChoiceField(label=_("Gerät (optional)"), coerce=int, required=False, empty_value=None)
    impact = forms.ChoiceField(
        label=_("Auswirkung"),
        choices=EMPTY + list(Level.choices),
        help_text=_("hoch: viele Beschäftigte oder Bürgerinnen und Bürger betroffen; niedrig: eine Person"),
    )
    urgency = forms.ChoiceField(
        label=_("Dringlichkeit"),
        choices=EMPTY + list(Level.choices),
        help_text=_("hoch: die Arbeit steht still; niedrig: es gibt einen Umweg"),
    )
    file = forms.FileField(
        label=_("Anlage (optional)"), required=False, help_text=_("PDF, Office-Dokument oder Bild, höchstens 10 MB")
    )

    def __init__(
        self, *args: Any, services: list[Any], procedures: list[Any], assets: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        none = [("", _("– keine Angabe –"))]
        cast(forms.ChoiceField, self.fields["service_id"]).choices = none + [(s.pk, s.name) for s in services]
        cast(forms.ChoiceField, self.fields["procedure_id"]).choices = none + [(p.pk, str(p)) for p in procedures]
        cast(forms.ChoiceField, self.fields["asset_id"]).choices = none + [(a.pk, str(a)) for a in assets]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Nachricht"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20_000, required=False
    )
    canned = forms.TypedChoiceField(label=_("Textbaustein (optional)"), coerce=int, required=False, empty_value=None)
    internal = forms.BooleanField(label=_("interne Notiz (nur für den Servicedesk sichtbar)"), required=False)
    file = forms.FileField(label=_("Anlage (optional)"), required=False)

    def __init__(self, *args: Any, canned: list[Any] | None = None, staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if staff:
            cast(forms.ChoiceField, self.fields["canned"]).choices = [("", _("– keiner –"))] + [
                (c.pk, c.title) for c in canned or []
            ]
        else:
            del self.fields["canned"], self.fields["internal"]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Neuer Status"), choices=[c for c in Status.choices if c[0] != Status.MERGED])
    note = forms.CharField(label=_("Vermerk (optional)"), max_length=300, required=False)


class AssignForm(forms.Form):
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    assignee = forms.TypedChoiceField(label=_("Bearbeitung"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, teams: list[Any], staff: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["team"]).choices = [("", _("– kein Team –"))] + [
            (t.pk, t.name) for t in teams
        ]
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [("", _("– niemand –"))] + [
            (u.pk, u.full_name or u.email) for u in staff
        ]


class TimeForm(forms.Form):
    minutes = forms.IntegerField(label=_("Minuten"), min_value=1, max_value=24 * 60)
    worked_on = forms.DateField(label=_("Datum"), input_formats=["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"])
    billable = forms.BooleanField(label=_("abrechenbar (Unterstützungsvertrag)"), required=False, initial=True)
    note = forms.CharField(label=_("Tätigkeit (optional)"), max_length=200, required=False)


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Ticketnummer, in die zusammengeführt wird"), max_length=20, help_text=_("z. B. T-2026-000123")
    )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Wie zufrieden sind Sie mit der Lösung?"),
        coerce=int,
        choices=[
            (5, _("sehr zufrieden")),
            (4, _("zufrieden")),
            (3, _("teils")),
            (2, _("unzufrieden")),
            (1, _("sehr unzufrieden")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anmerkung (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class QueueForm(forms.Form):
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("alle offenen")), *Status.choices])
    priority = forms.TypedChoiceField(
        label=_("Priorität"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _("alle")), *Priority.choices],
    )

    def __init__(self, *args: Any, teams: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["team"]).choices = [("", _("alle Teams"))] + [(t.pk, t.name) for t in teams]
