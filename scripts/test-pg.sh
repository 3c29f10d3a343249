#!/usr/bin/env bash
# Run the test suite against a throwaway PostgreSQL cluster on loopback:
#   scripts/test-pg.sh [pytest args]
# The cluster lives in a temporary folder, listens on 127.0.0.1 only, and is
# stopped and removed on exit, whatever the tests did.
set -euo pipefail
cd "$(dirname "$0")/.."

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PGBIN" ]; then
    echo "PostgreSQL is not installed: run make postgresql" >&2
    exit 1
fi
PORT=${PG_TEST_PORT:-55432}
DIR=$(mktemp -d /tmp/lienthong-pg.XXXXXX)
RUN=()
if [ "$(id -u)" = 0 ]; then
    # postgres refuses to run as root: the cluster belongs to Debian's postgres user.
    chown postgres "$DIR"
    RUN=(runuser -u postgres --)
fi
stop() {
    "${RUN[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
}
trap stop EXIT

"${RUN[@]}" "$PGBIN/initdb" -D "$DIR/data" -U test -A trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >/dev/null
# Durability settings off: a test cluster that dies is thrown away anyway, and
# the suite creates a database per test.
"${RUN[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -s start -o \
    "-h 127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off \
     -c full_page_writes=off -c max_connections=300"

export DATABASE_URL="postgresql+psycopg://test@127.0.0.1:$PORT/postgres"
.venv/bin/pytest -q "$@"
