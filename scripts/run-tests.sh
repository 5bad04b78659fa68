#!/usr/bin/env bash
# Runs the whole suite on SQLite, then again on PostgreSQL (with the tests that need PostgreSQL,
# Redis and a Celery worker) when those services answer. Whatever cannot run is listed at the end;
# with CI=true a skipped run is a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/aftersale}"
REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}"
export TEST_REDIS_URL="$REDIS_URL"
export AFTERSALE_DATA_DIR="${AFTERSALE_DATA_DIR:-$PWD/var/test}"
mkdir -p "$AFTERSALE_DATA_DIR"
unset CELERY_BROKER_URL

status=0
skipped=()

reachable() {  # reachable postgres URL | reachable redis URL
  $BIN/python - "$1" "$2" <<'PY'
import sys
kind, url = sys.argv[1], sys.argv[2]
try:
    if kind == "postgres":
        import psycopg
        psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
    else:
        import redis
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
except Exception as exc:
    print(f"{kind} not reachable at {url}: {exc}", file=sys.stderr)
    sys.exit(1)
PY
}

# Browser tests drive Debian's Chromium (Playwright never downloads a browser of its own here).
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
    || echo "could not install chromium: the browser tests will fail" >&2
fi

# PDF handbooks: WeasyPrint needs Pango and HarfBuzz, and Chinese needs a CJK font.
bash scripts/system-deps.sh

echo "== lint (ruff)"
$BIN/ruff check aftersale tests bench || status=1

echo "== tests on SQLite"
DATABASE_URL="sqlite:///$AFTERSALE_DATA_DIR/unused.sqlite3" \
  $BIN/pytest -m "not postgres and not services" "$@" || status=1

if reachable postgres "$PG_URL"; then
  markers=""
  if ! reachable redis "$REDIS_URL"; then
    markers="not services"
    skipped+=("the Celery worker tests (no Redis at $REDIS_URL)")
  fi
  echo "== tests on PostgreSQL ($PG_URL)"
  DATABASE_URL="$PG_URL" $BIN/pytest ${markers:+-m "$markers"} "$@" || status=1
else
  skipped+=("the whole suite on PostgreSQL, the concurrency and Celery worker tests (no server at $PG_URL)")
fi

if [ ${#skipped[@]} -gt 0 ]; then
  echo
  echo "SKIPPED service-backed runs:"
  for s in "${skipped[@]}"; do echo "  - $s"; done
  if [ "${CI:-}" = "true" ]; then
    echo "CI=true: nothing may be skipped; failing." >&2
    status=1
  fi
fi
exit $status
