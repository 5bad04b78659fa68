"""Customers, products (SKUs), orders and order lines."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersale.common.money import MoneyField


class MembershipTier(models.TextChoices):
    REGULAR = "regular", _("普通会员")
    SILVER = "silver", _("银卡会员")
    GOLD = "gold", _("金卡会员")
    PLATINUM = "platinum", _("铂金会员")


class Channel(models.TextChoices):
    PLATFORM = "platform", _("电商平台")
    OWN_STORE = "own_store", _("自营商城")
    SOCIAL = "social", _("社交媒体")
    OFFLINE = "offline", _("线下门店")


class PaymentMethod(models.TextChoices):
    ALIPAY = "alipay", _("支付宝")
    WECHAT = "wechat", _("微信支付")
    CARD = "card", _("银行卡")
    CASH = "cash", _("现金")
    BALANCE = "balance", _("余额")
    OTHER = "other", _("其他")


class ProductCategory(models.TextChoices):
    ELECTRONICS = "electronics", _("数码电子")
    APPLIANCE = "appliance", _("家用电器")
    CLOTHING = "clothing", _("服装鞋包")
    FOOD = "food", _("食品")
    COSMETICS = "cosmetics", _("美妆个护")
    HOME = "home", _("家居日用")
    TOYS = "toys", _("玩具")
    BOOKS = "books", _("图书音像")
    FRESH = "fresh", _("生鲜")
    OTHER = "other", _("其他")


class Customer(models.Model):
    name = models.CharField(_("姓名"), max_length=80)
    phone = models.CharField(_("手机号"), max_length=20, unique=True)
    tier = models.CharField(
        _("会员等级"), max_length=20, choices=MembershipTier.choices, default=MembershipTier.REGULAR
    )
    is_vip = models.BooleanField(_("VIP"), default=False)
    language = models.CharField(
        _("服务语言"), max_length=16, blank=True, default="", help_text=_("如 en；空表示中文或不限")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("客户")
        verbose_name_plural = _("客户")

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """A SKU with the flags the statutory return rules look at."""

    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    category = models.CharField(
        _("品类"), max_length=20, choices=ProductCategory.choices, default=ProductCategory.OTHER
    )
    is_custom_made = models.BooleanField(_("定作商品"), default=False)
    is_perishable = models.BooleanField(_("鲜活易腐"), default=False)
    is_digital_unsealed = models.BooleanField(_("数字化商品/拆封音像制品"), default=False)
    is_periodical = models.BooleanField(_("报纸期刊"), default=False)
    confirm_at_checkout = models.BooleanField(_("下单时确认不宜退货"), default=False)
    warranty_months = models.PositiveSmallIntegerField(_("保修月数"), default=12)

    class Meta:
        verbose_name = _("商品")
        verbose_name_plural = _("商品")

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class Order(models.Model):
    order_no = models.CharField(_("订单号"), max_length=64, unique=True)
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices)
    store = models.CharField(_("店铺"), max_length=120, blank=True, default="")
    customer = models.ForeignKey(
        Customer, verbose_name=_("买家"), on_delete=models.PROTECT, related_name="orders"
    )
    paid_at = models.DateTimeField(_("付款时间"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("发货时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    payment_method = models.CharField(
        _("支付方式"), max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.OTHER
    )
    payment_ref = models.CharField(_("支付流水号"), max_length=100, blank=True, default="")
    goods_amount = MoneyField(_("商品金额"))
    discount_amount = MoneyField(_("优惠金额"))
    shipping_fee = MoneyField(_("运费"))
    paid_amount = MoneyField(_("实付金额"))
    gifts = models.JSONField(_("赠品"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("订单")
        verbose_name_plural = _("订单")

    def __str__(self) -> str:
        return self.order_no


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("行号"))
    product = models.ForeignKey(Product, verbose_name=_("商品"), on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(_("数量"))
    unit_price = MoneyField(_("单价"))
    batch_no = models.CharField(_("批次号"), max_length=64, blank=True, default="")
    serial_no = models.CharField(_("序列号"), max_length=64, blank=True, default="")
    no_return_confirmed = models.BooleanField(_("买家已确认不宜退货"), default=False)

    class Meta:
        verbose_name = _("订单行")
        verbose_name_plural = _("订单行")
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="order_line_unique_no"),
        ]
        indexes = [models.Index(fields=["serial_no"]), models.Index(fields=["batch_no"])]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.line_no}"

    @property
    def line_amount(self):
        return self.unit_price * self.quantity
