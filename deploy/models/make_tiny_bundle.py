"""Write the tiny random-weight CLIP bundle used by the Java tests.

    /usr/bin/python3 deploy/models/make_tiny_bundle.py [--out DIR]

Writes DIR (default deploy/models/bundles/tiny/) with text_encoder.pt,
image_encoder.pt, token_embedding.npy, bundle.json and reference.json.
reference.json holds fixed inputs and the outputs the service must reproduce
(within 1e-4) when it runs the same computation through the bundle.
"""

import argparse
import hashlib
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bundle_export import clip_token_ids, write_bundle  # noqa: E402
from clip_modules import CLIP  # noqa: E402

SEED = 20241130
PROMPT_SEED = 1001
PIXEL_SEED = 1002
CHECK_SEED = 1003

NAME = "tiny-clip-random"
MODEL_ID = "tiny-clip-random-v1"
DESCRIPTION = ("Tiny random-weight model with CLIP's architecture, for tests only: "
               "its predictions are meaningless.")

PREFIX_LENGTH = 4
PREFIX_TOKENS = [320, 1125, 539, 320]        # "a photo of a"
PERIOD_TOKEN = 269                           # "."
CLASS_TOKENS = [[2368], [1929], [1613, 3058]]  # "cat", "dog", a two-token class
NUM_PROMPTS = 2
NUM_IMAGES = 3
MIN_SPREAD = 0.1


def build_model() -> CLIP:
    torch.manual_seed(SEED)
    model = CLIP(embed_dim=32,
                 image_resolution=32, vision_layers=2, vision_width=32, vision_patch_size=8,
                 vision_heads=4,
                 context_length=77, vocab_size=49408, transformer_width=32,
                 transformer_heads=4, transformer_layers=2)
    # Default init leaves LayerNorm at (1, 0) and attention biases at 0; perturb them
    # so that every parameter reaches the output and the export checks would notice
    # a dropped bias or affine term.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith(("ln_1.weight", "ln_2.weight", "ln_pre.weight", "ln_post.weight",
                              "ln_final.weight")):
                p.add_(0.1 * torch.randn_like(p))
            elif name.endswith(("ln_1.bias", "ln_2.bias", "ln_pre.bias", "ln_post.bias",
                                "ln_final.bias", "in_proj_bias", "out_proj.bias")):
                p.add_(0.05 * torch.randn_like(p))
    return model.eval()


def tensor_entry(t: torch.Tensor, dtype: str) -> dict:
    arr = t.detach().cpu().numpy()
    if dtype == "float32":
        data = arr.astype(np.float32).tolist()   # exact float32 values as JSON numbers
    else:
        data = arr.astype(np.int64).tolist()
    return {"dtype": dtype, "shape": list(arr.shape), "data": data}


def dump_reference(path: str, ref: dict) -> None:
    # one top-level key per line, arrays compact: readable yet small and deterministic
    lines = ["{"]
    items = list(ref.items())
    for i, (key, value) in enumerate(items):
        sep = "," if i + 1 < len(items) else ""
        lines.append("  %s: %s%s" % (json.dumps(key), json.dumps(value, separators=(",", ":")), sep))
    lines.append("}")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def main() -> None:
    # TorchScript serialises module constants in Python set order, which depends on
    # string hashing; fix the hash seed so that the .pt files are byte-identical too.
    if os.environ.get("PYTHONHASHSEED") != "0":
        env = dict(os.environ, PYTHONHASHSEED="0")
        os.execve(sys.executable, [sys.executable] + sys.argv, env)
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(here, "bundles", "tiny"))
    args = parser.parse_args()

    torch.set_num_threads(1)
    model = build_model()
    ctx = model.context_length

    # ---- fixed inputs
    token_ids = torch.tensor([clip_token_ids(PREFIX_TOKENS + c + [PERIOD_TOKEN], ctx)
                              for c in CLASS_TOKENS], dtype=torch.int64)        # [K, 77]
    end_positions = token_ids.argmax(dim=-1)                                    # [K]
    d = model.token_embedding.embedding_dim
    g = torch.Generator().manual_seed(PROMPT_SEED)
    prompts = torch.zeros(NUM_PROMPTS, PREFIX_LENGTH, d)
    prompts[1] = 0.5 * torch.randn(PREFIX_LENGTH, d, generator=g)               # [P, L, d]
    size = model.visual.input_resolution
    g = torch.Generator().manual_seed(PIXEL_SEED)
    pixels = torch.randn(NUM_IMAGES, 3, size, size, generator=g)                # [B, 3, S, S]

    # extra inputs for the export checks only (random token ids with varied lengths)
    g = torch.Generator().manual_seed(CHECK_SEED)
    lengths = [3, 10, 30, 50]   # longest ends at 51, so trimming to T=52 is a real test
    check_ids = torch.tensor([clip_token_ids(torch.randint(1, 49406, (n,), generator=g).tolist(),
                                             ctx) for n in lengths], dtype=torch.int64)
    check_ids = torch.cat([check_ids, token_ids])
    check_pixels = torch.cat([pixels, torch.randn(2, 3, size, size, generator=g)])

    # ---- bundle (scripts, saves, reloads and checks the encoders)
    result = write_bundle(model, args.out, NAME, MODEL_ID, DESCRIPTION, check_ids, check_pixels)
    meta, diffs = result["metadata"], result["diffs"]
    text_ts, image_ts = result["text_encoder"], result["image_encoder"]
    logit_scale = float(meta["logitScale"])

    # ---- reference outputs, computed exactly as the service does
    with torch.no_grad():
        table = torch.from_numpy(np.load(os.path.join(args.out, "token_embedding.npy")))
        base = table[token_ids]                                                  # [K, 77, d]
        image_features = image_ts(pixels)                                        # [B, E]
        text_features = []
        trimmed_diff = 0.0
        t_trim = int(end_positions.max()) + 1
        for p in range(NUM_PROMPTS):
            emb = base.clone()
            emb[:, 1:1 + PREFIX_LENGTH] += prompts[p]
            feats = text_ts(emb, end_positions)                                  # T = 77
            trimmed = text_ts(emb[:, :t_trim].contiguous(), end_positions)
            trimmed_diff = max(trimmed_diff, float((feats - trimmed).abs().max()))
            text_features.append(feats)
        text_features = torch.stack(text_features)                               # [P, K, E]
        img_n = image_features / image_features.norm(dim=-1, keepdim=True)
        txt_n = text_features / text_features.norm(dim=-1, keepdim=True)
        logits = logit_scale * torch.einsum("be,pke->pbk", img_n, txt_n)         # [P, B, K]

        # prompt 0 (zero offsets) must equal the original model's encode_text
        d_orig = float((text_features[0] - model.encode_text(token_ids)).abs().max())
    assert trimmed_diff < 1e-5, trimmed_diff
    assert d_orig < 1e-5, d_orig
    diffs["reference_prompts_T77_vs_trimmed"] = trimmed_diff
    diffs["reference_prompt0_vs_encode_text"] = d_orig

    class_spread = (logits.max(dim=2).values - logits.min(dim=2).values)        # [P, B]
    image_spread = (logits.max(dim=1).values - logits.min(dim=1).values)        # [P, K]
    prompt_effect = float((logits[1] - logits[0]).abs().max())
    spreads = {
        "min_class_spread_per_image": float(class_spread.min()),
        "min_image_spread_per_class": float(image_spread.min()),
        "max_prompt_effect": prompt_effect,
    }
    for k, v in spreads.items():
        assert v > MIN_SPREAD, "degenerate outputs: %s = %g" % (k, v)

    reference = {
        "format": 1,
        "modelId": MODEL_ID,
        "description": ("Fixed inputs and outputs for checking that the service reproduces the "
                        "Python computation of this bundle (tolerance 1e-4). Text: word "
                        "embeddings = tokenEmbedding[tokenIds] with prompts[p] added to "
                        "positions 1..prefixLength, full 77-token sequences, features at "
                        "endPositions. logits[p][b][k] = logitScale * "
                        "normalize(imageFeatures[b]) . normalize(textFeatures[p][k]). "
                        "Arrays are nested row-major lists matching 'shape'."),
        "logitScale": logit_scale,
        "prefixLength": PREFIX_LENGTH,
        "tokenIds": tensor_entry(token_ids, "int64"),
        "endPositions": tensor_entry(end_positions, "int64"),
        "prompts": tensor_entry(prompts, "float32"),
        "pixels": tensor_entry(pixels, "float32"),
        "imageFeatures": tensor_entry(image_features, "float32"),
        "textFeatures": tensor_entry(text_features, "float32"),
        "logits": tensor_entry(logits, "float32"),
    }
    ref_path = os.path.join(args.out, "reference.json")
    dump_reference(ref_path, reference)

    # ---- report
    print("bundle written to", args.out)
    for k, v in diffs.items():
        print("  check %-40s max abs diff %.3g" % (k, v))
    for k, v in spreads.items():
        print("  spread %-39s %.4f" % (k, v))
    print("  logits[p][b][k]:")
    for p in range(NUM_PROMPTS):
        print("    p=%d %s" % (p, np.array2string(logits[p].numpy(), precision=3)))
    for fname in sorted(os.listdir(args.out)):
        fpath = os.path.join(args.out, fname)
        with open(fpath, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()[:16]
        print("  %-20s %9d bytes  sha256 %s" % (fname, os.path.getsize(fpath), digest))


if __name__ == "__main__":
    main()
