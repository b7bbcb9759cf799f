#!/usr/bin/env bash
# The ablation runs of docs/ablation.md and the page itself: craft bench over variants on DTD-10
# (bench bundle) and MNIST (demo bundle), the two datasets running at once, each against its own
# service (one per core), then `craft report ablation` over every run folder.
#
#   bash scripts/ablation.sh                   # the grid below; reruns resume unfinished benches
#   STEPS=report bash scripts/ablation.sh      # only regenerate the page from WORK
#
# Variants (16 shots, seeds 1,2,3, BUDGET training queries each):
#   paper-refit   bbt, pr, pgpr, craft with --preset paper --final-refit cv; the refit runs also give the
#                 loop network's accuracy (= the same runs without the refit, no query)
#   reference-refit  craft with --preset reference --final-refit cv (and its loop network)
#   craft-plus    craft and pgpr with --preset craft+ (LDA prompt fitness, final refit cv-kl: for craft with
#                 the consistency term's weight chosen by cross-validation); pgpr is craft+ without the
#                 consistency terms
#   craft-plus-views  craft and pgpr with --preset craft+ --views 2: two prompts searched one after the other
#                 (1,000 queries each), the refinement network reading both; craft searches the second for
#                 what the first lacks, pgpr on its own (a prediction costs 2 queries)
#   craft-plus-views3  the same with --views 3 (a prediction costs 3 queries)
#   craft-plus-norefit  craft with --preset craft+ --final-refit none (the LDA fitness alone)
#   craft-plus-kl craft with --preset craft+ --kl-weight 1 --kl-cutoff 1: consistency terms 10x the paper's
#                 weight (0.1/K at K = 10), the refinement's term on for the whole run
#   few-shot      zs, craft --preset paper --final-refit cv and craft --preset craft+ at 1 and 2 shots
#   few-shot-views  craft --preset craft+ --views 2 at 1 and 2 shots
# and, on Fashion-MNIST (demo bundle; the vocabulary it was aligned on, so zero-shot is high), the check
# on a third dataset: bbt, pr and craft with --preset paper --final-refit cv, craft with --preset craft+;
# fashion-craft-plus: craft and pgpr with --preset craft+ on Fashion-MNIST only; fashion-craft-plus-views and
# fashion-craft-plus-views3: the same with --views 2 and 3.
# Environment [defaults]: BUDGET [2000], SEEDS [1,2,3], WORK [target/ablation], DOC [docs/ablation.md],
# PORT [18610; MNIST PORT+1], STEPS [runs,report], VARIANTS [all: the names above, comma-separated;
# fashion-mnist, fashion-craft-plus, fashion-craft-plus-views and fashion-craft-plus-views3 for the third
# dataset's runs].
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
shared="$root/../shared/assets"
[[ -d "$shared/datasets/dtd10" ]] || { echo "ablation: needs ../shared/assets (DTD-10)" >&2; exit 2; }
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
budget="${BUDGET:-2000}"
seeds="${SEEDS:-1,2,3}"
work="${WORK:-$root/target/ablation}"
doc="${DOC:-$root/docs/ablation.md}"
port="${PORT:-18610}"
steps=",${STEPS:-runs,report},"
variants=",${VARIANTS:-paper-refit,reference-refit,craft-plus,craft-plus-views,craft-plus-views3,craft-plus-kl,craft-plus-norefit,few-shot,few-shot-views,fashion-mnist,fashion-craft-plus,fashion-craft-plus-views,fashion-craft-plus-views3},"
# wanted VARIANT: whether VARIANTS names it
wanted() { [[ "$variants" == *,$1,* ]]; }
key="ablation-key-0001"
cache="${CRAFT_CACHE:-$HOME/.cache/craft}"
log() { echo "ablation: $*" >&2; }
mkdir -p "$work/bin"

if [[ ! -f vlm-service/target/vlm-service.jar || ! -f craft-client/target/craft.jar ]]; then
  mvn -B -ntp -q -DskipTests package
fi
# copies, so that a rebuild while the runs go on cannot change the programs under them
cp vlm-service/target/vlm-service.jar craft-client/target/craft.jar "$work/bin/"
craft() { java -jar "$work/bin/craft.jar" "$@"; }

pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

# stream NAME BUNDLE PORT DATASET-ARGS...: a service on the bundle, then every variant's bench on it
stream() {
  local name=$1 bundle=$2 at=$3; shift 3
  local dir service
  service="http://127.0.0.1:$at"
  dir=$(bash deploy/models/build_bundle.sh "$bundle" | tail -n 1)
  java -Xmx3g -jar "$work/bin/vlm-service.jar" --server.port="$at" --server.address=127.0.0.1 \
    --vlm.model.bundle="$dir" --vlm.data-dir="$work/service-data-$name" --vlm.api-keys="ablation:$key:1000000000" \
    > "$work/service-$name.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 300); do
    curl -fs "$service/actuator/health" >/dev/null 2>&1 && break
    kill -0 $pid 2>/dev/null || { log "the $name service failed to start"; tail -20 "$work/service-$name.log" >&2; return 1; }
    sleep 1
  done
  local base=(--quiet --resume --service "$service" --api-key "$key" --seeds "$seeds" --budget "$budget")
  local common=("${base[@]}" "$@")
  export CRAFT_HOME="$work/craft-home-$name"
  if wanted paper-refit; then
    log "$name: paper-refit"
    craft bench "${common[@]}" --methods bbt,pr,pgpr,craft --shots 16 --preset paper --final-refit cv \
      --out "$work/$name/paper-refit"
  fi
  if wanted reference-refit; then
    log "$name: reference-refit"
    craft bench "${common[@]}" --methods craft --shots 16 --preset reference --final-refit cv \
      --out "$work/$name/reference-refit"
  fi
  if wanted craft-plus; then
    log "$name: craft-plus"
    craft bench "${common[@]}" --methods craft,pgpr --shots 16 --preset craft+ --out "$work/$name/craft-plus"
  fi
  if wanted craft-plus-views; then
    log "$name: craft-plus-views"
    craft bench "${common[@]}" --methods craft,pgpr --shots 16 --preset craft+ --views 2 \
      --out "$work/$name/craft-plus-views"
  fi
  if wanted craft-plus-views3; then
    log "$name: craft-plus-views3"
    craft bench "${common[@]}" --methods craft,pgpr --shots 16 --preset craft+ --views 3 \
      --out "$work/$name/craft-plus-views3"
  fi
  if wanted craft-plus-kl; then
    log "$name: craft-plus-kl"
    craft bench "${common[@]}" --methods craft --shots 16 --preset craft+ --kl-weight 1 --kl-cutoff 1 \
      --out "$work/$name/craft-plus-kl"
  fi
  if wanted craft-plus-norefit; then
    log "$name: craft-plus-norefit"
    craft bench "${common[@]}" --methods craft --shots 16 --preset craft+ --final-refit none \
      --out "$work/$name/craft-plus-norefit"
  fi
  if wanted few-shot; then
    log "$name: few-shot"
    craft bench "${common[@]}" --methods zs,craft --shots 1,2 --preset paper --final-refit cv \
      --out "$work/$name/few-shot"
    craft bench "${common[@]}" --methods craft --shots 1,2 --preset craft+ --out "$work/$name/few-shot-craft-plus"
  fi
  if wanted few-shot-views; then
    log "$name: few-shot-views"
    craft bench "${common[@]}" --methods craft --shots 1,2 --preset craft+ --views 2 \
      --out "$work/$name/few-shot-craft-plus-views"
  fi
  if [[ "$name" == mnist ]] && wanted fashion-mnist; then
    # the third dataset, on the same (demo) service
    local fashion=(--dataset "$cache/datasets/fashion-mnist")
    log "fashion-mnist"
    craft bench "${base[@]}" "${fashion[@]}" --methods bbt,pr,craft --shots 16 --preset paper \
      --final-refit cv --out "$work/fashion-mnist/paper-refit"
    craft bench "${base[@]}" "${fashion[@]}" --methods craft --shots 16 --preset craft+ \
      --out "$work/fashion-mnist/craft-plus"
  fi
  if [[ "$name" == mnist ]] && wanted fashion-craft-plus; then
    log "fashion-mnist: craft-plus"
    craft bench "${base[@]}" --dataset "$cache/datasets/fashion-mnist" --methods craft,pgpr --shots 16 \
      --preset craft+ --out "$work/fashion-mnist/craft-plus"
  fi
  if [[ "$name" == mnist ]] && wanted fashion-craft-plus-views; then
    log "fashion-mnist: craft-plus-views"
    craft bench "${base[@]}" --dataset "$cache/datasets/fashion-mnist" --methods craft,pgpr --shots 16 \
      --preset craft+ --views 2 --out "$work/fashion-mnist/craft-plus-views"
  fi
  if [[ "$name" == mnist ]] && wanted fashion-craft-plus-views3; then
    log "fashion-mnist: craft-plus-views3"
    craft bench "${base[@]}" --dataset "$cache/datasets/fashion-mnist" --methods craft,pgpr --shots 16 \
      --preset craft+ --views 3 --out "$work/fashion-mnist/craft-plus-views3"
  fi
  kill $pid 2>/dev/null || true
}

if [[ "$steps" == *,runs,* ]]; then
  stream dtd10 bench "$port" --dataset "$shared/datasets/dtd10" \
    --split "$shared/coop-splits/split_zhou_DescribableTextures.json" > "$work/stream-dtd10.log" 2>&1 &
  pids+=($!)
  stream mnist demo "$((port + 1))" --dataset "$cache/datasets/mnist" > "$work/stream-mnist.log" 2>&1 &
  pids+=($!)
  failed=0
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  pids=()
  [[ $failed == 0 ]] || { log "a stream failed: see $work/stream-*.log"; exit 1; }
fi

if [[ "$steps" == *,report,* ]]; then
  craft report ablation --bench "DTD-10 (bench)=$work/dtd10" --bench "MNIST (demo)=$work/mnist" \
    --bench "Fashion-MNIST (demo)=$work/fashion-mnist" \
    --note "Measured by scripts/ablation.sh: $budget training queries per run, 16 shots unless the row says otherwise, seeds $seeds; the DTD-10 stream and the MNIST then Fashion-MNIST stream ran at once on a $(nproc --all)-core CPU machine, each against its own vlm-service." \
    --out "$doc"
fi
