"""A bad environment value stops start-up with a message that names the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aftersale import config

ROOT = Path(__file__).resolve().parents[2]
START = "import django; django.setup()"


BAD = [
    ("DATABASE_URL", {"DATABASE_URL": "mysql://x"}),
    ("DATABASE_URL", {"DATABASE_URL": "not a url at all"}),
    ("TIME_ZONE", {"TIME_ZONE": "Mars/Base"}),
    ("TIME_ZONE", {"TIME_ZONE": "../../etc/passwd"}),
    ("DEBUG", {"DEBUG": "maybe"}),
    ("LANGUAGE_CODE", {"LANGUAGE_CODE": "fr"}),
    ("SECRET_KEY", {"SECRET_KEY": "too-short"}),
    ("EVIDENCE_MAX_IMAGE_BYTES", {"EVIDENCE_MAX_IMAGE_BYTES": "15MB"}),
    ("EVIDENCE_MAX_VIDEO_BYTES", {"EVIDENCE_MAX_VIDEO_BYTES": "0"}),
    ("DATABASE_CONN_MAX_AGE", {"DATABASE_URL": "postgres://u@localhost/x", "DATABASE_CONN_MAX_AGE": "-5"}),
    ("CELERY_BROKER_URL", {"CELERY_BROKER_URL": "http://broker"}),
    ("LOG_LEVEL", {"LOG_LEVEL": "LOUD"}),
    ("LOG_FORMAT", {"LOG_FORMAT": "xml"}),
]
GOOD = {"TIME_ZONE": "Europe/Berlin", "DEBUG": "yes", "LANGUAGE_CODE": "en", "LOG_LEVEL": "WARNING"}


def _environment(data_dir: Path, env: dict[str, str]) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))}
    for name in (
        "TIME_ZONE",
        "DEBUG",
        "LANGUAGE_CODE",
        "SECRET_KEY",
        "LOG_LEVEL",
        "LOG_FORMAT",
        "CELERY_BROKER_URL",
    ):
        clean.pop(name, None)
    clean.update(
        DJANGO_SETTINGS_MODULE="aftersale.settings",
        AFTERSALE_DATA_DIR=str(data_dir),
        DATABASE_URL=f"sqlite:///{data_dir / 'db.sqlite3'}",
    )
    clean.update(env)
    return clean


@pytest.fixture(scope="module")
def started(tmp_path_factory):
    """Start Django once per environment below, all at the same time; {id: (exit code, stderr)}."""
    runs = {"good": GOOD, **{f"{name}={env[name]}": env for name, env in BAD}}
    processes = {}
    for key, env in runs.items():
        data_dir = tmp_path_factory.mktemp("data")
        processes[key] = subprocess.Popen(
            [sys.executable, "-c", START],
            cwd=ROOT,
            env=_environment(data_dir, env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    results = {}
    for key, process in processes.items():
        _, err = process.communicate(timeout=120)
        results[key] = (process.returncode, err)
    return results


def test_good_settings_start(started):
    code, err = started["good"]
    assert code == 0, err


@pytest.mark.parametrize(("variable", "env"), BAD, ids=[f"{name}={env[name]}" for name, env in BAD])
def test_a_bad_value_fails_at_start_naming_the_variable(started, variable, env):
    code, err = started[f"{variable}={env[variable]}"]
    assert code != 0
    assert err.strip().splitlines()[-1].startswith(f"aftersale: configuration error in {variable}:"), err
    assert "Traceback" not in err


# ---- the readers, in-process -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"), [("1", True), ("YES", True), (" on ", True), ("0", False), ("", False)]
)
def test_env_bool(monkeypatch, raw, value):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert config.env_bool("SOME_FLAG") is value


def test_env_bool_default(monkeypatch):
    monkeypatch.delenv("SOME_FLAG", raising=False)
    assert config.env_bool("SOME_FLAG", True) is True


@pytest.mark.parametrize(
    ("raw", "reason"), [("ten", "whole number"), ("0", "at least 1"), ("1.5", "whole number")]
)
def test_env_int_refuses(monkeypatch, raw, reason):
    monkeypatch.setenv("SOME_INT", raw)
    with pytest.raises(config.ConfigError, match=f"SOME_INT: .*{reason}"):
        config.env_int("SOME_INT", 5, minimum=1)


def test_env_int_default_and_value(monkeypatch):
    monkeypatch.setenv("SOME_INT", "")
    assert config.env_int("SOME_INT", 5) == 5
    monkeypatch.setenv("SOME_INT", "42")
    assert config.env_int("SOME_INT", 5) == 42


def test_env_list(monkeypatch):
    monkeypatch.setenv("SOME_LIST", " a.example , ,b.example")
    assert config.env_list("SOME_LIST", []) == ["a.example", "b.example"]


def test_env_database_sqlite_options(monkeypatch, tmp_path):
    monkeypatch.setenv("SOME_DB", f"sqlite:///{tmp_path}/x.sqlite3")
    db = config.env_database("SOME_DB", "")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE" and db["CONN_MAX_AGE"] == 0


def test_the_secret_key_is_generated_once_and_kept_private(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.env_secret_key("SECRET_KEY", tmp_path / "data")
    assert config.env_secret_key("SECRET_KEY", tmp_path / "data") == first and len(first) >= 50
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o077 == 0
