"""Forms of the in-house award pages (§ 108 GWB)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kitu.core.forms import DATE_INPUT, EuroField, select_all_field, take_all
from kitu.members.models import Member

from .models import ControlKind, InHouseEntity, Supplier

CAPITAL_CHOICES = [
    ("", _("noch nicht geprüft")),
    ("yes", _("Ja: keine direkte private Kapitalbeteiligung")),
    ("no", _("Nein: privates Kapital ist direkt beteiligt")),
]
CAPITAL_VALUES = {"": None, "yes": True, "no": False}


def capital_initial(value: bool | None) -> str:
    return {None: "", True: "yes", False: "no"}[value]


def _members() -> Any:
    return Member.objects.with_name().filter(joined_on__isnull=False).order_by("organisation__name")


class EntityForm(forms.Form):
    supplier = forms.ModelChoiceField(
        label=_("Einrichtung (Lieferant)"),
        queryset=Supplier.objects.none(),
        help_text=_("Die kontrollierte Einrichtung muss zuerst als Lieferant angelegt sein."),
    )
    control_kind = forms.ChoiceField(
        label=_("Art der Kontrolle"), choices=ControlKind.choices, widget=forms.RadioSelect
    )
    controlling_members = forms.ModelMultipleChoiceField(
        label=_("kontrollierende Mitglieder (nur bei gemeinsamer Kontrolle)"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    control_confirmed = forms.BooleanField(label=_("Das Kontrollkriterium ist erfüllt"), required=False)
    control_note = forms.CharField(
        label=_("Begründung der Kontrolle"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Ausschlaggebender Einfluss auf die strategischen Ziele und wesentlichen Entscheidungen, z. B. durch "
            "Gesellschaftsvertrag, Weisungsrechte, Besetzung der Organe; bei gemeinsamer Kontrolle die "
            "Voraussetzungen des § 108 Abs. 5 GWB."
        ),
    )
    private_capital_free = forms.ChoiceField(
        label=_("Keine direkte private Kapitalbeteiligung?"), choices=CAPITAL_CHOICES, required=False
    )
    capital_note = forms.CharField(
        label=_("Begründung zur Kapitalbeteiligung"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, entity: InHouseEntity | None = None, suppliers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if entity is not None:
            del self.fields["supplier"]
        else:
            field = self.fields["supplier"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = suppliers
        members = self.fields["controlling_members"]
        assert isinstance(members, forms.ModelMultipleChoiceField)
        members.queryset = _members()

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["private_capital_free"] = CAPITAL_VALUES[data["private_capital_free"]]
        data["controlling_members"] = list(data["controlling_members"])
        return data


class TurnoverForm(forms.Form):
    year = forms.IntegerField(label=_("Geschäftsjahr"), min_value=1990, max_value=2100)
    controlling_turnover = EuroField(
        label=_("Umsatz mit den kontrollierenden Auftraggebern (EUR)"), min_value=0, max_digits=14
    )
    total_turnover = EuroField(label=_("Gesamtumsatz (EUR)"), min_value=0, max_digits=14)
    is_projection = forms.BooleanField(label=_("Prognose statt Ist-Zahlen"), required=False)
    note = forms.CharField(
        label=_("Quelle oder Begründung"),
        max_length=300,
        required=False,
        help_text=_(
            "z. B. Jahresabschluss 2025. Eine Prognose nur, wenn für die drei Jahre vor der Vergabe keine "
            "aussagekräftigen Ist-Zahlen vorliegen; dann ist ihre Grundlage Pflicht (z. B. Wirtschaftsplan)."
        ),
    )

    prefix = "umsatz"


class AwardForm(forms.Form):
    entity = forms.ModelChoiceField(label=_("Einrichtung"), queryset=InHouseEntity.objects.none())
    number = forms.CharField(label=_("Vertragsnummer"), max_length=40, help_text=_("z. B. IH-2027-01"))
    subject = forms.CharField(label=_("Gegenstand"), max_length=200)
    description = forms.CharField(label=_("Beschreibung"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    value = EuroField(label=_("Auftragswert (EUR, netto)"), min_value=0, max_digits=14)
    starts_on = forms.DateField(label=_("Laufzeit von"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Laufzeit bis"), widget=DATE_INPUT)
    members_all = select_all_field(_("alle Mitglieder versorgen"))
    members = forms.ModelMultipleChoiceField(
        label=_("versorgte Mitglieder"),
        queryset=Member.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Sie rufen aus dem Vertrag ab wie aus einem Rahmenvertrag."),
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["entity"]
        else:
            entity = self.fields["entity"]
            assert isinstance(entity, forms.ModelChoiceField)
            entity.queryset = InHouseEntity.objects.select_related("supplier__organisation")
        members = self.fields["members"]
        assert isinstance(members, forms.ModelMultipleChoiceField)
        members.queryset = _members()

    def clean(self) -> dict[str, Any]:
        super().clean()
        take_all(self, "members")
        if "members" not in self.cleaned_data and not self.errors.get("members"):
            self.add_error("members", _("Bitte mindestens ein versorgtes Mitglied wählen."))
        return self.cleaned_data


class DecideForm(forms.Form):
    warning_acknowledged = forms.BooleanField(
        label=_("Ich habe zur Kenntnis genommen, dass die Tätigkeitsquote unter 85 % liegt."), required=False
    )


class InHouseDocumentForm(forms.Form):
    title = forms.CharField(label=_("Titel"), max_length=200, required=False)
    file = forms.FileField(label=_("Datei"), help_text=_("PDF, ODT, ODS, DOCX, XLSX, PNG oder JPEG, höchstens 20 MB"))
