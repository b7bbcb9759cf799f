#!/usr/bin/env bash
# Prints the classpath of the service benchmarks (vlm-service's test classes, its classes and their dependencies),
# building the service jar, the test classes and the classpath file first in one reactor build, unless
# BENCH_SKIP_BUILD=1 and all of them exist. Used by scripts/bench-service.sh and scripts/bench-replicas.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

classpath_file=vlm-service/target/bench-classpath.txt
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 || ! -f "$classpath_file" || ! -f vlm-service/target/vlm-service.jar ]]; then
  mvn -B -ntp -q -pl vlm-service -am -DskipTests package dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
fi
echo "vlm-service/target/test-classes:vlm-service/target/classes:$(cat "$classpath_file")"
