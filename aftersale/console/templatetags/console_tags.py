from __future__ import annotations

from django import template
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

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


@register.filter
def timeline_rows(items) -> SafeString:
    """The staff timeline's <li> rows. Built here rather than in a template loop: a long case has
    hundreds of rows, and this keeps the case page well inside its time budget."""
    internal_note, internal = gettext("内部备注"), gettext("内部")
    rows = []
    for item in items:
        classes = "tl-item " + ("tl-message" if item.is_message else "tl-event")
        classes += " tl-internal" if item.internal else ""
        classes += " tl-customer" if item.from_customer else ""
        actor = f"{item.actor} · {item.actor_role}" if item.actor_role else item.actor
        tag = (
            format_html(
                '<span class="tag tag-internal">{}</span>', internal_note if item.is_message else internal
            )
            if item.internal
            else ""
        )
        if item.is_message:
            body = format_html('<div class="tl-body prewrap">{}</div>', item.body)
        else:
            body = format_html('<div class="tl-title">{}</div>', item.title)
            if item.body:
                body += format_html('<div class="tl-body">{}</div>', item.body)
        local = timezone.localtime(item.at)
        rows.append(
            format_html(
                '<li class="{}" id="tl-{}">\n  <div class="tl-meta">\n    <time datetime="{}">{}</time>\n'
                '    <span class="tl-actor">{}</span>\n    {}\n  </div>\n  {}\n</li>',
                classes,
                item.id,
                local.isoformat(),
                local.strftime("%m-%d %H:%M"),
                actor,
                tag,
                body,
            )
        )
    return mark_safe("\n".join(rows))  # each row was built with format_html
