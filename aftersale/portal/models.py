"""One-time sign-in codes for the customer portal. Only a keyed hash of each code is stored."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersale.catalog.models import Customer, Order


class OtpChallenge(models.Model):
    customer = models.ForeignKey(Customer, verbose_name=_("客户"), on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, verbose_name=_("订单"), on_delete=models.CASCADE, related_name="+")
    salt = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录验证码")
        verbose_name_plural = _("登录验证码")
        indexes = [models.Index(fields=["customer", "created_at"], name="otp_customer_created")]


class SignInAttempt(models.Model):
    """One try at the sign-in (a code asked for, or a code entered), counted per phone and per
    address to slow down guessing. The phone is kept only as a keyed hash."""

    key = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("登录尝试")
        verbose_name_plural = _("登录尝试")
        indexes = [models.Index(fields=["key", "created_at"], name="signin_attempt_key_created")]
