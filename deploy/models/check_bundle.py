"""Self-check of a built bundle (run at the end of every build, and by hand):

    /usr/bin/python3 deploy/models/check_bundle.py $CRAFT_CACHE/bundles/demo

Fails (exit 1, one line per failure) when a parity value in build_report.json exceeds its bound, an
accuracy is below its floor (or has none), a file named by bundle.json is missing, or the reloaded
TorchScript encoders do not reproduce reference.json's features and logits within 1e-4 from its inputs
(through the trimmed sequences, as the service runs them).
"""

import json
import os
import sys

import numpy as np
import torch

TOLERANCE = 1e-4


class CheckFailed(RuntimeError):
    pass


def _array(ref: dict, key: str) -> torch.Tensor:
    entry = ref[key]
    dtype = np.int64 if entry["dtype"] == "int64" else np.float32
    return torch.from_numpy(np.asarray(entry["data"], dtype=dtype).reshape(entry["shape"]))


def reference_diffs(bundle_dir: str) -> dict:
    """Max abs differences between reference.json and a fresh computation with the bundle's files."""
    with open(os.path.join(bundle_dir, "bundle.json")) as f:
        meta = json.load(f)
    with open(os.path.join(bundle_dir, "reference.json")) as f:
        ref = json.load(f)
    text = torch.jit.load(os.path.join(bundle_dir, meta["text"]["encoder"]), map_location="cpu").eval()
    image = torch.jit.load(os.path.join(bundle_dir, meta["image"]["encoder"]), map_location="cpu").eval()
    table = torch.from_numpy(np.load(os.path.join(bundle_dir, meta["text"]["tokenEmbedding"])))
    ids, ends, prompts = _array(ref, "tokenIds"), _array(ref, "endPositions"), _array(ref, "prompts")
    t = int(ends.max()) + 1
    with torch.no_grad():
        img = image(_array(ref, "pixels"))
        feats = []
        for p in range(prompts.shape[0]):
            emb = table[ids[:, :t]].clone()
            emb[:, 1:1 + prompts.shape[1]] += prompts[p]
            feats.append(text(emb, ends))
        txt = torch.stack(feats)
        logits = float(meta["logitScale"]) * torch.einsum(
            "be,pke->pbk", img / img.norm(dim=-1, keepdim=True), txt / txt.norm(dim=-1, keepdim=True))
    return {"imageFeatures": float((img - _array(ref, "imageFeatures")).abs().max()),
            "textFeatures": float((txt - _array(ref, "textFeatures")).abs().max()),
            "logits": float((logits - _array(ref, "logits")).abs().max())}


def check(bundle_dir: str) -> dict:
    failures = []
    with open(os.path.join(bundle_dir, "bundle.json")) as f:
        meta = json.load(f)
    with open(os.path.join(bundle_dir, "build_report.json")) as f:
        report = json.load(f)
    for rel in (meta["text"]["encoder"], meta["text"]["tokenEmbedding"], meta["text"]["tokenizer"]["file"],
                meta["image"]["encoder"], "reference.json"):
        if not os.path.isfile(os.path.join(bundle_dir, rel)):
            failures.append("missing file %s" % rel)
    if meta.get("name") != report.get("bundle"):
        failures.append("bundle.json name %r differs from build_report.json bundle %r"
                        % (meta.get("name"), report.get("bundle")))
    for p in report["parity"]:
        if not p["value"] <= p["bound"]:
            failures.append("parity %s vs %s: %s = %.3g > bound %.3g"
                            % (p["tower"], p["against"], p["metric"], p["value"], p["bound"]))
    for a in report["accuracy"]:
        if a.get("floor") is None:
            failures.append("accuracy %s / %s has no floor" % (a["dataset"], a["method"]))
        elif not a["accuracy"] >= a["floor"]:
            failures.append("accuracy %s / %s: %.4f < floor %.4f"
                            % (a["dataset"], a["method"], a["accuracy"], a["floor"]))
    diffs = reference_diffs(bundle_dir) if not failures else {}
    for k, v in diffs.items():
        if not v < TOLERANCE:
            failures.append("reference.json %s: recomputed max abs diff %.3g >= %g" % (k, v, TOLERANCE))
    if failures:
        raise CheckFailed("bundle check failed for %s: %s" % (bundle_dir, "; ".join(failures)))
    print("check_bundle: %s ok (%d parity values within bounds, %d accuracies above floors, reference "
          "recomputed within %.1g: %s)" % (bundle_dir, len(report["parity"]), len(report["accuracy"]), TOLERANCE,
                                          ", ".join("%s %.2g" % kv for kv in diffs.items())))
    return diffs


if __name__ == "__main__":
    torch.set_num_threads(1)
    if len(sys.argv) != 2:
        print("usage: check_bundle.py BUNDLE_DIR", file=sys.stderr)
        sys.exit(2)
    try:
        check(sys.argv[1])
    except CheckFailed as e:
        print("error: %s" % e, file=sys.stderr)
        sys.exit(1)
