#!/usr/bin/env bash
# A bare-machine rehearsal of the README's two commands: a fresh clone of the committed HEAD in a
# temporary directory (with ../shared beside it, as in CI, when this checkout has one), its own empty
# CRAFT_CACHE, an empty Maven repository (-Dmaven.repo.local), an empty npm cache and an empty DJL
# cache; then `bash scripts/demo.sh` and `bash scripts/test.sh` in it, each with its time and exit
# status. Resetting the system packages is not possible here, so it first reports which packages of
# the list (deploy/deps/packages.txt, groups demo and test) this machine already has.
#
#   bash scripts/fresh-machine-check.sh          # KEEP=1 keeps the caches (bundles, Maven repository)
#
# Exit status: 0 when both commands passed. The summary is printed last and written to
# $WORK/summary.txt; the commands' output goes to $WORK/demo.log and $WORK/test.log.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-$(mktemp -d /tmp/craft-fresh.XXXXXX)}
mkdir -p "$work"
clone="$work/main"
[ ! -e "$clone" ] || { echo "fresh-machine-check: $clone exists; give an empty WORK" >&2; exit 2; }

summary="$work/summary.txt"
say() { echo "$*" | tee -a "$summary"; }

say "fresh-machine-check: $(date -u '+%Y-%m-%d %H:%M:%S') UTC on $(uname -n), $(nproc --all) cores"
git clone --quiet "$root" "$clone"
say "clone: $(git -C "$clone" log -1 --format='%h %s' | cut -c1-100) (uncommitted changes are not in it)"
if [ -d "$root/../shared" ]; then
  ln -s "$(cd "$root/../shared" && pwd)" "$work/shared"
  say "../shared: linked beside the clone"
fi
say "system packages already on this machine before the run (they cannot be removed for the rehearsal):"
bash "$clone/scripts/setup.sh" --status demo test | sed 's/^/  /' | tee -a "$summary"

export CRAFT_CACHE="$work/cache"
export MAVEN_OPTS="${MAVEN_OPTS:-} -Dmaven.repo.local=$work/m2"
export npm_config_cache="$work/npm-cache"
export DJL_CACHE_DIR="$work/djl-cache"
mkdir -p "$CRAFT_CACHE" "$work/m2" "$npm_config_cache" "$DJL_CACHE_DIR"
say "empty caches: CRAFT_CACHE=$CRAFT_CACHE, maven.repo.local=$work/m2, npm cache, DJL_CACHE_DIR"

status=0
for command in "bash scripts/demo.sh" "bash scripts/test.sh"; do
  log="$work/$(basename "${command#bash scripts/}" .sh).log"
  start=$(date +%s)
  set +e
  (cd "$clone" && $command) > "$log" 2>&1
  rc=$?
  set -e
  say "$(printf '%-22s exit %d after %d s (log %s)' "$command" "$rc" "$(( $(date +%s) - start ))" "$log")"
  grep -E '^(demo|test|setup): ' "$log" | sed 's/^/  /' | tee -a "$summary" || true
  if [ "$rc" -ne 0 ]; then
    status=1
    echo "  last lines:" | tee -a "$summary"
    tail -n 15 "$log" | sed 's/^/    /' | tee -a "$summary"
  fi
done
grep -E 'Tests run: .*Fail' "$work/test.log" | grep -v ' -- in ' | sed 's/^/  /' | tee -a "$summary" || true

if [ "${KEEP:-0}" != 1 ]; then
  rm -rf "$work/m2" "$npm_config_cache" "$DJL_CACHE_DIR" "$CRAFT_CACHE" "$clone"
fi
say "fresh-machine-check: $([ $status -eq 0 ] && echo PASSED || echo FAILED); summary in $summary"
exit $status
