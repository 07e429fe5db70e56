"""Template helpers: KERN form widgets, German money, numbers and units, ECLASS names, status badges."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.forms import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString

from kitu.core import charts, eclass, status, units
from kitu.core.money import format_eur
from kitu.core.numbers import format_number, format_seconds

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


@register.filter
def num(value: Decimal | int | float | None, places: int | None = None) -> str:
    """German number: ``{{ 33130|num }}`` → "33.130", ``{{ x|num:2 }}`` → "1.234,50"; None → ""."""
    if value is None or value == "":
        return ""
    return format_number(value, None if places is None else int(places))


@register.filter
def unit(value: Decimal | int | float | None, code: str) -> str:
    """A quantity with its unit as a word: ``{{ qty|unit:"C62" }}`` → "3 Stück", "1 Monat"."""
    if value is None or value == "":
        return ""
    return units.quantity(value, code)


@register.filter
def unit_name(code: str, quantity: Decimal | int | float | None = 1) -> str:
    """The word alone: ``{{ "MON"|unit_name }}`` → "Monat", ``{{ "MON"|unit_name:3 }}`` → "Monate"."""
    return units.name(code, quantity)


@register.filter
def counted(value: Decimal | int | float | None, noun: str) -> str:
    """A number with a noun in the right number: ``{{ 55|counted:"Arbeitsplatz" }}`` → "55 Arbeitsplätze"."""
    if value is None or value == "":
        return ""
    return units.counted(value, noun)


@register.filter
def seconds(value: float | None) -> str:
    """A duration rounded for people: "0,1 s"."""
    return "" if value is None else format_seconds(float(value))


@register.filter(name="eclass")
def eclass_html(code: str) -> SafeString | str:
    """``Notebook <small>(ECLASS 19-03-01-04)</small>``; an unknown class: its code in the same notation."""
    if not (code or "").strip():
        return ""
    known = eclass.name(code)
    if not known:
        return format_html('<span class="kitu-code">ECLASS {}</span>', eclass.notation(code))
    return format_html('{} <span class="kitu-code">(ECLASS {})</span>', known, eclass.notation(code))


@register.filter
def eclass_label(code: str) -> str:
    """Plain text: "Notebook (ECLASS 19-03-01-04)"."""
    return eclass.label(code)


@register.simple_tag
def status_badge(kind: str, code: str, label: str | None = None, small: bool = False) -> SafeString:
    """A KERN badge with the status in words, coloured by its tone: ``{% status_badge "order" o.status %}``.
    ``label`` replaces the words where a page knows better ones."""
    found = status.status_of(kind, code)
    css = status.badge_class(found.tone) + (" kern-badge--small" if small else "")
    return format_html(
        '<span class="{}" data-status="{}"><span class="kern-label">{}</span></span>',
        css,
        code,
        label if label else found.label,
    )
