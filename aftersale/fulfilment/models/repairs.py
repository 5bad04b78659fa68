from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersale.cases.models import Case
from aftersale.catalog.models import OrderLine


class RepairStatus(models.TextChoices):
    AWAITING_ITEM = "awaiting_item", _("待收件")
    DIAGNOSING = "diagnosing", _("检测中")
    WAITING_PARTS = "waiting_parts", _("等待配件")
    REPAIRING = "repairing", _("维修中")
    REPAIRED = "repaired", _("已修复")
    RETURNED = "returned", _("已寄回")
    UNREPAIRABLE = "unrepairable", _("无法修复")


class RepairOrder(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="repairs")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="+")
    serial_no = models.CharField(_("序列号"), max_length=64, db_index=True)
    centre = models.CharField(_("维修中心"), max_length=80)
    status = models.CharField(
        _("状态"), max_length=16, choices=RepairStatus.choices, default=RepairStatus.AWAITING_ITEM
    )
    diagnosis = models.TextField(_("检测结论"), blank=True, default="")
    received_at = models.DateTimeField(_("收件时间"), null=True, blank=True)
    parts_wait_started_at = models.DateTimeField(null=True, blank=True)
    parts_wait_days = models.PositiveIntegerField(_("等待配件天数"), default=0)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # Set once the repair passed the statutory limit from drop-off: the customer may ask for an exchange.
    exchange_entitled_at = models.DateTimeField(_("可换货起始时间"), null=True, blank=True)
    return_carrier = models.CharField(_("寄回承运商"), max_length=40, blank=True, default="")
    return_tracking_no = models.CharField(_("寄回运单号"), max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("维修单")
        verbose_name_plural = _("维修单")


class SparePart(models.Model):
    code = models.CharField(_("配件编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    on_hand = models.IntegerField(_("库存"), default=0)
    reserved = models.IntegerField(_("已预留"), default=0)
    low_stock_threshold = models.IntegerField(_("低库存预警"), default=5)
    unit_cost = models.DecimalField(_("单位成本"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("配件")
        verbose_name_plural = _("配件")
        constraints = [
            models.CheckConstraint(
                condition=Q(reserved__lte=models.F("on_hand")) & Q(reserved__gte=0),
                name="part_reserved_within_on_hand",
            )
        ]


class PartReservation(models.Model):
    repair = models.ForeignKey(RepairOrder, on_delete=models.CASCADE, related_name="parts")
    part = models.ForeignKey(SparePart, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.PositiveIntegerField(_("数量"))
    consumed = models.BooleanField(_("已使用"), default=False)
    released = models.BooleanField(_("已释放"), default=False)
