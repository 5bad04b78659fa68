from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersale.cases.models import Case
from aftersale.catalog.models import OrderLine, Product


class StockItem(models.Model):
    """Sellable stock of a product for replacements; `reserved` is promised to open exchanges."""

    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="stock")
    on_hand = models.IntegerField(_("库存"), default=0)
    reserved = models.IntegerField(_("已预留"), default=0)

    class Meta:
        verbose_name = _("库存")
        verbose_name_plural = _("库存")
        constraints = [
            models.CheckConstraint(
                condition=Q(reserved__lte=models.F("on_hand")) & Q(reserved__gte=0),
                name="stock_reserved_within_on_hand",
            )
        ]


class ShipmentStatus(models.TextChoices):
    RESERVED = "reserved", _("已备货")
    SHIPPED = "shipped", _("已发出")
    DELIVERED = "delivered", _("已签收")
    CANCELLED = "cancelled", _("已取消")


class ExchangeShipment(models.Model):
    """The replacement going out for an exchange."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="exchange_shipments")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("数量"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ShipmentStatus.choices, default=ShipmentStatus.RESERVED
    )
    carrier = models.CharField(_("承运商"), max_length=40, blank=True, default="")
    tracking_no = models.CharField(_("运单号"), max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("换货发货单")
        verbose_name_plural = _("换货发货单")
