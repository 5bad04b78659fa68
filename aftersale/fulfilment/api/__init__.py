"""Fulfilment endpoints, one router per area; aftersale/api.py mounts `routers`."""

from __future__ import annotations

from .compensation import router as compensation_router
from .exchanges import router as exchanges_router
from .ledger import router as ledger_router
from .refunds import router as refunds_router
from .repairs import router as repairs_router
from .returns import router as returns_router
from .workorders import router as workorders_router

routers = [
    ledger_router,
    compensation_router,
    workorders_router,
    refunds_router,
    returns_router,
    exchanges_router,
    repairs_router,
]
