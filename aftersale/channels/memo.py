"""Values remembered for the rest of the current transaction (e.g. that the outbox worker is to be
woken when it commits: a sweep records thousands of events in one transaction). The memo belongs
to the outermost atomic block: a new transaction starts afresh and a commit clears it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import transaction

MAX_AGE_SECONDS = 5.0
_ATTR = "_aftersale_channels_memo"


def remembered(key: str, compute: Callable[[], Any]) -> Any:
    connection = transaction.get_connection()
    if not connection.in_atomic_block or not connection.atomic_blocks:
        return compute()
    outer = connection.atomic_blocks[0]
    memo = getattr(connection, _ATTR, None)
    if memo is None or memo[0] is not outer or time.monotonic() - memo[1] > MAX_AGE_SECONDS:
        memo = (outer, time.monotonic(), {})
        setattr(connection, _ATTR, memo)
        transaction.on_commit(forget)
    values = memo[2]
    if key not in values:
        values[key] = compute()
    return values[key]


def forget(*_args, **_kwargs) -> None:
    connection = transaction.get_connection()
    if hasattr(connection, _ATTR):
        delattr(connection, _ATTR)
