"""KPI tables as CSV and XLSX (openpyxl)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from .kpis import KPI_NAMES, KpiFilter, compute
from .labels import KPI_LABELS, RATES


def kpi_table(f: KpiFilter, granularity: str | None) -> list[list]:
    """A header row, then one row per bucket (or one "total" row); raw numbers, rates as fractions."""
    header = [_("期间")] + [str(KPI_LABELS[name]) for name in KPI_NAMES]
    rows: list[list] = [header]
    for key, values in compute(f, granularity).items():
        label = key.isoformat() if isinstance(key, date) else f"{f.start.isoformat()} ~ {f.end.isoformat()}"
        rows.append([label] + [values.get(name) for name in KPI_NAMES])
    return rows


def to_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: spreadsheet programs read it as UTF-8


def to_xlsx(rows: list[list], *, title: str = "KPI", sheets: dict[str, list[list]] | None = None) -> bytes:
    workbook = Workbook()
    _fill(workbook.active, title, rows)
    for name, more in (sheets or {}).items():
        _fill(workbook.create_sheet(), name, more)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill(sheet, title: str, rows: list[list]) -> None:
    sheet.title = title[:31]
    if not rows:
        return
    header = rows[0]
    rate_columns = {i for i, name in enumerate(header) if name in {str(KPI_LABELS[n]) for n in RATES}}
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=float(value) if isinstance(value, Decimal) else value)
            if r == 1:
                cell.font = Font(bold=True)
            elif c - 1 in rate_columns and isinstance(value, float):
                cell.number_format = "0.0%"
            elif isinstance(value, Decimal):
                cell.number_format = "#,##0.00"
    for c in range(1, len(header) + 1):
        sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = 16
    sheet.freeze_panes = "B2"
