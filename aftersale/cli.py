"""The `aftersale` command: serve, scheduler, demo, token, import-orders, sop, backup, restore,
mail-server, manage."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable

from aftersale.privacy.cli import add_parser as add_lifecycle_parser
from aftersale.sop.cli import add_parser as add_sop_parser


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersale.settings")
    import django

    django.setup()


def _with_django(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A command that needs Django configured first (the apps' own command groups)."""

    def run(args: argparse.Namespace) -> int:
        _setup()
        return command(args)

    return run


def cmd_serve(args: argparse.Namespace) -> int:
    _setup()
    from django.core.management import call_command

    from aftersale.config import env_int

    port = args.port or env_int("PORT", 8000, minimum=1)
    call_command("migrate", interactive=False, verbosity=0)
    from django.conf import settings

    scheduler = None
    if not settings.CELERY_BROKER_URL and not args.no_scheduler:
        # No broker: the periodic schedule runs beside the web server, in a process of its own.
        scheduler = subprocess.Popen([sys.executable, "-m", "aftersale.cli", "scheduler"])
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "aftersale.wsgi:application",
        "--config",
        "python:aftersale.gunicorn_conf",
        "--bind",
        f"{args.host}:{port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--graceful-timeout",
        "10",
    ]
    print(f"aftersale: serving on http://{args.host}:{port}/", flush=True)
    server = subprocess.Popen(argv)
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.send_signal(signal.SIGINT)
        return server.wait()
    finally:
        if scheduler is not None:
            scheduler.terminate()
            scheduler.wait(timeout=10)


def cmd_scheduler(args: argparse.Namespace) -> int:
    _setup()
    from aftersale.schedule import run_forever

    print("aftersale: running the periodic schedule in-process", flush=True)
    try:
        run_forever()
    except KeyboardInterrupt:
        pass
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _setup()
    from aftersale.demo import demo_load

    loaded = demo_load(force=args.force)
    print("aftersale: demo data loaded" if loaded else "aftersale: demo data already present")
    from aftersale.demo import DEMO_LOGINS

    print("demo logins (user / password):")
    for username, password, role in DEMO_LOGINS:
        print(f"  {username:<12} {password:<14} {role}")
    from django.conf import settings

    if settings.OTP_REQUIRED_ROLES:
        roles = ", ".join(settings.OTP_REQUIRED_ROLES)
        print(f"({roles}: an authenticator app (TOTP) is enrolled at the first sign-in)")
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    _setup()
    from aftersale.common.errors import DomainError
    from aftersale.common.services import token_create, token_revoke

    try:
        if args.token_command == "create":
            print(token_create(username=args.user, name=args.name, scope=args.scope))
        elif args.token_command == "revoke":
            for token in token_revoke(prefix=args.prefix):
                print(f"revoked {token.prefix}… ({token.user.username}, {token.name or '-'})")
        else:
            _token_list(args.user)
    except DomainError as exc:
        print(f"aftersale: {exc}", file=sys.stderr)
        return 2
    return 0


def _token_list(username: str | None) -> None:
    from aftersale.common.models import ApiToken

    tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
    if username:
        tokens = tokens.filter(user__username=username)
    for t in tokens:
        used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
        state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "live"
        print(f"{t.prefix}  {t.user.username:<12} {t.scope:<12} used {used:<16} {state}  {t.name}")


def cmd_import_orders(args: argparse.Namespace) -> int:
    _setup()
    from aftersale.catalog.services import orders_import_csv
    from aftersale.common.errors import DomainError
    from aftersale.common.models import User

    actor = User.objects.filter(username=args.user).first()
    if actor is None:
        print(f"aftersale: no user named {args.user!r}", file=sys.stderr)
        return 2
    try:
        with open(args.file, encoding="utf-8-sig", newline="") as stream:
            report = orders_import_csv(stream=stream, actor=actor)
    except (OSError, UnicodeDecodeError, DomainError) as exc:
        print(f"aftersale: {args.file}: {exc}", file=sys.stderr)
        return 2
    print(f"created {report.created} orders, updated {report.updated}, {report.lines} lines")
    for error in report.errors:
        print(f"line {error.line}: {error.field}: {error.message}", file=sys.stderr)
    return 1 if report.errors else 0


def cmd_mail_server(args: argparse.Namespace) -> int:
    _setup()
    from aftersale.channels.smtp_inbound import mail_server

    server = mail_server(host=args.host, port=args.port)
    print(f"taking in mail on smtp://{args.host}:{args.port} (Ctrl-C stops)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["aftersale", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aftersale", description="After-sales service management")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="apply migrations and serve the web app and API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None, help="default: $PORT or 8000")
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument(
        "--threads",
        type=int,
        default=1,
        help="requests at a time per worker (default 1: requests are CPU-bound; see docs/deploy.md)",
    )
    serve.add_argument(
        "--no-scheduler",
        action="store_true",
        help="with no broker, leave the periodic schedule out (run `aftersale scheduler` elsewhere)",
    )
    serve.set_defaults(func=cmd_serve)

    scheduler = sub.add_parser("scheduler", help="run the periodic schedule in this process (no broker)")
    scheduler.set_defaults(func=cmd_scheduler)

    demo = sub.add_parser("demo", help="load demo data (once) and print the demo logins")
    demo.add_argument("--force", action="store_true", help="load even if demo data is present")
    demo.set_defaults(func=cmd_demo)

    token = sub.add_parser("token", help="API tokens")
    token_sub = token.add_subparsers(dest="token_command", required=True)
    create = token_sub.add_parser("create", help="create a token for a user and print it")
    create.add_argument("--user", required=True)
    create.add_argument("--name", default="")
    create.add_argument("--scope", choices=["read", "write", "orders:write"], default="write")
    create.set_defaults(func=cmd_token)
    revoke = token_sub.add_parser("revoke", help="revoke tokens by the prefix `token list` shows")
    revoke.add_argument("--prefix", required=True)
    revoke.set_defaults(func=cmd_token)
    listing = token_sub.add_parser("list", help="list tokens (prefix, user, scope, last use, state)")
    listing.add_argument("--user", default=None)
    listing.set_defaults(func=cmd_token)

    imp = sub.add_parser("import-orders", help="import orders from a CSV file")
    imp.add_argument("file")
    imp.add_argument("--user", default="admin", help="the user the import is recorded for")
    imp.set_defaults(func=cmd_import_orders)

    add_sop_parser(sub, _with_django)
    add_lifecycle_parser(sub, _with_django)

    mail = sub.add_parser("mail-server", help="take in customer e-mail over SMTP (instead of IMAP)")
    mail.add_argument("--host", default="127.0.0.1")
    mail.add_argument("--port", type=int, default=2525)
    mail.set_defaults(func=cmd_mail_server)

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
