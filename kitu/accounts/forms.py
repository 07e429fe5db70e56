from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from kitu.core.forms import DATE_INPUT

from .models import Organisation
from .roles import ROLES_BY_KIND, Role


def normalise_login(value: object) -> str:
    """The one spelling of a login name: e-mail addresses are matched case-insensitively, so the throttle
    (django-axes, ``AXES_USERNAME_CALLABLE``) and the login both see them stripped and in lower case."""
    return str(value or "").strip().lower()


def axes_username(request: object, credentials: dict[str, object] | None = None) -> str:
    if credentials and "username" in credentials:
        return normalise_login(credentials["username"])
    post = getattr(request, "POST", None)
    return normalise_login(post.get("username") if post is not None else "")


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-Mail-Adresse"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )

    def clean_username(self) -> str:
        return normalise_login(self.cleaned_data.get("username"))

    error_messages = {
        "invalid_login": _("E-Mail-Adresse oder Passwort sind falsch."),
        "inactive": _("Dieses Konto ist deaktiviert."),
    }


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Sicherheitscode aus der Authenticator-App"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}),
    )


class TaskDigestForm(forms.Form):
    task_digest = forms.BooleanField(
        label=_("Tägliche Zusammenfassung meiner Aufgaben per E-Mail"),
        required=False,
        help_text=_("Jeden Morgen eine E-Mail mit Ihren offenen Aufgaben – nur an Tagen, an denen welche warten."),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Bezeichnung"), max_length=100, help_text=_("Wofür wird das Token benutzt?"))


class OrganisationUserForm(forms.Form):
    email = forms.EmailField(label=_("E-Mail-Adresse"))
    full_name = forms.CharField(label=_("Name"), max_length=150)
    roles = forms.MultipleChoiceField(label=_("Rollen"), widget=forms.CheckboxSelectMultiple, choices=())

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = ROLES_BY_KIND[organisation.kind]
        field = self.fields["roles"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(r, Role(r).label) for r in allowed]


class AuditFilterForm(forms.Form):
    object_type = forms.ChoiceField(label=_("Objektart"), required=False)
    actor_email = forms.CharField(label=_("Person (E-Mail)"), required=False)
    object_id = forms.CharField(label=_("Objekt-ID"), required=False)
    date_from = forms.DateField(label=_("von"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=_("bis"), required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, object_types: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["object_type"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("alle")), *((t, t) for t in object_types)]
