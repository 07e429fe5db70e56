"""Forms of the inbound invoice pages: the supplier's upload, the member's rejection and the inbox filter."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import InvoiceStatus


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("XRechnung (XML-Datei)"),
        help_text=_("UBL-Rechnung, UBL-Gutschrift oder CII-Rechnung nach XRechnung 3.0, höchstens 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        limit = settings.KITU_PAYABLES_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(_("Die Datei ist größer als %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
        data: bytes = upload.read(limit + 1)
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund der Zurückweisung"),
        help_text=_("Der Lieferant erhält ihn per E-Mail."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("alle")), *list(InvoiceStatus.choices)]
    )
