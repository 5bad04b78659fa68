"""The monthly report (XLSX and PDF) on the database bench/dashboard.py builds.

    .venv/bin/python bench/dashboard.py --keep-db        # builds aftersale_quality_bench
    .venv/bin/python bench/monthly_report.py [--month YYYY-MM] [--keep-db]

Builds the report of the last full month (live figures: KPIs of that month and the one before,
volumes, top categories and SKUs, cost, QA, batch defects, suggestions — with the process summary
of the month when the 24-hour target is missed), then renders it as XLSX and as PDF, and prints
each step's time. Target: build + XLSX < 30 s; the PDF is timed too.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("BENCH_DB", "aftersale_quality_bench")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

TARGET_S = 30.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--month", help="YYYY-MM (default: last full month)")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    if not common.database_exists():
        raise common.BenchError(f"no database {common.BENCH_DB}: run bench/dashboard.py --keep-db first")
    failures: list[str] = []
    print(common.machine_line())
    common.migrate()
    common.django_setup()
    from django.utils import timezone

    from aftersale.quality.reports import month_period, report_build, report_pdf, report_xlsx

    if args.month:
        month = date.fromisoformat(f"{args.month}-01")
    else:
        month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    f = month_period(month)
    cases = common.sql_value("SELECT count(*) FROM cases_case")
    events = common.sql_value("SELECT count(*) FROM cases_caseevent")
    start, end = f.bounds()
    in_month = common.sql_value(
        "SELECT count(*) FROM cases_case WHERE created_at >= %s AND created_at < %s", [start, end]
    )
    rows = []
    started = time.perf_counter()
    report = report_build(month=month, language="zh-hans")
    built = time.perf_counter() - started
    rows.append(["build (zh-hans)", f"{built:.1f}"])
    step = time.perf_counter()
    xlsx = report_xlsx(report)
    rows.append([f"XLSX ({len(xlsx) // 1024} KiB)", f"{time.perf_counter() - step:.1f}"])
    total = time.perf_counter() - started
    step = time.perf_counter()
    try:
        pdf = report_pdf(report)
        rows.append([f"PDF ({len(pdf) // 1024} KiB)", f"{time.perf_counter() - step:.1f}"])
    except Exception as error:  # the PDF needs WeasyPrint's system libraries
        rows.append([f"PDF unavailable: {error}", ""])
    step = time.perf_counter()
    report_build(month=month, language="en")
    rows.append(["build (en)", f"{time.perf_counter() - step:.1f}"])
    common.print_table(
        f"monthly report {month:%Y-%m} — {in_month:,} cases that month, {cases:,} cases and {events:,} events in all",
        ["step", "seconds"],
        rows,
    )
    print(f"  suggestions: {len(report.suggestions)}; first: {report.suggestions[0]}")
    print(f"  build + XLSX: {total:.1f} s; target < {TARGET_S:.0f} s")
    common.check(total < TARGET_S, f"build + XLSX took {total:.1f} s ≥ {TARGET_S:.0f} s", failures)
    if not args.keep_db:
        from django.db import connections

        connections.close_all()
        common.database_drop()
    print(f"  bench database {'kept' if args.keep_db else 'dropped'}: {common.BENCH_DB}")
    return common.finish(failures)


if __name__ == "__main__":
    sys.exit(main())
