from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersale.cases.models import Case, Evidence
from aftersale.catalog.models import OrderLine
from aftersale.common.money import MoneyField


class ReturnStatus(models.TextChoices):
    AUTHORIZED = "authorized", _("待寄回")
    IN_TRANSIT = "in_transit", _("寄回中")
    RECEIVED = "received", _("已签收")
    INSPECTED = "inspected", _("已验收")
    RETURNED_TO_CUSTOMER = "returned_to_customer", _("已退回客户")
    CANCELLED = "cancelled", _("已取消")


class ReturnAuthorization(models.Model):
    """An RMA: the customer may send these lines back, to this address, at this party's cost."""

    number = models.CharField(_("退货单号"), max_length=32, unique=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="returns")
    status = models.CharField(
        _("状态"), max_length=24, choices=ReturnStatus.choices, default=ReturnStatus.AUTHORIZED
    )
    freight_payer = models.CharField(_("运费承担"), max_length=10)
    address = models.CharField(_("退货地址"), max_length=300)
    contact = models.CharField(_("联系人"), max_length=80)
    phone = models.CharField(_("联系电话"), max_length=30)
    carrier = models.CharField(_("承运商"), max_length=40, blank=True, default="")
    tracking_no = models.CharField(_("运单号"), max_length=64, blank=True, default="", db_index=True)
    pickup_ref = models.CharField(_("上门取件单号"), max_length=64, blank=True, default="")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    shipped_at = models.DateTimeField(_("寄出时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("退货授权")
        verbose_name_plural = _("退货授权")


class ReturnLine(models.Model):
    rma = models.ForeignKey(ReturnAuthorization, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("数量"))


class Disposition(models.TextChoices):
    ACCEPT = "accept", _("验收通过")
    PARTIAL = "partial", _("部分通过（扣减）")
    REJECT = "reject", _("验收不通过")


class Inspection(models.Model):
    rma = models.OneToOneField(ReturnAuthorization, on_delete=models.PROTECT, related_name="inspection")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checklist = models.JSONField(_("完好检查"), default=dict)
    disposition = models.CharField(_("结论"), max_length=10, choices=Disposition.choices)
    deduction = MoneyField(_("扣减金额"))
    reason = models.TextField(_("说明"), blank=True, default="")
    photos = models.ManyToManyField(Evidence, verbose_name=_("验收照片"), blank=True, related_name="+")
    inspected_at = models.DateTimeField(_("验收时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("验收")
        verbose_name_plural = _("验收")
