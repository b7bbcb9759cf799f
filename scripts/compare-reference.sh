#!/usr/bin/env bash
# Side by side: the Java client (craft tune) against the independent reference-style Python client
# (../shared/tools/ref_client.py: pycma + a PyTorch MLP, the reference code's loop), on ONE running
# service, the same data, shots, seeds, budget and the reference code's hyper-parameters
# (craft --preset reference; the same values passed to ref_client.py as flags). One seed runs one
# client after the other, so wall times are comparable. Writes docs/compare-reference.md.
#
#   bash scripts/compare-reference.sh                      # DTD-10, bench bundle, 16 shots, 8,000 queries, seeds 1,2,3
#   SEEDS=1 BUDGET=2000 bash scripts/compare-reference.sh  # a shorter check
#
# Environment [defaults]: BUNDLE [bench], SHOTS [16], SEEDS [1,2,3], BUDGET [8000], METHOD [craft],
# PORT [18590], WORK [target/compare-reference], DOC [docs/compare-reference.md]. Runs already in
# WORK (a report.json) are kept, so an interrupted comparison continues where it stopped.
# The reference client's few-shot sample for a seed differs from the Java client's: compare the
# means over seeds, not single seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

shared="$root/../shared"
ref="$shared/tools/ref_client.py"
dataset="$shared/assets/datasets/dtd10"
split="$shared/assets/coop-splits/split_zhou_DescribableTextures.json"
[[ -f "$ref" && -d "$dataset" && -f "$split" ]] || { echo "compare-reference: needs ../shared (tools/ref_client.py, assets/datasets/dtd10, the DTD split)" >&2; exit 2; }

bundle="${BUNDLE:-bench}"
shots="${SHOTS:-16}"
seeds="${SEEDS:-1,2,3}"
budget="${BUDGET:-8000}"
method="${METHOD:-craft}"
port="${PORT:-18590}"
work="${WORK:-$root/target/compare-reference}"
doc="${DOC:-$root/docs/compare-reference.md}"
key="compare-key-0001"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
log() { echo "compare-reference: $*" >&2; }

bash scripts/setup.sh compare >&2
if [[ ! -f vlm-service/target/vlm-service.jar || ! -f craft-client/target/craft.jar ]]; then
  log "building the jars"
  mvn -B -ntp -q -DskipTests package
fi
bundle_path=$(bash deploy/models/build_bundle.sh "$bundle" | tail -n 1)
mkdir -p "$work"

# The reference code's DTD values, which `craft --preset reference` also resolves for a DTD split
# (ALGORITHM.md, "Defaults: paper vs reference code"): sigma0 0.02, projection std 1.0, KL weight
# 0.001 for both terms, KL cutoff B/4, bounds [-5, 5], MLP K-256-K, Adam lr 1e-3, batch 256.
ref_flags=(--sigma0 0.02 --std 1.0 --weight 0.001 --n 4 --bound 5 --hidden 256 --layers 2 --optim adam --batch 256)

java -Xmx4g -jar vlm-service/target/vlm-service.jar --server.port="$port" --server.address=127.0.0.1 \
  --vlm.model.bundle="$bundle_path" --vlm.data-dir="$work/service-data" --vlm.api-keys="compare:$key:1000000000" \
  > "$work/service.log" 2>&1 &
service_pid=$!
trap 'kill $service_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$port/actuator/health" >/dev/null 2>&1 && break
  kill -0 $service_pid 2>/dev/null || { log "the service failed to start:"; tail -20 "$work/service.log" >&2; exit 1; }
  sleep 1
done
service="http://127.0.0.1:$port"
log "service on $service serves $(curl -fs -H "Authorization: Bearer $key" "$service/v1/model" | sed -n 's/.*"modelId":"\([^"]*\)".*/\1/p')"

field() { sed -n "s/.*\"$2\" *: *\"\{0,1\}\([^\",}]*\)\"\{0,1\}.*/\1/p" "$1" | head -n 1; }

rows=()
for seed in ${seeds//,/ }; do
  java_dir="$work/java-seed$seed"
  py_json="$work/python-seed$seed.json"
  if [[ ! -f "$py_json" ]]; then
    log "seed $seed: reference-style Python client"
    /usr/bin/python3 "$ref" --service "$service" --api-key "$key" --dataset "$dataset" --split "$split" \
      --shots "$shots" --seed "$seed" --method "$method" --budget "$budget" "${ref_flags[@]}" --out "$py_json.tmp" >&2
    mv "$py_json.tmp" "$py_json"
  fi
  if [[ ! -f "$java_dir/report.json" ]]; then
    log "seed $seed: Java client (craft tune --preset reference)"
    rm -rf "$java_dir"
    CRAFT_HOME="$work/craft-home" java -jar craft-client/target/craft.jar tune --quiet --service "$service" \
      --api-key "$key" --dataset "$dataset" --split "$split" --shots "$shots" --seed "$seed" --method "$method" \
      --budget "$budget" --preset reference --out "$java_dir" >&2
  fi
  # Loop time, comparable between the two: Python's query + CMA-ES + MLP seconds (its wallSeconds also
  # holds its upload, which the service may have to encode while the other client's is already stored);
  # Java's report wallSeconds (the training loop with its evaluations; the upload is before it).
  py_loop=$(awk -v q="$(field "$py_json" querySeconds)" -v c="$(field "$py_json" cmaesSeconds)" \
    -v m="$(field "$py_json" mlpSeconds)" 'BEGIN { print q + c + m }')
  # Query seconds of each: Python's querySeconds; Java's summed queryMillis of metrics.csv (the batched
  # training queries and the evaluations). The rest of the loop is the client's own work.
  java_query=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "queryMillis") c = i; next } { s += $c } END { print s / 1000 }'     "$java_dir/metrics.csv")
  rows+=("$seed $(field "$py_json" testAccuracy) $py_loop $(field "$py_json" trainQueries) $(field "$java_dir/report.json" testAccuracy) $(field "$java_dir/report.json" wallSeconds) $(field "$java_dir/report.json" trainQueries) $(field "$py_json" querySeconds) $java_query")
done

{
  echo "# The Java client beside a reference-style Python client"
  echo
  echo "Generated by \`scripts/compare-reference.sh\` ($(date -u '+%Y-%m-%d'), $(nproc --all) cores). Both clients ran"
  echo "one after the other against one \`vlm-service\` serving the \`$bundle\` bundle, on DTD-10 (CoOp"
  echo "split), $shots shots, method \`$method\`, a budget of $budget training queries, with the reference"
  echo "code's DTD hyper-parameters: \`craft tune --preset reference\` for Java, and"
  echo "\`ref_client.py ${ref_flags[*]}\` for Python (\`../shared/tools/ref_client.py\`: pycma 4.4.0 and a"
  echo "PyTorch 1.13 MLP, an independent comparator, not part of the product). The two clients draw"
  echo "different few-shot samples for the same seed, so the means over seeds are what compare."
  echo
  echo "Loop s: the training loop's wall time, without the upload — Python's query + CMA-ES + MLP seconds"
  echo "from its report, Java's wallSeconds (rounds and their evaluations). Of which, own work: the loop"
  echo "minus the seconds spent waiting for the service's answers (Python: CMA-ES and MLP; Java: CMA-ES,"
  echo "the projection, the MLP, the fitness and a checkpoint written after every round, which the Python"
  echo "client does not write)."
  echo
  echo "| seed | Python accuracy | Python loop s | of which own work | Python queries | Java accuracy | Java loop s | of which own work | Java queries |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}" | awk '{ printf "| %s | %.2f %% | %.0f | %.1f | %s | %.2f %% | %.0f | %.1f | %s |\n", $1, 100 * $2, $3, $3 - $8, $4, 100 * $5, $6, $6 - $9, $7 }'
  printf '%s\n' "${rows[@]}" | awk '
    function sd(s, q, n) { return n > 1 ? sqrt((q - s * s / n) / (n - 1)) : 0 }
    { n++; pa += 100 * $2; pq += 1e4 * $2 * $2; pw += $3; po += $3 - $8; ja += 100 * $5; jq += 1e4 * $5 * $5; jw += $6; jo += $6 - $9 }
    END {
      printf "| **mean** | **%.2f ± %.2f** | %.0f | %.1f | | **%.2f ± %.2f** | %.0f | %.1f | |\n", pa / n, sd(pa, pq, n), pw / n, po / n, ja / n, sd(ja, jq, n), jw / n, jo / n
      gap = ja / n - pa / n
      printf "\nJava minus Python: %+.2f points of mean test accuracy (%s the 2-point bound); Java'"'"'s loop took %.2f times the Python client'"'"'s (%s).\n", gap, (gap < 2 && gap > -2) ? "within" : "OUTSIDE", jw / pw, jw <= pw ? "not slower" : "SLOWER"
    }'
  echo
  echo "Run files: \`$work\` (Python report JSON per seed, Java run directories)."
} > "$doc"
log "wrote $doc"
cat "$doc"
