"""The case lifecycle as an explicit transition table.

A transition not in the table, or by a role the table does not name, is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersale.common.roles import Role


class Status(models.TextChoices):
    NEW = "new", _("新建")
    UNDER_REVIEW = "under_review", _("审核中")
    WAITING_CUSTOMER = "waiting_customer", _("待客户补充")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已驳回")
    IN_FULFILMENT = "in_fulfilment", _("处理中")
    RESOLVED = "resolved", _("已解决")
    CLOSED = "closed", _("已结案")
    CANCELLED = "cancelled", _("已取消")


class Action(models.TextChoices):
    START_REVIEW = "start_review", _("开始审核")
    REQUEST_INFO = "request_info", _("要求补充材料")
    CUSTOMER_REPLIED = "customer_replied", _("客户已补充")
    APPROVE = "approve", _("审核通过")
    REJECT = "reject", _("驳回")
    START_FULFILMENT = "start_fulfilment", _("开始执行")
    RESOLVE = "resolve", _("标记已解决")
    CLOSE = "close", _("结案")
    REOPEN = "reopen", _("重新打开")
    CANCEL = "cancel", _("取消")


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: Status
    roles: frozenset[Role]
    needs_reason: bool = False


S = Status
_HANDLERS = frozenset({Role.AGENT, Role.TEAM_LEAD, Role.DIRECTOR, Role.EXPERT, Role.ADMIN})
_DECIDERS = _HANDLERS
_WITH_CUSTOMER = _HANDLERS | {Role.CUSTOMER}

TRANSITIONS: tuple[Transition, ...] = (
    Transition(Action.START_REVIEW, frozenset({S.NEW}), S.UNDER_REVIEW, _HANDLERS),
    Transition(Action.REQUEST_INFO, frozenset({S.UNDER_REVIEW}), S.WAITING_CUSTOMER, _HANDLERS, True),
    Transition(Action.CUSTOMER_REPLIED, frozenset({S.WAITING_CUSTOMER}), S.UNDER_REVIEW, _WITH_CUSTOMER),
    Transition(Action.APPROVE, frozenset({S.UNDER_REVIEW}), S.APPROVED, _DECIDERS),
    Transition(Action.REJECT, frozenset({S.UNDER_REVIEW}), S.REJECTED, _DECIDERS, True),
    Transition(Action.START_FULFILMENT, frozenset({S.APPROVED}), S.IN_FULFILMENT, _HANDLERS),
    Transition(
        Action.RESOLVE,
        frozenset({S.UNDER_REVIEW, S.APPROVED, S.IN_FULFILMENT}),
        S.RESOLVED,
        _HANDLERS,
        True,
    ),
    Transition(Action.CLOSE, frozenset({S.RESOLVED, S.REJECTED}), S.CLOSED, _WITH_CUSTOMER),
    Transition(
        Action.REOPEN, frozenset({S.RESOLVED, S.CLOSED, S.REJECTED}), S.UNDER_REVIEW, _WITH_CUSTOMER, True
    ),
    Transition(
        Action.CANCEL,
        frozenset({S.NEW, S.UNDER_REVIEW, S.WAITING_CUSTOMER, S.APPROVED}),
        S.CANCELLED,
        _WITH_CUSTOMER,
        True,
    ),
)

_BY_ACTION = {t.action: t for t in TRANSITIONS}
OPEN_STATUSES = frozenset({S.NEW, S.UNDER_REVIEW, S.WAITING_CUSTOMER, S.APPROVED, S.IN_FULFILMENT})


def transition_for(action: str) -> Transition | None:
    return _BY_ACTION.get(action)  # type: ignore[call-overload]


def actions_available(status: str, role: str) -> list[Action]:
    """The actions the table offers a role on a case in `status` (what a UI should show)."""
    return [t.action for t in TRANSITIONS if status in t.sources and role in t.roles]
