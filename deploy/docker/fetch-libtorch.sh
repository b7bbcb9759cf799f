#!/usr/bin/env bash
# Fetch DJL's build of libtorch for one version and flavor into a directory, at image build time.
#
#   fetch-libtorch.sh 2.7.1 cu128 /opt/libtorch
#
# DJL publishes each libtorch build as gzip-compressed files listed in
# https://publish.djl.ai/pytorch/<version>/files.txt, one line per file:
# <flavor>/<classifier>/native/lib/<name>.gz (names URL-encoded). This is what DJL's own
# LibUtils.downloadPyTorch reads when it downloads natives on first start; doing it here keeps the
# download out of container start-up. Not exercised in CI (no network to publish.djl.ai there).
set -euo pipefail
version="$1"
flavor="$2"
out="$3"
classifier="${PYTORCH_CLASSIFIER:-linux-x86_64}"
base="https://publish.djl.ai/pytorch/${version}"

mkdir -p "$out"
curl -fsSL --retry 3 "${base}/files.txt" -o /tmp/libtorch-files.txt
grep -E "^${flavor}/${classifier}/native/lib/[^/]+\.gz$" /tmp/libtorch-files.txt > /tmp/libtorch-wanted.txt || true
if [[ ! -s /tmp/libtorch-wanted.txt ]]; then
  echo "fetch-libtorch: no files for ${flavor}/${classifier} in ${base}/files.txt; flavors listed:" >&2
  cut -d/ -f1 /tmp/libtorch-files.txt | sort -u >&2
  exit 1
fi
while read -r path; do
  name="$(basename "$path" .gz)"
  name="$(printf '%b' "${name//%/\\x}")"   # URL-decode (e.g. %2B)
  echo "fetch-libtorch: ${path}"
  curl -fsSL --retry 3 "${base}/${path}" | gunzip > "${out}/${name}"
done < /tmp/libtorch-wanted.txt
for required in libtorch.so libtorch_cpu.so libtorch_cuda.so libc10.so libc10_cuda.so; do
  [[ -s "${out}/${required}" ]] || { echo "fetch-libtorch: ${required} is missing in ${out}" >&2; exit 1; }
done
rm -f /tmp/libtorch-files.txt /tmp/libtorch-wanted.txt
echo "fetch-libtorch: $(ls "$out" | wc -l) files, $(du -sh "$out" | cut -f1) in ${out}"
