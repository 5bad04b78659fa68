"""Every write of the data lifecycle: legal holds, deletion requests and anonymisation."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersale.cases.lifecycle import Status
from aftersale.cases.models import Case
from aftersale.cases.services import event_record
from aftersale.catalog.models import Customer
from aftersale.common.errors import Conflict, DomainError, PermissionDenied
from aftersale.common.models import User
from aftersale.common.permissions import require_role, role_of
from aftersale.common.roles import HANDLING_ROLES, Role

from .anonymise import case_erase, customer_erase
from .models import (
    Anonymisation,
    DeletionRequest,
    LegalHold,
    PrivacyEvent,
    RequestChannel,
    RequestStatus,
    Trigger,
)

DECIDER_ROLES = frozenset({Role.DIRECTOR, Role.ADMIN})
RECORDER_ROLES = HANDLING_ROLES | {Role.CUSTOMER}
FINAL_STATUSES = frozenset({Status.CLOSED, Status.CANCELLED})
MAX_REASON = 500


def privacy_event(
    *, kind: str, actor: User | None, customer=None, case=None, request=None, **payload
) -> None:
    PrivacyEvent.objects.create(
        kind=kind,
        actor=actor if actor is not None and actor.pk else None,
        actor_role=role_of(actor),
        customer=customer,
        case=case,
        request=request,
        payload=payload,
    )


def _reason(value: str, *, field: str = "reason", required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(field, _("请填写原因"), code="required")
    if len(value) > MAX_REASON:
        raise DomainError(field, _("长度不能超过 %(n)s") % {"n": MAX_REASON})
    return value


# ---- legal hold -------------------------------------------------------------------------------


def case_is_held(case: Case) -> bool:
    return LegalHold.objects.filter(released_at__isnull=True, case=case).exists() or customer_is_held(
        case.customer_id
    )


def customer_is_held(customer: Customer | int) -> bool:
    return LegalHold.objects.filter(released_at__isnull=True, customer=customer).exists()


def legal_hold_place(
    *, actor: User, reason: str, case: Case | None = None, customer: Customer | None = None
) -> LegalHold:
    """Put a case or a customer on legal hold: nothing of it is anonymised or deleted until released."""
    require_role(actor, DECIDER_ROLES, action=_("设置法律保留"))
    if (case is None) == (customer is None):
        raise DomainError("subject", _("须指定一个售后单或一个客户"))
    reason = _reason(reason)
    with transaction.atomic():
        subject = {"case": case} if case is not None else {"customer": customer}
        if LegalHold.objects.select_for_update().filter(released_at__isnull=True, **subject).exists():
            raise Conflict("subject", _("已处于法律保留中"), code="already_held")
        if _anonymised(case=case, customer=customer):
            raise Conflict("subject", _("个人信息已匿名化，无需保留"), code="anonymised")
        hold = LegalHold.objects.create(reason=reason, placed_by=actor, **subject)
        _hold_audit("legal_hold.placed", hold, actor, reason=reason)
    return hold


def legal_hold_release(*, hold: LegalHold, actor: User, reason: str = "") -> LegalHold:
    require_role(actor, DECIDER_ROLES, action=_("解除法律保留"))
    reason = _reason(reason, required=False)
    with transaction.atomic():
        now = timezone.now()
        if (
            LegalHold.objects.filter(pk=hold.pk, released_at__isnull=True).update(
                released_at=now, released_by=actor, release_reason=reason
            )
            != 1
        ):
            raise Conflict("hold", _("该法律保留已解除"), code="already_released")
        hold.released_at, hold.released_by, hold.release_reason = now, actor, reason
        _hold_audit("legal_hold.released", hold, actor, reason=reason)
    return hold


def _hold_audit(kind: str, hold: LegalHold, actor: User, *, reason: str) -> None:
    privacy_event(kind=kind, actor=actor, case=hold.case, customer=hold.customer, hold=hold.pk, reason=reason)
    if hold.case is not None:
        event_record(
            case=hold.case,
            kind=kind,
            actor=actor,
            is_public=False,
            payload={"hold": hold.pk, "reason": reason},
        )


def _anonymised(*, case=None, customer=None) -> bool:
    subject = {"case": case} if case is not None else {"customer": customer}
    return Anonymisation.objects.filter(**subject).exists()


# ---- anonymisation ----------------------------------------------------------------------------


def case_anonymise(*, case: Case, trigger: str, actor: User | None = None, request=None) -> bool:
    """Anonymise one closed or cancelled case not on hold; False if it was not (held, open, done,
    or claimed by another runner meanwhile)."""
    with transaction.atomic():
        if case.status not in FINAL_STATUSES or case_is_held(case) or _anonymised(case=case):
            return False
        counts = case_erase(case)
        if counts is None:
            return False
        Anonymisation.objects.create(case=case, trigger=trigger, actor=actor, request=request, counts=counts)
        event_record(
            case=case,
            kind="case.anonymised",
            actor=actor,
            is_public=False,
            payload={"trigger": trigger, **counts},
        )
        privacy_event(
            kind="case.anonymised", actor=actor, case=case, request=request, trigger=trigger, **counts
        )
    return True


def customer_anonymise(*, customer: Customer, trigger: str, actor: User | None = None, request=None) -> bool:
    with transaction.atomic():
        if customer_is_held(customer) or _anonymised(customer=customer):
            return False
        if not customer_erase(customer):
            return False
        DeletionRequest.objects.filter(customer=customer).update(note="")
        Anonymisation.objects.create(customer=customer, trigger=trigger, actor=actor, request=request)
        privacy_event(
            kind="customer.anonymised", actor=actor, customer=customer, request=request, trigger=trigger
        )
    return True


# ---- deletion requests (PIPL art. 47) ---------------------------------------------------------


def deletion_request_record(
    *, customer: Customer, channel: str, actor: User, note: str = ""
) -> DeletionRequest:
    """Record that a customer asked for their personal information to be deleted."""
    require_role(actor, RECORDER_ROLES, action=_("登记删除请求"))
    if role_of(actor) == Role.CUSTOMER and customer.user_id != actor.pk:
        raise PermissionDenied("customer", _("只能为本人提出删除请求"), code="forbidden")
    if channel not in RequestChannel.values:
        raise DomainError("channel", _("未知的渠道：%(c)s") % {"c": channel})
    note = (note or "").strip()
    if len(note) > 2000:
        raise DomainError("note", _("长度不能超过 %(n)s") % {"n": 2000})
    if _anonymised(customer=customer):
        raise Conflict("customer", _("该客户的个人信息已删除"), code="anonymised")
    with transaction.atomic():
        if DeletionRequest.objects.filter(customer=customer, status=RequestStatus.PENDING).exists():
            raise Conflict("customer", _("该客户已有待处理的删除请求"), code="pending")
        request = DeletionRequest.objects.create(
            customer=customer, channel=channel, note=note, recorded_by=actor
        )
        privacy_event(
            kind="deletion.requested", actor=actor, customer=customer, request=request, channel=channel
        )
    return request


@dataclass(frozen=True)
class Blocker:
    code: str
    message: str


def deletion_blockers(customer: Customer) -> list[Blocker]:
    """What stops a customer's personal data being deleted now, in the reader's language."""
    blockers = []
    if (
        customer_is_held(customer)
        or LegalHold.objects.filter(released_at__isnull=True, case__customer=customer).exists()
    ):
        blockers.append(Blocker("legal_hold", _("客户或其售后单处于法律保留中")))
    open_numbers = list(
        Case.objects.filter(customer=customer)
        .exclude(status__in=FINAL_STATUSES)
        .values_list("number", flat=True)[:5]
    )
    if open_numbers:
        blockers.append(Blocker("open_case", _("有未结案的售后单：%(n)s") % {"n": "、".join(open_numbers)}))
    return blockers


def deletion_request_approve(
    *, request: DeletionRequest, actor: User, version: int | None = None
) -> DeletionRequest:
    """Approve: anonymise the customer and every one of their cases at once, or, if something
    blocks it (legal hold, open case), record the reason and leave the request to be approved again."""
    require_role(actor, DECIDER_ROLES, action=_("批准删除请求"))
    with transaction.atomic():
        request = _claim(request, version, allowed=(RequestStatus.PENDING, RequestStatus.BLOCKED))
        customer = request.customer
        blockers = deletion_blockers(customer)
        if blockers:
            reason = "；".join(b.message for b in blockers)
            _decide(request, actor, RequestStatus.BLOCKED, reason[:MAX_REASON])
            privacy_event(
                kind="deletion.blocked",
                actor=actor,
                customer=customer,
                request=request,
                blockers=[b.code for b in blockers],
            )
            return request
        cases = 0
        for case in Case.objects.filter(customer=customer).order_by("pk"):
            cases += case_anonymise(case=case, trigger=Trigger.REQUEST, actor=actor, request=request)
        customer_anonymise(customer=customer, trigger=Trigger.REQUEST, actor=actor, request=request)
        _decide(request, actor, RequestStatus.COMPLETED, "")
        privacy_event(kind="deletion.completed", actor=actor, customer=customer, request=request, cases=cases)
    return request


def deletion_request_reject(
    *, request: DeletionRequest, actor: User, reason: str, version: int | None = None
) -> DeletionRequest:
    require_role(actor, DECIDER_ROLES, action=_("拒绝删除请求"))
    reason = _reason(reason)
    with transaction.atomic():
        request = _claim(request, version, allowed=(RequestStatus.PENDING, RequestStatus.BLOCKED))
        _decide(request, actor, RequestStatus.REJECTED, reason)
        privacy_event(
            kind="deletion.rejected", actor=actor, customer=request.customer, request=request, reason=reason
        )
    return request


def _claim(request: DeletionRequest, version: int | None, *, allowed) -> DeletionRequest:
    """Lock the request for this decision; a stale version or a decided request is refused."""
    expected = request.version if version is None else version
    if (
        DeletionRequest.objects.filter(pk=request.pk, version=expected, status__in=allowed).update(
            version=F("version") + 1
        )
        != 1
    ):
        raise Conflict("version", _("删除请求已被他人处理，请刷新后重试"), code="stale")
    return DeletionRequest.objects.select_related("customer").get(pk=request.pk)


def _decide(request: DeletionRequest, actor: User, status: str, reason: str) -> None:
    request.status, request.decided_by, request.decided_at = status, actor, timezone.now()
    request.decision_reason = reason
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
