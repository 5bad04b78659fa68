"""Turning pydantic validation errors into localized field errors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import AfterValidator

from .errors import FieldError


def aware_datetime(value: datetime | None) -> datetime | None:
    """A naive datetime is local time; the result is in UTC. One the database cannot hold (outside
    years 1-9999 once in UTC, e.g. 0001-01-01 in Shanghai) is refused instead of failing when
    stored or compared."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        # In UTC: PostgreSQL refuses offsets beyond ±15:59, which Python accepts.
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError(_("不是有效的日期时间（示例：2026-11-22 14:30:00）")) from None


# Use for every datetime that comes in through the API or an import.
AwareDatetime = Annotated[datetime, AfterValidator(aware_datetime)]


def _message(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("此字段为必填项")
    if kind in ("string_too_long", "too_long"):
        return _("长度不能超过 %(n)s") % {"n": ctx.get("max_length", "")}
    if kind in ("string_too_short", "too_short"):
        return _("长度不能少于 %(n)s") % {"n": ctx.get("min_length", "")}
    if kind in ("string_type", "string_unicode"):
        return _("必须是文本")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("必须是整数")
    if kind in ("decimal_parsing", "decimal_type", "float_parsing", "float_type"):
        return _("必须是数字")
    if kind in ("decimal_max_places",):
        return _("最多保留 %(n)s 位小数") % {"n": ctx.get("decimal_places", 2)}
    if kind in ("decimal_max_digits", "decimal_whole_digits"):
        return _("数值过大")
    if kind == "greater_than_equal":
        return _("必须大于或等于 %(n)s") % {"n": ctx.get("ge")}
    if kind == "greater_than":
        return _("必须大于 %(n)s") % {"n": ctx.get("gt")}
    if kind == "less_than_equal":
        return _("必须小于或等于 %(n)s") % {"n": ctx.get("le")}
    if kind == "less_than":
        return _("必须小于 %(n)s") % {"n": ctx.get("lt")}
    if kind.startswith("datetime") or kind.startswith("date") or kind.startswith("time"):
        return _("不是有效的日期时间（示例：2026-11-22 14:30:00）")
    if kind in ("bool_parsing", "bool_type"):
        return _("必须是 true 或 false")
    if kind in ("enum", "literal_error"):
        return _("必须是以下之一：%(choices)s") % {"choices": ctx.get("expected", "")}
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("必须是列表")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("必须是对象")
    if kind == "json_invalid":
        return _("不是有效的 JSON")
    if kind == "uuid_parsing":
        return _("不是有效的 UUID")
    if kind == "value_error":
        # Raised by our own validators, whose message is already localized.
        return str(ctx.get("error", error.get("msg", "")))
    if kind == "extra_forbidden":
        return _("不允许的字段")
    return _("值无效")


def _field(loc: Iterable[Any], strip: int) -> str:
    parts = [str(p) for p in list(loc)[strip:]]
    return ".".join(parts) or "body"


def field_errors(errors: Iterable[Mapping[str, Any]], *, strip: int = 0) -> list[FieldError]:
    """Localized FieldErrors; `strip` drops leading location parts (e.g. "body", "payload")."""
    return [
        FieldError(_field(e.get("loc", ()), strip), _message(e), e.get("type", "invalid")) for e in errors
    ]
