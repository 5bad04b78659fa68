"""Load run: sustained mixed traffic (bench/load/locustfile.py) against the production layout of
docs/deploy.md on this machine — two gunicorn web processes, two Celery workers and beat on
PostgreSQL (database `aftersale_load`) and Redis (DB 9) — for `--minutes` (default 10).

Prints throughput, p50/p99 per endpoint and the error count; exits 1 on any error.
    .venv/bin/python bench/load_run.py --minutes 10 --users 30
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.deploy.layout import Layout  # noqa: E402 (after the path is set)

OUT = ROOT / "bench" / "out" / "load"
LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--users", type=int, default=30, help="simulated agents and customers (3:2)")
    parser.add_argument("--spawn-rate", type=float, default=5.0)
    parser.add_argument("--database", default=os.environ.get("LOAD_DB", "aftersale_load"))
    parser.add_argument("--redis", default=os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/9"))
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    layout = Layout(database=args.database, redis_url=args.redis, data_dir=OUT / "data")
    password = secrets.token_urlsafe(16)
    with layout:
        print(f"preparing {args.database} (migrate) and seeding …", flush=True)
        layout.prepare()
        seed = layout.seed(agents=6, customers=30, orders_per_customer=40, agent_password=password)
        layout.start()
        print(f"layout up: web {' '.join(layout.urls)}, 2 workers, beat", flush=True)
        seed_file = OUT / "seed.json"
        seed_file.write_text(json.dumps({**seed, "urls": layout.urls, "agent_password": password}))
        started = time.monotonic()
        locust = subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary"]
            + [
                f"--users={args.users}",
                f"--spawn-rate={args.spawn_rate}",
                f"--run-time={args.minutes * 60:.0f}s",
            ]
            + [
                f"--host={layout.urls[0]}",
                f"--csv={OUT / 'locust'}",
                "--stop-timeout=10",
                "--loglevel=WARNING",
            ],
            env={**os.environ, "LOAD_SEED": str(seed_file)},
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        elapsed = time.monotonic() - started
        dead = [p.name for p in layout.processes if not p.alive()]
    return report(OUT / "locust_stats.csv", elapsed, locust, dead)


def report(stats_file: Path, elapsed: float, locust: subprocess.CompletedProcess, dead: list[str]) -> int:
    if not stats_file.exists():
        print(locust.stdout[-3000:], locust.stderr[-3000:], sep="\n")
        print("FAILED: locust wrote no statistics")
        return 1
    with stats_file.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    endpoints = [r for r in rows if r["Name"] != "Aggregated" and r["Type"] != "CONFLICT"]
    conflicts = sum(int(r["Request Count"]) for r in rows if r["Type"] == "CONFLICT")
    total = next(r for r in rows if r["Name"] == "Aggregated")
    errors = sum(int(r["Failure Count"]) for r in endpoints)
    exceptions_file = stats_file.with_name("locust_exceptions.csv")
    with exceptions_file.open(encoding="utf-8") as stream:
        crashed = sum(int(r["Count"]) for r in csv.DictReader(stream))  # errors in the locustfile itself
    if crashed:
        print(exceptions_file.read_text(encoding="utf-8")[:3000])
        errors += crashed

    print(f"\n{'endpoint':<58} {'requests':>9} {'errors':>7} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7}")
    for r in sorted(endpoints, key=lambda r: -int(r["Request Count"])):
        name = f"{r['Type']} {r['Name']}" if not r["Name"].startswith(r["Type"]) else r["Name"]
        print(
            f"{name[:58]:<58} {r['Request Count']:>9} {r['Failure Count']:>7} {float(r['Requests/s']):>7.1f}"
            f" {r['50%']:>7} {r['99%']:>7}"
        )
    served = int(total["Request Count"]) - conflicts
    print(
        f"\nthroughput: {served / elapsed:.1f} requests/s over {elapsed:.0f} s ({served} requests), "
        f"p50 {total['50%']} ms, p99 {total['99%']} ms; 409 conflicts (expected): {conflicts}; errors: {errors}"
    )
    failures_file = stats_file.with_name("locust_failures.csv")
    if errors and failures_file.exists():
        print(failures_file.read_text(encoding="utf-8")[:3000])
    if dead:
        print(f"FAILED: processes died during the run: {', '.join(dead)}")
    if errors:
        print(f"FAILED: {errors} errors")
    return 1 if errors or dead else 0


if __name__ == "__main__":
    sys.exit(main())
