"""Sending a refund to its gateway and retrying until the outcome is known; completing an offline
refund by hand."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersale.cases.services import event_record, require_case_access
from aftersale.catalog.models import PaymentMethod
from aftersale.common.errors import Conflict, DomainError

from ...gateways import Gateway, GatewayResult, Outcome, RefundOrder, gateway_for
from ...models import Refund, RefundMethod, RefundStatus
from .base import EVENT_FAILED, MAX_ATTEMPTS, OFFLINE_METHODS, OPEN_STATUSES, REFUND_ROLES, paid_out

log = logging.getLogger(__name__)

# Longer than the gateway's timeout (10 s by default), so attempts seldom overlap; the fence
# (status and attempt number) makes an overlap harmless.
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
RETRY_BATCH = 100


def refund_send(*, refund: Refund) -> Refund:
    """Send a due refund to its gateway (after an unknown outcome: ask the gateway first, and send
    again only if it has no such refund). Answers the refund as it now stands."""
    _attempt(refund.pk, now=timezone.now())
    refund.refresh_from_db()
    return refund


def refunds_retry_due(now: datetime | None = None) -> int:
    """Attempt every refund whose next attempt is due; answers how many were attempted."""
    now = now or timezone.now()
    due = list(
        Refund.objects.filter(status__in=OPEN_STATUSES, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:RETRY_BATCH]
    )
    return sum(1 for pk in due if _attempt(pk, now=now))


def retry_delay(attempt: int) -> timedelta:
    """Exponential backoff after the `attempt`-th attempt: 30 s, 1 min, 2 min, … at most an hour."""
    return min(FIRST_RETRY * 2 ** min(max(attempt - 1, 0), 7), LONGEST_RETRY)


def _attempt(refund_id: int, *, now: datetime) -> bool:
    """One attempt, if the refund is due and nobody else claimed it; answers whether it ran."""
    refund = Refund.objects.select_related("order", "case").get(pk=refund_id)
    due = refund.next_attempt_at is not None and refund.next_attempt_at <= now
    if refund.status not in OPEN_STATUSES or refund.method != RefundMethod.ORIGINAL or not due:
        return False
    in_doubt = refund.status == RefundStatus.SENT
    gateway, problem = _gateway(refund)
    if gateway is None:
        if in_doubt:  # it may have paid: keep asking until a gateway can tell
            _fenced(refund).update(last_error=problem[:300], next_attempt_at=now + LONGEST_RETRY)
        else:
            _fail(refund, reason=problem)
        return True
    if not _claim(refund, now):
        return False
    try:
        result = _ask_gateway(gateway, refund, in_doubt=in_doubt)
    except Exception:  # whatever went wrong, the call may have gone out: treat as unknown
        log.exception("refund %s: gateway call failed", refund.pk)
        result = GatewayResult(Outcome.UNKNOWN, reason=_("调用支付渠道时发生内部错误"))
    _record(refund, result, now=now)
    return True


def _gateway(refund: Refund) -> tuple[Gateway | None, str]:
    method = refund.order.payment_method
    label = PaymentMethod(method).label if method in PaymentMethod.values else method
    try:
        gateway = gateway_for(method)
    except (OSError, ValueError) as exc:
        log.error("refund %s: gateway for %s misconfigured: %s", refund.pk, method, exc)
        return None, _("“%(m)s”退款渠道配置有误：%(e)s") % {"m": label, "e": exc}
    if gateway is None:
        return None, _("未配置“%(m)s”的退款渠道，无法原路退回；请改用店铺余额或银行转账") % {"m": label}
    return gateway, ""


def _fenced(refund: Refund):
    """The refund row only as long as nobody attempted it since we read it."""
    return Refund.objects.filter(pk=refund.pk, status=refund.status, attempts=refund.attempts)


def _claim(refund: Refund, now: datetime) -> bool:
    """Mark the refund sent before the call: a crash mid-call leaves it 'may have paid'."""
    attempt = refund.attempts + 1
    claimed = _fenced(refund).update(
        status=RefundStatus.SENT,
        attempts=attempt,
        sent_at=refund.sent_at or now,
        next_attempt_at=now + retry_delay(attempt),
    )
    if claimed != 1:
        return False
    refund.status, refund.attempts, refund.sent_at = RefundStatus.SENT, attempt, refund.sent_at or now
    return True


def _ask_gateway(gateway: Gateway, refund: Refund, *, in_doubt: bool) -> GatewayResult:
    order = RefundOrder(
        request_no=refund.idempotency_key,
        order_no=refund.order.order_no,
        trade_ref=refund.order.payment_ref,
        amount=refund.amount,
        reason=_("售后单 %(case)s 退款") % {"case": refund.case.number},
    )
    if in_doubt:
        found = gateway.query(order)
        if found.outcome == Outcome.SUCCEEDED:
            return found
        if found.outcome != Outcome.NOT_FOUND:
            return GatewayResult(Outcome.UNKNOWN, reason=found.reason, code=found.code)
    result = gateway.refund(order)
    return result if result.outcome != Outcome.NOT_FOUND else GatewayResult(Outcome.UNKNOWN, code=result.code)


def _record(refund: Refund, result: GatewayResult, *, now: datetime) -> None:
    reason = result.reason or result.code
    if result.outcome == Outcome.SUCCEEDED:
        _succeed(refund, gateway_ref=result.gateway_ref, now=now)
    elif result.outcome == Outcome.FAILED:
        _fail(refund, reason=reason)
    elif result.outcome == Outcome.RETRY and refund.attempts >= MAX_ATTEMPTS:
        _fail(refund, reason=_("%(r)s（已尝试 %(n)s 次）") % {"r": reason, "n": refund.attempts})
    elif result.outcome == Outcome.RETRY:
        _fenced(refund).update(status=RefundStatus.PENDING, last_error=reason[:300])
    else:  # unknown: stays sent, and the next attempt (already scheduled by the claim) asks first
        _fenced(refund).update(last_error=reason[:300])


def _succeed(refund: Refund, *, gateway_ref: str, now: datetime) -> None:
    with transaction.atomic():
        done = _fenced(refund).update(
            status=RefundStatus.SUCCEEDED,
            succeeded_at=now,
            gateway_ref=gateway_ref[:100],
            next_attempt_at=None,
            last_error="",
        )
        if done != 1:
            return
        refund.refresh_from_db()
        paid_out(refund, actor=None, now=now)


def _fail(refund: Refund, *, reason: str) -> None:
    with transaction.atomic():
        done = _fenced(refund).update(
            status=RefundStatus.FAILED, last_error=reason[:300], next_attempt_at=None
        )
        if done != 1:
            return
        event_record(
            case=refund.case,
            kind=EVENT_FAILED,
            actor=None,
            is_public=False,
            payload={"refund_id": refund.pk, "amount": str(refund.amount), "reason": reason[:300]},
        )


# ---- offline methods -----------------------------------------------------------------------------------


def refund_complete_offline(*, refund: Refund, actor, reference: str) -> Refund:
    """Staff confirm a store-credit or bank-transfer refund was paid, with its voucher number."""
    require_case_access(actor, refund.case, action=_("确认线下退款"), roles=REFUND_ROLES)
    reference = (reference or "").strip()
    if not reference:
        raise DomainError("reference", _("请填写转账流水号或余额入账凭证号"))
    if len(reference) > 100:
        raise DomainError("reference", _("长度不能超过 %(n)s") % {"n": 100})
    if refund.method not in OFFLINE_METHODS:
        raise DomainError("method", _("原路退回的退款由支付渠道确认结果，不能手工完成"))
    now = timezone.now()
    with transaction.atomic():
        done = Refund.objects.filter(pk=refund.pk, status=RefundStatus.PENDING).update(
            status=RefundStatus.SUCCEEDED,
            succeeded_at=now,
            sent_at=now,
            reference=reference,
        )
        refund.refresh_from_db()
        if done != 1:
            raise Conflict(
                "status",
                _("退款当前状态为“%(s)s”，不能确认完成") % {"s": RefundStatus(refund.status).label},
                code="invalid_status",
            )
        paid_out(refund, actor=actor, now=now)
    return refund
