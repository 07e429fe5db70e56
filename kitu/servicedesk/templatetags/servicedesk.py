from __future__ import annotations

from django import template

from kitu.servicedesk.models import Priority

register = template.Library()


@register.filter
def ticket_priority(value: int) -> str:
    """1 → "kritisch" (words, not codes)."""
    try:
        return str(Priority(int(value)).label)
    except (TypeError, ValueError):
        return str(value)
