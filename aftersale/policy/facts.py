"""Building the engine's facts from catalog rows (the only place the engine meets the ORM)."""

from __future__ import annotations

from aftersale.catalog.models import OrderLine

from .engine import LineFacts


def line_facts(line: OrderLine) -> LineFacts:
    """Facts of an order line; expects `order__customer` and `product` to be loaded."""
    product, order = line.product, line.order
    return LineFacts(
        category=product.category,
        is_custom_made=product.is_custom_made,
        is_perishable=product.is_perishable,
        is_digital_unsealed=product.is_digital_unsealed,
        is_periodical=product.is_periodical,
        confirm_at_checkout=product.confirm_at_checkout,
        no_return_confirmed=line.no_return_confirmed,
        warranty_months=product.warranty_months,
        unit_price=line.unit_price,
        quantity=line.quantity,
        channel=order.channel,
        order_paid_amount=order.paid_amount,
        paid_at=order.paid_at,
        shipped_at=order.shipped_at,
        signed_at=order.signed_at,
        customer_tier=order.customer.tier,
        customer_is_vip=order.customer.is_vip,
    )
