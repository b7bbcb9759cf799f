#!/usr/bin/env bash
# The main job: build, build the demo model bundle, start vlm-service locally on it (CPU, no
# Docker), tune the black box with CraFT on handwritten digits - classes the demo model never saw
# in its alignment (it was aligned on Fashion-MNIST clothing) - and print zero-shot against CraFT.
#
#   bash scripts/demo.sh                           # MNIST digits, 16 shots, seed 1, budget 2000
#   BUDGET=8000 SHOTS=16 METHOD=craft bash scripts/demo.sh
#   DATASET=/path/to/imagefolder bash scripts/demo.sh   # any ImageFolder (train/<class>, test/<class>)
#   DATASET=../shared/assets/datasets/dtd10 SPLIT=../shared/assets/coop-splits/split_zhou_DescribableTextures.json bash scripts/demo.sh
#   BUNDLE=tiny bash scripts/demo.sh               # another bundle: tiny, demo, bench or a bundle directory
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export CRAFT_CACHE="${CRAFT_CACHE:-$HOME/.cache/craft}"
budget="${BUDGET:-2000}"
shots="${SHOTS:-16}"
seed="${SEED:-1}"
method="${METHOD:-craft}"
bundle="${BUNDLE:-demo}"
port="${PORT:-8080}"
work="${WORK:-$root/target/demo}"
key="demo-key-0001"

if [[ ! -f vlm-service/target/vlm-service.jar || ! -f craft-client/target/craft.jar ]]; then
  echo "demo: building the jars (mvn package)"
  mvn -B -ntp -q -DskipTests package
fi

# The demo bundle and the MNIST export; returns at once when both are up to date.
if [[ "$bundle" == demo || "$bundle" == bench ]]; then
  bash deploy/models/build_bundle.sh "$bundle"
fi

# Each demo starts from an empty service: its usage then equals this run's queries.
rm -rf "$work/run" "$work/service-data" "$work/craft-home"
mkdir -p "$work"

split_args=()
if [[ -n "${DATASET:-}" ]]; then
  dataset="$DATASET"
  [[ -n "${SPLIT:-}" ]] && split_args=(--split "$SPLIT")
else
  # exported by deploy/models/build_bundle.sh demo: 100 training and 100 test images per digit
  dataset="$CRAFT_CACHE/datasets/mnist"
  if [[ ! -d "$dataset/train" || ! -d "$dataset/test" ]]; then
    echo "demo: $dataset/{train,test} is missing; deploy/models/build_bundle.sh demo exports it" >&2
    exit 2
  fi
fi

java -jar vlm-service/target/vlm-service.jar --server.port="$port" --server.address=127.0.0.1 \
  --vlm.model.bundle="$bundle" --vlm.data-dir="$work/service-data" --vlm.api-keys="demo:$key:1000000" \
  > "$work/service.log" 2>&1 &
service_pid=$!
trap 'kill $service_pid 2>/dev/null || true' EXIT

echo "demo: starting vlm-service on port $port with model bundle '$bundle' (log: $work/service.log)"
for _ in $(seq 1 180); do
  if curl -fs "http://127.0.0.1:$port/actuator/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 $service_pid 2>/dev/null; then echo "demo: the service failed to start:" >&2; tail -20 "$work/service.log" >&2; exit 1; fi
  sleep 1
done
echo "demo: serving $(curl -fs -H "Authorization: Bearer $key" "http://127.0.0.1:$port/v1/model" | sed -n 's/.*"modelId":"\([^"]*\)".*"vocabulary":"\([^"]*\)".*/\1 (\2 vocabulary)/p')"

start=$(date +%s)
CRAFT_HOME="$work/craft-home" java -jar craft-client/target/craft.jar tune \
  --service "http://127.0.0.1:$port" --api-key "$key" --dataset "$dataset" "${split_args[@]}" \
  --shots "$shots" --seed "$seed" --method "$method" --budget "$budget" --eval-every 10 --out "$work/run"
seconds=$(( $(date +%s) - start ))

field() { sed -n "s/.*\"$1\" *: *\"\{0,1\}\([^\",]*\)\"\{0,1\}.*/\1/p" "$work/run/report.json" | head -n 1; }
percent() { awk -v a="$1" 'BEGIN { if (a == "" || a == "null") print "n/a"; else printf "%.1f %%", 100 * a }'; }

echo
cat "$work/run/report.json"
echo
echo "demo: $(field method) on $dataset, $(field shots) shots, seed $(field seed), model bundle '$bundle'"
printf 'demo:   zero-shot test accuracy: %s\n' "$(percent "$(field zeroShotAccuracy)")"
printf 'demo:   %s test accuracy: %s after %s training queries (budget %s), %s s\n' "$(field method)" \
  "$(percent "$(field testAccuracy)")" "$(field trainQueries)" "$(field budget)" "$seconds"
echo "demo: the service's usage (= trainQueries + evalQueries = $(( $(field trainQueries) + $(field evalQueries) ))): $(curl -fs -H "Authorization: Bearer $key" "http://127.0.0.1:$port/v1/usage")"
echo "demo: run directory $work/run (metrics.csv, tuned/, report.json)"
