#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests on 127.0.0.1 (random port, data in a temp
# directory, trust authentication, durability off) and prints two lines:
#   PG_TEST_URL=postgres://mts@127.0.0.1:PORT/postgres
#   PG_TEST_DIR=/tmp/…           (stop it with: scripts/pg_test_cluster.sh stop "$PG_TEST_DIR")
# Needs Debian's postgresql package (apt-get install postgresql). PostgreSQL refuses to run as
# root, so as root the cluster runs as the package's `postgres` user (runuser).
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "pg_test_cluster: initdb not found: apt-get install postgresql" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = stop ]; then
  dir=${2:?usage: pg_test_cluster.sh stop DIR}
  as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/mts-pg.XXXXXX")
[ "$(id -u)" = 0 ] && chown postgres "$dir"
port=$((20000 + RANDOM % 20000))
as_owner "$bin/initdb" -D "$dir/data" -U mts --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
echo "PG_TEST_URL=postgres://mts@127.0.0.1:$port/postgres"
echo "PG_TEST_DIR=$dir"
