from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersale.cases.models import Case
from aftersale.catalog.models import Order, OrderLine
from aftersale.common.money import MoneyField


class RefundMethod(models.TextChoices):
    ORIGINAL = "original", _("原路退回")
    STORE_CREDIT = "store_credit", _("店铺余额")
    BANK_TRANSFER = "bank_transfer", _("银行转账")


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    SUCCEEDED = "succeeded", _("已到账")
    FAILED = "failed", _("失败")


class Refund(models.Model):
    """Money back. The idempotency key is unique in the database: a retry or double click pays once."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="refunds")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    order_line = models.ForeignKey(
        OrderLine, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    idempotency_key = models.CharField(_("幂等键"), max_length=80, unique=True)
    amount = MoneyField(_("退款金额"))
    freight_deduction = MoneyField(_("运费扣减"))
    gift_deduction = MoneyField(_("赠品扣减"))
    method = models.CharField(_("方式"), max_length=20, choices=RefundMethod.choices)
    gateway = models.CharField(_("支付渠道"), max_length=20, blank=True, default="")
    status = models.CharField(
        _("状态"), max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    speedy = models.BooleanField(_("极速退款"), default=False)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(_("失败原因"), max_length=300, blank=True, default="")
    gateway_ref = models.CharField(_("渠道流水号"), max_length=100, blank=True, default="")
    reference = models.CharField(_("线下凭证号"), max_length=100, blank=True, default="")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    succeeded_at = models.DateTimeField(_("到账时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("退款")
        verbose_name_plural = _("退款")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="refund_retry_due",
                condition=Q(status__in=["pending", "sent"]),
            ),
            models.Index(fields=["status", "created_at"], name="refund_status_created"),
        ]


class RefundLine(models.Model):
    """How much of a refund is for which order line, before deductions: what caps partial refunds."""

    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="refund_lines")
    amount = MoneyField(_("退款金额"))

    class Meta:
        verbose_name = _("退款商品行")
        verbose_name_plural = _("退款商品行")
        constraints = [
            models.UniqueConstraint(fields=["refund", "order_line"], name="refund_line_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_line_amount_positive"),
        ]
