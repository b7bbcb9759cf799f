#!/usr/bin/env bash
# Service overhead benchmark: the raw in-process DJL forward against the full /v1/predict round trip
# to the real service jar (a separate process), binary vs JSON, and service memory per concurrent
# predict. All arguments go to dev.craft.service.bench.ServiceOverheadBenchmark (--help lists them).
#
#   bash scripts/bench-service.sh                                   # full grid on the embedded tiny bundle
#   bash scripts/bench-service.sh --prompts 40 --classes 10 --images 160 --phases overhead
#   bash scripts/bench-service.sh --bundle demo --out target/bench-service-demo.json
#   BENCH_SKIP_BUILD=1 bash scripts/bench-service.sh ...            # reuse the last build
#   BENCH_CLIENT_JVM="-Xmx8g" bash scripts/bench-service.sh ...      # JVM options of the client process
set -euo pipefail
cd "$(dirname "$0")/.."

export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
classpath=$(bash scripts/bench-classpath.sh)

# shellcheck disable=SC2086
exec java ${BENCH_CLIENT_JVM:--Xmx6g} \
  -cp "$classpath" \
  dev.craft.service.bench.ServiceOverheadBenchmark "$@"
