"""`aftersale backup` and `aftersale restore`: the database and the uploaded files in one archive.

An archive `aftersale-backup-YYYYmmdd-HHMMSS.tar.gz` holds
  database.dump      PostgreSQL, pg_dump's custom format (or database.sqlite3: SQLite's backup API)
  media.tar          everything under MEDIA_ROOT (evidence photos and videos)
  manifest.json      format, application version, time, engine, row and file counts
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = 1
# Tables whose row counts go into the manifest and are checked after a restore.
COUNTED_TABLES = (
    "catalog_customer",
    "catalog_order",
    "cases_case",
    "cases_caseevent",
    "cases_message",
    "cases_evidence",
)
PG_BIN_DIRS = (Path("/usr/bin"), *sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True))


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


@dataclass
class Target:
    """Where a restore writes: a database (Django's settings dict) and a media folder."""

    database: dict
    media_root: Path

    @property
    def engine(self) -> str:
        return "postgresql" if self.database["ENGINE"].endswith("postgresql") else "sqlite"


def default_target() -> Target:
    return Target(database=connection.settings_dict, media_root=Path(settings.MEDIA_ROOT))


# ---- backup ----------------------------------------------------------------------------------------


def backup_create(*, output_dir: Path, now: datetime | None = None) -> Path:
    """Write one archive of the default database and MEDIA_ROOT into `output_dir`; its path."""
    now = now or timezone.now()
    output_dir.mkdir(parents=True, exist_ok=True)
    archive = output_dir / f"aftersale-backup-{now:%Y%m%d-%H%M%S}.tar.gz"
    source = default_target()
    with tempfile.TemporaryDirectory(prefix="aftersale-backup-") as tmp:
        work = Path(tmp)
        database_name = _dump_database(source, work)
        media_files = _pack_media(source.media_root, work / "media.tar")
        manifest = {
            "format": FORMAT,
            "version": _version(),
            "created_at": now.isoformat(),
            "engine": source.engine,
            "database": database_name,
            "counts": table_counts(source),
            "media_files": media_files,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        partial = archive.with_name(archive.name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            for name in ("manifest.json", database_name, "media.tar"):
                tar.add(work / name, arcname=name)
        partial.rename(archive)  # never a half-written archive under the final name
    return archive


def _dump_database(source: Target, work: Path) -> str:
    if source.engine == "postgresql":
        _run_pg(
            "pg_dump", source.database, ["--format=custom", "--no-owner", f"--file={work / 'database.dump'}"]
        )
        return "database.dump"
    connection.ensure_connection()
    destination = sqlite3.connect(work / "database.sqlite3")
    try:
        connection.connection.backup(destination)  # consistent, even while others write
    finally:
        destination.close()
    return "database.sqlite3"


def _pack_media(media_root: Path, path: Path) -> int:
    files = 0
    with tarfile.open(path, "w") as tar:
        if media_root.is_dir():
            for item in sorted(media_root.rglob("*")):
                if item.is_file():
                    tar.add(item, arcname=str(item.relative_to(media_root)))
                    files += 1
    return files


# ---- restore ---------------------------------------------------------------------------------------


def backup_restore(*, archive: Path, force: bool = False, target: Target | None = None) -> dict:
    """Restore an archive into `target` (default: this installation); the manifest.

    Refuses a target that already holds data unless `force`, and an archive whose manifest does not
    match its contents or this installation's database engine."""
    target = target or default_target()
    with (
        tarfile.open(archive, "r:gz") as tar,
        tempfile.TemporaryDirectory(prefix="aftersale-restore-") as tmp,
    ):
        manifest = _manifest(tar, target)
        if not force and (_database_has_data(target) or _media_has_files(target.media_root)):
            raise BackupError("the target database or media folder is not empty; use --force to overwrite it")
        work = Path(tmp)
        tar.extractall(
            work, members=[tar.getmember(manifest["database"]), tar.getmember("media.tar")], filter="data"
        )
        _load_database(target, work / manifest["database"])
        _unpack_media(work / "media.tar", target.media_root)
    counts = table_counts(target)
    if counts != manifest["counts"]:
        raise BackupError(f"restored row counts {counts} differ from the manifest's {manifest['counts']}")
    return manifest


def _manifest(tar: tarfile.TarFile, target: Target) -> dict:
    try:
        manifest = json.load(tar.extractfile("manifest.json"))
    except (KeyError, json.JSONDecodeError, TypeError):
        raise BackupError("not an aftersale backup: manifest.json is missing or unreadable") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r} (this version reads {FORMAT})")
    if manifest.get("engine") != target.engine:
        raise BackupError(
            f"the backup is of a {manifest.get('engine')} database; this one is {target.engine}"
        )
    expected = {"manifest.json", manifest.get("database"), "media.tar"}
    if set(tar.getnames()) != expected:
        raise BackupError(f"the archive should hold exactly {sorted(map(str, expected))}")
    return manifest


def _database_has_data(target: Target) -> bool:
    """True if the target database has any table at all (a fresh, unmigrated database has none)."""
    if _is_default(target):
        return bool(connection.introspection.table_names())
    if target.engine == "sqlite":
        path = Path(target.database["NAME"])
        if not path.exists():
            return False
        with sqlite3.connect(path) as db:
            return bool(db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])
    query = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
    return int(_run_pg("psql", target.database, ["-tAc", query], capture=True).strip() or 0) > 0


def _is_default(target: Target) -> bool:
    return target.database["NAME"] == connection.settings_dict["NAME"]


def _load_database(target: Target, dump: Path) -> None:
    if _is_default(target):
        connection.close()  # what this process had open is about to be replaced
    if target.engine == "postgresql":
        _run_pg(
            "pg_restore",
            target.database,
            ["--clean", "--if-exists", "--no-owner", "--exit-on-error", str(dump)],
        )
        return
    source = sqlite3.connect(dump)
    destination = sqlite3.connect(target.database["NAME"])
    try:
        source.backup(destination)
    finally:
        source.close()
        destination.close()


def _unpack_media(media_tar: Path, media_root: Path) -> None:
    if media_root.is_dir():
        for item in media_root.iterdir():
            shutil.rmtree(item) if item.is_dir() else item.unlink()
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(media_tar) as tar:
        tar.extractall(media_root, filter="data")  # "data": no absolute paths, links or .. escapes


def _media_has_files(media_root: Path) -> bool:
    return media_root.is_dir() and any(p.is_file() for p in media_root.rglob("*"))


# ---- helpers ---------------------------------------------------------------------------------------


def table_counts(target: Target) -> dict[str, int]:
    if target.engine == "sqlite" and not _is_default(target):
        with sqlite3.connect(target.database["NAME"]) as db:
            return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED_TABLES}  # noqa: S608
    if target.engine == "postgresql" and not _is_default(target):
        query = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in COUNTED_TABLES)  # noqa: S608
        out = _run_pg("psql", target.database, ["-tA", "-F", "\t", "-c", query], capture=True)
        return {name: int(n) for name, n in (line.split("\t") for line in out.splitlines() if line)}
    with connection.cursor() as cursor:
        counts = {}
        for table in COUNTED_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (names from the constant above)
            counts[table] = cursor.fetchone()[0]
        return counts


def _run_pg(program: str, database: dict, args: list[str], *, capture: bool = False) -> str:
    """Run a PostgreSQL client with the connection parameters of DATABASE_URL (password via env)."""
    binary = next((d / program for d in PG_BIN_DIRS if (d / program).exists()), None)
    if binary is None:
        raise BackupError(f"{program} not found in {', '.join(map(str, PG_BIN_DIRS))}")
    env = {**os.environ, "PGPASSWORD": str(database.get("PASSWORD") or "")}
    argv = [str(binary), f"--dbname={database['NAME']}"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            argv.append(f"{flag}={database[key]}")
    result = subprocess.run([*argv, *args], env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


def _version() -> str:
    try:
        return metadata.version("aftersale")
    except metadata.PackageNotFoundError:
        return "unknown"


__all__ = ["BackupError", "Target", "backup_create", "backup_restore", "table_counts"]
