#!/usr/bin/env bash
# The README's test command, and what CI runs (.ci/run calls it): installs the system packages of
# group "test" in deploy/deps/packages.txt (scripts/setup.sh), checks the package list against the
# Python tools' imports, lints the deployment files, runs the Python tool checks, builds the demo
# and bench model bundles (at once when up to date, in ${CRAFT_CACHE:-~/.cache/craft}), starts a
# throwaway PostgreSQL (scripts/test-postgres.sh), then runs the whole Maven suite. Each step is
# printed with its elapsed time.
set -euo pipefail
cd "$(dirname "$0")/.."

test_start=$(date +%s)
step() { echo "test: [$(( $(date +%s) - test_start )) s] $*"; }

step "system packages (scripts/setup.sh test)"
bash scripts/setup.sh test

step "the package list covers every Python import (deploy/deps/check_imports.py and its self-test)"
/usr/bin/python3 deploy/deps/check_imports.py --importable test
/usr/bin/python3 deploy/deps/check_imports.py
/usr/bin/python3 deploy/deps/test_check_imports.py | tail -n 1

# dclint (npm) validates the compose file against the Compose specification.
tools="$PWD/target/ci-tools"
dclint="$tools/node_modules/.bin/dclint"
if [[ ! -x "$dclint" ]]; then
  step "installing dclint@3.1.0 (npm) into $tools"
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund --loglevel=error dclint@3.1.0 >/dev/null
fi

step "lint docker-compose.yml (docker-compose v1 config -q; dclint against the Compose spec)"
docker-compose -f docker-compose.yml config -q
docker-compose -f docker-compose.yml --profile replicas config -q
"$dclint" -c deploy/compose/dclintrc.json --max-warnings 0 docker-compose.yml

step "check the Prometheus configuration and unit-test the alert rules (promtool)"
promtool check config deploy/prometheus/prometheus.yml
promtool test rules deploy/prometheus/tests/vlm-alerts.test.yml

# The Kubernetes manifests are validated by DeploymentFilesTest (YAML syntax, required fields,
# references) during mvn verify; kustomize, where kubectl exists, also builds the set.
if command -v kubectl >/dev/null 2>&1; then
  step "kubectl kustomize deploy/k8s and deploy/k8s-single-h2"
  kubectl kustomize deploy/k8s >/dev/null
  kubectl kustomize deploy/k8s-single-h2 >/dev/null
fi

# libtorch (DJL) runs 5-10x slower with 2 intra-op threads on 2-core machines.
export OMP_NUM_THREADS=1

# The CLIP exporter's wrapping code on models with CLIP's structure: every checkpoint form
# export_clip.py accepts (tiny ViT model), and the ResNet tower.
step "exporter checks (deploy/models/test_export_clip.py, test_export_resnet.py)"
/usr/bin/python3 deploy/models/test_export_clip.py
/usr/bin/python3 deploy/models/test_export_resnet.py
# The TFLite int8 reference forward and the MobileNetV2 conversion (the conversion part needs ../shared).
/usr/bin/python3 deploy/models/test_tflite_int8.py

# The model bundles the tests check (BuiltBundleParityTest, BuiltBundleFloorTest), built into
# ${CRAFT_CACHE:-~/.cache/craft}/bundles; each call returns at once when its bundle is up to date.
# demo is the service's default; bench needs the benchmark assets in ../shared.
step "build the demo model bundle (deploy/models/build_bundle.sh demo)"
bash deploy/models/build_bundle.sh demo
if [[ -d ../shared/assets ]]; then
  step "build the bench model bundle (deploy/models/build_bundle.sh bench)"
  bash deploy/models/build_bundle.sh bench
else
  step "../shared/assets absent: no bench bundle (its tests are skipped)"
fi

# The store and two-replica tests run against a real PostgreSQL: a throwaway cluster, stopped on exit.
step "start a throwaway PostgreSQL (scripts/test-postgres.sh start)"
trap 'bash scripts/test-postgres.sh stop' EXIT
VLM_TEST_POSTGRES_URL=$(bash scripts/test-postgres.sh start)
export VLM_TEST_POSTGRES_URL

step "the Maven suite (mvn -B -ntp verify)"
mvn -B -ntp verify
step "all passed"
