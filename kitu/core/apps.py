from django import forms
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kitu.core"
    label = "core"
    verbose_name = "Kern"

    def ready(self) -> None:
        # Form messages that say what to do (UX.md), for every form of the platform; the error summary
        # names the field in front of each.
        forms.Field.default_error_messages["required"] = _("Bitte füllen Sie dieses Feld aus.")
        forms.DateField.default_error_messages["invalid"] = _("Geben Sie das Datum im Format TT.MM.JJJJ ein.")
        forms.DecimalField.default_error_messages["invalid"] = _("Geben Sie einen Betrag ein, z. B. 1.234,50.")
        forms.IntegerField.default_error_messages["invalid"] = _("Geben Sie eine ganze Zahl ein, z. B. 12.")
        forms.EmailField.default_error_messages["invalid"] = _(
            "Geben Sie eine E-Mail-Adresse ein, z. B. name@beispiel.de."
        )
