"""The public form of joining online (the template adds the honeypot field ``website``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kitu.core.forms import DATE_INPUT
from kitu.core.numbers import format_number

from . import rules
from .models import MemberType


class JoiningForm(forms.Form):
    name = forms.CharField(label=_("Name der Organisation"), max_length=200, help_text=_("z. B. „Stadt Quedlinburg“"))
    member_type = forms.ChoiceField(label=_("Art"), choices=[("", _("Bitte wählen")), *MemberType.choices])
    leitweg_id = forms.CharField(
        label=_("Leitweg-ID"),
        max_length=46,
        help_text=_("für elektronische Rechnungen, z. B. 15085000-0001-12"),
    )
    street = forms.CharField(label=_("Straße und Hausnummer"), max_length=120)
    postcode = forms.CharField(label=_("PLZ"), max_length=5)
    city = forms.CharField(label=_("Ort"), max_length=80)
    shares = forms.IntegerField(
        label=_("Zahl der Geschäftsanteile"),
        initial=1,
        min_value=rules.MIN_SHARES,
    )
    council_resolution_date = forms.DateField(
        label=_("Datum des Ratsbeschlusses"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Pflicht für Städte, Gemeinden, Verbandsgemeinden, Landkreise und Zweckverbände."),
    )
    council_resolution = forms.FileField(
        label=_("Ratsbeschluss (PDF, höchstens 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    contact_name = forms.CharField(
        label=_("Ihr Name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    contact_function = forms.CharField(
        label=_("Ihre Funktion"), max_length=120, required=False, help_text=_("z. B. Bürgermeisterin, Hauptamt")
    )
    contact_email = forms.EmailField(
        label=_("Ihre dienstliche E-Mail-Adresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Sie erhalten einen Link zur Bestätigung; nach der Zulassung wird sie Ihr Zugang."),
    )
    contact_phone = forms.CharField(
        label=_("Telefon"), max_length=40, required=False, widget=forms.TextInput(attrs={"autocomplete": "tel"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shares = self.fields["shares"]
        assert isinstance(shares, forms.IntegerField)
        shares.widget.attrs["max"] = str(rules.max_shares())
        shares.help_text = gettext("nach der Satzung %(low)s bis %(high)s Anteile zu je %(value)s EUR") % {
            "low": rules.MIN_SHARES,
            "high": rules.max_shares(),
            "value": format_number(rules.share_value(), 2),
        }
