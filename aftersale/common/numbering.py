"""Human-readable numbers: a prefix, the local date and a daily sequence (AS20261122000123)."""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.utils import timezone

from .models import Counter


def counter_next(key: str) -> int:
    """Atomically increment a named counter and return its new value (one statement)."""
    q = connection.ops.quote_name
    table, key_col, value_col = q(Counter._meta.db_table), q("key"), q("value")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_col}, {value_col}) VALUES (%s, 1) "
            f"ON CONFLICT ({key_col}) DO UPDATE SET {value_col} = {table}.{value_col} + 1 "
            f"RETURNING {value_col}",
            [key],
        )
        return int(cursor.fetchone()[0])


def next_number(prefix: str, *, now: datetime | None = None, width: int = 6) -> str:
    """Unique and ascending per day; a rolled-back transaction may leave a gap."""
    day = timezone.localtime(now or timezone.now()).strftime("%Y%m%d")
    value = counter_next(f"{prefix}{day}")
    return f"{prefix}{day}{value:0{width}d}"
