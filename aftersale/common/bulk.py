"""Inserting many rows fast, for append-only rows whose ids nobody needs back: COPY on PostgreSQL,
one prepared statement executed for all rows elsewhere."""

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
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    getters = [_value_getter(f) for f in fields]
    values = ([get(row) for get in getters] for row in rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", list(values))


def _value_getter(field: models.Field) -> Callable[[models.Model], Any]:
    auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    attname = field.attname
    if isinstance(field, _PLAIN) and not auto:
        return lambda row: getattr(row, attname)
    if isinstance(field, _TEXT):
        # str() turns a choices member into its value (the driver would otherwise see an Enum).
        return lambda row: None if (value := getattr(row, attname)) is None else str(value)
    return lambda row: field.get_db_prep_save(field.pre_save(row, True), connection)
