"""Export a real OpenAI CLIP checkpoint (ViT or ResNet image tower) as a CraFT model bundle.

    python export_clip.py --arch ViT-B/32 --vocab bpe_simple_vocab_16e6.txt --out DIR
    python export_clip.py --arch RN50 --vocab bpe_simple_vocab_16e6.txt --out DIR
    python export_clip.py --checkpoint ViT-B-32.pt --vocab bpe_simple_vocab_16e6.txt --out DIR

--arch downloads OpenAI's published checkpoint (RN50, RN101, ViT-B/32, ViT-B/16, ViT-L/14) and
verifies its SHA-256, which is part of the URL; --checkpoint reads a local file instead: OpenAI's
TorchScript archive (what clip.load downloads) or a plain state dict with OpenAI CLIP's key names.
The model shape is read from the state dict like OpenAI's clip.model.build_model: a
visual.layer1.0.conv1.weight key means a ResNet tower (stage depths from the layerN.M keys, stem
width from layer1.0.conv1, input resolution 32 x the attention pool grid, vision heads =
width * 32 / 64), otherwise a ViT; text heads = width / 64. --text-heads / --vision-heads
override the head counts. The towers are rebuilt, scripted, saved, reloaded and
checked against the original model by bundle_export.write_bundle (max abs diff < 1e-4 on random
token sequences and pixels, float32); the tokenizer file is copied into the bundle.

Used by the clip-bundle stage of deploy/docker/vlm-service.Dockerfile (CLIP_ARCH takes any --arch
value).
"""

import argparse
import json
import struct
import gzip
import hashlib
import os
import shutil
import sys
import urllib.request
from typing import List, Tuple

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bundle_export import clip_token_ids, write_bundle  # noqa: E402
from clip_bpe import ClipBpeTokenizer  # noqa: E402
from clip_modules import CLIP  # noqa: E402

# OpenAI's published CLIP checkpoints (the path component is the file's SHA-256).
OPENAI_CHECKPOINTS = {
    "RN50": "https://openaipublic.azureedge.net/clip/models/"
            "afeb0e10f9e5a86da6080e35cf09123aca3b358a0c3e3b6c78a7b63bc04b6762/RN50.pt",
    "RN101": "https://openaipublic.azureedge.net/clip/models/"
             "8fa8567bab74a42d41c5915025a8e4538c3bdbe8804a470a72f30b0d94fab599/RN101.pt",
    "ViT-B/32": "https://openaipublic.azureedge.net/clip/models/"
                "40d365715913c9da98579312b702a82c18be219cc2a73407c4526f58eba950af/ViT-B-32.pt",
    "ViT-B/16": "https://openaipublic.azureedge.net/clip/models/"
                "5806e77cd80f8b59890b7e101eabd078d9fb84e6937f9e85e4ecb61988df416f/ViT-B-16.pt",
    "ViT-L/14": "https://openaipublic.azureedge.net/clip/models/"
                "b8cca3fd41ae0c99ba7e8951adf17d267cdb84cd88be6f7c2e0eca1737a03836/ViT-L-14.pt",
}
CHECK_SEED = 2024
# Class names whose template prompts ("a photo of a {}.") the export check runs through both the
# model and the exported encoder: short and multi-token names, from the paper's datasets.
CHECK_CLASS_NAMES = ("dog", "golden retriever", "banded", "annual crop land", "Boeing 737-800",
                     "sunflower", "pizza", "highway or road")
TEMPLATE = "a photo of a {}."


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def download(arch: str, directory: str) -> str:
    url = OPENAI_CHECKPOINTS[arch]
    expected = url.split("/")[-2]
    os.makedirs(directory, exist_ok=True)
    target = os.path.join(directory, os.path.basename(url))
    if not (os.path.isfile(target) and sha256_of(target) == expected):
        print("downloading", url, flush=True)
        with urllib.request.urlopen(url) as response, open(target + ".part", "wb") as out:
            shutil.copyfileobj(response, out, 1 << 20)
        os.replace(target + ".part", target)
    actual = sha256_of(target)
    if actual != expected:
        raise SystemExit("checksum mismatch for %s: %s, expected %s" % (target, actual, expected))
    return target


def read_safetensors(path: str) -> dict:
    """A .safetensors file (8-byte little-endian header length, JSON header, raw little-endian
    tensors), read without the safetensors package (not in Debian)."""
    dtypes = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64,
              "I64": torch.int64, "I32": torch.int32}
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    state = {}
    for key, info in header.items():
        if key == "__metadata__":
            continue
        if info["dtype"] not in dtypes:
            raise SystemExit("%s: tensor %s has unsupported dtype %s" % (path, key, info["dtype"]))
        start, end = info["data_offsets"]
        flat = torch.frombuffer(bytearray(data[start:end]), dtype=dtypes[info["dtype"]])
        state[key] = flat.reshape(info["shape"]).clone()
    return state


def is_safetensors(path: str) -> bool:
    with open(path, "rb") as f:
        head = f.read(9)
    return len(head) == 9 and head[8:9] == b"{" and struct.unpack("<Q", head[:8])[0] < (1 << 30)


def load_state_dict(path: str) -> Tuple[dict, bool]:
    """(state dict with OpenAI CLIP's key names, whether the file is an OpenAI TorchScript archive).
    Accepts OpenAI's archives, plain state dicts, OpenCLIP's training checkpoints ({"state_dict":
    ...} with "module." prefixes) and OpenCLIP's hub files (.bin state dicts, .safetensors)."""
    openai_archive = False
    if is_safetensors(path):
        state = read_safetensors(path)
    else:
        try:
            state = torch.jit.load(path, map_location="cpu").state_dict()
            openai_archive = True
        except RuntimeError:
            state = torch.load(path, map_location="cpu")
            for wrapper in ("state_dict", "model"):
                if isinstance(state, dict) and isinstance(state.get(wrapper), dict):
                    state = state[wrapper]
    if all(k.startswith("module.") for k in state):
        state = {k[len("module."):]: v for k, v in state.items()}
    if any(k.startswith("text.") for k in state) or "logit_bias" in state:
        raise SystemExit("%s: an OpenCLIP CustomTextCLIP/SigLIP checkpoint (keys text.* or logit_bias); "
                         "only CLIP-architecture checkpoints (OpenAI key names) can be exported" % path)
    dropped = ("input_resolution", "context_length", "vocab_size", "attn_mask")
    return {k: v for k, v in state.items() if k not in dropped}, openai_archive


def vision_shape(state: dict, vision_heads: int = 0) -> dict:
    """The image tower's CLIP(...) arguments, read from the state dict's shapes."""
    if "visual.layer1.0.conv1.weight" in state:                                 # ModifiedResNet
        layers = tuple(len({k.split(".")[2] for k in state if k.startswith("visual.layer%d." % b)})
                       for b in (1, 2, 3, 4))
        width = state["visual.layer1.0.conv1.weight"].shape[0]
        tokens = state["visual.attnpool.positional_embedding"].shape[0]
        grid = round((tokens - 1) ** 0.5)
        if grid * grid + 1 != tokens:
            raise ValueError("visual.attnpool.positional_embedding has %d rows, not grid^2 + 1" % tokens)
        return dict(image_resolution=grid * 32, vision_layers=layers, vision_width=width,
                    vision_patch_size=None, vision_heads=vision_heads or width * 32 // 64)
    if "visual.proj" not in state:
        raise NotImplementedError("unknown image tower: neither visual.layer1.0.conv1.weight (ResNet) "
                                  "nor visual.proj (ViT) in the state dict")
    width = state["visual.conv1.weight"].shape[0]
    patch = state["visual.conv1.weight"].shape[-1]
    grid = round((state["visual.positional_embedding"].shape[0] - 1) ** 0.5)
    layers = len([k for k in state if k.startswith("visual.") and k.endswith(".attn.in_proj_weight")])
    return dict(image_resolution=patch * grid, vision_layers=layers, vision_width=width,
                vision_patch_size=patch, vision_heads=vision_heads or max(1, width // 64))


def build_model(state: dict, text_heads: int = 0, vision_heads: int = 0, quick_gelu: bool = True) -> CLIP:
    transformer_width = state["ln_final.weight"].shape[0]
    transformer_layers = len({k.split(".")[2] for k in state if k.startswith("transformer.resblocks.")})
    model = CLIP(embed_dim=state["text_projection"].shape[1],
                 **vision_shape(state, vision_heads),
                 context_length=state["positional_embedding"].shape[0],
                 vocab_size=state["token_embedding.weight"].shape[0],
                 transformer_width=transformer_width,
                 transformer_heads=text_heads or max(1, transformer_width // 64),
                 transformer_layers=transformer_layers, quick_gelu=quick_gelu)
    # float16 weights -> float32; integer buffers (BatchNorm num_batches_tracked) stay as they are
    result = model.load_state_dict({k: v.float() if v.is_floating_point() else v
                                    for k, v in state.items()}, strict=True)
    assert not result.missing_keys and not result.unexpected_keys, result
    return model.eval()


def activation(args: argparse.Namespace, openai_archive: bool) -> bool:
    """True for QuickGELU. OpenAI's weights use QuickGELU; OpenCLIP trains most models with the
    exact GELU (those named "-quickgelu" excepted). A plain state dict does not say which, and the
    wrong one gives plausible but degraded features, so it must be stated."""
    if args.activation:
        return args.activation == "quickgelu"
    if args.arch or openai_archive:
        return True
    raise SystemExit("--activation is required for a state dict: gelu for OpenCLIP models, quickgelu for "
                     "OpenAI's weights and OpenCLIP's '-quickgelu' models")


def export_check_token_ids(tokenizer: ClipBpeTokenizer, context_length: int) -> torch.Tensor:
    """The template prompts of CHECK_CLASS_NAMES, tokenised as the service does, plus random token
    sequences of 2..40 tokens (long sequences exercise positions the template does not reach)."""
    rows: List[List[int]] = [clip_token_ids(tokenizer.encode(TEMPLATE.format(c)), context_length,
                                            tokenizer.start_id, tokenizer.end_id)
                             for c in CHECK_CLASS_NAMES]
    g = torch.Generator().manual_seed(CHECK_SEED)
    rows += [clip_token_ids(torch.randint(1, 49406, (n,), generator=g).tolist(), context_length)
             for n in (2, 7, 15, 40)]
    return torch.tensor(rows, dtype=torch.int64)


def copy_vocabulary(vocab: str, out_dir: str) -> None:
    target = os.path.join(out_dir, "bpe_simple_vocab_16e6.txt")
    opener = gzip.open if vocab.endswith(".gz") else open
    with opener(vocab, "rb") as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst)


def main() -> None:
    # Fixed hash seed: TorchScript writes constants in set order (see make_tiny_bundle.py).
    if os.environ.get("PYTHONHASHSEED") != "0":
        env = dict(os.environ, PYTHONHASHSEED="0")
        os.execve(sys.executable, [sys.executable] + sys.argv, env)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--arch", choices=sorted(OPENAI_CHECKPOINTS), help="download OpenAI's checkpoint")
    source.add_argument("--checkpoint", help="a local OpenAI CLIP checkpoint or state dict")
    parser.add_argument("--vocab", required=True, help="bpe_simple_vocab_16e6.txt(.gz), CLIP's BPE merges")
    parser.add_argument("--out", required=True, help="bundle directory to write")
    parser.add_argument("--download-dir", default=os.path.expanduser("~/.cache/clip"))
    parser.add_argument("--name", help="bundle name (default: openai-clip-<arch>)")
    parser.add_argument("--model-id", help="bundle modelId (default: <name>-v1)")
    parser.add_argument("--activation", choices=("quickgelu", "gelu"),
                        help="transformer MLP activation (default: quickgelu for OpenAI checkpoints; "
                        "required for other state dicts: gelu for most OpenCLIP models)")
    parser.add_argument("--text-heads", type=int, default=0, help="text attention heads (default width/64)")
    parser.add_argument("--vision-heads", type=int, default=0, help="image attention heads (default: ViT width/64, "
                        "ResNet width*32/64)")
    args = parser.parse_args()

    path = download(args.arch, args.download_dir) if args.arch else args.checkpoint
    label = (args.arch or os.path.splitext(os.path.basename(path))[0]).replace("/", "-").lower()
    name = args.name or "openai-clip-" + label
    model_id = args.model_id or name + "-v1"
    state, openai_archive = load_state_dict(path)
    model = build_model(state, args.text_heads, args.vision_heads, quick_gelu=activation(args, openai_archive))

    check_ids = export_check_token_ids(ClipBpeTokenizer(args.vocab), model.context_length)
    g = torch.Generator().manual_seed(CHECK_SEED)
    size = model.visual.input_resolution
    check_pixels = torch.randn(3, 3, size, size, generator=g)
    description = ("OpenAI CLIP %s (pretrained weights, exported from %s with deploy/models/export_clip.py)"
                   % (args.arch or label, os.path.basename(path)))
    result = write_bundle(model, args.out, name, model_id, description, check_ids, check_pixels, tol=1e-4)
    copy_vocabulary(args.vocab, args.out)

    worst = max(result["diffs"].values())
    for key, value in sorted(result["diffs"].items()):
        print("  check %-40s max abs diff %.3g" % (key, value))
    if worst > 1e-4:
        raise SystemExit("export check failed: max abs diff %.3g > 1e-4" % worst)
    print("bundle %s (%s) written to %s" % (model_id, name, args.out))


if __name__ == "__main__":
    main()
