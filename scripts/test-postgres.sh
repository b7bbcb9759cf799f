#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests that need a real one (vlm.store=postgres): Debian's
# postgresql binaries, a temporary directory, a free port on 127.0.0.1, trust authentication for the
# superuser "postgres", and durability off (fsync, synchronous_commit, full_page_writes) because the
# data is thrown away. There is no Docker engine on these machines, so Testcontainers cannot be used.
#
#   bash scripts/test-postgres.sh start   # (re)creates and starts the cluster, prints its JDBC URL
#   bash scripts/test-postgres.sh url     # prints the running cluster's JDBC URL
#   bash scripts/test-postgres.sh stop    # stops the cluster and removes its directory
#
# The tests read the URL from VLM_TEST_POSTGRES_URL and create a database of their own in it:
#   export VLM_TEST_POSTGRES_URL=$(bash scripts/test-postgres.sh start)
# VLM_TEST_POSTGRES_DURABLE=1 keeps fsync and synchronous commits on (for benchmarks that time commits).
# As root the server runs as the "postgres" user (PostgreSQL refuses to run as root). One cluster per
# user and checkout: its directory is ${TMPDIR:-/tmp}/vlm-test-postgres-<uid>-<hash of the checkout>.
set -euo pipefail

die() { echo "test-postgres: $*" >&2; exit 2; }

checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir="${TMPDIR:-/tmp}/vlm-test-postgres-$(id -u)-$(printf '%s' "$checkout" | md5sum | cut -c1-10)"
data="$dir/data"

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[[ -n "$bin" && -x "$bin/initdb" && -x "$bin/pg_ctl" ]] \
  || die "PostgreSQL's server binaries are missing (/usr/lib/postgresql/*/bin): install Debian's postgresql (bash scripts/setup.sh test)"

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

url() {
  [[ -f "$dir/port" ]] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1 \
    || die "no test cluster is running in $dir (bash scripts/test-postgres.sh start)"
  echo "jdbc:postgresql://127.0.0.1:$(cat "$dir/port")/postgres?user=postgres"
}

stop() {
  if [[ -d "$data" ]]; then
    as_owner "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  stop
  mkdir -p "$dir"
  if [[ $(id -u) -eq 0 ]]; then
    getent passwd postgres >/dev/null || die "there is no 'postgres' user to run the server as (install Debian's postgresql)"
    chown postgres "$dir"
  fi
  as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [[ "${VLM_TEST_POSTGRES_DURABLE:-0}" == 1 ]] && durability=""
  local port attempt
  for attempt in 1 2 3; do
    port=$(free_port)
    if as_owner "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 $durability" start >/dev/null; then
      echo "$port" > "$dir/port"
      url
      return
    fi
  done
  tail -n 20 "$dir/server.log" >&2 || true
  die "the test cluster did not start (log: $dir/server.log)"
}

case "${1:-}" in
  start) start ;;
  url) url ;;
  stop) stop ;;
  *) die "usage: $0 start|url|stop" ;;
esac
