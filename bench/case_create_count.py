"""Case create, counted in instructions: what one create costs the application, whatever the
machine's speed or its other load.

    .venv/bin/python bench/case_create_count.py [--creates 50] [--keep-db]

Wall-clock figures on a shared machine drift by a third over an hour, which hides a change of
10-20 %. This runs the requests of `case_create.py` in-process (Django's test client, the whole
middleware stack and service, PostgreSQL) under `valgrind --tool=callgrind`, once with a few
warm-up creates and once with `--creates` more, and prints the difference per create: the same
build gives the same count within about 1 %. PostgreSQL's own work is not in the count (see
`case_create.py` for its CPU time). Takes ~8 minutes with 50 creates (valgrind runs the
interpreter ~50 times slower).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import case_create  # noqa: E402
import common  # noqa: E402

WARMUP = 10
ORDERS = 3_000


def inner(count: int, first_order: int) -> None:
    """Run `count` creates in this process (under valgrind)."""
    common.django_setup()
    from django.test import Client

    from aftersale.common.services import token_create

    client = Client(
        HTTP_AUTHORIZATION=f"Bearer {token_create(username='bench_agent1', name='count')}",
        HTTP_HOST="127.0.0.1",
    )
    rng = random.Random(2026)
    for i in range(first_order, first_order + count):
        body = json.dumps(case_create.request_body(i, rng), ensure_ascii=False).encode()
        response = client.post("/api/v1/cases", body, content_type="application/json")
        if response.status_code != 201:
            raise common.BenchError(f"create {i} answered {response.status_code}: {response.content[:200]!r}")


def instructions(count: int, first_order: int) -> int:
    """Instructions valgrind counted for a process doing `count` creates."""
    with tempfile.TemporaryDirectory() as folder:
        run = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={folder}/callgrind.out",
                sys.executable,
                __file__,
                "--inner",
                str(count),
                str(first_order),
            ],
            env=common.bench_env(PYTHONHASHSEED="0"),  # the same string hashes, run after run
            capture_output=True,
            text=True,
        )
    found = re.search(r"Collected : (\d+)", run.stderr)
    if run.returncode != 0 or found is None:
        raise common.BenchError(f"valgrind run failed:\n{run.stderr[-2000:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--creates", type=int, default=50, help="creates counted (beyond the warm-up)")
    parser.add_argument("--keep-db", action="store_true", help="leave the bench database in place")
    parser.add_argument("--inner", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(*args.inner)
        return 0
    if shutil.which("valgrind") is None:
        raise common.BenchError("valgrind is not installed (apt-get install -y valgrind)")
    if WARMUP * 2 + args.creates > ORDERS:
        raise common.BenchError(f"--creates must stay below {ORDERS - 2 * WARMUP}")

    print(f"case create, counted — {args.creates} in-process creates under callgrind")
    common.database_create()
    common.migrate()
    common.django_setup()
    common.users_create(agents=8)
    common.catalog_generate(customers=case_create.CUSTOMERS, orders=ORDERS)
    common.sql("ANALYZE")
    print(f"  {common.machine_line()}")
    base = instructions(WARMUP, 1)
    more = instructions(WARMUP + args.creates, WARMUP + 1)
    per_create = (more - base) / args.creates
    print(f"  start-up and {WARMUP} warm-up creates: {base / 1e6:,.0f} million instructions")
    print(f"  per create: {per_create / 1e6:.1f} million instructions (application process only)")
    if not args.keep_db:
        common.database_drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
