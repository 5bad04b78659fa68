"""`aftersale sop …`: generate an SOP from a JSON description, the handbook of a playbook version,
training materials and the diff of two handbook versions."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

FORMATS = ("json", "md", "html", "docx", "pdf")
DOC_FORMATS = FORMATS[1:]
LANGS = ("zh-hans", "en")


def _write(content: bytes, out: str | None) -> None:
    if out:
        Path(out).write_bytes(content)
        print(f"aftersale: wrote {out} ({len(content)} bytes)", file=sys.stderr)
    else:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()


def _fail(message: str) -> int:
    print(f"aftersale: {message}", file=sys.stderr)
    return 2


def cmd_generate(args: argparse.Namespace) -> int:
    from aftersale.common.errors import DomainError

    from .render import render
    from .services import sop_generate

    try:
        data = json.loads(Path(args.input).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        return _fail(f"{args.input}: {exc.strerror}")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return _fail(f"{args.input}: not valid JSON ({exc})")
    if not isinstance(data, dict):
        return _fail(f"{args.input}: expected a JSON object with the fields business_type, return_policy, …")
    try:
        result = sop_generate(data=data, lang=args.lang)
        if args.format == "json":
            content = (
                json.dumps(result.as_json(), ensure_ascii=False, indent=2, default=str) + "\n"
            ).encode()
        else:
            content = render(result.document, args.format)
    except DomainError as exc:
        for error in exc.errors:
            print(f"aftersale: {error.field}: {error.message}", file=sys.stderr)
        return 2
    _write(content, args.out)
    return 0


def cmd_handbook(args: argparse.Namespace) -> int:
    from aftersale.common.errors import DomainError

    from .render import render
    from .services import handbook_document

    try:
        content = render(handbook_document(number=args.version, lang=args.lang), args.format)
    except DomainError as exc:
        return _fail(str(exc))
    _write(content, args.out)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from aftersale.common.errors import DomainError

    from .services import handbook_diff

    try:
        result = handbook_diff(old=args.old, new=args.new, lang=args.lang)
    except DomainError as exc:
        return _fail(str(exc))
    _write(result["text"].encode(), args.out)
    return 0


def _at(value: str | None):
    if not value:
        return None
    from datetime import datetime, time

    from django.utils import timezone

    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        from aftersale.common.errors import DomainError

        raise DomainError("at", f"not a date (YYYY-MM-DD): {value}") from None
    return timezone.make_aware(datetime.combine(day, time(12)))


def cmd_training(args: argparse.Namespace) -> int:
    from aftersale.common.errors import DomainError

    from .render import render
    from .services import training_document

    try:
        document = training_document(role=args.role, number=args.version, lang=args.lang, at=_at(args.at))
        content = render(document, args.format)
    except DomainError as exc:
        return _fail(str(exc))
    _write(content, args.out)
    return 0


def add_parser(sub, run) -> None:
    """Adds the `sop` command group; `run(command)` wraps a command so Django is set up first."""

    sop = sub.add_parser("sop", help="SOP and training handbook")
    sop_sub = sop.add_subparsers(dest="sop_command", required=True)

    generate = sop_sub.add_parser("generate", help="the SOP for a business described in a JSON file")
    generate.add_argument(
        "--input", required=True, help="JSON: business_type, return_policy, team_structure, …"
    )
    generate.add_argument("--format", choices=FORMATS, default="json")
    generate.add_argument("--lang", choices=LANGS, default="zh-hans")
    generate.add_argument("--out", help="write to this file (default: standard output)")
    generate.set_defaults(func=run(cmd_generate))

    handbook = sop_sub.add_parser("handbook", help="the SOP handbook of a playbook version")
    handbook.add_argument("--version", type=int, default=None, help="default: the active version")
    handbook.add_argument("--format", choices=DOC_FORMATS, default="md")
    handbook.add_argument("--lang", choices=LANGS, default="zh-hans")
    handbook.add_argument("--out")
    handbook.set_defaults(func=run(cmd_handbook))

    training = sop_sub.add_parser("training", help="training materials for a role, from a playbook version")
    training.add_argument("--role", choices=("agent", "team_lead", "director", "optimizer"), required=True)
    training.add_argument("--version", type=int, default=None, help="default: the active version")
    training.add_argument("--format", choices=DOC_FORMATS, default="md")
    training.add_argument("--lang", choices=LANGS, default="zh-hans")
    training.add_argument("--at", help="the quiz's reference date, YYYY-MM-DD (default: now)")
    training.add_argument("--out")
    training.set_defaults(func=run(cmd_training))

    diff = sop_sub.add_parser("diff", help="what changed in the handbook between two playbook versions")
    diff.add_argument("--from", dest="old", type=int, required=True)
    diff.add_argument("--to", dest="new", type=int, required=True)
    diff.add_argument("--lang", choices=LANGS, default="zh-hans")
    diff.add_argument("--out")
    diff.set_defaults(func=run(cmd_diff))
