"""Export check for CLIP's ResNet image tower (no pytest needed).

    /usr/bin/python3 deploy/models/test_export_resnet.py

Builds a tiny random CLIP with a ModifiedResNet image tower (stages (1, 1, 1, 1), stem width 8,
input 64 (a 2x2 grid for the attention pool), embed dim 16; text tower as small as the tiny bundle's), perturbs the BatchNorm
statistics and affine terms and the attention-pool biases so that every parameter reaches the
output, writes a bundle with bundle_export.write_bundle into a temporary directory, reloads the
TorchScript encoders and compares them with model.encode_image / model.encode_text (< 1e-5).
Also checks that export_clip.build_model infers the same shape from the model's state dict and
loads it strictly. Exits non-zero on failure.
"""

import os
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bundle_export import (ResNetImageEncoderForBundle, clip_token_ids, max_abs_diff,  # noqa: E402
                           write_bundle)
from clip_modules import CLIP, ModifiedResNet  # noqa: E402
from export_clip import build_model  # noqa: E402

SEED = 20250101
TOL = 1e-5


def tiny_resnet_clip() -> CLIP:
    torch.manual_seed(SEED)
    model = CLIP(embed_dim=16, image_resolution=64, vision_layers=(1, 1, 1, 1), vision_width=8,
                 vision_patch_size=None, context_length=77, vocab_size=49408, transformer_width=32,
                 transformer_heads=4, transformer_layers=2)
    with torch.no_grad():
        for name, p in model.visual.named_parameters():
            if ".bn" in name or name.startswith("bn") or "downsample.1" in name:
                # BatchNorm scale ~1 (bn3 starts at 0 in CLIP's init: revive the branches), bias != 0
                p.copy_(1.0 + 0.2 * torch.randn_like(p) if name.endswith("weight") else 0.1 * torch.randn_like(p))
            elif name.startswith("attnpool.") and name.endswith("bias"):
                p.add_(0.05 * torch.randn_like(p))
        for name, buf in model.visual.named_buffers():
            if name.endswith("running_mean"):
                buf.copy_(0.1 * torch.randn_like(buf))
            elif name.endswith("running_var"):
                buf.copy_(0.5 + torch.rand_like(buf))
        for name, p in model.named_parameters():
            if name.endswith(("ln_1.bias", "ln_2.bias", "ln_final.bias", "in_proj_bias", "out_proj.bias")):
                p.add_(0.05 * torch.randn_like(p))
    return model.eval()


def main() -> int:
    torch.set_num_threads(1)
    model = tiny_resnet_clip()
    assert isinstance(model.visual, ModifiedResNet)
    failures = []

    # export_clip's shape inference on this model's state dict
    rebuilt = build_model(model.state_dict())
    v = rebuilt.visual
    shape = (tuple(len(s) for s in (v.layer1, v.layer2, v.layer3, v.layer4)), v.conv3.out_channels,
             v.input_resolution, v.attnpool.num_heads, v.output_dim)
    print("build_model: layers %s, width %d, input %d, heads %d, output dim %d" % shape)
    if shape != ((1, 1, 1, 1), 8, 64, 4, 16):
        failures.append("build_model inferred %s" % (shape,))

    g = torch.Generator().manual_seed(SEED + 1)
    check_ids = torch.tensor([clip_token_ids(torch.randint(1, 49406, (n,), generator=g).tolist(), 77)
                              for n in (3, 10, 30, 50)], dtype=torch.int64)
    # noise plus a per-image colour offset, so that the pooled features differ between images
    pixels = torch.randn(4, 3, 64, 64, generator=g) + 2.0 * torch.randn(4, 3, 1, 1, generator=g)

    with tempfile.TemporaryDirectory() as out:
        try:
            result = write_bundle(model, out, "tiny-clip-rn-test", "tiny-clip-rn-test-v1",
                                  "test only", check_ids, pixels, tol=TOL)
        except AssertionError as e:
            print("FAIL write_bundle:", e)
            return 1
        for k, d in sorted(result["diffs"].items()):
            print("  check %-40s max abs diff %.3g" % (k, d))
        image_ts = torch.jit.load(os.path.join(out, "image_encoder.pt"), map_location="cpu").eval()
        text_ts = torch.jit.load(os.path.join(out, "text_encoder.pt"), map_location="cpu").eval()
        with torch.no_grad():
            ref_img = model.encode_image(pixels)
            ref_txt = model.encode_text(check_ids)
            d_img = max_abs_diff(image_ts(pixels), ref_img)
            emb = model.token_embedding(check_ids)
            d_txt = max_abs_diff(text_ts(emb, check_ids.argmax(dim=-1)), ref_txt)
            d_rebuilt = max_abs_diff(rebuilt.encode_image(pixels), ref_img)
            eager = ResNetImageEncoderForBundle(model)
            spread = float((ref_img - ref_img.mean(dim=0)).abs().max())
        print("reloaded image_encoder.pt vs encode_image: max abs diff %.3g (|features| max %.3g)"
              % (d_img, float(ref_img.abs().max())))
        print("reloaded text_encoder.pt vs encode_text:   max abs diff %.3g" % d_txt)
        print("image feature spread across the batch: %.3g" % spread)
        for name, d in (("image", d_img), ("text", d_txt), ("build_model image", d_rebuilt)):
            if not d < TOL:
                failures.append("%s: max abs diff %g >= %g" % (name, d, TOL))
        if spread < 1e-2:
            failures.append("degenerate image features (spread %g)" % spread)
        if any(isinstance(m, torch.nn.BatchNorm2d) for m in eager.modules()):
            failures.append("BatchNorm left in the exported image encoder")

    for f in failures:
        print("FAIL", f)
    if failures:
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
