#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server on loopback, and export its URL as
# DLTUTOR_TEST_POSTGRES_URL. Without PostgreSQL installed, run the command as it is (the
# PostgreSQL tests then skip and say why).
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "with-postgres: PostgreSQL not installed; PostgreSQL tests will skip" >&2
  exec "$@"
fi
DIR=$(mktemp -d /tmp/dltutor-pg.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
AS=()
if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; AS=(runuser -u postgres --); fi
cleanup() { "${AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT
"${AS[@]}" "$PGBIN/initdb" -D "$DIR/data" -U dltutor --auth=trust -E UTF8 >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-h 127.0.0.1 -p $PORT -k $DIR -c fsync=off -c max_connections=200" start >/dev/null
"${AS[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U dltutor dltutor_test
export DLTUTOR_TEST_POSTGRES_URL="postgresql+psycopg://dltutor@127.0.0.1:$PORT/dltutor_test"
"$@"
