#!/usr/bin/env bash
# Run a command with a throwaway Redis server on loopback, and export its URL as
# DLTUTOR_TEST_REDIS_URL. Without redis-server installed, run the command as it is (the Redis
# tests then skip and say why). Composes with with-postgres.sh:
#   scripts/with-postgres.sh scripts/with-redis.sh pytest
set -euo pipefail
if ! command -v redis-server >/dev/null 2>&1; then
  echo "with-redis: redis-server not installed; Redis tests will skip" >&2
  exec "$@"
fi
DIR=$(mktemp -d /tmp/dltutor-redis.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT
redis-server --port "$PORT" --bind 127.0.0.1 --dir "$DIR" --save "" --appendonly no \
  --daemonize yes --pidfile "$DIR/redis.pid" --logfile "$DIR/log" >/dev/null
for _ in $(seq 1 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
export DLTUTOR_TEST_REDIS_URL="redis://127.0.0.1:$PORT/0"
"$@"
