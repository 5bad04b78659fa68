from __future__ import annotations

from django import template
from django.utils import translation

from aftersale.console.access import is_staff_member

register = template.Library()


@register.filter
def countdown(seconds: int | None) -> str:
    """Remaining time as "H:MM" (or "Nd H:MM"), negative when overdue; console.js keeps it ticking."""
    if seconds is None:
        return ""
    sign = "−" if seconds < 0 else ""
    minutes = abs(int(seconds)) // 60
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    return f"{sign}{days}d {hours}:{minutes:02d}" if days else f"{sign}{hours}:{minutes:02d}"


@register.filter
def filesize(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(size // 1024, 1)} KB"


@register.filter
def staff_member(user) -> bool:
    return is_staff_member(user)


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key)


@register.filter
def category_label(category) -> str:
    return category.label(translation.get_language() or "")
