"""Payment gateways that refund to the original payment method, chosen by how the order was paid."""

from __future__ import annotations

from collections.abc import Callable

from .alipay import AlipayGateway
from .base import Gateway, GatewayResult, Outcome, RefundOrder

__all__ = ["Gateway", "GatewayResult", "Outcome", "RefundOrder", "gateway_for"]

# Payment method → a factory that answers the configured gateway, or None when it is not configured.
FACTORIES: dict[str, Callable[[], Gateway | None]] = {
    "alipay": AlipayGateway.from_settings,
}


def gateway_for(payment_method: str) -> Gateway | None:
    factory = FACTORIES.get(payment_method)
    return factory() if factory is not None else None
