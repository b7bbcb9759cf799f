#!/usr/bin/env bash
# Installs the system packages a part of the project needs, from the one list
# deploy/deps/packages.txt (each package with the groups that need it and why).
#
#   bash scripts/setup.sh demo            # what scripts/demo.sh needs (the README's main job)
#   bash scripts/setup.sh test            # what scripts/test.sh and CI need
#   bash scripts/setup.sh image|export|compare|cmaes|bench
#   bash scripts/setup.sh --status GROUP...    # each package: present or missing; installs nothing
#   bash scripts/setup.sh --versions GROUP...  # "package version" of the group's installed library and
#                                              # data packages (not the command tools): the inputs of a
#                                              # bundle build's hash
#
# Idempotent: returns at once when nothing is missing. A package that provides commands (cmd:) counts
# as present when all of them are on PATH, however they were installed. Missing packages are installed
# with apt-get as root, or through `sudo -n` when that works; otherwise the exact command to run is
# printed and the script exits with 2. The list file can be given with CRAFT_PACKAGES.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
list=${CRAFT_PACKAGES:-$here/../deploy/deps/packages.txt}

die() { echo "setup: $*" >&2; exit 2; }
usage() { die "usage: $0 [--status|--versions] GROUP... (groups: $(all_groups | tr '\n' ' '))"; }

[ -f "$list" ] || die "the package list $list is missing"

# The list's rows without comments and blank lines: package groups provides why...
rows() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list"; }
all_groups() { rows | awk '{ n = split($2, g, ","); for (i = 1; i <= n; i++) print g[i] }' | sort -u; }

mode=install
case "${1:-}" in
  --status) mode=status; shift ;;
  --versions) mode=versions; shift ;;
  -h|--help) usage ;;
esac
[ $# -ge 1 ] || usage
known=$(all_groups)
for group in "$@"; do
  grep -qx -- "$group" <<< "$known" || die "unknown group '$group' (groups: $(tr '\n' ' ' <<< "$known"))"
done

deb_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# present PACKAGE PROVIDES: its commands are all on PATH (when it names any), or dpkg has it
present() {
  local package=$1 provides=$2 item commands=0 found=0
  for item in ${provides//,/ }; do
    case "$item" in
      cmd:*) commands=$((commands + 1)); command -v "${item#cmd:}" >/dev/null 2>&1 && found=$((found + 1)) ;;
    esac
  done
  { [ "$commands" -gt 0 ] && [ "$found" -eq "$commands" ]; } || deb_installed "$package"
}

wanted=()
reasons=()
while read -r package groups provides why; do
  for group in "$@"; do
    if [[ ",$groups," == *",$group,"* ]]; then
      wanted+=("$package|$provides")
      reasons+=("$why")
      break
    fi
  done
done < <(rows)

missing=()
for i in "${!wanted[@]}"; do
  package=${wanted[$i]%%|*}
  provides=${wanted[$i]#*|}
  case "$mode" in
    status)
      if present "$package" "$provides"; then echo "present  $package"; else echo "missing  $package"; fi ;;
    versions)
      if [[ "$provides" != *cmd:* ]] && deb_installed "$package"; then
        dpkg-query -W -f='${Package} ${Version}\n' "$package"
      fi ;;
    install)
      if ! present "$package" "$provides"; then
        missing+=("$package")
        echo "setup: needs $package: ${reasons[$i]}"
      fi ;;
  esac
done
[ "$mode" = install ] || exit 0

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: the ${#wanted[@]} packages for '$*' are present"
  exit 0
fi

command=(apt-get install -y -q --no-install-recommends "${missing[@]}")
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  die "${#missing[@]} packages missing and neither root nor password-less sudo; run as root: apt-get update && ${command[*]}"
fi
start=$(date +%s)
echo "setup: installing ${missing[*]} (apt-get)"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive "${command[@]}" >/dev/null
for package in "${missing[@]}"; do
  deb_installed "$package" || die "apt-get did not install $package"
done
echo "setup: installed ${#missing[@]} packages in $(( $(date +%s) - start )) s"
