"""`aftersale backup [--output DIR]` and `aftersale restore ARCHIVE [--force]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_backup(args: argparse.Namespace) -> int:
    from .backup import BackupError, backup_create

    try:
        archive = backup_create(output_dir=Path(args.output))
    except (BackupError, OSError) as exc:
        print(f"aftersale: backup failed: {exc}", file=sys.stderr)
        return 2
    print(archive)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    import tarfile

    from .backup import BackupError, backup_restore

    try:
        manifest = backup_restore(archive=Path(args.archive), force=args.force)
    except (BackupError, OSError, tarfile.TarError) as exc:
        print(f"aftersale: restore failed: {exc}", file=sys.stderr)
        return 2
    counts = ", ".join(f"{table} {n}" for table, n in manifest["counts"].items())
    files = manifest["media_files"]
    print(f"aftersale: restored the backup of {manifest['created_at']} ({counts}; {files} files)")
    return 0


def add_parser(sub, run) -> None:
    """Adds `backup` and `restore`; `run(command)` wraps a command so Django is set up first."""

    backup = sub.add_parser("backup", help="write the database and uploaded files into one archive")
    backup.add_argument("--output", default=".", help="folder for the archive (default: here)")
    backup.set_defaults(func=run(cmd_backup))
    restore = sub.add_parser("restore", help="restore an archive written by `aftersale backup`")
    restore.add_argument("archive")
    restore.add_argument(
        "--force", action="store_true", help="overwrite a database or media folder that holds data"
    )
    restore.set_defaults(func=run(cmd_restore))
