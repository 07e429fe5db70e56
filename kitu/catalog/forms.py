from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Suchbegriff"), required=False, help_text=_("Beschreibung, Artikelnummer, EAN oder Hersteller")
    )
    sort = forms.ChoiceField(
        label=_("Sortierung"),
        required=False,
        choices=[
            ("relevance", _("Relevanz")),
            ("price_asc", _("Preis aufsteigend")),
            ("price_desc", _("Preis absteigend")),
        ],
    )
    price_min = forms.DecimalField(label=_("Preis ab (EUR)"), required=False, min_value=0, decimal_places=2)
    price_max = forms.DecimalField(label=_("Preis bis (EUR)"), required=False, min_value=0, decimal_places=2)
    contract = forms.IntegerField(required=False, widget=forms.HiddenInput)
    supplier = forms.IntegerField(required=False, widget=forms.HiddenInput)
    manufacturer = forms.CharField(required=False, widget=forms.HiddenInput)
    eclass = forms.CharField(required=False, widget=forms.HiddenInput)


class SynonymForm(forms.Form):
    terms = forms.CharField(
        label=_("Begriffe"),
        max_length=600,
        help_text=_(
            "Wörter mit gleicher Bedeutung, durch Komma getrennt, z. B. „Beamer, Projektor“. "
            "Die Suche nach einem davon findet die Artikel aller."
        ),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("BMEcat-Datei (XML oder ZIP mit Bildern)"))
    dry_run = forms.BooleanField(label=_("nur prüfen (Probelauf, ändert nichts)"), required=False)
