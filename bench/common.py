"""Shared by the benchmarks: the bench database, the server under test, users and tokens,
the load client (wrk when installed, otherwise a Python client) and the printed tables.

Everything runs on this machine: PostgreSQL at 127.0.0.1 and the server bound to 127.0.0.1.
Not part of `make test`; run on purpose (see bench/README.md).
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
OUT = BENCH_DIR / "out"
BIN = Path(sys.executable).parent
AFTERSALE = BIN / "aftersale"

BENCH_DB = os.environ.get("BENCH_DB", "aftersale_bench")
# The PostgreSQL server (no database name): only a local one is accepted.
PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class BenchError(SystemExit):
    """Stops a benchmark with a message and exit status 1."""

    def __init__(self, message: str) -> None:
        super().__init__(f"bench: {message}")


def _require_local(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in LOCAL_HOSTS:
        raise BenchError(f"benchmarks target only this machine; {url!r} is not local")


_require_local(PG_SERVER)


# ---- the bench database -------------------------------------------------------------------


def database_url(name: str = BENCH_DB) -> str:
    return f"{PG_SERVER}/{name}"


def _admin_connection():
    import psycopg

    return psycopg.connect(database_url("postgres"), autocommit=True, connect_timeout=5)


def database_exists(name: str = BENCH_DB) -> bool:
    with _admin_connection() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def database_create(name: str = BENCH_DB) -> None:
    """Drop (if present) and create the bench database."""
    database_drop(name)
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def database_drop(name: str = BENCH_DB) -> None:
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_env(**extra: str) -> dict[str, str]:
    """The environment for the server and the `aftersale` commands under test."""
    data_dir = OUT / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env.update(
        DATABASE_URL=database_url(),
        AFTERSALE_DATA_DIR=str(data_dir),
        DEBUG="0",
        LOG_LEVEL="WARNING",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
        # The bench's staff sign in without a second factor: the figures are the pages' own.
        OTP_REQUIRED_ROLES="",
    )
    env.update(extra)
    return env


def migrate() -> None:
    """Apply the migrations to the bench database (a separate process, DATABASE_URL set)."""
    run = subprocess.run(
        [str(AFTERSALE), "manage", "migrate", "--noinput", "-v", "0"],
        env=bench_env(),
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        raise BenchError(f"migrate failed:\n{run.stdout}{run.stderr}")


_django_ready = False


def django_setup() -> None:
    """Use Django in this process against the bench database."""
    global _django_ready
    if _django_ready:
        return
    os.environ.update(bench_env())
    os.environ["DJANGO_SETTINGS_MODULE"] = "aftersale.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    _django_ready = True


def sql(statements: str | list[str], *, params: list | None = None) -> None:
    """Run SQL on the bench database through Django's connection (one transaction)."""
    from django.db import connection, transaction

    if isinstance(statements, str):
        statements = [statements]
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, params)


def sql_value(query: str, params: list | None = None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        row = cursor.fetchone()
    return row[0] if row else None


# ---- users and tokens ---------------------------------------------------------------------


@dataclass
class Person:
    id: int
    username: str
    token: str


def users_create(*, agents: int = 8, team_name: str = "压测一组") -> dict[str, list[Person] | Person]:
    """A team of agents, a director and an admin, each with an API token."""
    from aftersale.common.models import Team, User
    from aftersale.common.roles import Role
    from aftersale.common.services import token_create

    team, _ = Team.objects.get_or_create(name=team_name)

    def person(username: str, role: str, **extra) -> Person:
        user, _ = User.objects.get_or_create(
            username=username, defaults={"role": role, "display_name": username, **extra}
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        return Person(user.pk, username, token_create(username=username, name="bench"))

    people: dict[str, list[Person] | Person] = {
        "agents": [person(f"bench_agent{i}", Role.AGENT, team=team) for i in range(1, agents + 1)],
        "director": person("bench_director", Role.DIRECTOR),
        "admin": person("bench_admin", Role.ADMIN),
    }
    team.lead_id = None
    team.save()
    return people


# ---- the server under test ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`aftersale serve` (gunicorn) on a free localhost port, stopped on exit.

    It runs without the periodic schedule (`--no-scheduler`): in production that work is the
    Celery workers' (docs/deploy.md) and has benchmarks of its own (sla_sweep.py,
    outbox_delivery.py). Beside the server it would share the two cores with the requests being
    measured, e.g. the first quality roll-up of a freshly filled 1,000,000-case database takes
    about two minutes of CPU."""

    def __init__(
        self, *, workers: int = 2, extra_args: list[str] | None = None, log_name: str = "server.log"
    ) -> None:
        self.workers = workers
        self.extra_args = extra_args or []
        self.port = free_port()
        self.log_path = OUT / log_name
        self.process: subprocess.Popen | None = None

    @property
    def command(self) -> list[str]:
        return [
            str(AFTERSALE),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--no-scheduler",
            *self.extra_args,
        ]

    def __enter__(self) -> Server:
        OUT.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "w")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            self.command, env=bench_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"the server stopped at start-up; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise BenchError(f"the server did not answer /healthz within 60 s; see {self.log_path}")

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop the server and everything it started (its own process group, nothing else)."""
        process, self.process = self.process, None
        if process is None:
            return
        group = process.pid  # start_new_session: the group id is the server's pid
        try:
            os.killpg(group, signal.SIGTERM)  # gunicorn's master stops its workers gracefully
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and _group_alive(group):
            process.poll()
            time.sleep(0.1)
        if _group_alive(group):
            os.killpg(group, signal.SIGKILL)
        process.wait(timeout=10)

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server's processes: gunicorn and its workers, and whatever
        else `aftersale serve` runs beside them (Linux /proc)."""
        if self.process is None:
            return 0.0
        return sum(_cpu_seconds(pid) for pid in _descendants(self.process.pid))


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            todo += [int(p) for p in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except OSError:
            pass
    return found


def postgres_backends(database: str = BENCH_DB) -> dict[int, float]:
    """CPU seconds used so far by each PostgreSQL backend serving `database` (Linux /proc; the
    process title names the database). Shared background processes are not counted."""
    found = {}
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            title = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {database} " in title:
            pid = int(cmdline.parent.name)
            found[pid] = _cpu_seconds(pid)
    return found


class PostgresWatcher:
    """CPU used by the bench database's backends while the block runs, sampled every 0.2 s so
    that backends ending in between (a command's connection) are counted up to their last sample."""

    def __init__(self, database: str = BENCH_DB) -> None:
        self.database = database
        self.seconds = 0.0

    def __enter__(self) -> PostgresWatcher:
        self.start = postgres_backends(self.database)
        self.last = dict(self.start)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._stop.wait(0.2):
            self.last.update(postgres_backends(self.database))

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.last.update(postgres_backends(self.database))
        self.seconds = sum(cpu - self.start.get(pid, 0.0) for pid, cpu in self.last.items())


class CpuMeter:
    """Where the CPU went during a run: the server, PostgreSQL, the load client, everything else.

    Other work on the machine (another test run, say) shows as "other" and makes figures worse.
    """

    def __init__(self, server: Server) -> None:
        self.server = server

    @staticmethod
    def _machine() -> tuple[float, float]:
        fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        tick = os.sysconf("SC_CLK_TCK")
        return (sum(fields) - fields[3] - fields[4]) / tick, sum(fields) / tick

    def _sample(self) -> tuple[float, ...]:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)  # finished load clients (wrk, workers)
        return (self.server.cpu_seconds(), children.ru_utime + children.ru_stime, *self._machine())

    def __enter__(self) -> CpuMeter:
        self.postgres = PostgresWatcher().__enter__()
        self.start = self._sample()
        return self

    def __exit__(self, *exc) -> None:
        end = self._sample()
        self.postgres.__exit__(*exc)
        app, client, busy, total = (b - a for a, b in zip(self.start, end, strict=True))
        pg = self.postgres.seconds
        self.app, self.pg, self.client = app, pg, client
        self.other = max(0.0, busy - app - pg - client)
        self.capacity = total  # CPU-seconds the machine had (all cores)

    def per_request_ms(self, requests: int) -> tuple[float, float, float]:
        n = max(1, requests)
        return self.app * 1000 / n, self.pg * 1000 / n, self.client * 1000 / n

    @property
    def other_share(self) -> float:
        return self.other / self.capacity * 100 if self.capacity else 0.0


def machine_busy(seconds: float = 2.0) -> float:
    """How busy the machine is right now (0-100 %, all cores), before a benchmark starts."""
    first = CpuMeter._machine()
    time.sleep(seconds)
    second = CpuMeter._machine()
    return (second[0] - first[0]) / max(1e-9, second[1] - first[1]) * 100


# ---- the load client ----------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    token: str
    body: bytes | None = None


@dataclass
class LoadResult:
    client: str
    clients: int
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[str, int] = field(default_factory=dict)
    wrapped: bool = False  # the request list ran out and was replayed from the start

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def choose_client(requested: str) -> str:
    if requested == "auto":
        return "wrk" if wrk_available() else "python"
    if requested == "wrk" and not wrk_available():
        raise BenchError("wrk is not installed (apt-get install -y wrk), use --client python")
    return requested


def load_run(
    *, port: int, requests: list[Request], clients: int, expect: int, seconds: float, client: str = "auto"
) -> LoadResult:
    """Send `requests` in order (each once, unless the run outlasts the list) for `seconds` from
    `clients` keep-alive connections, each waiting for its answer before the next request."""
    client = choose_client(client)
    if client == "wrk":
        return _wrk_run(port, requests, clients, expect, seconds)
    return _python_run(port, requests, clients, expect, seconds)


def _wrk_run(port, requests, clients, expect, seconds) -> LoadResult:
    threads = min(clients, 2)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=OUT, prefix="wrk-", suffix=".tsv", delete=False) as spec:
        for r in requests:
            body = (r.body or b"").decode()
            if "\t" in body or "\n" in body or "\t" in r.path:
                raise ValueError("a request body for wrk must be one line without tabs")
            spec.write(f"{r.method}\t{r.path}\t{r.token}\t{body}\n")
    command = [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(clients),
        "-d",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH_DIR / "replay.lua"),
        f"http://127.0.0.1:{port}",
        "--",
        spec.name,
        str(threads),
        str(expect),
    ]
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    finally:
        os.unlink(spec.name)
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    if run.returncode != 0 or not lines:
        raise BenchError(f"wrk failed ({run.returncode}):\n{run.stdout}\n{run.stderr}")
    data = json.loads(lines[-1])
    socket_errors = data["connect"] + data["read"] + data["write"] + data["timeout"]
    statuses = {"unexpected status": data["unexpected"], "socket errors": socket_errors}
    return LoadResult(
        client="wrk",
        clients=clients,
        requests=data["requests"],
        errors=data["unexpected"] + socket_errors,
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50"] / 1000,
        p90_ms=data["p90"] / 1000,
        p99_ms=data["p99"] / 1000,
        max_ms=data["max"] / 1000,
        statuses=statuses,
        wrapped=bool(data["wrapped"]),
    )


def _python_worker(args) -> tuple[list[float], dict[int, int], bool, str]:
    port, requests, expect, start_at, seconds = args
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    wrapped = False
    sample = ""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    now = time.time()
    if start_at > now:
        time.sleep(start_at - now)
    deadline = time.perf_counter() + seconds
    index = 0
    while time.perf_counter() < deadline:
        if index >= len(requests):
            index, wrapped = 0, True
        r = requests[index]
        index += 1
        headers = {"Authorization": f"Bearer {r.token}", "Accept": "application/json"}
        if r.body is not None:
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            conn.request(r.method, r.path, body=r.body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            status, payload = 0, b""
        latencies.append(time.perf_counter() - started)
        statuses[status] += 1
        if status != expect and not sample:
            sample = f"{status} {r.method} {r.path}: {payload[:300]!r}"
    conn.close()
    return latencies, dict(statuses), wrapped, sample


def _python_run(port, requests, clients, expect, seconds) -> LoadResult:
    # Client i takes requests i, i+clients, ...: every request goes out once across the run.
    shares = [requests[i::clients] for i in range(clients)]
    start_at = time.time() + 1.0
    try:  # before forking: children must not share the parent's database connection
        from django.db import connections

        connections.close_all()
    except Exception:  # Django not set up in this process
        pass
    context = multiprocessing.get_context("fork")
    with context.Pool(clients) as pool:
        outcomes = pool.map(
            _python_worker,
            [(port, share, expect, start_at, seconds) for share in shares],
        )
    latencies = sorted(x for outcome in outcomes for x in outcome[0])
    statuses: Counter[int] = Counter()
    for outcome in outcomes:
        statuses.update(outcome[1])
    samples = [o[3] for o in outcomes if o[3]]
    if samples:
        print(f"  first unexpected answer: {samples[0]}", file=sys.stderr)
    errors = sum(n for status, n in statuses.items() if status != expect)
    return LoadResult(
        client="python",
        clients=clients,
        requests=len(latencies),
        errors=errors,
        seconds=seconds,
        p50_ms=_percentile(latencies, 50) * 1000,
        p90_ms=_percentile(latencies, 90) * 1000,
        p99_ms=_percentile(latencies, 99) * 1000,
        max_ms=(latencies[-1] if latencies else 0) * 1000,
        statuses={str(k): v for k, v in sorted(statuses.items())},
        wrapped=any(o[2] for o in outcomes),
    )


def _percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return 0.0
    rank = max(1, -(-len(sorted_values) * pct // 100))
    return sorted_values[int(rank) - 1]


# ---- output -------------------------------------------------------------------------------


def print_table(title: str, headers: list[str], rows: list[list[object]]) -> None:
    cells = [[str(c) for c in headers]] + [[_cell(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    print()
    print(title)
    for n, row in enumerate(cells):
        padded = [c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        print("  " + "  ".join(padded))
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))
    sys.stdout.flush()


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def machine_line() -> str:
    import platform

    pg = ""
    try:
        pg = sql_value("SHOW server_version")
    except Exception:
        pass
    return (
        f"{time.strftime('%Y-%m-%d %H:%M')}  {os.cpu_count()} cores  Python {platform.python_version()}"
        f"  PostgreSQL {pg}"
    )


def check(condition: bool, message: str, failures: list[str]) -> None:
    """Record a missed target or a wrong result (the script exits 1 at the end)."""
    if not condition:
        failures.append(message)


def finish(failures: list[str]) -> int:
    print()
    if failures:
        for message in failures:
            print(f"FAILED: {message}")
        return 1
    print("all targets met")
    return 0


# ---- generated data -----------------------------------------------------------------------

# A SKU's unit price (yuan), derived from its id so orders can be priced without a join.
_PRICE = "round((((({p}) * 7919) % 99000) + 990) / 100.0, 2)"


def order_no(prefix: str, i: int) -> str:
    return f"{prefix}{i:08d}"


def customer_phone(i: int) -> str:
    return f"139{i:08d}"


def order_customer(i: int, customers: int) -> int:
    """The customer id of generated order `i` (the same formula as the SQL below)."""
    return 1 + (i * 7919) % customers


def catalog_generate(
    *, customers: int, orders: int, products: int = 2000, prefix: str = "BO", span_days: float = 30.0
) -> None:
    """Customers, products, orders (paid over the last `span_days`) and ~1.3 lines per order,
    inserted by PostgreSQL itself (INSERT ... SELECT generate_series) into empty tables."""
    p1 = f"1 + (i * 31) % {products}"
    p2 = f"1 + (i * 37 + 11) % {products}"
    sql(
        [
            "SET LOCAL synchronous_commit = off",
            f"""INSERT INTO catalog_customer (id, name, phone, tier, is_vip, created_at, user_id, language)
            SELECT i, '顾客' || i, '139' || lpad(i::text, 8, '0'),
                   (ARRAY['regular','regular','regular','regular','regular','regular','regular','regular',
                          'regular','regular','regular','regular','regular','regular','silver','silver',
                          'silver','gold','gold','platinum'])[1 + i % 20],
                   i % 50 = 0, now() - (i % 1000) * interval '1 day', NULL, ''
            FROM generate_series(1::bigint, {customers}) i""",
            f"""INSERT INTO catalog_product (id, sku, name, category, is_custom_made, is_perishable,
                is_digital_unsealed, is_periodical, confirm_at_checkout, warranty_months)
            SELECT i, 'BSKU-' || lpad(i::text, 5, '0'),
                   (ARRAY['蓝牙耳机','空气炸锅','羊毛大衣','坚果礼盒','保湿面霜','收纳箱','积木套装',
                          '小说精装','车厘子','数据线'])[1 + i % 10] || ' ' || i || ' 型',
                   (ARRAY['electronics','appliance','clothing','food','cosmetics','home','toys','books',
                          'fresh','other'])[1 + i % 10],
                   i % 97 = 0, i % 10 = 8, false, false, false,
                   (ARRAY[12, 24, 6, 0, 0, 12, 6, 0, 0, 12])[1 + i % 10]
            FROM generate_series(1::bigint, {products}) i""",
            f"""INSERT INTO catalog_order (id, order_no, channel, store, paid_at, shipped_at, signed_at,
                payment_method, payment_ref, goods_amount, discount_amount, shipping_fee, paid_amount,
                gifts, created_at, updated_at, customer_id)
            SELECT i, '{prefix}' || lpad(i::text, 8, '0'),
                   (ARRAY['platform','platform','platform','platform','platform','own_store','own_store',
                          'social','offline','platform'])[1 + i % 10],
                   '官方旗舰店', t, t + interval '20 hours', t + interval '70 hours',
                   (ARRAY['alipay','wechat','alipay','wechat','card'])[1 + i % 5], 'PAY' || i,
                   g, 0, 0, g, '[]'::jsonb, t, t, 1 + (i * 7919) % {customers}
            FROM (
                SELECT i,
                       now() - interval '3 days' - ({orders} - i) * ({span_days} * 86400.0 / {orders})
                           * interval '1 second' AS t,
                       {_PRICE.format(p=p1)} * (1 + (i % 3 = 0)::int)
                           + CASE WHEN i % 10 < 3 THEN {_PRICE.format(p=p2)} ELSE 0 END AS g
                FROM generate_series(1::bigint, {orders}) i
            ) s""",
            # Line 1 of order i has id i; line 2 (three orders in ten) has id orders + i.
            f"""INSERT INTO catalog_orderline (id, order_id, line_no, product_id, quantity, unit_price,
                batch_no, serial_no, no_return_confirmed)
            SELECT i, i, 1, {p1}, 1 + (i % 3 = 0)::int, {_PRICE.format(p=p1)},
                   'B' || ({p1}) || '-' || (i / 5000),
                   CASE WHEN ({p1}) % 10 IN (0, 1) THEN 'SN' || lpad(i::text, 10, '0') ELSE '' END,
                   false
            FROM generate_series(1::bigint, {orders}) i""",
            f"""INSERT INTO catalog_orderline (id, order_id, line_no, product_id, quantity, unit_price,
                batch_no, serial_no, no_return_confirmed)
            SELECT {orders} + i, i, 2, {p2}, 1, {_PRICE.format(p=p2)}, 'B' || ({p2}) || '-' || (i / 5000),
                   '', ({p2}) % 10 = 6
            FROM generate_series(1::bigint, {orders}) i WHERE i % 10 < 3""",
        ]
    )
    sequences_reset(["catalog_customer", "catalog_product", "catalog_order", "catalog_orderline"])


def sequences_reset(tables: list[str]) -> None:
    """After inserting explicit ids: the next generated id follows the largest one."""
    sql(
        [
            f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {t}), false)"
            for t in tables
        ]
    )
