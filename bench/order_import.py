"""Order import: 100,000 orders from CSV with `aftersale import-orders`, on PostgreSQL.

    .venv/bin/python bench/order_import.py [--orders 100000] [--keep-db]

Writes a CSV of ~1.3 lines per order (bench/out/orders-<n>.csv, the columns of
aftersale/catalog/schemas.py CSV_COLUMNS: ~60 % repeat customers, 3,000 SKUs named on first use,
Chinese names, some 是/否 flags) and times the real command against a fresh bench database,
then times importing the same file again (every order an update). Checks what was stored.

Target: the first import of 100,000 orders in under 60 s.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

TARGET_SECONDS = 60.0
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
]
PRODUCTS = [
    ("electronics", "蓝牙耳机"),
    ("appliance", "空气炸锅"),
    ("clothing", "羊毛大衣"),
    ("food", "坚果礼盒"),
    ("cosmetics", "保湿面霜"),
    ("home", "收纳箱"),
    ("toys", "积木套装"),
    ("books", "精装小说"),
    ("fresh", "车厘子"),
    ("other", "数据线"),
]
CHANNELS = ["platform"] * 6 + ["own_store"] * 2 + ["social", "offline"]
STORES = ["官方旗舰店", "天猫旗舰店", "京东自营店", "抖音小店", "线下体验店"]
PAYMENTS = ["alipay", "wechat", "alipay", "wechat", "card", "balance"]


def write_csv(path: Path, orders: int, seed: int = 2026) -> int:
    """The CSV for `orders` orders; returns the number of rows (order lines)."""
    from aftersale.catalog.schemas import CSV_COLUMNS

    rng = random.Random(seed)
    customers = max(1, orders * 6 // 10)
    skus = 3000
    named: set[int] = set()
    start = datetime(2026, 9, 1, 8, 0, 0)
    rows = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for i in range(1, orders + 1):
            who = rng.randint(1, customers)
            paid = start + timedelta(seconds=i * 60 * 24 * 60 // orders + rng.randint(0, 600))
            shipped = paid + timedelta(hours=rng.randint(4, 48)) if rng.random() < 0.97 else None
            signed = (
                shipped + timedelta(hours=rng.randint(20, 96)) if shipped and rng.random() < 0.9 else None
            )
            header = {
                "order_no": f"IM{20260000000 + i}",
                "channel": rng.choice(CHANNELS),
                "store": rng.choice(STORES),
                "customer_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                "customer_phone": f"138{who:08d}",
                "tier": "regular" if who % 10 < 7 else ("silver", "gold", "platinum")[who % 3],
                "is_vip": "是" if who % 50 == 0 else "否",
                "paid_at": paid.isoformat(sep=" "),
                "shipped_at": shipped.isoformat(sep=" ") if shipped else "",
                "signed_at": signed.isoformat(sep=" ") if signed else "",
                "payment_method": rng.choice(PAYMENTS),
                "payment_ref": f"P{rng.getrandbits(48):012x}",
                "discount_amount": rng.choice(["0.00", "0.00", "5.00", "10.00", "20.00"]),
                "shipping_fee": rng.choice(["0.00", "0.00", "6.00", "10.00"]),
            }
            lines = 1 if rng.random() < 0.75 else rng.choice([2, 2, 2, 3])  # ~1.3 lines per order
            order_rows, total = [], 0.0
            for line_no in range(1, lines + 1):
                sku = rng.randint(1, skus)
                category, name = PRODUCTS[sku % len(PRODUCTS)]
                price = (sku * 7919 % 99000 + 990) / 100
                quantity = 1 if rng.random() < 0.8 else rng.randint(2, 4)
                total += price * quantity
                order_rows.append(
                    {
                        **header,
                        "line_no": line_no,
                        "sku": f"SKU-{sku:05d}",
                        # A SKU seen for the first time carries its name (as the import requires).
                        "product_name": f"{name} {sku} 型" if sku not in named else "",
                        "category": category if sku not in named else "",
                        "quantity": quantity,
                        "unit_price": f"{price:.2f}",
                        "batch_no": f"B{sku}-{i // 5000}",
                        "serial_no": f"SN{i:08d}{line_no}"
                        if category in ("electronics", "appliance")
                        else "",
                        "no_return_confirmed": "是" if category == "fresh" else "",
                    }
                )
                named.add(sku)
            paid_amount = total - float(header["discount_amount"]) + float(header["shipping_fee"])
            for row in order_rows:
                writer.writerow({**row, "paid_amount": f"{max(paid_amount, 0):.2f}"})
            rows += len(order_rows)
    return rows


def timed_import(path: Path, user: str) -> tuple[float, float, float, str]:
    """(wall seconds, CPU seconds of the command, PostgreSQL CPU seconds, its output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with common.PostgresWatcher() as postgres:
        run = subprocess.run(
            [str(common.AFTERSALE), "import-orders", str(path), "--user", user],
            env=common.bench_env(),
            capture_output=True,
            text=True,
        )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    pg = postgres.seconds
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if run.returncode != 0:
        raise common.BenchError(
            f"import-orders failed ({run.returncode}):\n{run.stdout}\n{run.stderr[-3000:]}"
        )
    return wall, cpu, pg, run.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--keep-db", action="store_true", help="leave the bench database in place")
    args = parser.parse_args()

    print(f"order import benchmark — {args.orders:,} orders")
    common.database_create()
    common.migrate()
    common.django_setup()
    from aftersale.catalog.models import Customer, Order, OrderLine, Product
    from aftersale.common.models import User
    from aftersale.common.roles import Role

    User.objects.create(username="bench_admin", role=Role.ADMIN, password="!")
    path = common.OUT / f"orders-{args.orders}.csv"
    started = time.perf_counter()
    rows = write_csv(path, args.orders)
    size = path.stat().st_size / 2**20
    print(
        f"  {path.relative_to(common.ROOT)}: {rows:,} rows ({rows / args.orders:.2f} lines per order), "
        f"{size:.1f} MiB, written in {time.perf_counter() - started:.1f} s"
    )
    print(f"  {common.machine_line()}")
    busy = common.machine_busy()
    print(
        f"  machine busy before the runs: {busy:.0f}%"
        + ("  (other work is running: figures will be worse)" if busy > 10 else "")
    )

    failures: list[str] = []
    table = []
    try:
        for label in ("first import (all new)", "same file again (all updates)"):
            wall, cpu, pg, output = timed_import(path, "bench_admin")
            print(f"  {label}: {output}")
            table.append(
                [
                    label,
                    args.orders,
                    rows,
                    round(wall, 1),
                    round(args.orders / wall),
                    round(rows / wall),
                    round(cpu, 1),
                    round(pg, 1),
                ]
            )
            if label.startswith("first"):
                common.check(
                    wall < TARGET_SECONDS,
                    f"first import took {wall:.1f} s >= {TARGET_SECONDS:.0f} s",
                    failures,
                )
                common.check(f"created {args.orders} orders" in output, f"first import: {output!r}", failures)
            else:
                common.check(
                    f"created 0 orders, updated {args.orders}," in output,
                    f"second import: {output!r}",
                    failures,
                )
        stored = (Order.objects.count(), OrderLine.objects.count())
        common.check(
            stored == (args.orders, rows), f"stored {stored[0]} orders / {stored[1]} lines", failures
        )
        customers, products = Customer.objects.count(), Product.objects.count()
        unpriced = Order.objects.filter(goods_amount=0).count()
        common.check(unpriced == 0, f"{unpriced} orders without goods_amount", failures)
        print(
            f"  stored: {stored[0]:,} orders, {stored[1]:,} lines, {customers:,} customers,"
            f" {products:,} products"
        )
    finally:
        if not args.keep_db:
            common.database_drop()

    common.print_table(
        "aftersale import-orders — PostgreSQL, one process",
        ["run", "orders", "rows", "seconds", "orders/s", "rows/s", "CPU s: command", "PostgreSQL"],
        table,
    )
    print(f"  target: first import of 100,000 orders < {TARGET_SECONDS:.0f} s")
    print(f"  bench database {'kept' if args.keep_db else 'dropped'}: {common.BENCH_DB}; CSV kept: {path}")
    return common.finish(failures)


if __name__ == "__main__":
    sys.exit(main())
