"""Inserting many rows fast, for append-only rows whose ids nobody needs back: COPY on PostgreSQL,
one prepared statement executed for all rows elsewhere."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models

# Fields whose Python value the database driver takes as it is: no per-row conversion.
_PLAIN = (models.IntegerField, models.BooleanField, models.ForeignKey)
_TEXT = (models.CharField, models.TextField)


def insert_rows(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    """Insert model instances (not saved, no ids back)."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    getters = [_value_getter(f) for f in fields]
    insert_values(model, [f.attname for f in fields], ([get(row) for get in getters] for row in rows))


def insert_values(model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert rows given as values already in the database's form (see `db_value`), in the order
    of `attnames`; columns left out take their database default. For hot paths that would
    otherwise build thousands of model instances."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in attnames)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            rows = list(rows)
            if rows:
                placeholders = ", ".join(["%s"] * len(attnames))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


def db_value(model: type[models.Model], attname: str, value: Any) -> Any:
    """One Python value in the form the database column takes (e.g. a time or a JSON document)."""
    return model._meta.get_field(attname).get_db_prep_save(value, connection)


def _value_getter(field: models.Field) -> Callable[[models.Model], Any]:
    auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    attname = field.attname
    if isinstance(field, _PLAIN) and not auto:
        return lambda row: getattr(row, attname)
    if isinstance(field, _TEXT):
        # str() turns a choices member into its value (the driver would otherwise see an Enum).
        return lambda row: None if (value := getattr(row, attname)) is None else str(value)
    return lambda row: field.get_db_prep_save(field.pre_save(row, True), connection)
