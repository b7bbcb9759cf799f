#!/usr/bin/env bash
# Replica benchmark: PostgreSQL metering against H2 (single-client latency), predicts per second with one and two
# replicas on one PostgreSQL (throughput), and the ledger's reserve + commit per second alone (ledger). Starts its
# own durable throwaway PostgreSQL (fsync and synchronous commits on) and removes it at the end. All arguments go
# to dev.craft.service.bench.ReplicaBenchmark (--help lists them); the JSON goes to target/bench-replicas.json.
#
#   bash scripts/bench-replicas.sh                                    # all phases, about 6 minutes on 2 cores
#   bash scripts/bench-replicas.sh --phases ledger --ledger-seconds 10
#   BENCH_SKIP_BUILD=1 bash scripts/bench-replicas.sh ...             # reuse the last build
#   BENCH_CLIENT_JVM="-Xmx2g" bash scripts/bench-replicas.sh ...       # JVM options of the client process
set -euo pipefail
cd "$(dirname "$0")/.."

export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
classpath=$(bash scripts/bench-classpath.sh)

# test-postgres.sh keeps one cluster per checkout under $TMPDIR; a private TMPDIR gives the benchmark a cluster of
# its own, so that it neither removes nor shares the one scripts/test.sh runs the tests on.
pg_tmp=$(mktemp -d "${TMPDIR:-/tmp}/vlm-bench-replicas.XXXXXX")
chmod 755 "$pg_tmp" # as root the server runs as "postgres", which must reach its directory inside
stop_postgres() {
  TMPDIR="$pg_tmp" bash scripts/test-postgres.sh stop || true
  rm -rf "$pg_tmp"
}
trap stop_postgres EXIT
VLM_TEST_POSTGRES_URL=$(TMPDIR="$pg_tmp" VLM_TEST_POSTGRES_DURABLE=1 bash scripts/test-postgres.sh start)
export VLM_TEST_POSTGRES_URL

# shellcheck disable=SC2086
java ${BENCH_CLIENT_JVM:--Xmx2g} \
  -cp "$classpath" \
  dev.craft.service.bench.ReplicaBenchmark "$@"
