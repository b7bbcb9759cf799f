"""The reference outputs of a test bundle: fixed inputs run through the exported encoders exactly as
the Java service runs them, checked, and written to reference.json (shared by the tiny-bundle scripts).
"""

import hashlib
import json
import os
import sys

import numpy as np
import torch


def fix_hash_seed() -> None:
    """TorchScript serialises module constants in Python set order, which depends on string hashing;
    re-executes the script with PYTHONHASHSEED=0 so that the .pt files are byte-identical too."""
    if os.environ.get("PYTHONHASHSEED") != "0":
        env = dict(os.environ, PYTHONHASHSEED="0")
        os.execve(sys.executable, [sys.executable] + sys.argv, env)


def compute(model, out_dir: str, text_ts, image_ts, logit_scale: float, token_ids: torch.Tensor,
            end_positions: torch.Tensor, prompts: torch.Tensor, pixels: torch.Tensor, prefix_length: int,
            diffs: dict) -> dict:
    """Image features, text features over the full padded length (each prompt added at positions
    1..prefix_length of the word embeddings) and logits; asserts that trimming to the longest end
    position changes nothing and that the zero prompt reproduces the model's own encode_text."""
    with torch.no_grad():
        table = torch.from_numpy(np.load(os.path.join(out_dir, "token_embedding.npy")))
        base = table[token_ids]                                                  # [K, T, d]
        image_features = image_ts(pixels)                                        # [B, E]
        text_features = []
        trimmed_diff = 0.0
        t_trim = int(end_positions.max()) + 1
        for p in range(prompts.shape[0]):
            emb = base.clone()
            emb[:, 1:1 + prefix_length] += prompts[p]
            feats = text_ts(emb, end_positions)                                  # full length T
            trimmed = text_ts(emb[:, :t_trim].contiguous(), end_positions)
            trimmed_diff = max(trimmed_diff, float((feats - trimmed).abs().max()))
            text_features.append(feats)
        text_features = torch.stack(text_features)                               # [P, K, E]
        img_n = image_features / image_features.norm(dim=-1, keepdim=True)
        txt_n = text_features / text_features.norm(dim=-1, keepdim=True)
        logits = logit_scale * torch.einsum("be,pke->pbk", img_n, txt_n)         # [P, B, K]
        d_orig = float((text_features[0] - model.encode_text(token_ids)).abs().max())
    assert trimmed_diff < 1e-5, trimmed_diff
    assert d_orig < 1e-5, d_orig
    diffs["reference_prompts_T%d_vs_trimmed" % token_ids.shape[1]] = trimmed_diff
    diffs["reference_prompt0_vs_encode_text"] = d_orig
    return {"imageFeatures": image_features, "textFeatures": text_features, "logits": logits}


def check_spreads(logits: torch.Tensor, min_spread: float) -> dict:
    """Refuses degenerate outputs: classes, images and the prompt offset must each move the logits."""
    class_spread = logits.max(dim=2).values - logits.min(dim=2).values          # [P, B]
    image_spread = logits.max(dim=1).values - logits.min(dim=1).values          # [P, K]
    spreads = {
        "min_class_spread_per_image": float(class_spread.min()),
        "min_image_spread_per_class": float(image_spread.min()),
        "max_prompt_effect": float((logits[1] - logits[0]).abs().max()),
    }
    for k, v in spreads.items():
        assert v > min_spread, "degenerate outputs: %s = %g" % (k, v)
    return spreads


def arrays(token_ids, end_positions, prompts, pixels, outputs: dict) -> dict:
    """The reference.json array entries, inputs then outputs."""
    return {
        "tokenIds": tensor_entry(token_ids, "int64"),
        "endPositions": tensor_entry(end_positions, "int64"),
        "prompts": tensor_entry(prompts, "float32"),
        "pixels": tensor_entry(pixels, "float32"),
        "imageFeatures": tensor_entry(outputs["imageFeatures"], "float32"),
        "textFeatures": tensor_entry(outputs["textFeatures"], "float32"),
        "logits": tensor_entry(outputs["logits"], "float32"),
    }


def tensor_entry(t: torch.Tensor, dtype: str) -> dict:
    arr = t.detach().cpu().numpy()
    if dtype == "float32":
        data = arr.astype(np.float32).tolist()   # exact float32 values as JSON numbers
    else:
        data = arr.astype(np.int64).tolist()
    return {"dtype": dtype, "shape": list(arr.shape), "data": data}


def dump(path: str, ref: dict) -> None:
    # one top-level key per line, arrays compact: readable yet small and deterministic
    lines = ["{"]
    items = list(ref.items())
    for i, (key, value) in enumerate(items):
        sep = "," if i + 1 < len(items) else ""
        lines.append("  %s: %s%s" % (json.dumps(key), json.dumps(value, separators=(",", ":")), sep))
    lines.append("}")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def report(out_dir: str, diffs: dict, spreads: dict, logits: torch.Tensor) -> None:
    for k, v in diffs.items():
        print("  check %-40s max abs diff %.3g" % (k, v))
    for k, v in spreads.items():
        print("  spread %-39s %.4f" % (k, v))
    print("  logits[p][b][k]:")
    for p in range(logits.shape[0]):
        print("    p=%d %s" % (p, np.array2string(logits[p].numpy(), precision=3)))
    for fname in sorted(os.listdir(out_dir)):
        fpath = os.path.join(out_dir, fname)
        with open(fpath, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()[:16]
        print("  %-20s %9d bytes  sha256 %s" % (fname, os.path.getsize(fpath), digest))
