"""Tests of export_clip.py on the tiny bundle's model (CLIP's module structure), run by scripts/test.sh.

    /usr/bin/python3 deploy/models/test_export_clip.py [--vocab bpe_simple_vocab_16e6.txt(.gz)]

Writes the tiny model's weights in every checkpoint form export_clip.py accepts — OpenAI's
TorchScript archive, a plain state dict, an OpenCLIP training checkpoint ({"state_dict": ...} with
"module." prefixes), an OpenCLIP hub .safetensors file — plus a GELU (OpenCLIP-style) variant,
exports each with `export_clip.py --checkpoint` in a subprocess, and checks the written bundle:
the reloaded text encoder fed the template prompts' word embeddings reproduces the model's
encode_text, the image encoder reproduces encode_image, and the bundle is complete. Also checks
the refusals (a state dict without --activation, a CustomTextCLIP checkpoint) and that the
activation really matters. Exits non-zero on failure.
"""

import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bundle_export import clip_token_ids, max_abs_diff  # noqa: E402
from clip_bpe import ClipBpeTokenizer  # noqa: E402
from export_clip import CHECK_CLASS_NAMES, TEMPLATE, build_model, load_state_dict  # noqa: E402
from make_tiny_bundle import build_model as tiny_model  # noqa: E402

TOL = 1e-5
BUNDLE_FILES = ("bundle.json", "text_encoder.pt", "image_encoder.pt", "token_embedding.npy",
                "bpe_simple_vocab_16e6.txt")


def default_vocab() -> str:
    candidates = [os.path.join(HERE, "../../../shared/assets/tokenizer/bpe_simple_vocab_16e6.txt.gz"),
                  os.path.join(HERE, "../../vlm-service/target/classes/bundles/default/bpe_simple_vocab_16e6.txt")]
    for path in candidates:
        if os.path.isfile(path):
            return os.path.normpath(path)
    raise SystemExit("test_export_clip: CLIP's vocabulary not found; pass --vocab FILE")


def gelu_variant() -> torch.nn.Module:
    """The tiny model's weights in a model whose transformers use the exact GELU."""
    source = tiny_model()
    model = build_model(source.state_dict(), text_heads=4, vision_heads=4, quick_gelu=False)
    return model.eval()


def write_safetensors(state: dict, path: str) -> None:
    header, blobs, offset = {}, [], 0
    for key, tensor in state.items():
        raw = tensor.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[key] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    encoded = json.dumps(header).encode("utf-8")
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        f.writelines(blobs)


def run_export(checkpoint: str, vocab: str, out: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, os.path.join(HERE, "export_clip.py"), "--checkpoint", checkpoint,
                           "--vocab", vocab, "--out", out, "--text-heads", "4", "--vision-heads", "4", *extra],
                          capture_output=True, text=True)


def check_bundle(model: torch.nn.Module, out: str, tokenizer: ClipBpeTokenizer) -> float:
    for name in BUNDLE_FILES:
        assert os.path.isfile(os.path.join(out, name)), "bundle lacks " + name
    text = torch.jit.load(os.path.join(out, "text_encoder.pt")).eval()
    image = torch.jit.load(os.path.join(out, "image_encoder.pt")).eval()
    table = torch.from_numpy(np.load(os.path.join(out, "token_embedding.npy")))
    ids = torch.tensor([clip_token_ids(tokenizer.encode(TEMPLATE.format(c)), 77, tokenizer.start_id,
                                       tokenizer.end_id) for c in CHECK_CLASS_NAMES])
    ends = ids.argmax(dim=-1)
    t = int(ends.max()) + 1
    pixels = torch.randn(3, 3, 32, 32, generator=torch.Generator().manual_seed(7))
    with torch.no_grad():
        text_diff = max_abs_diff(text(table[ids[:, :t]], ends), model.encode_text(ids))
        image_diff = max_abs_diff(image(pixels), model.encode_image(pixels))
    assert text_diff < TOL, "template prompts: text encoder off by %g" % text_diff
    assert image_diff < TOL, "image encoder off by %g" % image_diff
    return max(text_diff, image_diff)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vocab", default=None)
    vocab = parser.parse_args().vocab or default_vocab()
    tokenizer = ClipBpeTokenizer(vocab)
    torch.set_num_threads(1)
    quick, gelu = tiny_model(), gelu_variant()
    with torch.no_grad():
        ids = torch.tensor([clip_token_ids(tokenizer.encode(TEMPLATE.format("dog")), 77)])
        activation_effect = max_abs_diff(quick.encode_text(ids), gelu.encode_text(ids))
    assert activation_effect > 1e-3, "GELU and QuickGELU give the same features (%g)" % activation_effect

    with tempfile.TemporaryDirectory() as tmp:
        state = quick.state_dict()
        archive = os.path.join(tmp, "openai-archive.pt")
        torch.jit.save(torch.jit.trace(quick.eval(), (torch.randn(1, 3, 32, 32), ids)), archive)
        plain = os.path.join(tmp, "plain.pt")
        torch.save(state, plain)
        training = os.path.join(tmp, "openclip-epoch_32.pt")
        torch.save({"epoch": 32, "state_dict": {"module." + k: v for k, v in gelu.state_dict().items()}}, training)
        hub = os.path.join(tmp, "open_clip_model.safetensors")
        write_safetensors(gelu.state_dict(), hub)
        float16 = os.path.join(tmp, "plain-fp16.pt")
        torch.save({k: v.half() if v.is_floating_point() else v for k, v in state.items()}, float16)

        cases = [("OpenAI TorchScript archive", archive, quick, (), TOL),
                 ("plain state dict", plain, quick, ("--activation", "quickgelu"), TOL),
                 ("OpenCLIP training checkpoint (GELU)", training, gelu, ("--activation", "gelu"), TOL),
                 ("OpenCLIP .safetensors (GELU)", hub, gelu, ("--activation", "gelu"), TOL)]
        for label, path, model, extra, _ in cases:
            out = os.path.join(tmp, "bundle-" + os.path.basename(path))
            result = run_export(path, vocab, out, *extra)
            assert result.returncode == 0, "%s: export failed:\n%s%s" % (label, result.stdout, result.stderr)
            assert "text_vs_encode_text" in result.stdout, label + ": export printed no check"
            print("ok  %-38s max abs diff %.2g" % (label, check_bundle(model, out, tokenizer)))

        state16, _ = load_state_dict(float16)
        assert all(v.dtype == torch.float16 for k, v in state16.items() if v.is_floating_point())
        result = run_export(float16, vocab, os.path.join(tmp, "b16"), "--activation", "quickgelu")
        assert result.returncode == 0, "float16 state dict: " + result.stderr
        print("ok  float16 state dict exports")

        result = run_export(plain, vocab, os.path.join(tmp, "refused"))
        assert result.returncode != 0 and "--activation is required" in result.stderr, result.stderr
        assert not os.path.exists(os.path.join(tmp, "refused", "bundle.json"))
        print("ok  state dict without --activation refused")
        custom = os.path.join(tmp, "custom-text.pt")
        torch.save({"text.token_embedding.weight": torch.zeros(3, 2), **state}, custom)
        result = run_export(custom, vocab, os.path.join(tmp, "refused2"), "--activation", "gelu")
        assert result.returncode != 0 and "CustomTextCLIP" in result.stderr, result.stderr
        print("ok  CustomTextCLIP checkpoint refused")
    print("test_export_clip: all checks passed")


if __name__ == "__main__":
    main()
