"""Declarative conditions: whitelisted fields and operators, typed, evaluated without eval."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, model_validator

# Every field a condition may name, with the type its values must have.
FIELDS: dict[str, type] = {
    "customer.tier": str,
    "customer.is_vip": bool,
    "customer.abuse_count": int,
    "order.channel": str,
    "order.paid_amount": Decimal,
    "order.shipped": bool,
    "order.signed": bool,
    "line.amount": Decimal,
    "product.category": str,
    "case.type": str,
    "case.category": str,
}
Operator = Literal["eq", "ne", "in", "not_in", "lt", "lte", "gt", "gte"]
_ORDERED = {"lt", "lte", "gt", "gte"}


class Test(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field: str
    op: Operator
    value: Any

    @model_validator(mode="after")
    def _typed(self) -> Test:
        kind = FIELDS.get(self.field)
        if kind is None:
            raise ValueError(
                _("未知的字段 %(f)s；允许：%(all)s") % {"f": self.field, "all": ", ".join(FIELDS)}
            )
        if self.op in _ORDERED and kind not in (int, Decimal):
            raise ValueError(_("运算符 %(op)s 只能用于数值字段") % {"op": self.op})
        values = self.value if self.op in ("in", "not_in") else [self.value]
        if self.op in ("in", "not_in") and not isinstance(self.value, list):
            raise ValueError(_("运算符 %(op)s 的值必须是列表") % {"op": self.op})
        converted = [_convert(kind, v, self.field) for v in values]
        self.value = converted if self.op in ("in", "not_in") else converted[0]
        return self


def _convert(kind: type, value: Any, field: str) -> Any:
    if kind is bool:
        if not isinstance(value, bool):
            raise ValueError(_("%(f)s 的值必须是 true 或 false") % {"f": field})
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(_("%(f)s 的值必须是整数") % {"f": field})
        return value
    if kind is Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            raise ValueError(_("%(f)s 的值必须是金额") % {"f": field})
        try:
            return Decimal(str(value))
        except ArithmeticError:
            raise ValueError(_("%(f)s 的值必须是金额") % {"f": field}) from None
    if not isinstance(value, str):
        raise ValueError(_("%(f)s 的值必须是文本") % {"f": field})
    return value


class Condition(BaseModel):
    """`all` of its tests and sub-conditions, `any` of them, or `not` one; empty means true."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    all: list[Test | Condition] = Field(default_factory=list)
    any: list[Test | Condition] = Field(default_factory=list)
    not_: Condition | None = Field(default=None, alias="not")


def holds(condition: Condition | Test, facts: dict[str, Any]) -> bool:
    if isinstance(condition, Test):
        return _test(condition, facts.get(condition.field))
    if condition.all and not all(holds(c, facts) for c in condition.all):
        return False
    if condition.any and not any(holds(c, facts) for c in condition.any):
        return False
    if condition.not_ is not None and holds(condition.not_, facts):
        return False
    return True


def _test(test: Test, actual: Any) -> bool:
    op, expected = test.op, test.value
    if op == "eq":
        return actual == expected
    if op == "ne":
        return actual != expected
    if op == "in":
        return actual in expected
    if op == "not_in":
        return actual not in expected
    if actual is None:
        return False
    if op == "lt":
        return actual < expected
    if op == "lte":
        return actual <= expected
    if op == "gt":
        return actual > expected
    return actual >= expected
