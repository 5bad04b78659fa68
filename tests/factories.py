"""Factories for test data."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from aftersale.catalog.models import Customer, Order, OrderLine, Product
from aftersale.common.models import Team, User
from aftersale.common.roles import Role


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"售后{n}组")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.AGENT
    display_name = factory.LazyAttribute(lambda o: o.username)
    password = factory.django.Password("pw-for-tests-123")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"顾客{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"空气炸锅 {n} 型")
    category = "appliance"


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    order_no = factory.Sequence(lambda n: f"TB{20261100000 + n}")
    channel = "platform"
    store = "官方旗舰店"
    customer = factory.SubFactory(CustomerFactory)
    paid_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=5))
    shipped_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=4))
    signed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    payment_method = "alipay"
    payment_ref = factory.Sequence(lambda n: f"2026112222001{n:06d}")
    goods_amount = Decimal("399.00")
    paid_amount = Decimal("399.00")


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    line_no = 1
    product = factory.SubFactory(ProductFactory)
    quantity = 1
    unit_price = Decimal("399.00")
    serial_no = factory.Sequence(lambda n: f"SN{n:08d}")
