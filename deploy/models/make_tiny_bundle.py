"""Write the tiny random-weight CLIP bundle used by the Java tests.

    /usr/bin/python3 deploy/models/make_tiny_bundle.py [--out DIR]

Writes DIR (default deploy/models/bundles/tiny/) with text_encoder.pt,
image_encoder.pt, token_embedding.npy, bundle.json and reference.json.
reference.json holds fixed inputs and the outputs the service must reproduce
(within 1e-4) when it runs the same computation through the bundle.
"""

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bundle_export import clip_token_ids, write_bundle  # noqa: E402
from clip_modules import CLIP  # noqa: E402
import reference_outputs  # noqa: E402

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


def main() -> None:
    reference_outputs.fix_hash_seed()
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
    outputs = reference_outputs.compute(model, args.out, text_ts, image_ts, logit_scale, token_ids, end_positions,
                                        prompts, pixels, PREFIX_LENGTH, diffs)
    logits = outputs["logits"]
    spreads = reference_outputs.check_spreads(logits, MIN_SPREAD)

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
        **reference_outputs.arrays(token_ids, end_positions, prompts, pixels, outputs),
    }
    reference_outputs.dump(os.path.join(args.out, "reference.json"), reference)
    print("bundle written to", args.out)
    reference_outputs.report(args.out, diffs, spreads, logits)

if __name__ == "__main__":
    main()
