"""Writes on orders: JSON upsert and CSV import, idempotent on order no."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import DatabaseError, transaction
from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Subquery, Sum
from django.utils.translation import gettext as _
from pydantic import ValidationError

from aftersale.common.permissions import require_role
from aftersale.common.roles import Role
from aftersale.common.validation import field_errors

from .models import Customer, Order, OrderLine, Product
from .schemas import CSV_COLUMNS, MAX_AMOUNT, OrderCsvRow, OrderIn

IMPORT_ROLES = {Role.ADMIN, Role.DIRECTOR, Role.TEAM_LEAD}
CHUNK_ROWS = 2000

_ORDER_FIELDS = [
    "channel",
    "store",
    "customer_id",
    "paid_at",
    "shipped_at",
    "signed_at",
    "payment_method",
    "payment_ref",
    "discount_amount",
    "shipping_fee",
    "paid_amount",
    "gifts",
    "updated_at",
]
_LINE_FIELDS = [
    "product_id",
    "quantity",
    "unit_price",
    "batch_no",
    "serial_no",
    "no_return_confirmed",
]
_REQUIRED_COLUMNS = [name for name, f in OrderCsvRow.model_fields.items() if f.is_required()]
_TRUE_WORDS = {"是": "true", "否": "false", "Y": "true", "N": "false"}


@dataclass
class RowError:
    line: int
    field: str
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    lines: int = 0
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class _Row:
    """One unit that is stored or refused whole: a CSV row, or one order of a JSON batch."""

    line: int
    order: dict[str, Any]
    customer: dict[str, Any]
    lines: list[dict[str, Any]]


def orders_upsert(*, orders: list[dict[str, Any]], actor) -> ImportReport:
    """Create or update orders given as JSON objects; each order is stored or refused whole."""
    require_role(actor, IMPORT_ROLES, action=_("导入订单"))
    report = ImportReport()
    rows: list[_Row] = []
    for index, raw in enumerate(orders, start=1):
        try:
            order = OrderIn.model_validate(raw)
        except ValidationError as exc:
            report.errors += [RowError(index, e.field, str(e.message)) for e in field_errors(exc.errors())]
            continue
        rows.append(_row_from_order(index, order))
    for chunk in _chunks(rows, CHUNK_ROWS):
        _store(chunk, report)
    report.errors.sort(key=lambda e: e.line)
    return report


def orders_import_csv(*, stream: IO[str], actor) -> ImportReport:
    """Import a CSV of order lines (one row per line; the order header repeats on each row).

    A bad row is reported with its line number and reason and nothing of it is stored;
    every other row goes in.
    """
    require_role(actor, IMPORT_ROLES, action=_("导入订单"))
    report = ImportReport()
    reader = csv.DictReader(_without_bom(stream))
    columns = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in _REQUIRED_COLUMNS if c not in columns]
    if missing:
        report.errors.append(
            RowError(1, ",".join(missing), _("缺少必需的列：%(cols)s") % {"cols": ", ".join(missing)})
        )
        return report
    report.ignored_columns = [c for c in columns if c not in CSV_COLUMNS]
    pending: list[_Row] = []
    for raw in reader:
        line = reader.line_num
        row = _parse_csv_row(line, raw, report)
        if row is None:
            continue
        # A chunk ends between two orders, so the lines of one order are stored (and counted) together.
        if len(pending) >= CHUNK_ROWS and row.order["order_no"] != pending[-1].order["order_no"]:
            _store(pending, report)
            pending = []
        pending.append(row)
    if pending:
        _store(pending, report)
    report.errors.sort(key=lambda e: e.line)
    return report


def _without_bom(stream: IO[str]) -> Iterator[str]:
    first = True
    for text in stream:
        if first:
            text = text.lstrip("\ufeff")
            first = False
        yield text


def _parse_csv_row(line: int, raw: dict[str | None, Any], report: ImportReport) -> _Row | None:
    if None in raw:
        report.errors.append(RowError(line, "row", _("列数多于表头")))
        return None
    values = {}
    for key, value in raw.items():
        if key is None or key.strip() not in CSV_COLUMNS:
            continue
        value = (value or "").strip()
        if value:
            values[key.strip()] = _TRUE_WORDS.get(value, value)
    try:
        parsed = OrderCsvRow.model_validate(values)
    except ValidationError as exc:
        for error in field_errors(exc.errors()):
            report.errors.append(RowError(line, error.field, str(error.message)))
        return None
    data = parsed.model_dump()
    customer = {
        "name": data.pop("customer_name"),
        "phone": data.pop("customer_phone"),
        "tier": data.pop("tier"),
        "is_vip": data.pop("is_vip"),
    }
    line_keys = set(OrderIn.model_fields["lines"].annotation.__args__[0].model_fields)
    order_line = {k: data.pop(k) for k in list(data) if k in line_keys}
    data["gifts"] = []
    return _Row(line, data, customer, [order_line])


def _row_from_order(index: int, order: OrderIn) -> _Row:
    data = order.model_dump(mode="python", exclude={"customer", "lines", "goods_amount"})
    data["gifts"] = [{"name": g["name"], "value": str(g["value"])} for g in data["gifts"]]
    return _Row(index, data, order.customer.model_dump(), [line.model_dump() for line in order.lines])


def _chunks(rows: list[_Row], size: int) -> Iterator[list[_Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


class _TotalTooLarge(Exception):
    """An order's lines, with those stored before, add up to more than an amount column holds."""


def _store(rows: list[_Row], report: ImportReport) -> None:
    rows = _with_known_products(rows, report)
    try:
        with transaction.atomic():
            _write(rows, report)
    except (DatabaseError, _TotalTooLarge):
        # Something only the database could see (e.g. a value too large for a column):
        # store row by row so that only the offending rows are refused.
        for row in rows:
            try:
                with transaction.atomic():
                    _write([row], report)
            except _TotalTooLarge:
                report.errors.append(RowError(row.line, "lines", _("订单商品金额合计过大")))
            except DatabaseError as exc:
                report.errors.append(RowError(row.line, "row", _("无法保存：%(reason)s") % {"reason": exc}))


def _with_known_products(rows: list[_Row], report: ImportReport) -> list[_Row]:
    """Create products named in the rows; refuse rows naming an unknown SKU without a name."""
    skus = {line["sku"] for row in rows for line in row.lines}
    known = set(Product.objects.filter(sku__in=skus).values_list("sku", flat=True))
    new: dict[str, Product] = {}
    kept = []
    for row in rows:
        unknown = [
            line["sku"]
            for line in row.lines
            if line["sku"] not in known and line["sku"] not in new and not line["product_name"]
        ]
        if unknown:
            report.errors.append(
                RowError(
                    row.line,
                    "sku",
                    _("未知的 SKU：%(sku)s（新商品需填写 product_name）") % {"sku": unknown[0]},
                )
            )
            continue
        for line in row.lines:
            if line["sku"] not in known and line["sku"] not in new:
                new[line["sku"]] = Product(
                    sku=line["sku"], name=line["product_name"], category=line["category"] or "other"
                )
        kept.append(row)
    if new:
        Product.objects.bulk_create(new.values(), ignore_conflicts=True)
    return kept


def _write(rows: list[_Row], report: ImportReport) -> None:
    if not rows:
        return
    customers = {row.customer["phone"]: row.customer for row in rows}
    Customer.objects.bulk_create(
        [Customer(**c) for c in customers.values()],
        update_conflicts=True,
        unique_fields=["phone"],
        update_fields=["name", "tier", "is_vip"],
    )
    customer_ids = dict(Customer.objects.filter(phone__in=customers).values_list("phone", "id"))

    orders: dict[str, dict[str, Any]] = {}
    for row in rows:
        orders[row.order["order_no"]] = {**row.order, "customer_id": customer_ids[row.customer["phone"]]}
    existing = set(Order.objects.filter(order_no__in=orders).values_list("order_no", flat=True))
    Order.objects.bulk_create(
        [Order(**o) for o in orders.values()],
        update_conflicts=True,
        unique_fields=["order_no"],
        update_fields=_ORDER_FIELDS,
    )
    order_ids = dict(Order.objects.filter(order_no__in=orders).values_list("order_no", "id"))

    skus = {line["sku"] for row in rows for line in row.lines}
    product_ids = dict(Product.objects.filter(sku__in=skus).values_list("sku", "id"))
    lines: dict[tuple[int, int], OrderLine] = {}
    for row in rows:
        order_id = order_ids[row.order["order_no"]]
        for line in row.lines:
            lines[(order_id, line["line_no"])] = OrderLine(
                order_id=order_id,
                line_no=line["line_no"],
                product_id=product_ids[line["sku"]],
                quantity=line["quantity"],
                unit_price=line["unit_price"],
                batch_no=line["batch_no"],
                serial_no=line["serial_no"],
                no_return_confirmed=line["no_return_confirmed"],
            )
    OrderLine.objects.bulk_create(
        lines.values(),
        update_conflicts=True,
        unique_fields=["order", "line_no"],
        update_fields=_LINE_FIELDS,
    )
    _recompute_goods_amount(order_ids.values())
    report.created += len(orders.keys() - existing)
    report.updated += len(orders.keys() & existing)
    report.lines += len(lines)


def _recompute_goods_amount(order_ids: Iterable[int]) -> None:
    order_ids = list(order_ids)
    line_amount = ExpressionWrapper(F("quantity") * F("unit_price"), output_field=DecimalField())
    largest = (
        OrderLine.objects.filter(order_id__in=order_ids)
        .values("order")
        .annotate(total=Sum(line_amount))
        .order_by("-total")
        .values_list("total", flat=True)
        .first()
    )
    if largest is not None and largest > MAX_AMOUNT:
        raise _TotalTooLarge
    line_total = (
        OrderLine.objects.filter(order=OuterRef("pk"))
        .values("order")
        .annotate(total=Sum(line_amount))
        .values("total")
    )
    Order.objects.filter(pk__in=order_ids).update(goods_amount=Subquery(line_total))
