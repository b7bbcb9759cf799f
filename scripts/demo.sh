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
#
# On a bare machine it first installs the system packages of group "demo" in deploy/deps/packages.txt
# (scripts/setup.sh: apt as root or with password-less sudo, else it prints the apt-get line and stops).
# Each phase is printed with its elapsed time.
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

demo_start=$(date +%s)
phase_start=$demo_start
# phase NAME: ends the current phase, printing its time and the total so far
phase() {
  local now
  now=$(date +%s)
  printf 'demo: [%4d s] %s done in %d s\n' "$((now - demo_start))" "$1" "$((now - phase_start))"
  phase_start=$now
}

echo "demo: phase packages (scripts/setup.sh demo)"
bash scripts/setup.sh demo
phase packages

if [[ ! -f vlm-service/target/vlm-service.jar || ! -f craft-client/target/craft.jar ]]; then
  echo "demo: phase jars (mvn package; the first build downloads the dependencies from Maven Central)"
  # (Maven 3.8 prints colour resets even in batch mode; they are dropped so that each line starts clean)
  mvn -B -ntp -q -DskipTests package 2>&1 | sed 's/\x1b\[[0-9;]*m//g'
fi
phase jars

# The demo bundle and the MNIST export; returns at once when both are up to date.
if [[ "$bundle" == demo || "$bundle" == bench ]]; then
  echo "demo: phase bundle (deploy/models/build_bundle.sh $bundle; minutes the first time, then cached in $CRAFT_CACHE)"
  bash deploy/models/build_bundle.sh "$bundle"
fi
phase bundle

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
phase "service start"
echo "demo: serving $(curl -fs -H "Authorization: Bearer $key" "http://127.0.0.1:$port/v1/model" | sed -n 's/.*"modelId":"\([^"]*\)".*"vocabulary":"\([^"]*\)".*/\1 (\2 vocabulary)/p')"

echo "demo: phase tuning (the client prints its upload, rounds and evaluation times)"
start=$(date +%s)
CRAFT_HOME="$work/craft-home" java -jar craft-client/target/craft.jar tune \
  --service "http://127.0.0.1:$port" --api-key "$key" --dataset "$dataset" "${split_args[@]}" \
  --shots "$shots" --seed "$seed" --method "$method" --budget "$budget" --eval-every 10 --out "$work/run"
seconds=$(( $(date +%s) - start ))
phase tuning

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
