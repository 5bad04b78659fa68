"""Reply-script variables: which exist, checking a script's text, and filling it for a case.

A script is plain text with `{name}` placeholders (`{{` and `}}` for literal braces). Only the
names below are allowed; anything else is refused when the script is saved. Filling never calls
`str.format` on stored text: the text is split into literals and names, and each name is looked up
in a dict of plain strings.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersale.common.errors import DomainError, FieldError

VARIABLES: dict[str, Promise] = {
    "customer_name": gettext_lazy("客户称呼"),
    "order_no": gettext_lazy("订单号"),
    "case_no": gettext_lazy("售后单号"),
    "return_address": gettext_lazy("退货地址"),
    "deadline": gettext_lazy("截止时间"),
    "agent_name": gettext_lazy("客服名称"),
    "category": gettext_lazy("问题分类"),
    "product_name": gettext_lazy("商品名称"),
}


@dataclass(frozen=True)
class Piece:
    literal: str
    name: str | None


def parse(text: str) -> list[Piece]:
    """The literals and variable names of `text`; ValueError (localized) when malformed or unknown."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        raise ValueError(_("花括号不成对：变量写作 {order_no}，字面花括号写作 {{ 或 }}")) from None
    pieces = []
    for literal, name, spec, conversion in parts:
        if name is not None and (name not in VARIABLES or spec or conversion):
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise ValueError(
                _("未知变量 %(name)s；可用：%(known)s")
                % {"name": shown, "known": "、".join("{" + v + "}" for v in VARIABLES)}
            )
        pieces.append(Piece(literal, name))
    return pieces


def check(text: str, *, field: str) -> list[str]:
    """The variables `text` uses; DomainError naming `field` when it is not a valid script."""
    try:
        return [p.name for p in parse(text) if p.name]
    except ValueError as exc:
        raise DomainError(field, str(exc), code="unknown_variable") from None


def check_all(texts: dict[str, str]) -> None:
    """Check several fields at once, reporting every bad one."""
    errors = []
    for field, text in texts.items():
        try:
            parse(text)
        except ValueError as exc:
            errors.append(FieldError(field, str(exc), "unknown_variable"))
    if errors:
        raise DomainError.many(errors)


def fill(text: str, values: dict[str, str]) -> tuple[str, list[str]]:
    """`text` with its variables replaced; a variable with no value becomes 【its label】 for the agent
    to complete. Returns the text and the names of the variables left without a value."""
    out: list[str] = []
    missing: list[str] = []
    for piece in parse(text):
        out.append(piece.literal)
        if piece.name is None:
            continue
        value = values.get(piece.name, "")
        if value:
            out.append(value)
        else:
            missing.append(piece.name)
            out.append(f"【{VARIABLES[piece.name]}】")
    return "".join(out), list(dict.fromkeys(missing))
