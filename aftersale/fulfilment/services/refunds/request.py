"""Asking for a refund: what may still be refunded of each line and of the order, the deductions
the playbook allows, speedy refunds, and one refund per idempotency key."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersale.cases.eligibility import case_eligibility
from aftersale.cases.lifecycle import Status
from aftersale.cases.models import Case, Resolution
from aftersale.cases.services import event_record, require_case_access
from aftersale.catalog.models import Order, OrderLine
from aftersale.common.errors import Conflict, DomainError, FieldError
from aftersale.common.money import CENT
from aftersale.policy.services import playbook_active

from ...models import Refund, RefundMethod, RefundStatus, ReturnAuthorization
from ...models.refunds import RefundLine
from .base import EVENT_REQUESTED, REFUND_ROLES, start_clocks

REFUNDABLE_CASE_STATUSES = frozenset({Status.APPROVED, Status.IN_FULFILMENT})
# Alipay's out_request_no is at most 64 characters; the key is sent as it is.
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

RequestedLines = list[tuple[OrderLine, Decimal]]


def refund_request(
    *,
    case: Case,
    actor,
    lines: list[tuple[OrderLine, Decimal]] | None = None,
    amount: Decimal | None = None,
    idempotency_key: str,
    method: str = "original",
    speedy: bool = False,
    reference: str = "",
    deduct_freight: bool = False,
    gift_deduction: Decimal = Decimal("0"),
) -> Refund:
    """Refund `lines` (order line, amount before deductions) or an order-level `amount`.

    The same `idempotency_key` again answers the refund it made, however often and however
    concurrently it is sent. `actor` None is the system itself. Refunds to the original payment
    method are sent once the transaction commits."""
    if actor is not None:
        require_case_access(actor, case, action=_("退款"), roles=REFUND_ROLES)
    gross = _check_input(
        lines=lines,
        amount=amount,
        idempotency_key=idempotency_key,
        method=method,
        reference=reference,
        gift_deduction=gift_deduction,
    )
    replay = _replay(idempotency_key, case=case, gross=gross)
    if replay is not None:
        return replay
    try:
        with transaction.atomic():
            return _create(
                case=case,
                actor=actor,
                lines=lines,
                amount=amount,
                gross=gross,
                idempotency_key=idempotency_key,
                method=method,
                speedy=speedy,
                reference=reference.strip(),
                deduct_freight=deduct_freight,
                gift_deduction=gift_deduction,
            )
    except IntegrityError:
        # Someone else stored this key first (a double click on another order's lock); answer theirs.
        replay = _replay(idempotency_key, case=case, gross=gross)
        if replay is None:
            raise
        return replay


def _check_input(
    *,
    lines: RequestedLines | None,
    amount: Decimal | None,
    idempotency_key: str,
    method: str,
    reference: str,
    gift_deduction: Decimal,
) -> Decimal:
    """Everything that needs no database; answers the amount asked for before deductions."""
    errors: list[FieldError] = []
    if not IDEMPOTENCY_KEY.match(idempotency_key or ""):
        errors.append(FieldError("idempotency_key", _("须为 1 到 64 位字母、数字、下划线或连字符")))
    if method not in RefundMethod.values:
        errors.append(
            FieldError("method", _("必须是以下之一：%(c)s") % {"c": ", ".join(RefundMethod.values)})
        )
    if len(reference.strip()) > 100:
        errors.append(FieldError("reference", _("长度不能超过 %(n)s") % {"n": 100}))
    if gift_deduction < 0 or not _is_cents(gift_deduction):
        errors.append(FieldError("gift_deduction", _("须为不小于 0、最多两位小数的金额")))
    if (lines is None) == (amount is None) or (lines is not None and not lines):
        errors.append(FieldError("amount", _("请指定退款商品行或退款金额（二者只能选一）")))
    elif amount is not None and (amount <= 0 or not _is_cents(amount)):
        errors.append(FieldError("amount", _("须为大于 0、最多两位小数的金额")))
    for index, (_line, value) in enumerate(lines or []):
        if value <= 0 or not _is_cents(value):
            errors.append(FieldError(f"lines.{index}.amount", _("须为大于 0、最多两位小数的金额")))
    if errors:
        raise DomainError.many(errors)
    return amount if amount is not None else sum((value for _line, value in lines or []), Decimal("0.00"))


def _yuan(value: Decimal) -> str:
    """An amount as shown in messages: never negative, two places."""
    return f"{max(value, Decimal('0')):.2f}"


def _is_cents(value: Decimal) -> bool:
    return value.is_finite() and value == value.quantize(CENT)


def _replay(idempotency_key: str, *, case: Case, gross: Decimal) -> Refund | None:
    """The refund already made with this key; a key reused for another refund is refused."""
    refund = Refund.objects.filter(idempotency_key=idempotency_key).first()
    if refund is None:
        return None
    if refund.case_id != case.pk or refund.amount + refund.freight_deduction + refund.gift_deduction != gross:
        raise Conflict("idempotency_key", _("该幂等键已用于另一笔退款"), code="idempotency_key_reused")
    return refund


def _create(
    *,
    case: Case,
    actor,
    lines: RequestedLines | None,
    amount: Decimal | None,
    gross: Decimal,
    idempotency_key: str,
    method: str,
    speedy: bool,
    reference: str,
    deduct_freight: bool,
    gift_deduction: Decimal,
) -> Refund:
    if case.order_id is None:
        raise DomainError("case", _("售后单未关联订单，无法退款"))
    # Every refund of the order queues here, so the amounts already refunded cannot change under us.
    order = Order.objects.select_for_update().get(pk=case.order_id)
    replay = _replay(idempotency_key, case=case, gross=gross)
    if replay is not None:
        return replay
    _require_refundable(case)
    received_at = _goods_received_at(case)
    requested = lines or []
    if speedy:
        _require_speedy(case, [line for line, _value in requested])
    elif case.resolution == Resolution.RETURN_REFUND and received_at is None:
        raise DomainError(
            "speedy",
            _("尚未收到退货：须收到退货后退款，符合条件的客户可申请极速退款"),
            code="goods_not_received",
        )
    playbook = playbook_active()
    refunded = _refunded_by_line(order)
    _check_caps(order, case, requested, gross, refunded)
    freight = (
        _freight_deduction(case, order, requested, refunded, playbook) if deduct_freight else Decimal("0.00")
    )
    _check_gift_deduction(order, gift_deduction, playbook)
    net = gross - freight - gift_deduction
    if net <= 0:
        raise DomainError(
            "amount",
            _("扣减运费和赠品后退款金额须大于 0（扣减合计 ¥%(d)s）") % {"d": _yuan(freight + gift_deduction)},
        )
    now = timezone.now()
    original = method == RefundMethod.ORIGINAL
    refund = Refund.objects.create(
        case=case,
        order=order,
        order_line=requested[0][0] if len(requested) == 1 else None,
        idempotency_key=idempotency_key,
        amount=net,
        freight_deduction=freight,
        gift_deduction=gift_deduction,
        method=method,
        gateway=order.payment_method if original else "",
        speedy=speedy,
        reference=reference,
        requested_by=actor if actor is not None and actor.pk else None,
        next_attempt_at=now if original else None,
    )
    RefundLine.objects.bulk_create(
        [RefundLine(refund=refund, order_line=line, amount=value) for line, value in requested]
    )
    start_clocks(case, refund, started_at=received_at or now, playbook=playbook)
    event_record(
        case=case,
        kind=EVENT_REQUESTED,
        actor=actor,
        payload={
            "refund_id": refund.pk,
            "amount": str(net),
            "method": method,
            "speedy": speedy,
            "freight_deduction": str(freight),
            "gift_deduction": str(gift_deduction),
        },
    )
    if original:
        transaction.on_commit(partial(_queue_send, refund.pk), robust=True)
    return refund


def _require_refundable(case: Case) -> None:
    case.refresh_from_db(fields=["status"])
    if case.status not in REFUNDABLE_CASE_STATUSES:
        raise DomainError(
            "case",
            _("售后单当前状态为“%(status)s”，须审核通过后才能退款") % {"status": Status(case.status).label},
            code="invalid_status",
        )


def _goods_received_at(case: Case) -> datetime | None:
    """When the latest return of the case reached the warehouse (None: nothing came back yet)."""
    return ReturnAuthorization.objects.filter(case=case, received_at__isnull=False).aggregate(
        at=Max("received_at")
    )["at"]


def _require_speedy(case: Case, lines: list[OrderLine]) -> None:
    """Speedy refund (极速退款) only where the playbook's conditions hold for every refunded line."""
    resolution = case.resolution if case.resolution == Resolution.REFUND_ONLY else Resolution.RETURN_REFUND
    wanted = {line.pk for line in lines}
    for line, eligibility in case_eligibility(case):
        if (not wanted or line.pk in wanted) and not eligibility.entitlements[resolution].speedy_refund:
            raise DomainError(
                "speedy", _("不符合极速退款条件：退款须在商家收到退货后发放"), code="not_entitled"
            )


# ---- what may still be refunded ------------------------------------------------------------------


def line_paid_amounts(order: Order) -> dict[int, Decimal]:
    """What the buyer paid for each line: its price less its share of the order's discount."""
    lines = list(order.lines.all())
    goods = sum((line.line_amount for line in lines), Decimal("0.00"))
    paid = {}
    for line in lines:
        share = (order.discount_amount * line.line_amount / goods) if goods else Decimal("0")
        paid[line.pk] = max(line.line_amount - share.quantize(CENT, rounding=ROUND_HALF_UP), Decimal("0.00"))
    return paid


def _open_refunds(order: Order):
    return Refund.objects.filter(order=order).exclude(status=RefundStatus.FAILED)


def _refunded_by_line(order: Order) -> dict[int, Decimal]:
    rows = (
        RefundLine.objects.filter(refund__order=order)
        .exclude(refund__status=RefundStatus.FAILED)
        .values("order_line_id")
        .annotate(total=Sum("amount"))
    )
    return {row["order_line_id"]: row["total"] for row in rows}


def _refunded_total(order: Order) -> Decimal:
    totals = _open_refunds(order).aggregate(
        a=Sum("amount"), f=Sum("freight_deduction"), g=Sum("gift_deduction")
    )
    return sum((value or Decimal("0.00") for value in totals.values()), Decimal("0.00"))


def _check_caps(
    order: Order, case: Case, requested: RequestedLines, gross: Decimal, refunded: dict[int, Decimal]
) -> None:
    """Never more than was paid for a line, nor for the order, across every refund that may pay."""
    errors: list[FieldError] = []
    in_case = set(case.lines.values_list("order_line_id", flat=True))
    paid = line_paid_amounts(order)
    seen: set[int] = set()
    for index, (line, value) in enumerate(requested):
        if line.order_id != order.pk or line.pk not in in_case:
            errors.append(FieldError(f"lines.{index}.line_no", _("该商品不在此售后单中")))
        elif line.pk in seen:
            errors.append(FieldError(f"lines.{index}.line_no", _("行号重复")))
        else:
            left = paid[line.pk] - refunded.get(line.pk, Decimal("0.00"))
            if value > left:
                errors.append(
                    FieldError(
                        f"lines.{index}.amount",
                        _("超过该商品实付可退金额 ¥%(left)s") % {"left": _yuan(left)},
                        code="exceeds_paid",
                    )
                )
        seen.add(line.pk)
    if errors:
        raise DomainError.many(errors)
    left = order.paid_amount - _refunded_total(order)
    if gross > left:
        raise DomainError(
            "amount", _("超过订单实付可退金额 ¥%(left)s") % {"left": _yuan(left)}, code="exceeds_paid"
        )


def _freight_deduction(
    case: Case, order: Order, requested: RequestedLines, refunded: dict[int, Decimal], playbook
) -> Decimal:
    """A partial no-reason return that drops the order below the free-shipping threshold gives up
    the free shipping: the original fee is deducted, once per order (RULES.md §2)."""
    rules = playbook.playbook.returns.no_reason
    threshold = rules.free_shipping_threshold
    if case.category.code in playbook.fault_categories:
        raise DomainError("deduct_freight", _("质量问题的退货由商家承担运费，不扣运费"))
    if threshold is None or not rules.deduct_shipping_when_threshold_broken:
        raise DomainError("deduct_freight", _("售后政策未规定扣减运费"))
    if not requested:
        raise DomainError("deduct_freight", _("扣减运费须按商品行退款"))
    if _open_refunds(order).filter(freight_deduction__gt=0).exists():
        raise DomainError("deduct_freight", _("该订单的运费已在此前的退款中扣减"))
    paid = line_paid_amounts(order)
    goods = sum(paid.values(), Decimal("0.00"))
    returning = dict(refunded)
    for line, value in requested:
        returning[line.pk] = returning.get(line.pk, Decimal("0.00")) + value
    kept = goods - sum(returning.values(), Decimal("0.00"))
    if goods < threshold:
        raise DomainError(
            "deduct_freight", _("订单未达包邮门槛 ¥%(t)s，没有可扣减的运费") % {"t": _yuan(threshold)}
        )
    if kept >= threshold:
        raise DomainError(
            "deduct_freight",
            _("退货后订单商品金额 ¥%(k)s 仍达包邮门槛 ¥%(t)s，不扣运费")
            % {"k": _yuan(kept), "t": _yuan(threshold)},
        )
    if order.shipping_fee <= 0:
        raise DomainError("deduct_freight", _("订单未记录原运费，无法扣减"))
    return order.shipping_fee


def _check_gift_deduction(order: Order, deduction: Decimal, playbook) -> None:
    """Unreturned gifts are deducted at most at their value declared at sale."""
    if deduction <= 0:
        return
    if not playbook.playbook.returns.no_reason.deduct_unreturned_gifts:
        raise DomainError("gift_deduction", _("售后政策不允许扣减未退回的赠品"))
    declared = sum((Decimal(str(gift.get("value") or 0)) for gift in order.gifts or []), Decimal("0.00"))
    taken = _open_refunds(order).aggregate(total=Sum("gift_deduction"))["total"] or Decimal("0.00")
    if deduction > declared - taken:
        raise DomainError(
            "gift_deduction",
            _("超过订单赠品的申报价值，最多可扣 ¥%(left)s") % {"left": _yuan(declared - taken)},
        )


def _queue_send(refund_id: int) -> None:
    from ...tasks import send_refund

    send_refund.delay(refund_id)
