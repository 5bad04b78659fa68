"""`aftersale backup` / `aftersale restore`: a round trip on the engine under test (SQLite or
PostgreSQL), restored into a database and media folder of its own."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.db import connection

from aftersale import cli
from aftersale.cases.evidence import evidence_add
from aftersale.cases.models import Case, Evidence
from aftersale.cases.services import message_add
from aftersale.privacy.backup import BackupError, Target, backup_restore, table_counts
from tests.conftest import make_case
from tests.console.browser import browser_db  # noqa: F401
from tests.helpers import png_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("browser_db")]


@pytest.fixture
def target(tmp_path):
    """An empty database of its own (a file on SQLite, a new database on PostgreSQL) and media folder."""
    media = tmp_path / "media-restored"
    if connection.vendor == "sqlite":
        yield Target(
            database={"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "r.sqlite3")},
            media_root=media,
        )
        return
    name = f"{connection.settings_dict['NAME']}_restore"
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}"')
    _admin_sql(f'CREATE DATABASE "{name}"')
    yield Target(database={**connection.settings_dict, "NAME": name}, media_root=media)
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}"')


def _admin_sql(sql: str) -> None:
    params = connection.settings_dict
    argv = ["/usr/bin/psql", "--dbname=postgres", "-v", "ON_ERROR_STOP=1", "-c", sql]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if params.get(key):
            argv.append(f"{flag}={params[key]}")
    subprocess.run(
        argv, check=True, capture_output=True, env={"PGPASSWORD": str(params.get("PASSWORD") or "")}
    )


def _query(target: Target, sql: str) -> list[tuple]:
    if connection.vendor == "sqlite":
        with sqlite3.connect(target.database["NAME"]) as db:
            return db.execute(sql).fetchall()
    import psycopg

    params = target.database
    with psycopg.connect(
        dbname=params["NAME"],
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
    ) as db:
        return db.execute(sql).fetchall()


@pytest.fixture
def archive(people, order, tmp_path, capsys):
    case = make_case(order, people.agent)
    message_add(case=case, actor=people.customer_user, body="请尽快处理")
    evidence_add(
        case=case, actor=people.customer_user, kind="item_photo", data=png_bytes(), original_name="a.png"
    )
    assert cli.main(["backup", "--output", str(tmp_path / "out")]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path.parent == tmp_path / "out" and path.name.startswith("aftersale-backup-")
    return path


def test_round_trip_brings_back_the_data_and_the_files(archive, target, people):
    evidence = Evidence.objects.get()
    case = Case.objects.get()
    with tarfile.open(archive) as tar:
        assert sorted(tar.getnames()) == sorted(["manifest.json", "media.tar", _database_member()])
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["engine"] == connection.vendor.replace("postgresql", "postgresql")
    assert manifest["counts"]["cases_case"] == 1 and manifest["counts"]["cases_evidence"] == 1
    assert manifest["counts"] == table_counts(Target(database=connection.settings_dict, media_root=Path()))
    assert manifest["media_files"] >= 1

    restored = backup_restore(archive=archive, target=target)

    assert restored == manifest
    assert _query(target, f"SELECT number, description FROM cases_case WHERE id = {case.pk}") == [
        (case.number, case.description)
    ]
    assert _query(target, f"SELECT name FROM catalog_customer WHERE id = {people.customer.pk}") == [
        ("张小明",)
    ]
    assert (target.media_root / evidence.file.name).read_bytes() == png_bytes()


def test_a_target_with_data_is_refused_unless_forced(archive, target):
    backup_restore(archive=archive, target=target)
    (target.media_root / "stray.txt").write_text("not in the backup")
    with pytest.raises(BackupError, match="not empty"):
        backup_restore(archive=archive, target=target)

    backup_restore(archive=archive, target=target, force=True)

    assert not (target.media_root / "stray.txt").exists()  # the media folder is the backup's again
    assert _query(target, "SELECT count(*) FROM cases_case") == [(1,)]


def test_the_command_refuses_this_installation_without_force(archive, capsys):
    assert cli.main(["restore", str(archive)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert Case.objects.count() == 1


def test_a_foreign_or_mismatched_archive_is_refused(archive, target, tmp_path):
    other_engine = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    forged = _rewrite_manifest(archive, tmp_path / "forged.tar.gz", engine=other_engine)
    with pytest.raises(BackupError, match="database"):
        backup_restore(archive=forged, target=target)
    future = _rewrite_manifest(archive, tmp_path / "future.tar.gz", format=99)
    with pytest.raises(BackupError, match="format"):
        backup_restore(archive=future, target=target)
    miscounted = _rewrite_manifest(archive, tmp_path / "miscounted.tar.gz", counts={"cases_case": 7})
    with pytest.raises(BackupError, match="counts"):
        backup_restore(archive=miscounted, target=target)


def _database_member() -> str:
    return "database.dump" if connection.vendor == "postgresql" else "database.sqlite3"


def _rewrite_manifest(archive: Path, out: Path, **changes) -> Path:
    with tarfile.open(archive) as tar, tarfile.open(out, "w:gz") as new:
        for member in tar.getmembers():
            data = tar.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                for key, value in changes.items():
                    manifest[key] = {**manifest[key], **value} if isinstance(value, dict) else value
                data = json.dumps(manifest).encode()
                member.size = len(data)
            new.addfile(member, io.BytesIO(data))
    return out
