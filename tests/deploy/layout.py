"""The production layout of docs/deploy.md, started on this machine's loopback: N gunicorn web
processes, M Celery workers and one beat on PostgreSQL and Redis, each a real subprocess with
the environment a deployment gives it. Used by tests/deploy/test_multiprocess.py and
bench/load_run.py.

Every process runs in a session of its own, so stopping (or killing) it takes its gunicorn or
Celery pool children with it; `Layout.stop()` ends them all and drops the database.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("DEPLOY_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


class LayoutError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Process:
    name: str
    argv: list[str]
    log: Path
    popen: subprocess.Popen | None = None

    def start(self, env: dict[str, str]) -> None:
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                self.argv, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole process group: as if the machine under it died."""
        self._signal(signal.SIGKILL)
        assert self.popen is not None
        self.popen.wait(timeout=10)

    def terminate(self) -> None:
        self._signal(signal.SIGTERM)

    def wait_or_kill(self, timeout: float) -> None:
        assert self.popen is not None
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            self.popen.wait(timeout=10)

    def _signal(self, sig: int) -> None:
        assert self.popen is not None
        try:
            os.killpg(self.popen.pid, sig)
        except ProcessLookupError:
            pass


@dataclass
class Layout:
    """`webs` gunicorn processes, `workers` Celery workers and one beat on database `database` and
    Redis `redis_url` (a DB number of its own: it is flushed). `env` adds or overrides settings."""

    database: str
    redis_url: str
    data_dir: Path
    webs: int = 2
    workers: int = 2
    web_workers: int = 2
    web_threads: int = 4
    worker_concurrency: int = 1
    env: dict[str, str] = field(default_factory=dict)
    processes: list[Process] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)

    # ---- the environment a deployment gives every process (deploy/aftersale.env) ----------

    def environment(self) -> dict[str, str]:
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "TEST_"))}
        return {
            **inherited,
            "DATABASE_URL": f"{POSTGRES}/{self.database}",
            "CELERY_BROKER_URL": self.redis_url,
            "SECRET_KEY": self._secret_key(),
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "AFTERSALE_DATA_DIR": str(self.data_dir),
            "MEDIA_ROOT": str(self.data_dir / "media"),
            "LOG_LEVEL": "INFO",  # the workers' log shows each task received and done
            "PYTHONUNBUFFERED": "1",
            **self.env,
        }

    def _secret_key(self) -> str:
        key_file = self.data_dir / "secret_key.env"
        if not key_file.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(50))
        return key_file.read_text()

    # ---- preparing: database, broker, migrations, static files, data ----------------------

    def prepare(self, *, collect_static: bool = False) -> None:
        """A fresh database and broker DB, migrated (the upgrade procedure's first step).

        The database is copied from a template migrated once per set of migration files (a full
        migrate takes ~35 s here), then `migrate` runs on the copy as an upgrade would.
        collectstatic (~80 s: it compresses every asset) is left to runs that serve static files."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.drop_database()
        template = self._template()
        with _admin() as conn:
            conn.execute(f'CREATE DATABASE "{self.database}" TEMPLATE "{template}"')
        self._flush_redis()
        self.manage("migrate", "--noinput", "-v", "0")
        if collect_static:
            self.manage("collectstatic", "--noinput", "-v", "0")

    def _template(self) -> str:
        name = f"{self.database}_template"
        stamp = _migrations_stamp()
        with _admin() as conn:
            row = conn.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if row is not None and row[0] == stamp:
                return name
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        self.run(self._manage_argv("migrate", "--noinput", "-v", "0"), database=name)
        with _admin() as conn:
            conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{stamp}'")
        return name

    def manage(self, *args: str) -> str:
        return self.run(self._manage_argv(*args))

    @staticmethod
    def _manage_argv(*args: str) -> list[str]:
        return [sys.executable, "-m", "aftersale.cli", "manage", *args]

    def run(self, argv: list[str], *, database: str | None = None) -> str:
        env = self.environment()
        if database:
            env["DATABASE_URL"] = f"{POSTGRES}/{database}"
        done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            raise LayoutError(f"{' '.join(argv[2:])} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def seed(
        self, *, agents: int, customers: int, orders_per_customer: int, agent_password: str = ""
    ) -> dict:
        out = self.run(
            [sys.executable, "-m", "tests.deploy.seed", f"--agents={agents}", f"--customers={customers}"]
            + [f"--orders-per-customer={orders_per_customer}", f"--agent-password={agent_password}"]
        )
        return json.loads(out)

    def drop_database(self) -> None:
        with _admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def _flush_redis(self) -> None:
        import redis

        client = redis.Redis.from_url(self.redis_url)
        try:
            client.flushdb()
        finally:
            client.close()

    # ---- running -------------------------------------------------------------------------

    def start(self, *, beat: bool = True) -> None:
        env = self.environment()
        logs = self.data_dir / "logs"
        logs.mkdir(exist_ok=True)
        for n in range(1, self.webs + 1):
            port = free_port()
            self.ports.append(port)
            self._start(Process(f"web{n}", self.web_argv(port), logs / f"web{n}.log"), env)
        for n in range(1, self.workers + 1):
            self._start(Process(f"worker{n}", self.worker_argv(f"worker{n}"), logs / f"worker{n}.log"), env)
        if beat:
            self._start(Process("beat", self.beat_argv(), logs / "beat.log"), env)
        self.wait_ready()

    def _start(self, process: Process, env: dict[str, str]) -> None:
        process.start(env)
        self.processes.append(process)

    def web_argv(self, port: int) -> list[str]:
        # deploy/aftersale-web@.service runs the same command.
        return [sys.executable, "-m", "gunicorn", "aftersale.wsgi:application"] + [
            "--config=python:aftersale.gunicorn_conf",
            f"--bind=127.0.0.1:{port}",
            f"--workers={self.web_workers}",
            f"--threads={self.web_threads}",
            "--graceful-timeout=10",
            # Longer than a client's (nginx's) idle keep-alive: else gunicorn closes a connection
            # just as the client reuses it, and that request fails with a reset.
            "--keep-alive=75",
            "--no-control-socket",  # one per host by default: two servers would share it
        ]

    def worker_argv(self, name: str) -> list[str]:
        return [sys.executable, "-m", "celery", "-A", "aftersale.celery", "worker"] + [
            f"--hostname={name}@%h",
            f"--concurrency={self.worker_concurrency}",
            "--loglevel=INFO",  # the log shows each task received and done
            "--without-gossip",
            "--without-mingle",
        ]

    def beat_argv(self) -> list[str]:
        return [sys.executable, "-m", "celery", "-A", "aftersale.celery", "beat", "--loglevel=INFO"] + [
            f"--schedule={self.data_dir / 'celerybeat-schedule'}",
            "--pidfile=",
        ]

    def process(self, name: str) -> Process:
        return next(p for p in self.processes if p.name == name)

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def wait_ready(self, timeout: float = 60) -> None:
        """Every web process answers /healthz and every worker has logged that it is ready."""
        deadline = time.monotonic() + timeout
        for process in self.processes:
            while True:
                if not process.alive():
                    raise LayoutError(f"{process.name} exited:\n{process.output()[-3000:]}")
                if self._ready(process):
                    break
                if time.monotonic() > deadline:
                    tail = process.output()[-3000:]
                    raise LayoutError(f"{process.name} not ready after {timeout} s:\n{tail}")
                time.sleep(0.2)

    def _ready(self, process: Process) -> bool:
        if process.name.startswith("web"):
            port = self.ports[int(process.name[3:]) - 1]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                    return answer.status == 200
            except (OSError, urllib.error.URLError):
                return False
        if process.name.startswith("worker"):
            return " ready." in process.output()
        return "beat: Starting" in process.output()

    def stop(self, timeout: float = 15) -> None:
        """SIGTERM to every process at once, then SIGKILL to those still running after `timeout`."""
        running = [p for p in self.processes if p.alive()]
        for process in running:
            process.terminate()
        deadline = time.monotonic() + timeout
        for process in running:
            process.wait_or_kill(max(deadline - time.monotonic(), 0.1))

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.stop()
        finally:
            self.drop_database()


def _migrations_stamp() -> str:
    """Changes whenever a migration file is added, removed or edited."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "aftersale").glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def _admin():
    import psycopg

    host = urlsplit(POSTGRES).hostname or ""
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise LayoutError(f"the layout runs on this machine only; {POSTGRES!r} is not local")
    return psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=5)
