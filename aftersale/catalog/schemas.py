"""Validated shapes of orders coming in (JSON upsert and CSV rows)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from aftersale.common.validation import aware_datetime

from .models import Channel, MembershipTier, PaymentMethod, ProductCategory

Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
MAX_AMOUNT = Decimal("999999999999.99")  # the largest amount a MoneyField holds
Phone = Annotated[str, Field(min_length=5, max_length=20, pattern=r"^\+?[0-9][0-9-]{4,19}$")]


def _aware(value: datetime | None) -> datetime | None:
    return aware_datetime(value)


def _line_amount_fits(unit_price: Decimal, info: ValidationInfo) -> Decimal:
    quantity = info.data.get("quantity")
    if isinstance(quantity, int) and unit_price * quantity > MAX_AMOUNT:
        raise ValueError(_("数量与单价之积过大"))
    return unit_price


class _In(BaseModel):
    """Text with NUL characters is refused (no database column can hold it)."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError(_("包含不允许的控制字符"))
        return value


class CustomerIn(_In):
    name: str = Field(min_length=1, max_length=80)
    phone: Phone
    tier: MembershipTier = MembershipTier.REGULAR
    is_vip: bool = False


class GiftIn(_In):
    name: str = Field(min_length=1, max_length=120)
    value: Money = Decimal("0.00")


class OrderLineIn(_In):
    line_no: int = Field(ge=1, le=10_000)
    sku: str = Field(min_length=1, max_length=64)
    product_name: str = Field(default="", max_length=200)
    category: ProductCategory | None = None
    quantity: int = Field(ge=1, le=1_000_000)
    unit_price: Money
    batch_no: str = Field(default="", max_length=64)
    serial_no: str = Field(default="", max_length=64)
    no_return_confirmed: bool = False

    _amount_fits = field_validator("unit_price")(_line_amount_fits)


class OrderIn(_In):
    model_config = ConfigDict(str_strip_whitespace=True)

    order_no: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
    channel: Channel
    store: str = Field(default="", max_length=120)
    customer: CustomerIn
    paid_at: datetime | None = None
    shipped_at: datetime | None = None
    signed_at: datetime | None = None
    payment_method: PaymentMethod = PaymentMethod.OTHER
    payment_ref: str = Field(default="", max_length=100)
    goods_amount: Money | None = None
    discount_amount: Money = Decimal("0.00")
    shipping_fee: Money = Decimal("0.00")
    paid_amount: Money
    gifts: list[GiftIn] = Field(default_factory=list, max_length=50)
    lines: list[OrderLineIn] = Field(min_length=1, max_length=500)

    @field_validator("paid_at", "shipped_at", "signed_at")
    @classmethod
    def _make_aware(cls, value: datetime | None) -> datetime | None:
        return _aware(value)

    @field_validator("lines")
    @classmethod
    def _unique_line_numbers(cls, lines: list[OrderLineIn]) -> list[OrderLineIn]:
        numbers = [line.line_no for line in lines]
        if len(numbers) != len(set(numbers)):
            raise ValueError(_("行号重复"))
        if sum(line.unit_price * line.quantity for line in lines) > MAX_AMOUNT:
            raise ValueError(_("订单商品金额合计过大"))
        return lines


class OrderCsvRow(_In):
    """One CSV row: an order header plus one of its lines."""

    model_config = ConfigDict(str_strip_whitespace=True)

    order_no: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
    channel: Channel
    store: str = Field(default="", max_length=120)
    customer_name: str = Field(min_length=1, max_length=80)
    customer_phone: Phone
    tier: MembershipTier = MembershipTier.REGULAR
    is_vip: bool = False
    paid_at: datetime | None = None
    shipped_at: datetime | None = None
    signed_at: datetime | None = None
    payment_method: PaymentMethod = PaymentMethod.OTHER
    payment_ref: str = Field(default="", max_length=100)
    discount_amount: Money = Decimal("0.00")
    shipping_fee: Money = Decimal("0.00")
    paid_amount: Money
    line_no: int = Field(ge=1, le=10_000)
    sku: str = Field(min_length=1, max_length=64)
    product_name: str = Field(default="", max_length=200)
    category: ProductCategory | None = None
    quantity: int = Field(ge=1, le=1_000_000)
    unit_price: Money
    batch_no: str = Field(default="", max_length=64)
    serial_no: str = Field(default="", max_length=64)
    no_return_confirmed: bool = False

    _amount_fits = field_validator("unit_price")(_line_amount_fits)

    @field_validator("paid_at", "shipped_at", "signed_at")
    @classmethod
    def _make_aware(cls, value: datetime | None) -> datetime | None:
        return _aware(value)


CSV_COLUMNS = list(OrderCsvRow.model_fields)
