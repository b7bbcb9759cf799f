#!/usr/bin/env bash
# The main job on the embedded default model: build, start vlm-service locally (CPU, no Docker),
# tune the black box with CraFT on a few-shot dataset, print the report, stop the service.
#
#   bash scripts/demo.sh                         # DTD-10 from ../shared (CoOp split), 16 shots, budget 2000
#   DATASET=/path/to/imagefolder bash scripts/demo.sh   # any ImageFolder dataset (train/<class>, test/<class>)
#   BUDGET=8000 SHOTS=16 METHOD=craft bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
budget="${BUDGET:-2000}"
shots="${SHOTS:-16}"
method="${METHOD:-craft}"
port="${PORT:-8080}"
work="${WORK:-$root/target/demo}"
key="demo-key-0001"

split_args=()
if [[ -n "${DATASET:-}" ]]; then
  dataset="$DATASET"
  [[ -n "${SPLIT:-}" ]] && split_args=(--split "$SPLIT")
else
  dataset="$root/../shared/assets/datasets/dtd10"
  split="$root/../shared/assets/coop-splits/split_zhou_DescribableTextures.json"
  if [[ ! -d "$dataset" || ! -f "$split" ]]; then
    echo "demo: no dataset given and ../shared/assets/datasets/dtd10 is absent;" >&2
    echo "      run with DATASET=/path/to/imagefolder (DIR/train/<class>/*, DIR/test/<class>/*)" >&2
    exit 2
  fi
  split_args=(--split "$split")
fi

if [[ ! -f vlm-service/target/vlm-service.jar || ! -f craft-client/target/craft.jar ]]; then
  mvn -B -ntp -q -DskipTests package
fi

# Each demo starts from an empty service: its usage then equals this run's queries.
rm -rf "$work/run" "$work/service-data" "$work/craft-home"
mkdir -p "$work"
java -jar vlm-service/target/vlm-service.jar --server.port="$port" --server.address=127.0.0.1 \
  --vlm.data-dir="$work/service-data" --vlm.api-keys="demo:$key:1000000" > "$work/service.log" 2>&1 &
service_pid=$!
trap 'kill $service_pid 2>/dev/null || true' EXIT

echo "demo: starting vlm-service on port $port (log: $work/service.log)"
for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$port/actuator/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 $service_pid 2>/dev/null; then echo "demo: the service failed to start:" >&2; tail -20 "$work/service.log" >&2; exit 1; fi
  sleep 1
done

CRAFT_HOME="$work/craft-home" java -jar craft-client/target/craft.jar tune \
  --service "http://127.0.0.1:$port" --api-key "$key" --dataset "$dataset" "${split_args[@]}" \
  --shots "$shots" --seed 1 --method "$method" --budget "$budget" --eval-every 10 --out "$work/run"

echo
cat "$work/run/report.json"
echo
echo "demo: the service's usage (= trainQueries + evalQueries): $(curl -fs -H "Authorization: Bearer $key" "http://127.0.0.1:$port/v1/usage")"
echo "demo: run directory $work/run (metrics.csv, tuned/, report.json)"
