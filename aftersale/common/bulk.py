"""Inserting many rows fast: one prepared statement executed for all rows (psycopg pipelines it),
without building one giant INSERT in Python. For append-only rows whose ids nobody needs back."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models

# Fields whose Python value the database driver takes as it is: no per-row conversion.
_PLAIN = (models.IntegerField, models.BooleanField, models.ForeignKey)
_TEXT = (models.CharField, models.TextField)


def insert_rows(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    getters = [_value_getter(f) for f in fields]
    params = [[get(row) for get in getters] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _value_getter(field: models.Field) -> Callable[[models.Model], Any]:
    auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    attname = field.attname
    if isinstance(field, _PLAIN) and not auto:
        return lambda row: getattr(row, attname)
    if isinstance(field, _TEXT):
        # str() turns a choices member into its value (the driver would otherwise see an Enum).
        return lambda row: None if (value := getattr(row, attname)) is None else str(value)
    return lambda row: field.get_db_prep_save(field.pre_save(row, True), connection)
