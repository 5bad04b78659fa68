"""Customer sign-in by order no. + phone + one-time code, and the customer's own account."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from aftersale.cases.identity import IdentityClaim, identity_evaluate
from aftersale.catalog.models import Customer
from aftersale.common.errors import DomainError, PermissionDenied
from aftersale.common.models import User
from aftersale.common.roles import Role

from .models import OtpChallenge, SignInAttempt
from .sms import sms_backend

CODE_DIGITS = 6
CODE_TTL = timedelta(minutes=5)
MAX_ATTEMPTS = 5
MAX_CODES_PER_HOUR = 5
# Sign-in tries per phone and per client address within THROTTLE_WINDOW, wrong ones included.
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_TRIES_PER_PHONE = 10
MAX_TRIES_PER_ADDRESS = 30


class TooManyRequests(DomainError):
    status = 429


@dataclass
class OtpSent:
    challenge: OtpChallenge
    shown_code: str | None  # only when the SMS backend delivers nothing (demo mode)


def _code_hash(salt: str, code: str) -> str:
    return salted_hmac("aftersale.portal.otp", f"{salt}:{code}", algorithm="sha256").hexdigest()


def _phone_key(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    digits = digits[2:] if len(digits) > 11 and digits.startswith("86") else digits
    return "phone:" + salted_hmac("aftersale.portal.throttle", digits, algorithm="sha256").hexdigest()[:40]


def signin_throttle(*, phone: str | None, address: str, step: str) -> None:
    """Count this try, or refuse it when the phone or the address has tried too often lately."""
    now = timezone.now()
    limits = [(f"{step}-ip:{address}"[:80], MAX_TRIES_PER_ADDRESS, "address")] if address else []
    if phone is not None:
        limits.append((_phone_key(phone), MAX_TRIES_PER_PHONE, "phone"))
    minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
    for key, limit, _kind in limits:
        recent = SignInAttempt.objects.filter(key=key, created_at__gte=now - THROTTLE_WINDOW).count()
        if recent >= limit:
            field = "phone" if step == "code" else "code"
            raise TooManyRequests(
                field,
                _("尝试过于频繁，请 %(minutes)s 分钟后再试") % {"minutes": minutes},
                code="rate_limited",
            )
    with transaction.atomic():
        SignInAttempt.objects.filter(
            key__in=[key for key, _limit, _kind in limits], created_at__lt=now - THROTTLE_WINDOW
        ).delete()
        SignInAttempt.objects.bulk_create(SignInAttempt(key=key) for key, _limit, _kind in limits)


def signin_records_prune(*, now=None) -> int:
    """Forget sign-in tries past the throttle window and codes expired for a day; returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        tries, _ = SignInAttempt.objects.filter(created_at__lt=now - THROTTLE_WINDOW).delete()
        codes, _ = OtpChallenge.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
    return tries + codes


def otp_request(*, order_no: str, phone: str, address: str = "") -> OtpSent:
    """Send a sign-in code to the phone on the order, if the order no. and phone match it."""
    signin_throttle(phone=phone, address=address, step="code")
    result = identity_evaluate(IdentityClaim(order_no=order_no.strip(), phone=phone))
    if not result.passed or result.order is None:
        raise DomainError("phone", _("订单号与手机号不匹配"), code="identity_mismatch")
    customer = result.order.customer
    now = timezone.now()
    recent = OtpChallenge.objects.filter(customer=customer, created_at__gte=now - timedelta(hours=1)).count()
    if recent >= MAX_CODES_PER_HOUR:
        raise TooManyRequests("phone", _("验证码发送过于频繁，请一小时后再试"), code="rate_limited")
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    salt = secrets.token_hex(8)
    backend = sms_backend()
    text = _("【售后服务】您的登录验证码是 %(code)s，%(minutes)s 分钟内有效。") % {
        "code": code,
        "minutes": int(CODE_TTL.total_seconds() // 60),
    }
    with transaction.atomic():
        challenge = OtpChallenge.objects.create(
            customer=customer,
            order=result.order,
            salt=salt,
            code_hash=_code_hash(salt, code),
            expires_at=now + CODE_TTL,
        )
        transaction.on_commit(
            lambda: backend.send(phone=customer.phone, text=text, template="otp", params={"code": code})
        )
    return OtpSent(challenge=challenge, shown_code=code if backend.shows_code else None)


def otp_verify(*, challenge_id: int, code: str, address: str = "") -> User:
    """Check a code; every try counts, even a wrong one. Returns the customer's account."""
    signin_throttle(phone=None, address=address, step="verify")
    now = timezone.now()
    # Claim one attempt first (a conditional update), so parallel guesses cannot exceed the limit.
    claimed = OtpChallenge.objects.filter(
        pk=challenge_id, used_at__isnull=True, expires_at__gt=now, attempts__lt=MAX_ATTEMPTS
    ).update(attempts=F("attempts") + 1)
    challenge = OtpChallenge.objects.select_related("customer").filter(pk=challenge_id).first()
    if challenge is None or challenge.used_at is not None or challenge.expires_at <= now:
        raise DomainError("code", _("验证码已失效，请重新获取"), code="expired")
    if not claimed:
        raise DomainError("code", _("尝试次数过多，请重新获取验证码"), code="too_many_attempts")
    if not constant_time_compare(_code_hash(challenge.salt, code.strip()), challenge.code_hash):
        left = MAX_ATTEMPTS - challenge.attempts
        raise DomainError("code", _("验证码不正确，还可尝试 %(n)s 次") % {"n": left}, code="wrong_code")
    if not OtpChallenge.objects.filter(pk=challenge.pk, used_at__isnull=True).update(used_at=now):
        raise DomainError("code", _("验证码已失效，请重新获取"), code="expired")
    return customer_account_ensure(customer=challenge.customer)


def customer_account_ensure(*, customer: Customer) -> User:
    """The customer's login account; made (and linked) on their first sign-in."""
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        user = customer.user
        if user is None:
            user = User(
                username=f"customer-{customer.pk}-{secrets.token_hex(3)}",
                role=Role.CUSTOMER,
                display_name=customer.name,
                is_staff=False,
            )
            user.set_unusable_password()
            user.save()
            customer.user = user
            customer.save(update_fields=["user"])
    if user.role != Role.CUSTOMER or not user.is_active:
        raise PermissionDenied("account", _("该账号不能登录自助服务"), code="forbidden")
    return user
