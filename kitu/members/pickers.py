"""Member pickers: search-as-you-type instead of a <select> or checkboxes listing every member.

``MemberPickerField`` (several members) and ``MemberChoicePickerField`` (one member) validate like Django's
model choice fields against their queryset, but the widget renders only the chosen members plus a search box
that asks ``members:picker`` (htmx) for at most ``PICKER_LIMIT`` matches. The page cost does not grow with
the register: one query for the chosen members' names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from .models import Member, MemberQuerySet

PICKER_LIMIT = 20
SEARCH_SUFFIX = "__suche"


class Scope:
    ADMITTED = "zugelassen"  # every member that was ever admitted (joined_on set)
    CURRENT = "aktuell"  # admitted and not left


def scoped(scope: str) -> MemberQuerySet:
    qs = Member.objects.with_name().filter(joined_on__isnull=False)
    return qs.filter(left_on__isnull=True) if scope == Scope.CURRENT else qs


def search(qs: MemberQuerySet, text: str) -> MemberQuerySet:
    """Name, place or member number; every word must match."""
    for word in text.split()[:5]:
        cond = Q(organisation__name__icontains=word) | Q(city__icontains=word)
        if word.isdigit() and len(word) < 10:
            cond |= Q(member_number=int(word))
        qs = qs.filter(cond)
    return qs


def _ids(value: Any) -> list[int]:
    values = value if isinstance(value, list | tuple) else [value]
    out = []
    for item in values:
        pk = getattr(item, "pk", item)
        if isinstance(pk, int) or (isinstance(pk, str) and pk.isdigit()):
            out.append(int(pk))
    return out


class MemberPicker(forms.Widget):
    template_name = "members/widgets/member_picker.html"

    def __init__(
        self,
        *,
        multiple: bool,
        scope: str = Scope.ADMITTED,
        attrs: dict[str, Any] | None = None,
        none_label: Any = None,
    ):
        super().__init__(attrs)
        self.multiple = multiple
        self.scope = scope
        self.none_label = none_label or _("keines")  # the choice of no member (one member, not required)
        self.choices: Any = ()

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> Any:
        if self.multiple:
            return data.getlist(name) if isinstance(data, MultiValueDict) else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data: Mapping[str, Any], files: Any, name: str) -> bool:
        return False  # unticking every box sends nothing, which is a value

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        ids = _ids(value)
        queryset = getattr(self.choices, "queryset", None)
        chosen = (
            list(queryset.filter(pk__in=ids).order_by("organisation__name")) if queryset is not None and ids else []
        )
        context["widget"].update(
            {
                "multiple": self.multiple,
                "scope": self.scope,
                "chosen": chosen,
                "search_name": name + SEARCH_SUFFIX,
                "none_label": self.none_label,
            }
        )
        return context


class MemberPickerField(forms.ModelMultipleChoiceField):
    """Several members, picked by search."""

    def __init__(self, *, scope: str = Scope.ADMITTED, queryset: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(
            queryset=scoped(scope) if queryset is None else queryset,
            widget=MemberPicker(multiple=True, scope=scope),
            **kwargs,
        )


class MemberChoicePickerField(forms.ModelChoiceField):
    """One member, picked by search; ``none_label`` names the choice of none (default "keines"; a filter
    says "alle")."""

    def __init__(
        self, *, scope: str = Scope.ADMITTED, queryset: Any = None, none_label: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(
            queryset=scoped(scope) if queryset is None else queryset,
            widget=MemberPicker(multiple=False, scope=scope, none_label=none_label),
            empty_label=_("– keines –"),
            **kwargs,
        )
