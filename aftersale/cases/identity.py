"""Identity check (seed 001): the requester's order no. and phone against the order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersale.catalog.models import Order
from aftersale.common.errors import DomainError, FieldError
from aftersale.common.masking import mask_phone

from .models import IdentityCheck


@dataclass
class IdentityClaim:
    order_no: str
    phone: str
    channel: str | None = None
    purchase_date: date | None = None
    tier: str | None = None


@dataclass
class IdentityResult:
    order: Order | None
    passed: bool
    checks: list[dict[str, object]] = field(default_factory=list)

    def failures(self) -> list[FieldError]:
        return [FieldError(c["item"], c["reason"], "identity_mismatch") for c in self.checks if not c["ok"]]


def _normalise_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return digits[-11:] if len(digits) > 11 and digits.startswith("86") else digits


def identity_evaluate(claim: IdentityClaim) -> IdentityResult:
    """Compare a claim with the order; every item supplied must match."""
    # order_no is unique: a plain LIMIT 1, without the ORDER BY that .first() would build.
    found = Order.objects.select_related("customer").filter(order_no=claim.order_no)[:1]
    order = found[0] if found else None
    if order is None:
        return IdentityResult(None, False, [{"item": "order_no", "ok": False, "reason": _("订单号不存在")}])
    checks: list[dict[str, object]] = []

    def check(item: str, ok: bool, reason: str) -> None:
        checks.append({"item": item, "ok": ok, "reason": "" if ok else reason})

    check("order_no", True, "")
    check(
        "phone",
        _normalise_phone(claim.phone) == _normalise_phone(order.customer.phone),
        _("手机号与订单买家不一致"),
    )
    if claim.channel:
        check("channel", claim.channel == order.channel, _("购买渠道与订单不一致"))
    if claim.purchase_date:
        paid = timezone.localtime(order.paid_at).date() if order.paid_at else None
        check("purchase_date", paid == claim.purchase_date, _("购买日期与订单不一致"))
    if claim.tier:
        check("tier", claim.tier == order.customer.tier, _("会员等级与记录不一致"))
    return IdentityResult(order, all(c["ok"] for c in checks), checks)


def identity_verify(*, claim: IdentityClaim, actor, case=None) -> IdentityCheck:
    """Record a verification result (passed or not) and return it."""
    result = identity_evaluate(claim)
    with transaction.atomic():
        return IdentityCheck.objects.create(
            case=case,
            order=result.order,
            order_no=claim.order_no,
            phone_masked=mask_phone(claim.phone),
            passed=result.passed,
            checks=result.checks,
            checked_by=actor if getattr(actor, "is_authenticated", False) else None,
        )


def require_identity(claim: IdentityClaim) -> IdentityResult:
    """The verified order for a claim, or a DomainError listing what did not match."""
    result = identity_evaluate(claim)
    if not result.passed:
        raise DomainError.many(result.failures())
    return result
