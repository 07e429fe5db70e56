from __future__ import annotations

from django import template

from kitu.assets.lifecycle import PlanYear

register = template.Library()


@register.simple_tag
def plan_count(year: PlanYear, code: str) -> int:
    return year.counts.get(code, 0)
