"""Template helpers: KERN form widgets, German money and dates."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from kitu.core import charts
from kitu.core.money import format_eur

register = template.Library()


@register.filter
def kern_widget(field: BoundField) -> SafeString:
    """Render a field's widget with KERN classes and the ids of its hint and error for screen readers."""
    kind = field.widget_type
    css = "kern-form-input__select" if kind == "select" else "kern-form-input__input"
    if field.errors:
        css += f" {css}--error"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs: dict[str, str | bool] = {"class": css}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def eur(value: Decimal | None) -> str:
    return "" if value is None else format_eur(value)


@register.filter
def swatch(index: int) -> int:
    """The legend swatch class number of the ``index``-th series (the chart palette wraps around)."""
    return index % len(charts.PALETTE)
