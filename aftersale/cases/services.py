"""Every write on a case. Each is one transaction, checks permission before changing anything,
and appends a CaseEvent that the event registry hands to the apps above."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersale.common import events
from aftersale.common.bulk import db_value, insert_values
from aftersale.common.errors import Conflict, DomainError, FieldError, NotFound, PermissionDenied
from aftersale.common.masking import mask_phone
from aftersale.common.models import Team, User
from aftersale.common.numbering import next_number
from aftersale.common.permissions import require_role, role_of
from aftersale.common.roles import HANDLING_ROLES, Role
from aftersale.policy.reasons import SENTENCE_SEPARATOR

from .identity import IdentityClaim, require_identity
from .lifecycle import Action, Status, transition_for
from .models import (
    Case,
    CaseChannel,
    CaseEvent,
    CaseLine,
    CaseType,
    EventKind,
    IdentityCheck,
    IdentityStatus,
    Message,
    Priority,
    Resolution,
)
from .selectors import can_view, category_active

CREATE_ROLES = HANDLING_ROLES | {Role.CUSTOMER}
# Who may act on a case they can see, unless an action names its own roles (not the optimizer).
DEFAULT_CASE_ROLES = HANDLING_ROLES | {Role.CUSTOMER, Role.DEPARTMENT}
ASSIGNER_ROLES = {Role.TEAM_LEAD, Role.DIRECTOR, Role.EXPERT, Role.ADMIN}
ASSIGNABLE_ROLES = {Role.AGENT, Role.TEAM_LEAD, Role.EXPERT, Role.DIRECTOR}
JUDGED_RESOLUTIONS = {
    Resolution.RETURN_REFUND,
    Resolution.EXCHANGE,
    Resolution.REPAIR,
    Resolution.REFUND_ONLY,
    Resolution.COMPENSATION,
}
NEEDS_LINES = {Resolution.RETURN_REFUND, Resolution.EXCHANGE, Resolution.REPAIR, Resolution.REFUND_ONLY}


def event_record(
    *,
    case: Case,
    kind: str,
    actor: User | None,
    from_status: str = "",
    to_status: str = "",
    payload: dict | None = None,
    is_public: bool = True,
) -> CaseEvent:
    """Append an event and hand it to the registered handlers (same transaction)."""
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor if actor is not None and actor.pk else None,
        actor_role=role_of(actor),
        from_status=from_status,
        to_status=to_status,
        payload=payload or {},
        is_public=is_public,
    )
    events.dispatch(event)
    return event


def events_record_system(rows: list[tuple[int, str, dict]], *, when: datetime) -> None:
    """Append many internal events the system records by itself (the sweeper), given as
    (case id, kind, payload), then hand them to their handlers, if any. With no handler they go
    in as plain values: a sweep writes thousands, and model instances would cost more than that."""
    if events.has_handlers("*") or any(events.has_handlers(kind) for kind in {r[1] for r in rows}):
        recorded = CaseEvent.objects.bulk_create(
            CaseEvent(case_id=case_id, kind=kind, payload=payload, is_public=False, created_at=when)
            for case_id, kind, payload in rows
        )
        events.dispatch_many(recorded)
        return
    created_at = db_value(CaseEvent, "created_at", when)
    to_json = CaseEvent._meta.get_field("payload").get_db_prep_save
    insert_values(
        CaseEvent,
        _SYSTEM_EVENT_COLUMNS,
        (
            (case_id, kind, None, "", "", "", to_json(payload, connection), False, created_at)
            for case_id, kind, payload in rows
        ),
    )


_SYSTEM_EVENT_COLUMNS = (
    "case_id",
    "kind",
    "actor_id",
    "actor_role",
    "from_status",
    "to_status",
    "payload",
    "is_public",
    "created_at",
)


def case_system_update(*, case: Case, reason: str, **changes) -> Case:
    """A change the system itself makes (routing, risk): recorded, no permission check.

    Made while the case is being taken in (its creation transaction still open, so nobody can
    have read it) it is part of the intake and keeps version 1; later it is a conditional update.
    """
    changes = {k: v for k, v in changes.items() if getattr(case, k) != v}
    if not changes:
        return case
    diff = {k: [str(getattr(case, k)), str(v)] for k, v in changes.items()}
    in_intake = getattr(case, "_in_intake", False)
    # During intake the creating transaction is the unit: no savepoint of its own.
    with transaction.atomic(savepoint=not in_intake):
        if in_intake:
            Case.objects.filter(pk=case.pk).update(**changes)
            for name, value in changes.items():
                setattr(case, name, value)
        else:
            _conditional_update(case, case.version, **changes)
        event_record(
            case=case,
            kind=EventKind.UPDATED,
            actor=None,
            is_public=False,
            payload={"changes": diff, "reason": reason},
        )
    return case


def require_case_access(actor, case: Case, *, action: str, roles=None) -> None:
    """Refuse unless the actor may see the case and holds one of `roles` (default: anyone who
    can see it except the read-only optimizer)."""
    if not can_view(actor, case):
        raise PermissionDenied("number", _("无权访问此售后单"), code="forbidden")
    allowed = roles if roles is not None else DEFAULT_CASE_ROLES
    require_role(actor, allowed, action=action)


@dataclass
class CaseLineIn:
    line_no: int
    quantity: int


def case_create(
    *,
    actor: User,
    claim: IdentityClaim,
    case_type: str,
    category_code: str,
    resolution: str,
    description: str,
    channel: str,
    lines: list[CaseLineIn],
    priority: str | None = None,
) -> Case:
    """Take in a request: check identity against the order, validate, store, record the event."""
    require_role(actor, CREATE_ROLES, action=_("创建售后单"))
    if role_of(actor) == Role.CUSTOMER:
        own = getattr(actor, "customer", None)
        if own is None:
            raise PermissionDenied("customer", _("账号未关联客户资料"), code="forbidden")
        claim.phone = own.phone
    try:
        identity = require_identity(claim)
    except DomainError as error:
        # A customer learns nothing of other people's orders: one that is not theirs answers as
        # one that does not exist (staff taking a call need to know which detail did not match).
        if role_of(actor) == Role.CUSTOMER and any(e.field in ("order_no", "phone") for e in error.errors):
            raise NotFound("order_no", _("订单号不存在"), code="not_found") from None
        raise
    order = identity.order
    assert order is not None

    errors: list[FieldError] = []
    category = category_active(category_code)
    if category is None:
        errors.append(FieldError("category", _("未知或已停用的问题分类：%(c)s") % {"c": category_code}))
    elif category.case_type != case_type:
        errors.append(FieldError("category", _("该分类不属于所选类型")))
    if case_type == CaseType.INQUIRY and resolution != Resolution.INFORMATION:
        errors.append(FieldError("resolution", _("咨询类售后单的诉求只能是信息答复")))
    order_lines = {line.line_no: line for line in order.lines.select_related("product")} if lines else {}
    seen: set[int] = set()
    for index, item in enumerate(lines):
        line = order_lines.get(item.line_no)
        if line is None:
            errors.append(FieldError(f"lines.{index}.line_no", _("订单中没有此行号")))
        elif item.line_no in seen:
            errors.append(FieldError(f"lines.{index}.line_no", _("行号重复")))
        elif not 1 <= item.quantity <= line.quantity:
            errors.append(
                FieldError(f"lines.{index}.quantity", _("数量须在 1 到 %(n)s 之间") % {"n": line.quantity})
            )
        seen.add(item.line_no)
    if resolution in NEEDS_LINES and not lines:
        errors.append(FieldError("lines", _("退货、换货、维修和退款须指明商品行")))
    if errors:
        raise DomainError.many(errors)
    if role_of(actor) == Role.CUSTOMER:
        _require_entitlement(resolution, case_type, category_code, [order_lines[i.line_no] for i in lines])

    if priority is None:
        priority = Priority.P1 if case_type == CaseType.COMPLAINT else Priority.P2
    number = next_number("AS")  # outside the transaction: a rollback leaves a gap, never a clash
    with transaction.atomic():
        case = Case.objects.create(
            number=number,
            customer=order.customer,
            order=order,
            channel=channel,
            case_type=case_type,
            category=category,
            resolution=resolution,
            priority=priority,
            description=description,
            identity_status=IdentityStatus.VERIFIED,
            created_by=actor,
        )
        case._lines_loaded = CaseLine.objects.bulk_create(
            [CaseLine(case=case, order_line=order_lines[i.line_no], quantity=i.quantity) for i in lines]
        )
        IdentityCheck.objects.create(
            case=case,
            order=order,
            order_no=claim.order_no,
            phone_masked=mask_phone(order.customer.phone),
            passed=True,
            checks=identity.checks,
            checked_by=actor,
        )
        case._in_intake = True  # handlers of case.created may still shape the new case
        event_record(
            case=case,
            kind=EventKind.CREATED,
            actor=actor,
            to_status=Status.NEW,
            payload={
                "case_type": case_type,
                "category": category_code,
                "resolution": resolution,
                "priority": priority,
                "channel": channel,
            },
        )
        case._in_intake = False
    return case


def _require_entitlement(resolution: str, case_type: str, category: str, lines: list) -> None:
    """Customers are offered only what the playbook entitles them to; staff may decide otherwise."""
    from .eligibility import eligibility_for_line

    if resolution not in JUDGED_RESOLUTIONS:
        return
    for line in lines:
        entitlement = eligibility_for_line(line, case_type=case_type, category=category).entitlements[
            resolution
        ]
        if not entitlement.eligible:
            raise DomainError(
                "resolution",
                str(SENTENCE_SEPARATOR).join(r.render() for r in entitlement.reasons),
                code="not_entitled",
            )


def _conditional_update(case: Case, version: int, **changes) -> None:
    """Apply changes only if nobody changed the case since `version` was read (else 409)."""
    if version != case.version:
        raise Conflict("version", _("售后单已被他人修改，请刷新后重试"), code="stale")
    now = timezone.now()
    updated = Case.objects.filter(pk=case.pk, version=version).update(
        version=F("version") + 1, updated_at=now, **changes
    )
    if updated != 1:
        raise Conflict("version", _("售后单已被他人修改，请刷新后重试"), code="stale")
    for name, value in changes.items():
        setattr(case, name, value)
    case.version = version + 1
    case.updated_at = now


def case_transition(*, case: Case, actor: User | None, action: str, version: int, reason: str = "") -> Case:
    """Move a case along the transition table. `actor=None` is the system itself."""
    transition = transition_for(action)
    if transition is None:
        raise DomainError("action", _("未知的操作：%(a)s") % {"a": action})
    if actor is not None:
        require_case_access(actor, case, action=transition.action.label, roles=transition.roles)
    if version != case.version:
        # Judged against a view of the case that is out of date: refresh first (409), whatever the move.
        raise Conflict("version", _("售后单已被他人修改，请刷新后重试"), code="stale")
    if case.status not in transition.sources:
        raise DomainError(
            "action",
            _("售后单当前状态为“%(status)s”，不能执行“%(action)s”")
            % {"status": Status(case.status).label, "action": transition.action.label},
            code="invalid_transition",
        )
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise DomainError("reason", _("执行“%(action)s”须填写原因") % {"action": transition.action.label})
    if len(reason) > 2000:
        raise DomainError("reason", _("长度不能超过 %(n)s") % {"n": 2000})
    changes: dict[str, object] = {"status": transition.target}
    now = timezone.now()
    if transition.target == Status.RESOLVED:
        changes.update(resolved_at=now, outcome_note=reason)
    elif transition.target == Status.CLOSED:
        changes["closed_at"] = now
    elif transition.action == Action.REOPEN:
        changes.update(resolved_at=None, closed_at=None)
    from_status = case.status
    with transaction.atomic():
        _conditional_update(case, version, **changes)
        event_record(
            case=case,
            kind=EventKind.TRANSITIONED,
            actor=actor,
            from_status=from_status,
            to_status=transition.target,
            payload={"action": transition.action.value, "reason": reason},
        )
    return case


def case_assign(
    *, case: Case, actor: User, version: int, assignee: User | None, team: Team | None = None
) -> Case:
    """Give a case to an agent (and team). Agents may only take an unassigned case themselves."""
    role = role_of(actor)
    require_case_access(actor, case, action=_("分派"), roles=ASSIGNER_ROLES | {Role.AGENT})
    if role == Role.AGENT and (
        assignee is None or assignee.pk != actor.pk or case.assignee_id not in (None, actor.pk)
    ):
        raise PermissionDenied("assignee", _("客服专员只能认领未分派的售后单给自己"), code="forbidden")
    if assignee is not None and (not assignee.is_active or role_of(assignee) not in ASSIGNABLE_ROLES):
        raise DomainError("assignee", _("该用户不能处理售后单"))
    if team is None and assignee is not None:
        team = assignee.team
    with transaction.atomic():
        _conditional_update(case, version, assignee=assignee, team=team)
        event_record(
            case=case,
            kind=EventKind.ASSIGNED,
            actor=actor,
            payload={
                "assignee_id": assignee.pk if assignee else None,
                "assignee": str(assignee) if assignee else "",
                "team_id": team.pk if team else None,
            },
        )
    return case


def case_update(
    *,
    case: Case,
    actor: User,
    version: int,
    priority: str | None = None,
    category_code: str | None = None,
    department: str | None = None,
    description: str | None = None,
) -> Case:
    """Change priority, category, routed department or description; each change is recorded."""
    require_case_access(actor, case, action=_("修改售后单"), roles=HANDLING_ROLES)
    changes: dict[str, object] = {}
    if priority is not None and priority != case.priority:
        if priority not in Priority.values:
            raise DomainError("priority", _("必须是以下之一：%(c)s") % {"c": ", ".join(Priority.values)})
        changes["priority"] = priority
    if category_code is not None and category_code != case.category.code:
        category = category_active(category_code)
        if category is None or category.case_type != case.case_type:
            raise DomainError("category", _("未知或已停用的问题分类：%(c)s") % {"c": category_code})
        changes["category"] = category
    if department is not None and department != case.department:
        from aftersale.common.roles import Department

        if department and department not in Department.values:
            raise DomainError("department", _("必须是以下之一：%(c)s") % {"c": ", ".join(Department.values)})
        changes["department"] = department
    if description is not None and description != case.description:
        if not description.strip():
            raise DomainError("description", _("此字段为必填项"))
        changes["description"] = description
    if not changes:
        return case
    diff = {
        name: [str(getattr(case, name)), str(value)]
        for name, value in changes.items()
        if name != "description"
    }
    with transaction.atomic():
        _conditional_update(case, version, **changes)
        event_record(
            case=case,
            kind=EventKind.UPDATED,
            actor=actor,
            is_public=False,
            payload={"changes": diff, "description_changed": "description" in changes},
        )
    return case


def message_add(
    *, case: Case, actor: User, body: str, internal: bool = False, channel: str | None = None
) -> Message:
    """Add to the thread. Customers write public messages only; departments internal notes only.

    A customer's message on a case waiting for them moves it back to review."""
    role = role_of(actor)
    require_case_access(actor, case, action=_("发送消息"))
    body = (body or "").strip()
    if not body:
        raise DomainError("body", _("此字段为必填项"))
    if len(body) > 10_000:
        raise DomainError("body", _("长度不能超过 %(n)s") % {"n": 10_000})
    if internal and role == Role.CUSTOMER:
        raise DomainError("internal", _("客户不能发送内部备注"))
    if not internal and role == Role.DEPARTMENT:
        raise DomainError("internal", _("部门成员只能发送内部备注"))
    if channel is None:
        channel = CaseChannel.PORTAL if role == Role.CUSTOMER else case.channel
    elif channel not in CaseChannel.values:
        raise DomainError("channel", _("必须是以下之一：%(c)s") % {"c": ", ".join(CaseChannel.values)})
    with transaction.atomic():
        message = Message.objects.create(
            case=case, author=actor, author_role=role, body=body, is_internal=internal, channel=channel
        )
        event_record(
            case=case,
            kind=EventKind.MESSAGE_ADDED,
            actor=actor,
            is_public=not internal,
            payload={"message_id": message.pk, "internal": internal, "channel": channel},
        )
        if role == Role.CUSTOMER and case.status == Status.WAITING_CUSTOMER:
            case.refresh_from_db(fields=["version", "status"])
            case_transition(case=case, actor=None, action=Action.CUSTOMER_REPLIED, version=case.version)
    return message
