"""The Keras MobileNetV2 inside the npm package ``nsfwjs@4.4.0`` (MIT) as a PyTorch image tower.

nsfwjs ships the model as JS modules (``dist/models/mobilenet_v2/model.min.js``: the Keras topology and
weight manifest; ``group1-shard1of1.min.js``: base64 uint8-quantised weights). ``node/nsfwjs_tfjs.js``
loads them once with TensorFlow.js (npm ``@tensorflow/tfjs-core``/``-layers``/``-backend-cpu``, CPU
backend) and dumps the topology and the dequantised float32 weights; this module rebuilds the
network from that dump: the stem (asymmetric zero padding, 3x3 stride-2 conv), the 17 inverted residual
blocks (1x1 expand, 3x3 depthwise, 1x1 project, residual add) and the 1x1 head conv, with every
BatchNormalization (eps 1e-3, moving statistics) folded into its convolution in float64 and ReLU6
activations. The network was trained on pixel/255 (0..1) inputs, which is how it is fed here.

``MobileNetV2Tower(weights, feature_layer)`` stops at a named Keras layer (for example
``block_13_expand_relu``, 576 channels, or ``out_relu``, 1280), global-average-pools it, and applies a
linear projection (``features`` gives the pooled vector). ``parity_check`` compares the spatial
outputs and pooled features with TensorFlow.js on the same pixels.
"""

import json
import os
import subprocess
import sys
import tempfile
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import parts  # noqa: E402

NSFWJS = ("nsfwjs", "4.4.0")
NSFWJS_SHA256 = "585cd178f3b994337c4d10a87b080d342fc52f8b9bf0085c4d1f345a3a1c5382"
NSFWJS_LICENCE = "MIT (nsfwjs by Infinite Red; Keras MobileNetV2 fine-tuned for NSFW classification)"
TFJS_PACKAGES = ["@tensorflow/tfjs-core@4.22.0", "@tensorflow/tfjs-layers@4.22.0",
                 "@tensorflow/tfjs-backend-cpu@4.22.0"]
INPUT_SIZE = 224
BN_EPS = 1e-3
NODE_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node", "nsfwjs_tfjs.js")


def _node(args: List[str], what: str) -> None:
    prefix = parts.npm_install("tfjs", TFJS_PACKAGES)
    env = dict(os.environ, NODE_PATH=os.path.join(prefix, "node_modules"))
    proc = subprocess.run(["node", NODE_SCRIPT] + args, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True)
    if proc.returncode != 0:
        lines = [ln.strip() for ln in proc.stdout.strip().splitlines()
                 if ln.strip() and not ln.strip().startswith("at ") and "=====" not in ln]
        errors = [ln for ln in lines if "Error" in ln] or lines
        raise parts.PartError("%s failed: %s" % (what, errors[0] if errors else "no output"))


def fetch() -> Dict[str, str]:
    """The verified nsfwjs tarball, its unpacked folder and the tfjs dump (model.json, weights.f32)."""
    tgz = parts.fetch_npm(NSFWJS[0], NSFWJS[1], NSFWJS_SHA256)
    pkg = parts.extract_tgz(tgz, parts.parts_dir("nsfwjs-%s" % NSFWJS[1]) + "/unpacked")
    dump = os.path.join(parts.parts_dir("nsfwjs-%s" % NSFWJS[1]), "dump")
    stamp = os.path.join(dump, ".from-" + NSFWJS_SHA256[:16])
    if not os.path.exists(stamp):
        _node(["dump", pkg, dump], "dumping the nsfwjs model with tfjs")
        open(stamp, "w").close()
    return {"tgz": tgz, "package": pkg, "dump": dump}


def load_weights(dump_dir: str) -> Tuple[dict, Dict[str, np.ndarray]]:
    """(Keras topology layers by name, float32 weights by Keras name such as 'Conv1/kernel')."""
    with open(os.path.join(dump_dir, "model.json")) as f:
        spec = json.load(f)
    flat = np.fromfile(os.path.join(dump_dir, "weights.f32"), dtype="<f4")
    weights = {w["name"]: flat[w["offset"]:w["offset"] + w["length"]].reshape(w["shape"])
               for w in spec["weights"]}
    layers = {layer["name"]: layer for layer in spec["modelTopology"]["model_config"]["config"]["layers"]}
    return layers, weights


def _fold(kernel: np.ndarray, weights: Dict[str, np.ndarray], bn: str, depthwise: bool) -> nn.Conv2d:
    """Conv (Keras kernel [kh,kw,in,out], or [kh,kw,C,1] depthwise) with BatchNormalization bn folded in."""
    k = kernel.astype(np.float64)
    w = k.transpose(2, 3, 0, 1) if depthwise else k.transpose(3, 2, 0, 1)      # [out, in/groups, kh, kw]
    gamma, beta = weights[bn + "/gamma"].astype(np.float64), weights[bn + "/beta"].astype(np.float64)
    mean, var = weights[bn + "/moving_mean"].astype(np.float64), weights[bn + "/moving_variance"].astype(np.float64)
    scale = gamma / np.sqrt(var + BN_EPS)
    out_ch, kh = w.shape[0], w.shape[2]
    conv = nn.Conv2d(w.shape[1] * (out_ch if depthwise else 1), out_ch, kh, bias=True,
                     groups=out_ch if depthwise else 1)
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy((w * scale[:, None, None, None]).astype(np.float32)))
        conv.bias.copy_(torch.from_numpy((beta - mean * scale).astype(np.float32)))
    return conv


class InvertedResidual(nn.Module):
    """One MobileNetV2 block; stop = 1 returns after the expand ReLU6, 2 after the depthwise ReLU6,
    3 is the whole block (project, residual add)."""

    def __init__(self, weights: Dict[str, np.ndarray], prefix: str, expand: bool, stride: int,
                 residual: bool, stop: int):
        super().__init__()
        self.has_expand = expand
        self.expand = _fold(weights[prefix + "_expand/kernel"], weights, prefix + "_expand_BN", False) \
            if expand else nn.Identity()
        self.stride = stride
        self.depthwise = _fold(weights[prefix + "_depthwise/depthwise_kernel"], weights,
                               prefix + "_depthwise_BN", True)
        self.depthwise.stride = (stride, stride)
        self.depthwise.padding = (1, 1) if stride == 1 else (0, 0)                # Keras 'same' / pad+valid
        self.project = _fold(weights[prefix + "_project/kernel"], weights, prefix + "_project_BN", False)
        self.residual = residual
        self.stop = stop

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = x
        if self.has_expand:
            y = torch.clamp(self.expand(y), 0.0, 6.0)
        if self.stop == 1:
            return y
        if self.stride == 2:
            y = F.pad(y, [0, 1, 0, 1])                                             # ZeroPadding2D((0,1),(0,1))
        y = torch.clamp(self.depthwise(y), 0.0, 6.0)
        if self.stop == 2:
            return y
        y = self.project(y)
        if self.residual:
            y = y + x
        return y


def _block_prefixes(layers: dict) -> List[str]:
    names = ["expanded_conv"]
    i = 1
    while ("block_%d_project" % i) in layers:
        names.append("block_%d" % i)
        i += 1
    return names


def _stop_point(feature_layer: str, prefixes: List[str]) -> Tuple[int, int]:
    """(number of blocks to run, stop mode of the last one); (-1, 0) means through the head conv."""
    if feature_layer == "out_relu":
        return len(prefixes), -1
    for i, p in enumerate(prefixes):
        for suffix, stop in (("_expand_relu", 1), ("_depthwise_relu", 2), ("_project_BN", 3), ("_add", 3)):
            if feature_layer == p + suffix:
                return i + 1, stop
    raise ValueError("unsupported feature layer " + feature_layer)


class MobileNetV2Tower(nn.Module):
    """forward(pixels [B,3,S,S] float32, 0..1) -> [B,E]: the network up to feature_layer, global average
    pooling, then the linear projection (identity-sized zeros until set_projection is called)."""

    def __init__(self, layers: dict, weights: Dict[str, np.ndarray], feature_layer: str,
                 input_resolution: int = INPUT_SIZE, channels_last: bool = True):
        super().__init__()
        self.input_resolution = input_resolution
        self.channels_last = channels_last
        self.feature_layer = feature_layer
        self.stem = _fold(weights["Conv1/kernel"], weights, "bn_Conv1", False)
        self.stem.stride = (2, 2)
        prefixes = _block_prefixes(layers)
        count, stop = _stop_point(feature_layer, prefixes)
        blocks = []
        for i, p in enumerate(prefixes[:count]):
            stride = int(layers[p + "_depthwise"]["config"]["strides"][0])
            residual = (p + "_add") in layers
            blocks.append(InvertedResidual(weights, p, p != "expanded_conv", stride, residual,
                                           stop if (i == count - 1 and stop > 0) else 3))
        self.blocks = nn.ModuleList(blocks)
        self.has_head = stop == -1
        self.head = _fold(weights["Conv_1/kernel"], weights, "Conv_1_bn", False) if self.has_head else nn.Identity()
        with torch.no_grad():
            self.feature_dim = int(self._spatial(torch.zeros(1, 3, 32, 32)).shape[1])
        self.projection = nn.Linear(self.feature_dim, self.feature_dim)
        with torch.no_grad():
            self.projection.weight.copy_(torch.eye(self.feature_dim))
            self.projection.bias.zero_()

    def set_projection(self, weight: torch.Tensor, bias: torch.Tensor) -> None:
        """weight [E, F], bias [E]."""
        lin = nn.Linear(weight.shape[1], weight.shape[0])
        with torch.no_grad():
            lin.weight.copy_(weight.float())
            lin.bias.copy_(bias.float())
        self.projection = lin

    def _spatial(self, pixels: torch.Tensor) -> torch.Tensor:
        x = pixels
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        x = torch.clamp(self.stem(F.pad(x, [0, 1, 0, 1])), 0.0, 6.0)
        for block in self.blocks:
            x = block(x)
        if self.has_head:
            x = torch.clamp(self.head(x), 0.0, 6.0)
        return x

    @torch.jit.export
    def spatial(self, pixels: torch.Tensor) -> torch.Tensor:
        """The feature layer's output [B, C, H, W]."""
        return self._spatial(pixels)

    @torch.jit.export
    def features(self, pixels: torch.Tensor) -> torch.Tensor:
        """Globally average-pooled feature layer [B, C]."""
        return self._spatial(pixels).mean(dim=(2, 3))

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.projection(self.features(pixels))


def load_tower(feature_layer: str, input_resolution: int = INPUT_SIZE) -> Tuple[MobileNetV2Tower, Dict[str, str]]:
    paths = fetch()
    layers, weights = load_weights(paths["dump"])
    return MobileNetV2Tower(layers, weights, feature_layer, input_resolution).eval(), paths


def run_tfjs(package_dir: str, pixels_nchw: torch.Tensor, layer_names: List[str]) -> List[np.ndarray]:
    """The named layers' outputs from TensorFlow.js, each [B, C, H, W], for pixels in 0..1."""
    b, c, h, w = pixels_nchw.shape
    with tempfile.TemporaryDirectory() as tmp:
        pin, pout = os.path.join(tmp, "pixels.f32"), os.path.join(tmp, "out.f32")
        pixels_nchw.permute(0, 2, 3, 1).contiguous().numpy().astype("<f4").tofile(pin)
        _node(["features", package_dir, pin, str(b), ",".join(layer_names), pout], "running nsfwjs in tfjs")
        flat = np.fromfile(pout, dtype="<f4")
    return flat, b


def parity_check(package_dir: str, towers: Dict[str, MobileNetV2Tower], pixels: torch.Tensor) -> Dict[str, dict]:
    """For each feature layer name -> tower: max abs diff of its spatial output and of the pooled
    features vs tfjs (plus the scale of the reference values)."""
    names = list(towers)
    flat, b = run_tfjs(package_dir, pixels, names)
    out, offset = {}, 0
    for name in names:
        with torch.no_grad():
            mine = towers[name].spatial(pixels)                                      # [B, C, H, W]
        n = mine.numel()
        ref = torch.from_numpy(flat[offset:offset + n].copy()).reshape(
            b, mine.shape[2], mine.shape[3], mine.shape[1]).permute(0, 3, 1, 2)
        offset += n
        pooled_mine, pooled_ref = mine.mean(dim=(2, 3)), ref.mean(dim=(2, 3))
        cos = F.cosine_similarity(pooled_mine, pooled_ref, dim=1).min()
        out[name] = {"shape": tuple(mine.shape[2:]), "spatial": float((mine - ref).abs().max()), "spatialScale": float(ref.abs().max()),
                     "pooled": float((pooled_mine - pooled_ref).abs().max()),
                     "pooledScale": float(pooled_ref.abs().max()), "minCosine": float(cos)}
    if offset != flat.size:
        raise AssertionError("tfjs returned %d values, expected %d" % (flat.size, offset))
    return out


if __name__ == "__main__":
    torch.set_num_threads(1)
    import time
    layers_, weights_ = load_weights(fetch()["dump"])
    names_ = sys.argv[1:] or ["block_13_expand_relu", "out_relu"]
    towers_ = {n: MobileNetV2Tower(layers_, weights_, n).eval() for n in names_}
    g = torch.Generator().manual_seed(1)
    px = torch.rand(2, 3, INPUT_SIZE, INPUT_SIZE, generator=g)
    t0 = time.time()
    print(json.dumps(parity_check(fetch()["package"], towers_, px), indent=1))
    print("parity %.1f s" % (time.time() - t0))
    for cl in (False, True):
        tw = towers_[names_[-1]]
        tw.channels_last = cl
        with torch.no_grad():
            x = torch.rand(16, 3, INPUT_SIZE, INPUT_SIZE)
            tw.features(x)
            t0 = time.time()
            tw.features(x)
        print("channels_last=%s: %.1f ms/image" % (cl, (time.time() - t0) / 16 * 1000))
