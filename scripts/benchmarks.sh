#!/usr/bin/env bash
# The whole benchmark chain, ending in docs/benchmarks.md and its plots:
#
#   1. start vlm-service on the chosen bundle (BUNDLE) and check that it serves it;
#   2. protocol: craft bench on DTD-10 (methods x shots x seeds, the reference code's per-shot budgets);
#   3. mnist: the demo bundle on MNIST ($CRAFT_CACHE/datasets/mnist), skipped with a message when the
#      dataset or the demo bundle is absent;
#   4. perf: craft bench-perf (round profile, production vs one JSON request per candidate, artefact size);
#   5. service: scripts/bench-service.sh (service overhead, binary vs JSON, memory) when it exists;
#   6. scale: a 1000-class run on the ImageNet sample (one image per class: no test set, so it reports
#      time and queries per round and accuracy on the training images);
#   7. report: craft report benchmarks -> docs/benchmarks.md, docs/img/benchmarks-*.png.
#
#   bash scripts/benchmarks.sh                                  # the paper's grid on the tiny bundle
#   BUNDLE=bench bash scripts/benchmarks.sh                     # ... on the benchmark bundle
#   SHOTS=1,4 SEEDS=1 BUDGET=400 PERF_BUDGET=400 PERF_ROUNDS=5 SCALE_BUDGET=80 \
#     bash scripts/benchmarks.sh                                # a reduced protocol when time is short
#   STEPS=report bash scripts/benchmarks.sh                     # only regenerate the page from WORK
#   BUNDLE=bench STREAMS=2 bash scripts/benchmarks.sh           # two client streams on a 2-core machine
#
# Environment (defaults in brackets):
#   BUNDLE        tiny | demo | bench | a bundle directory [tiny]. demo and bench are looked for in
#                 $CRAFT_CACHE/bundles/<name> (CRAFT_CACHE defaults to ~/.cache/craft) and built with
#                 deploy/models/build_bundle.sh when missing and that script exists.
#   METHODS SHOTS SEEDS   the grid [zs,bbt,pr,pgpr,craft] [1,2,4,8,16] [1,2,3]
#   BUDGET BUDGET_RULE    [8000] [reference]: with reference, BUDGET is the 8/16-shot budget, 2/4 shots get
#                 BUDGET/2 and 1 shot BUDGET/4 (2000/4000/8000 as the reference code); fixed: BUDGET for all
#   EVAL_EVERY    test evaluation every R rounds, for the query curves [10]
#   STREAMS       client streams of the protocol and MNIST benches, run at once against services that
#                 compute that many requests at once (vlm.compute.concurrency) [1]. The shot counts are dealt
#                 to the streams by budget (largest first, each to the least loaded stream); each stream has
#                 its own CRAFT_HOME (upload cache); a last `craft bench --resume` over the whole grid keeps
#                 the finished runs and writes the summary. One stream per core suits a CPU service.
#   PRESET        craft+views | craft+ | paper | reference [craft+views, the CLI default]
#   MNIST_METHODS MNIST_SHOTS MNIST_SEEDS MNIST_BUDGET   the MNIST grid [the DTD-10 grid]
#   PERF_BUDGET PERF_ROUNDS PERF_SHOTS                   bench-perf [8000] [20] [16]
#   SCALE_BUDGET  training queries of the 1000-class run; 0 skips it [120]
#   SERVICE_BENCH_ARGS    extra arguments of scripts/bench-service.sh []
#   STEPS         which steps run [protocol,mnist,perf,service,scale,report]
#   NOTE          a caveat printed at the top of the page (e.g. that the machine was shared) []
#   WORK          where every run is kept; reruns resume unfinished benches [target/benchmarks]
#   DOCS_OUT IMG_DIR      [docs/benchmarks.md] [docs/img]
#   PORT          service port; the MNIST service uses PORT+1 [18480]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
bundle="${BUNDLE:-tiny}"
methods="${METHODS:-zs,bbt,pr,pgpr,craft}"
shots="${SHOTS:-1,2,4,8,16}"
seeds="${SEEDS:-1,2,3}"
budget="${BUDGET:-8000}"
budget_rule="${BUDGET_RULE:-reference}"
eval_every="${EVAL_EVERY:-10}"
preset="${PRESET:-craft+views}"
mnist_methods="${MNIST_METHODS:-$methods}"
mnist_shots="${MNIST_SHOTS:-$shots}"
mnist_seeds="${MNIST_SEEDS:-$seeds}"
mnist_budget="${MNIST_BUDGET:-$budget}"
perf_budget="${PERF_BUDGET:-8000}"
perf_rounds="${PERF_ROUNDS:-20}"
perf_shots="${PERF_SHOTS:-16}"
scale_budget="${SCALE_BUDGET:-120}"
steps=",${STEPS:-protocol,mnist,perf,service,scale,report},"
work="${WORK:-target/benchmarks}"
docs_out="${DOCS_OUT:-docs/benchmarks.md}"
img_dir="${IMG_DIR:-docs/img}"
port="${PORT:-18480}"
streams="${STREAMS:-1}"
[[ "$streams" =~ ^[1-9][0-9]*$ ]] || { echo "benchmarks: STREAMS must be a positive whole number, not '$streams'" >&2; exit 2; }
cache="${CRAFT_CACHE:-$HOME/.cache/craft}"
shared="../shared/assets"
dtd="$shared/datasets/dtd10"
dtd_split="$shared/coop-splits/split_zhou_DescribableTextures.json"
key="bench-key-0001"

log() { echo "benchmarks: $*" >&2; }
absolute() { if [[ "$1" == /* ]]; then echo "$1"; else echo "$root/$1"; fi; }
step() { [[ "$steps" == *",$1,"* ]]; }
mkdir -p "$work/bin"
commands="$work/commands.txt"
notes=()

# ---------------------------------------------------------------- build and copy the jars
# The runs use copies, so a rebuild while they run cannot change the programs under them.
if step protocol || step mnist || step perf || step scale || step report; then
  if [[ ! -f vlm-service/target/vlm-service.jar || ! -f craft-client/target/craft.jar ]]; then
    mvn -B -ntp -q -DskipTests package
  fi
  cp craft-client/target/craft.jar "$work/bin/craft.jar"
  cp vlm-service/target/vlm-service.jar "$work/bin/vlm-service.jar"
fi
export CRAFT_HOME="$(absolute "$work")/craft-home"
export CRAFT_API_KEY="$key"

# Shell-quotes an argument only when it needs it (for the commands shown on the page).
quote() {
  if [[ "$1" =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then printf '%s' "$1"; else printf "'%s'" "${1//\'/\'\\\'\'}"; fi
}
# Runs a craft command and records it (without the key, which comes from CRAFT_API_KEY) for the page.
craft() {
  local line="craft" arg
  for arg in "$@"; do line+=" $(quote "$arg")"; done
  echo "$line" >> "$commands"
  java -jar "$work/bin/craft.jar" "$@"
}

# ---------------------------------------------------------------- bundles and services
# A bundle name or directory -> the directory (empty for tiny, which is embedded in the service).
bundle_dir() {
  case "$1" in
    tiny) echo "" ;;
    demo|bench)
      local dir="$cache/bundles/$1"
      if [[ ! -f "$dir/.complete" && ! -f "$dir/bundle.json" ]]; then
        if [[ -x deploy/models/build_bundle.sh || -f deploy/models/build_bundle.sh ]]; then
          log "building the $1 bundle (deploy/models/build_bundle.sh $1)"
          dir=$(bash deploy/models/build_bundle.sh "$1" | tail -1)
        else
          return 1
        fi
      fi
      echo "$dir" ;;
    *) [[ -f "$1/bundle.json" ]] || return 1; (cd "$1" && pwd) ;;
  esac
}

service_pids=()
stop_services() { for pid in "${service_pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap stop_services EXIT

# start_service NAME DIR PORT: starts vlm-service on the bundle and checks /v1/model against bundle.json.
# The served modelId is checked against bundle.json, so a service that loaded another bundle is caught.
start_service() {
  local name="$1" dir="$2" at="$3" args expected data
  data="$(absolute "$work")/service-data-$1"
  if [[ -z "$dir" ]]; then
    args=(--vlm.model.bundle=tiny)
    expected=$(sed -n 's/.*"modelId" *: *"\([^"]*\)".*/\1/p' deploy/models/bundles/tiny/bundle.json)
  else
    args=(--vlm.model.bundle="$dir")
    expected=$(sed -n 's/.*"modelId" *: *"\([^"]*\)".*/\1/p' "$dir/bundle.json")
  fi
  mkdir -p "$data"
  java -Xmx4g -jar "$work/bin/vlm-service.jar" --server.port="$at" --server.address=127.0.0.1 \
    --vlm.data-dir="$data" --vlm.api-keys="bench:$key:1000000000" --vlm.compute.concurrency="$streams" \
    "${args[@]}" > "$work/service-$name.log" 2>&1 &
  service_pids+=($!)
  local pid=$!
  for _ in $(seq 1 600); do
    if curl -fs "http://127.0.0.1:$at/actuator/health" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$pid" 2>/dev/null; then log "the $name service failed to start:"; tail -20 "$work/service-$name.log" >&2; exit 1; fi
    sleep 1
  done
  local served
  served=$(curl -fs -H "Authorization: Bearer $key" "http://127.0.0.1:$at/v1/model" | sed -n 's/.*"modelId":"\([^"]*\)".*/\1/p')
  if [[ "$served" != "$expected" ]]; then
    log "the service on port $at serves '$served', not '$expected' ($name); stopping"; exit 1
  fi
  log "service on port $at serves $served (log: $work/service-$name.log)"
}

# The training budget craft bench gives a shot count (see --budget-rule).
budget_of() {
  local k="$1" b="$2"
  if [[ "$budget_rule" != reference || "$k" -ge 8 ]]; then echo "$b"
  elif [[ "$k" -ge 2 ]]; then echo $((b / 2))
  else echo $((b / 4)); fi
}

# The shot counts of each stream, one comma-separated line per stream: largest budget first, each to
# the stream with the least budget so far (ties: the first).
deal_shots() {
  local list="$1" b="$2" n="$3" k i best
  local -a load lines
  for ((i = 0; i < n; i++)); do load[i]=0; lines[i]=""; done
  while read -r _ k; do
    best=0
    for ((i = 1; i < n; i++)); do (( load[i] < load[best] )) && best=$i; done
    load[best]=$(( load[best] + $(budget_of "$k" "$b") ))
    lines[best]="${lines[best]:+${lines[best]},}$k"
  done < <(tr ',' '\n' <<<"$list" | while read -r k; do echo "$(budget_of "$k" "$b") $k"; done | sort -k1,1nr -k2,2nr)
  for ((i = 0; i < n; i++)); do [[ -n "${lines[i]}" ]] && echo "${lines[i]}"; done
}

# run_bench OUT SHOTS BUDGET [craft bench options...]: craft bench over the grid, in $streams streams
# when that is more than one, then once more over the whole grid (every run kept) for the summary.
run_bench() {
  local out="$1" all_shots="$2" b="$3"; shift 3
  if [[ "$streams" -gt 1 ]]; then
    local i=0 part pids=() failed=0
    echo "# the next $streams craft bench commands ran at once, each with CRAFT_HOME=$CRAFT_HOME/stream-<n>" >> "$commands"
    while read -r part; do
      i=$((i + 1))
      log "stream $i: shots $part"
      CRAFT_HOME="$CRAFT_HOME/stream-$i" craft bench --resume --quiet "$@" --shots "$part" --budget "$b" --out "$out" \
        < /dev/null > "$out.stream-$i.log" 2>&1 &
      pids+=($!)
    done < <(deal_shots "$all_shots" "$b" "$streams")
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
    [[ "$failed" == 0 ]] || log "a stream failed (logs: $out.stream-*.log); the last pass runs what is left"
  fi
  local resume=()
  [[ -d "$out" ]] && resume=(--resume)
  craft bench "${resume[@]}" --quiet "$@" --shots "$all_shots" --budget "$b" --out "$out"
}

main_dir=""
main_url="http://127.0.0.1:$port"
if step protocol || step perf || step scale; then
  if ! main_dir=$(bundle_dir "$bundle"); then
    log "bundle '$bundle' not found (looked for $cache/bundles/$bundle, or a directory with bundle.json)"; exit 2
  fi
  {
    printf '# %s: ' "$(date -u +%FT%TZ)"
    printf 'BUNDLE=%s METHODS=%s SHOTS=%s SEEDS=%s BUDGET=%s BUDGET_RULE=%s EVAL_EVERY=%s PRESET=%s ' "$(quote "$bundle")" \
      "$methods" "$shots" "$seeds" "$budget" "$budget_rule" "$eval_every" "$preset"
    printf 'PERF_BUDGET=%s PERF_ROUNDS=%s PERF_SHOTS=%s SCALE_BUDGET=%s STREAMS=%s WORK=%s STEPS=%s bash scripts/benchmarks.sh\n' \
      "$perf_budget" "$perf_rounds" "$perf_shots" "$scale_budget" "$streams" "$(quote "$work")" "$(quote "${STEPS:-}")"
    printf '# vlm-service on bundle %s (%s), port %s; craft = java -jar craft-client/target/craft.jar (run from a copy), ' "$bundle" \
      "${main_dir:-embedded}" "$port"
    printf 'CRAFT_SERVICE and CRAFT_API_KEY set by the script\n'
  } >> "$commands"
  start_service "$bundle" "$main_dir" "$port"
fi
export CRAFT_SERVICE="$main_url"
tag=$(basename "${bundle}")

# ---------------------------------------------------------------- 2. protocol on DTD-10
dtd_bench="$work/dtd10-$tag"
if step protocol; then
  [[ -d "$dtd" && -f "$dtd_split" ]] || { log "DTD-10 is not in ../shared/assets; cannot run the protocol"; exit 2; }
  log "protocol on DTD-10: methods $methods, shots $shots, seeds $seeds, budget $budget ($budget_rule rule)"
  run_bench "$dtd_bench" "$shots" "$budget" --dataset "$dtd" --split "$dtd_split" --methods "$methods" \
    --seeds "$seeds" --budget-rule "$budget_rule" --eval-every "$eval_every" --preset "$preset"
fi

# ---------------------------------------------------------------- 3. demo bundle on MNIST
mnist="$cache/datasets/mnist"
mnist_bench="$work/mnist-demo"
if step mnist; then
  demo_dir=""
  if [[ ! -d "$mnist/train" || ! -d "$mnist/test" ]]; then
    log "skipping MNIST: $mnist (ImageFolder train/ test/) is absent; the demo bundle build exports it"
    notes+=("The MNIST benchmark with the demo bundle was skipped: the dataset ($mnist) was absent.")
  elif [[ "$bundle" != demo ]] && ! demo_dir=$(bundle_dir demo); then
    log "skipping MNIST: the demo bundle is absent ($cache/bundles/demo) and cannot be built here"
    notes+=("The MNIST benchmark was skipped: the demo bundle was absent.")
  else
    mnist_url="$main_url"
    if [[ "$bundle" != demo ]]; then
      start_service demo "$demo_dir" $((port + 1))
      mnist_url="http://127.0.0.1:$((port + 1))"
    fi
    log "demo bundle on MNIST: methods $mnist_methods, shots $mnist_shots, seeds $mnist_seeds, budget $mnist_budget"
    if ! CRAFT_SERVICE="$mnist_url" run_bench "$mnist_bench" "$mnist_shots" "$mnist_budget" --dataset "$mnist" \
        --methods "$mnist_methods" --seeds "$mnist_seeds" --budget-rule "$budget_rule" --eval-every "$eval_every" \
        --preset "$preset"; then
      log "the MNIST bench failed; continuing without it"
      notes+=("The MNIST benchmark failed in this run (see $work/service-demo.log); its table is absent.")
    fi
  fi
fi

# ---------------------------------------------------------------- 4. bench-perf
perf_json="$work/perf-$tag.json"
if step perf; then
  [[ -d "$dtd" && -f "$dtd_split" ]] || { log "DTD-10 is not in ../shared/assets; cannot run bench-perf"; exit 2; }
  # The tiny bundle is embedded: the service copies it to its data dir, which is what it loaded.
  model_bundle="${main_dir:-$work/service-data-$bundle/embedded-bundle}"
  rm -rf "$work/perf-$tag-runs"
  log "bench-perf: budget $perf_budget, $perf_rounds profiled rounds, $perf_shots shots"
  craft bench-perf --dataset "$dtd" --split "$dtd_split" --shots "$perf_shots" --budget "$perf_budget" \
    --rounds "$perf_rounds" --preset "$preset" --model-bundle "$model_bundle" --work "$work/perf-$tag-runs" \
    --out "$perf_json"
fi

# ---------------------------------------------------------------- 5. service benchmark
service_json="$work/service-bench-$tag.json"
if step service; then
  if [[ -f scripts/bench-service.sh ]]; then
    log "service benchmark: scripts/bench-service.sh --bundle ${main_dir:-tiny} --out $service_json ${SERVICE_BENCH_ARGS:-}"
    echo "bash scripts/bench-service.sh --bundle $(quote "${main_dir:-tiny}") --out $(quote "$service_json")" \
      "${SERVICE_BENCH_ARGS:-}" >> "$commands"
    # shellcheck disable=SC2086
    if ! bash scripts/bench-service.sh --bundle "${main_dir:-tiny}" --out "$service_json" ${SERVICE_BENCH_ARGS:-}; then
      log "the service benchmark failed; continuing without it"
      notes+=("The service benchmark (scripts/bench-service.sh) failed in this run; its section has no numbers.")
    fi
  else
    log "skipping the service benchmark: scripts/bench-service.sh does not exist in this checkout"
  fi
fi

# ---------------------------------------------------------------- 6. 1000-class scale case
scale_run="$work/scale-imagenet1k-$tag"
imagenet="$shared/datasets/imagenet-sample"
if step scale && [[ "$scale_budget" -gt 0 ]]; then
  if [[ ! -d "$imagenet" ]]; then
    log "skipping the scale case: $imagenet is absent"
  else
    # ImageFolder with one folder per synset; the same image is the training and the "test" image
    # (there is no held-out set). Class names from the file names; the 3 names ImageNet uses twice
    # (crane, maillot, cardigan) get their synset appended so that all 1000 differ.
    layout="$work/imagenet1k"
    if [[ ! -f "$layout/classnames.txt" ]]; then
      rm -rf "$layout"
      dups=$(ls "$imagenet" | sed 's/^[^_]*_//; s/\.[^.]*$//' | tr 'A-Z' 'a-z' | sort | uniq -d)
      for f in "$imagenet"/*.jpg; do
        b=$(basename "$f" .jpg); syn=${b%%_*}; name=${b#*_}; name=${name//_/ }
        mkdir -p "$layout/train/$syn" "$layout/test/$syn"
        ln -s "$(absolute "$f")" "$layout/train/$syn/"; ln -s "$(absolute "$f")" "$layout/test/$syn/"
        if grep -qxF "$(tr 'A-Z' 'a-z' <<<"$name")" <<<"$dups"; then name="$name ($syn)"; fi
        echo "$syn $name" >> "$layout/classnames.txt.tmp"
      done
      mv "$layout/classnames.txt.tmp" "$layout/classnames.txt"
    fi
    if [[ -f "$scale_run/report.json" ]]; then
      log "scale case: $scale_run already finished; keeping it"
    else
      resume=(); [[ -f "$scale_run/config.json" ]] && resume=(--resume)
      log "scale case: 1000 classes x 1 image, budget $scale_budget"
      craft tune "${resume[@]}" --quiet --method craft --shots 1 --budget "$scale_budget" --preset "$preset" \
        --dataset "$layout" --out "$scale_run"
    fi
  fi
fi

# ---------------------------------------------------------------- 7. the page
if step report; then
  default_grid="zs,bbt,pr,pgpr,craft|1,2,4,8,16|1,2,3|8000|reference"
  if [[ "$methods|$shots|$seeds|$budget|$budget_rule" != "$default_grid" ]]; then
    notes+=("This is a reduced protocol: methods $methods, shots $shots, seeds $seeds, budget $budget ($budget_rule rule) instead of the paper's zs,bbt,pr,pgpr,craft x 1,2,4,8,16 shots x seeds 1,2,3 with 2,000/4,000/8,000 queries.")
  fi
  if [[ "$bundle" == tiny ]]; then
    notes+=("The tiny bundle has random weights: every accuracy measured with it is chance level by construction. Its tables show what the pipeline does and costs, not how well CraFT works.")
  fi
  if [[ "$streams" -gt 1 ]]; then
    notes+=("The benches ran in $streams client streams at once against a service computing $streams requests at once (STREAMS=$streams): a run's wall time includes the CPU the other streams took.")
  fi
  [[ -n "${NOTE:-}" ]] && notes+=("$NOTE")
  args=()
  [[ -f "$dtd_bench/summary.csv" ]] && args+=(--bench "DTD-10 ($bundle bundle)=$dtd_bench")
  [[ -f "$mnist_bench/summary.csv" ]] && args+=(--bench "MNIST (demo bundle)=$mnist_bench")
  [[ -f "$perf_json" ]] && args+=(--perf "$perf_json")
  args+=(--service-bench "$service_json")
  [[ -f "$scale_run/report.json" ]] && args+=(--scale "$scale_run")
  for n in "${notes[@]}"; do args+=(--note "$n"); done
  java -jar "$work/bin/craft.jar" report benchmarks "${args[@]}" --commands "$commands" --out "$docs_out" \
    --img-dir "$img_dir"
fi
log "done; runs in $work"
