from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kitu.accounts.models import User
from kitu.core.forms import DATE_INPUT

from .models import Document, EventKind, Meeting, MinutesItemKind, Visibility, WorkingGroup

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Beschreibung"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    visibility = forms.ChoiceField(
        label=_("Beitritt"), choices=Visibility.choices, widget=forms.RadioSelect, initial=Visibility.OPEN
    )


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Art"), choices=EventKind.choices, widget=forms.RadioSelect)
    group = forms.ModelChoiceField(
        label=_("Arbeitskreis"),
        queryset=WorkingGroup.objects.none(),
        required=False,
        help_text=_("Pflicht für Sitzungen; Schulungen und Veranstaltungen ohne Arbeitskreis sind für alle."),
    )
    title = forms.CharField(label=_("Titel"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Beginn"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Ende"), widget=DATETIME)
    place = forms.CharField(label=_("Ort"), max_length=200, required=False)
    video_url = forms.URLField(label=_("Videokonferenz"), required=False, assume_scheme="https")
    agenda = forms.CharField(
        label=_("Tagesordnung"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Ein Tagesordnungspunkt je Zeile."),
    )
    capacity = forms.IntegerField(label=_("Plätze"), min_value=1, required=False, help_text=_("leer: unbegrenzt"))
    per_member_limit = forms.IntegerField(
        label=_("höchstens je Mitglied"), min_value=1, max_value=100, required=False, help_text=_("leer: unbegrenzt")
    )
    fee = forms.DecimalField(
        label=_("Teilnahmegebühr (EUR, netto)"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        required=False,
        help_text=_("wird nach dem Termin der Organisation der Teilnehmenden berechnet"),
    )

    def __init__(self, *args: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Protokoll"), required=False, widget=forms.Textarea(attrs={"rows": 12}))


class MinutesItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Art"), choices=MinutesItemKind.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(
        label=_("verantwortlich"), queryset=User.objects.none(), required=False, help_text=_("nur bei Aufgaben")
    )
    due_on = forms.DateField(label=_("fällig am"), widget=DATE_INPUT, required=False, help_text=_("nur bei Aufgaben"))

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = User.objects.filter(is_active=True).order_by("full_name", "email")
        if meeting.group_id is not None:
            users = users.filter(group_memberships__group_id=meeting.group_id, group_memberships__status="active")
        else:
            users = users.filter(registrations__meeting=meeting, registrations__status="registered")
        self.fields["owner"].queryset = users  # type: ignore[attr-defined]
        self.fields["owner"].label_from_instance = lambda u: u.full_name or u.email  # type: ignore[attr-defined]


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Datei"), help_text=_("PDF, Office-Dokumente, Bilder, Text oder ZIP; bis 25 MB"))
    document = forms.ModelChoiceField(
        label=_("neue Version von"),
        queryset=Document.objects.none(),
        required=False,
        empty_label=_("– neues Dokument –"),
    )
    title = forms.CharField(label=_("Titel"), max_length=200, required=False, help_text=_("leer: Dateiname"))
    comment = forms.CharField(label=_("Änderung"), max_length=200, required=False)

    def __init__(self, *args: Any, group: WorkingGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = group.documents.all()  # type: ignore[attr-defined]


class NewsForm(forms.Form):
    title = forms.CharField(label=_("Überschrift"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))
    group = forms.ModelChoiceField(
        label=_("nur für den Arbeitskreis"),
        queryset=WorkingGroup.objects.all(),
        required=False,
        empty_label=_("– alle Mitglieder –"),
    )
    published_at = forms.DateTimeField(
        label=_("veröffentlicht am"),
        widget=DATETIME,
        required=False,
        help_text=_("leer: sofort; ein späterer Zeitpunkt plant den Beitrag ein"),
    )


class FeesForm(forms.Form):
    organisation = forms.IntegerField(widget=forms.HiddenInput)
    until = forms.DateField(widget=forms.HiddenInput)
