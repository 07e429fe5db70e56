from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kitu.accounts.models import User

from .models import AssemblyMode, Body, BodyFunction, Choice, DocumentKind, Procedure
from .rules import Majority


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("Ihre Stimme"), choices=Choice.choices, widget=forms.RadioSelect)
    member = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    receipt = forms.CharField(label=_("Quittung (nur zum Ändern einer geheimen Stimme)"), required=False, max_length=64)


class ReceiptForm(forms.Form):
    receipt = forms.CharField(label=_("Quittung"), max_length=64)


class RepresentativeForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())
    authority = forms.FileField(label=_("Vollmacht (PDF)"))

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users  # type: ignore[attr-defined]


class ProxyForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    holder = forms.ModelChoiceField(
        label=_("Bevollmächtigte Person (Vertretung eines anderen Mitglieds)"), queryset=User.objects.none()
    )

    def __init__(self, *args: Any, holders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = holders  # type: ignore[attr-defined]


class MinutesForm(forms.Form):
    file = forms.FileField(label=_("Protokoll, vom Versammlungsleiter unterschrieben (PDF)"))
    signed_by = forms.CharField(label=_("unterschrieben von"), max_length=150)


class AssemblyForm(forms.Form):
    title = forms.CharField(label=_("Bezeichnung"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Beginn"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    mode = forms.ChoiceField(label=_("Form"), choices=AssemblyMode.choices)
    place = forms.CharField(label=_("Ort"), max_length=200, required=False)
    online_url = forms.URLField(label=_("Zugang (online)"), required=False, assume_scheme="https")
    chair = forms.CharField(label=_("Versammlungsleitung"), max_length=150, required=False)


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Tagesordnungspunkt"), max_length=300)


class DocumentForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    kind = forms.ChoiceField(label=_("Art der Unterlage"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("Datei (PDF)"))


class ResolutionForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    title = forms.CharField(label=_("Beschlussgegenstand"), max_length=300)
    rule = forms.ChoiceField(
        label=_("Mehrheit"),
        choices=[
            (Majority.SIMPLE.value, _("einfache Mehrheit")),
            (Majority.THREE_QUARTERS.value, _("drei Viertel (Satzungsänderung)")),
        ],
    )
    procedure = forms.ChoiceField(label=_("Verfahren"), choices=Procedure.choices)
    secret = forms.BooleanField(label=_("geheime Abstimmung"), required=False)


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label=_("Suche"), required=False, max_length=100)
    body = forms.ChoiceField(label=_("Organ"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [("", _("alle Organe")), *Body.choices]  # type: ignore[attr-defined]


class AgendaItemEditForm(forms.Form):
    title = forms.CharField(label=_("Tagesordnungspunkt"), max_length=300)
    description = forms.CharField(label=_("Erläuterung"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund der Absage (steht in der Mail an die Vertretungen)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BodyMemberForm(forms.Form):
    body = forms.ChoiceField(label=_("Organ"), choices=[c for c in Body.choices if c[0] != Body.ASSEMBLY])
    full_name = forms.CharField(label=_("Name"), max_length=150)
    function = forms.ChoiceField(label=_("Funktion"), choices=BodyFunction.choices)
    affiliation = forms.CharField(label=_("Mitglied / Herkunft"), max_length=200, required=False)
    term_start = forms.DateField(label=_("Amtszeit ab"), widget=forms.DateInput(attrs={"type": "date"}))
    term_end = forms.DateField(
        label=_("Amtszeit bis (leer: offen)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_person_%s")  # one page with the resolution form: ids stay unique
        super().__init__(*args, **kwargs)


class TermEndForm(forms.Form):
    term_end = forms.DateField(label=_("Amtszeit endet am"), widget=forms.DateInput(attrs={"type": "date"}))


class BodyResolutionForm(forms.Form):
    body = forms.ChoiceField(label=_("Organ"), choices=[c for c in Body.choices if c[0] != Body.ASSEMBLY])
    title = forms.CharField(label=_("Beschlussgegenstand"), max_length=300)
    decided_on = forms.DateField(label=_("Datum der Sitzung"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("Wortlaut"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    rule = forms.ChoiceField(
        label=_("Mehrheit"),
        choices=[
            (Majority.SIMPLE.value, _("einfache Mehrheit")),
            (Majority.THREE_QUARTERS.value, _("drei Viertel")),
        ],
    )
    yes = forms.IntegerField(label=_("Ja-Stimmen"), min_value=0, max_value=1000)
    no = forms.IntegerField(label=_("Nein-Stimmen"), min_value=0, max_value=1000)
    abstain = forms.IntegerField(label=_("Enthaltungen"), min_value=0, max_value=1000)
    document = forms.FileField(label=_("unterschriebener Beschluss (PDF, freiwillig)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_resolution_%s")
        super().__init__(*args, **kwargs)
