from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersale.cases.models import Case
from aftersale.common.money import MoneyField


class OfferKind(models.TextChoices):
    BALANCE_CREDIT = "balance_credit", _("余额补偿")
    COUPON = "coupon", _("优惠券")
    GIFT = "gift", _("赠品")
    CASH = "cash", _("现金")


class OfferStatus(models.TextChoices):
    PENDING_APPROVAL = "pending_approval", _("待审批")
    REJECTED = "rejected", _("审批驳回")
    OFFERED = "offered", _("待客户确认")
    ACCEPTED = "accepted", _("客户已接受")
    DECLINED = "declined", _("客户已拒绝")
    PAID = "paid", _("已发放")
    WITHDRAWN = "withdrawn", _("已撤回")


class CompensationOffer(models.Model):
    """A compensation within the offerer's limit goes straight to the customer; above it, it waits
    for the role whose limit covers it. Nobody approves their own offer."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="compensation_offers")
    kind = models.CharField(_("形式"), max_length=20, choices=OfferKind.choices)
    amount = MoneyField(_("金额"))
    description = models.CharField(_("说明"), max_length=300, blank=True, default="")
    status = models.CharField(_("状态"), max_length=20, choices=OfferStatus.choices)
    approver_role = models.CharField(_("需审批角色"), max_length=20, blank=True, default="")
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("客户答复时间"), null=True, blank=True)
    paid_at = models.DateTimeField(_("发放时间"), null=True, blank=True)
    payout_ref = models.CharField(_("发放凭证"), max_length=100, blank=True, default="")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("补偿")
        verbose_name_plural = _("补偿")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="offer_amount_not_negative")]
        indexes = [models.Index(fields=["status", "approver_role"], name="offer_approval_inbox")]
