"""Fixtures for refund tests: the fake Alipay gateway wired into the settings, and a case ready
for a refund. Test modules load them with `pytest_plugins = ["tests.fakes.fixtures"]`."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aftersale.cases.services import CaseLineIn
from tests.conftest import make_case
from tests.helpers import force_status

from .alipay_gateway import FakeAlipayGateway, new_key, private_pem, public_pem
from .refund_setup import CLIENT_TIMEOUT_MS

APP_ID = "2021000000000001"


@pytest.fixture(scope="session")
def alipay_keys():
    """(the app's key, Alipay's key): made once, RSA key generation is slow."""
    return new_key(), new_key()


@pytest.fixture
def fake_alipay(settings, tmp_path, alipay_keys):
    app_key, alipay_key = alipay_keys
    gateway = FakeAlipayGateway(app_id=APP_ID, app_public_key=app_key.public_key(), own_key=alipay_key)
    private_path, public_path = tmp_path / "app_private.pem", tmp_path / "alipay_public.pem"
    private_path.write_text(private_pem(app_key))
    public_path.write_text(public_pem(alipay_key))
    settings.ALIPAY_GATEWAY_URL = gateway.start()
    settings.ALIPAY_APP_ID = APP_ID
    settings.ALIPAY_PRIVATE_KEY_PATH = str(private_path)
    settings.ALIPAY_PUBLIC_KEY_PATH = str(public_path)
    settings.ALIPAY_TIMEOUT_MS = CLIENT_TIMEOUT_MS
    yield gateway
    gateway.stop()


@pytest.fixture
def paid_order(order):
    """The `order` fixture with consistent money: line 1 is 2 × ¥399, line 2 is 1 × ¥399."""
    order.goods_amount = order.paid_amount = Decimal("1197.00")
    order.save(update_fields=["goods_amount", "paid_amount"])
    return order


@pytest.fixture
def refund_case(paid_order, people):
    """An approved return-and-refund case over both lines of `paid_order`."""
    case = make_case(paid_order, people.agent, lines=[CaseLineIn(1, 2), CaseLineIn(2, 1)])
    return force_status(case, "approved")
