"""One timeline per case: messages and events merged in time order, each described in words.

Staff see everything, internal notes and system events marked as such; a customer sees only the
public rows (the selectors filter them) described from their side.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import FieldDoesNotExist
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersale.cases.lifecycle import Action, Status
from aftersale.cases.models import Case, CaseEvent, EventKind, EvidenceKind, Message, Priority
from aftersale.cases.selectors import case_events, case_messages
from aftersale.common.roles import Department, Role
from aftersale.policy.services import playbook_active
from aftersale.sla.lexicon import highlight, lexicon_for


@dataclass
class TimelineItem:
    id: str
    at: datetime
    title: str
    body: str | SafeString
    actor: str
    actor_role: str
    internal: bool
    is_message: bool
    from_customer: bool = False


@functools.cache
def _labels(choices) -> dict:
    return dict(choices.choices)  # the labels stay lazy: translated when shown


def _label(choices, value: str) -> str:
    label = _labels(choices).get(value)
    return value if label is None else str(label)


EXCEPTION_REASONS = {
    "brand_risk": gettext_lazy("品牌舆情风险"),
    "unresolved_48h": gettext_lazy("超时未解决"),
    "compensation_over_limit": gettext_lazy("补偿超出权限"),
}
_FIELDS = {"priority": Priority, "department": Department, "status": Status}
# Fulfilment steps, in the words both staff and the customer read on the timeline.
STEP_TITLES = {
    "return.authorized": gettext_lazy("退货已授权，请按地址寄回商品"),
    "return.shipped": gettext_lazy("商品已寄回"),
    "return.pickup_booked": gettext_lazy("已预约上门取件"),
    "return.received": gettext_lazy("仓库已签收退货"),
    "return.inspected": gettext_lazy("退货已验收"),
    "return.returned_to_customer": gettext_lazy("商品验收未通过，已退回"),
    "refund.requested": gettext_lazy("已申请退款"),
    "refund.succeeded": gettext_lazy("退款已到账"),
    "refund.failed": gettext_lazy("退款失败"),
    "compensation.requested": gettext_lazy("补偿待审批"),
    "compensation.approved": gettext_lazy("补偿已批准"),
    "compensation.rejected": gettext_lazy("补偿被驳回"),
    "compensation.offered": gettext_lazy("为您提供补偿"),
    "compensation.accepted": gettext_lazy("已接受补偿"),
    "compensation.declined": gettext_lazy("已拒绝补偿"),
    "compensation.withdrawn": gettext_lazy("补偿已撤回"),
    "compensation.paid": gettext_lazy("补偿已发放"),
    "work_order.created": gettext_lazy("下发执行单"),
    "work_order.started": gettext_lazy("执行单处理中"),
    "work_order.completed": gettext_lazy("执行单已完成"),
    "work_order.cancelled": gettext_lazy("执行单已取消"),
    "exchange.reserved": gettext_lazy("换货商品已备货"),
    "exchange.shipped": gettext_lazy("换货商品已发出"),
    "exchange.delivered": gettext_lazy("换货商品已签收"),
    "repair.created": gettext_lazy("已创建维修单"),
    "repair.received": gettext_lazy("维修中心已收到商品"),
    "repair.diagnosed": gettext_lazy("维修检测完成"),
    "repair.parts_reserved": gettext_lazy("维修配件已预留"),
    "repair.waiting_parts": gettext_lazy("等待维修配件"),
    "repair.parts_arrived": gettext_lazy("维修配件已到货"),
    "repair.completed": gettext_lazy("维修完成"),
    "repair.returned": gettext_lazy("维修后的商品已寄回"),
    "repair.exchange_entitled": gettext_lazy("多次维修未修好，可申请换货"),
    "survey.answered": gettext_lazy("客户评价了本次服务"),
    "case.anonymised": gettext_lazy("个人信息已匿名化"),
    "legal_hold.placed": gettext_lazy("已设置法律保留"),
    "legal_hold.released": gettext_lazy("已解除法律保留"),
}


def _step_detail(kind: str, p: dict) -> str:
    if kind == "return.authorized" and p.get("address"):
        return " ".join(filter(None, [p.get("address", ""), p.get("contact", ""), p.get("phone", "")]))
    if kind in ("return.shipped", "exchange.shipped", "repair.returned", "return.returned_to_customer"):
        return " ".join(filter(None, [p.get("carrier", ""), p.get("tracking_no", ""), p.get("reason", "")]))
    if kind.startswith(("refund.", "compensation.")) and p.get("amount"):
        return f"¥{p['amount']}"
    if kind == "work_order.completed":
        return p.get("result", "")
    if kind.startswith("legal_hold.") and isinstance(p.get("reason"), str):
        return p["reason"]
    if kind == "survey.answered" and isinstance(p.get("score"), int):
        return "★" * p["score"]
    return ""


def _field_label(name: str) -> str:
    try:
        return str(Case._meta.get_field(name.removesuffix("_id")).verbose_name)
    except FieldDoesNotExist:
        return name


def _change(name: str, old: str, new: str) -> str:
    if name.endswith("_id"):  # a person or team by id: say that it changed, not the raw ids
        return _("%(field)s已变更") % {"field": _field_label(name)}
    return f"{_field_label(name)}: {_value_label(name, old) or '—'} → {_value_label(name, new) or '—'}"


def _value_label(name: str, value: str) -> str:
    choices = _FIELDS.get(name)
    return _label(choices, value) if choices and value else value


def active_lexicon():
    return lexicon_for(tuple(playbook_active().playbook.lexicon.words))


def highlight_sensitive(text: str, lexicon=None) -> SafeString:
    """The text, HTML-escaped, with the playbook's sensitive words in <mark>."""
    lexicon = lexicon or active_lexicon()
    return highlight(text, lexicon.scan(text))


def _event_text(event: CaseEvent, *, for_customer: bool) -> tuple[str, str]:
    """(title, detail) of an event."""
    p = event.payload or {}
    kind = event.kind
    if kind == EventKind.CREATED:
        return (_("提交了售后申请") if for_customer else _("创建售后单")), ""
    if kind == EventKind.TRANSITIONED:
        title = _("状态更新为“%(status)s”") % {"status": _label(Status, event.to_status)}
        if not for_customer and p.get("action"):
            title = f"{_label(Action, p['action'])} · {title}"
        return title, p.get("reason", "")
    if kind == EventKind.ASSIGNED:
        name = p.get("assignee") or ""
        if for_customer:
            return (_("已由 %(name)s 负责处理") % {"name": name} if name else _("已转交处理")), ""
        return (_("分派给 %(name)s") % {"name": name} if name else _("取消分派")), ""
    if kind == EventKind.EVIDENCE_ADDED:
        return _("上传了凭证：%(kind)s") % {"kind": _label(EvidenceKind, p.get("kind", ""))}, ""
    if kind == EventKind.UPDATED:
        changes = p.get("changes") or {}
        detail = "；".join(_change(name, old, new) for name, (old, new) in changes.items())
        if p.get("description_changed"):
            detail = "；".join(filter(None, [detail, _("问题描述已修改")]))
        return _("修改售后单"), detail
    if kind == EventKind.IDENTITY_CHECKED:
        return _("身份核验"), ""
    if kind == "case.routed":
        return _("流转至%(department)s") % {"department": _label(Department, p.get("department", ""))}, ""
    if kind == "case.sensitive":
        return _("命中敏感词"), "、".join(p.get("words", []))
    if kind == "case.exception":
        reason = p.get("reason", "")
        return _("转为异常工单"), str(EXCEPTION_REASONS.get(reason, reason))
    if kind == "case.red_ticket":
        return (_("红头督办开启") if p.get("on") else _("红头督办解除")), ""
    if kind == "sla.warned":
        return _("时效即将到期"), ""
    if kind == "case.escalated":
        return _("时效已升级（第 %(level)s 级）") % {"level": p.get("level", "")}, ""
    if kind in STEP_TITLES:
        return str(STEP_TITLES[kind]), _step_detail(kind, p)
    return kind, ""


def case_timeline(*, user, case: Case, for_customer: bool = False) -> list[TimelineItem]:
    """Messages and events of the case that `user` may see, oldest first."""
    items: list[TimelineItem] = []
    lexicon = None if for_customer else active_lexicon()  # looked up once, not once per message
    for message in case_messages(user=user, case=case):
        items.append(_message_item(message, for_customer, lexicon))
    for event in case_events(user=user, case=case):
        if event.kind == EventKind.MESSAGE_ADDED:
            continue  # the message itself is on the timeline
        title, detail = _event_text(event, for_customer=for_customer)
        items.append(
            TimelineItem(
                id=f"e{event.pk}",
                at=event.created_at,
                title=title,
                body=detail,
                actor=_actor(event.actor, event.actor_role, for_customer),
                actor_role=_label(Role, event.actor_role) if event.actor_role else "",
                internal=not event.is_public,
                is_message=False,
            )
        )
    items.sort(key=lambda item: (item.at, item.id))
    return items


def _message_item(message: Message, for_customer: bool, lexicon=None) -> TimelineItem:
    from_customer = message.author_role == Role.CUSTOMER
    return TimelineItem(
        id=f"m{message.pk}",
        at=message.created_at,
        title=_("内部备注") if message.is_internal else _("消息"),
        body=highlight_sensitive(message.body, lexicon)
        if from_customer and not for_customer
        else escape(message.body),
        actor=_actor(message.author, message.author_role, for_customer),
        actor_role=_label(Role, message.author_role) if message.author_role else "",
        internal=message.is_internal,
        is_message=True,
        from_customer=from_customer,
    )


def _actor(user, role: str, for_customer: bool) -> str:
    if user is None:
        return _("系统")
    if for_customer and role != Role.CUSTOMER:
        return user.display_name or _("客服")  # never a staff login name
    return str(user)


def timeline_mark(items: list[TimelineItem]) -> str:
    """Changes whenever a row is added: lets a poll answer "nothing new" cheaply."""
    return f"{len(items)}-{items[-1].id}" if items else "0"
