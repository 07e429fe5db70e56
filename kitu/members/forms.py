from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kitu.core.forms import DATE_INPUT

from .models import Contact, CostCentre, EventKind, LeitwegId, Member, MemberType, Site
from .pickers import MemberChoicePickerField, Scope, scoped


class MemberSearchForm(forms.Form):
    q = forms.CharField(label=_("Suche"), required=False, help_text=_("Name, Ort, Nummer oder AGS"))
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("alle")),
            ("active", _("Mitglieder")),
            ("leaving", _("Ausscheiden steht fest")),
            ("applicant", _("Anträge")),
            ("exited", _("ausgeschieden")),
        ],
    )
    member_type = forms.ChoiceField(label=_("Art"), required=False, choices=[("", _("alle")), *MemberType.choices])


class MasterDataForm(forms.Form):
    name = forms.CharField(label=_("Name (Firma)"), max_length=200)
    member_type = forms.ChoiceField(label=_("Art"), choices=MemberType.choices)
    street = forms.CharField(label=_("Straße und Hausnummer"), max_length=120)
    postcode = forms.CharField(label=_("PLZ"), max_length=5)
    city = forms.CharField(label=_("Ort"), max_length=80)
    ags = forms.CharField(label=_("Amtlicher Gemeindeschlüssel"), max_length=12, required=False)
    vat_id = forms.CharField(label=_("USt-IdNr."), max_length=11, required=False)
    invoice_email = forms.EmailField(label=_("E-Mail für Rechnungen"), required=False)
    phone = forms.CharField(label=_("Telefon"), max_length=40, required=False)


class ApplicationForm(MasterDataForm):
    application_date = forms.DateField(
        label=_("Eingang der Beitrittserklärung"), widget=DATE_INPUT, initial=dt.date.today
    )
    council_resolution_date = forms.DateField(
        label=_("Datum des Ratsbeschlusses"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Pflicht für Städte, Gemeinden, Verbandsgemeinden, Landkreise und Zweckverbände."),
    )
    document = forms.FileField(label=_("Beitrittserklärung / Ratsbeschluss (PDF)"), required=False)
    note = forms.CharField(label=_("Bemerkung"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MemberEditForm(MasterDataForm):
    """Master data; only the fields the acting user may change are kept."""

    website = forms.URLField(label=_("Internetseite"), required=False, assume_scheme="https")

    def __init__(self, *args: Any, allowed: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in allowed:
                del self.fields[name]


class EventForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Vorgang"),
        choices=[
            (k, label)
            for k, label in EventKind.choices
            if k not in (EventKind.APPLICATION, EventKind.SHARES_SUBSCRIBED)
        ],
    )
    effective_date = forms.DateField(
        label=_("wirksam am / eingegangen am"),
        widget=DATE_INPUT,
        initial=dt.date.today,
        help_text=_("Bei einer Kündigung das Eingangsdatum; das Ausscheiden wird nach § 65 GenG berechnet."),
    )
    share_delta = forms.IntegerField(
        label=_("Zahl der Anteile"),
        required=False,
        min_value=1,
        max_value=10000,
        help_text=_("Bei Zulassung, Beteiligung mit weiteren Anteilen und Kündigung einzelner Anteile."),
    )
    amount = forms.DecimalField(
        label=_("Betrag in EUR"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("Bei Einzahlung und Auszahlung des Auseinandersetzungsguthabens."),
    )
    member_number = forms.IntegerField(
        label=_("Mitgliedsnummer"),
        required=False,
        min_value=1,
        help_text=_(
            "Nur bei Zulassung und nur zur Übernahme historischer Daten; sonst wird die nächste freie Nummer vergeben."
        ),
    )
    successor = MemberChoicePickerField(
        label=_("Rechtsnachfolger"),
        required=False,
        queryset=Member.objects.none(),
        help_text=_("Nur bei Gesamtrechtsnachfolge: Name, Ort oder Mitgliedsnummer eingeben."),
    )
    document = forms.FileField(label=_("Dokument"), required=False)
    note = forms.CharField(label=_("Bemerkung"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["successor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = scoped(Scope.ADMITTED).exclude(pk=member.pk)


class OrderSettingsForm(forms.Form):
    """Order settings of a member, set by its admins."""

    default_site = forms.ModelChoiceField(
        label=_("Standard-Lieferort"),
        queryset=Site.objects.none(),
        required=False,
        empty_label=_("– keiner –"),
        help_text=_("Ist in jedem Warenkorb vorausgewählt; die Bestellenden können einen anderen Standort wählen."),
    )
    cost_centre_required = forms.BooleanField(
        label=_("Kostenstelle bei Bestellungen erforderlich"),
        required=False,
        help_text=_("Ohne Kostenstelle kann dann nicht bestellt werden."),
    )

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["default_site"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = member.sites.all()
        field.label_from_instance = lambda site: f"{site.name} ({site.street}, {site.postcode} {site.city})"  # type: ignore[method-assign,assignment]


class RegisterForm(forms.Form):
    as_of = forms.DateField(label=_("Stand"), widget=DATE_INPUT, required=False)
    include_former = forms.BooleanField(label=_("ausgeschiedene Mitglieder einbeziehen"), required=False)


SUBRECORD_FORMS: dict[str, tuple[type[forms.ModelForm[Any]], Any, Any]] = {}


def _model_form(model: type, fields: tuple[str, ...]) -> type[forms.ModelForm[Any]]:
    return forms.modelform_factory(model, fields=fields)


for _slug, _model, _fields, _singular, _plural in (
    ("ansprechpersonen", Contact, ("name", "function", "email", "phone"), _("Ansprechperson"), _("Ansprechpersonen")),
    ("standorte", Site, ("name", "street", "postcode", "city"), _("Standort"), _("Standorte")),
    ("kostenstellen", CostCentre, ("code", "name", "is_active"), _("Kostenstelle"), _("Kostenstellen")),
    ("leitweg-ids", LeitwegId, ("value", "description", "is_default"), _("Leitweg-ID"), _("Leitweg-IDs")),
):
    SUBRECORD_FORMS[_slug] = (_model_form(_model, _fields), _singular, _plural)
