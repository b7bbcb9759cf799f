"""A float PyTorch MobileNetV2 built from an int8 TFLite MobileNetV2 (dequantised weights).

The graph read by tflite_model.read_tflite is matched block by block (stem conv, inverted residual blocks
[expand 1x1 + ReLU6] -> [PAD] depthwise 3x3 + ReLU6 -> project 1x1 [-> ADD], head 1x1 conv + ReLU6, MEAN over
H and W, FULLY_CONNECTED, SOFTMAX); every operator must be consumed or the build fails. Weights and biases are
dequantised exactly (real = scale * q; int32 biases with scale input_scale * filter_scale); activations stay
float, so the model differs from the int8 graph only by the activation rounding and clamping that int8
inference adds (tflite_int8.py computes that graph; build_bench.py compares the two).

TFLite layouts: conv filters [O, kh, kw, I] -> torch [O, I, kh, kw]; depthwise [1, kh, kw, C] -> [C, 1, kh, kw]
with groups = C; SAME padding puts the odd pixel after (bottom/right), which a stride-2 conv needs explicitly.
"""

from typing import List, Optional, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from tflite_int8 import same_padding
from tflite_model import Graph, Operator


class ConvUnit(nn.Module):
    """Explicit zero padding (left, right, top, bottom), convolution, optional ReLU6."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor, stride: int, groups: int,
                 pad: Tuple[int, int, int, int], relu6: bool, out_tensor: int):
        super().__init__()
        self.out_tensor = out_tensor                  # the TFLite tensor this unit computes (for parity checks)
        out_ch, in_per_group, kh, kw = weight.shape
        self.conv = nn.Conv2d(in_per_group * groups, out_ch, (kh, kw), stride=stride, groups=groups, bias=True)
        with torch.no_grad():
            self.conv.weight.copy_(weight)
            self.conv.bias.copy_(bias)
        self.pad = list(pad)
        self.needs_pad = any(p != 0 for p in pad)
        self.relu6 = relu6

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.needs_pad:
            x = F.pad(x, self.pad)
        x = self.conv(x)
        if self.relu6:
            x = torch.clamp(x, 0.0, 6.0)
        return x


class InvertedResidual(nn.Module):
    def __init__(self, units: List[ConvUnit], residual: bool, out_tensor: int):
        super().__init__()
        self.out_tensor = out_tensor
        self.units = nn.ModuleList(units)
        self.residual = residual

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = x
        for unit in self.units:
            y = unit(y)
        if self.residual:
            y = y + x
        return y


class MobileNetV2(nn.Module):
    """forward(pixels [B,3,S,S], already normalised to the graph's float input) -> average-pooled features
    [B,1280] (the input of the classifier, which mobilenet_from_tflite returns separately)."""

    def __init__(self, stem: ConvUnit, blocks: List[InvertedResidual], head: ConvUnit, input_resolution: int,
                 tensors: Tuple[int, int, int]):
        super().__init__()
        self.input_tensor, self.pooled_tensor, self.logits_tensor = tensors
        self.input_resolution = input_resolution
        self.stem = stem
        self.blocks = nn.ModuleList(blocks)
        self.head = head

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        x = pixels.contiguous(memory_format=torch.channels_last)
        x = self.stem(x)
        for block in self.blocks:
            x = block(x)
        x = self.head(x)
        return x.mean(dim=(2, 3))


# ----------------------------------------------------------------------------- conversion

def _dequantized(graph: Graph, index: int, axis: int) -> np.ndarray:
    t = graph.tensors[index]
    scale = t.quant.scale.astype(np.float64)
    shape = [1] * t.data.ndim
    shape[axis] = -1
    return (t.data.astype(np.float64) - t.quant.zero_point.reshape(shape)) * scale.reshape(shape)


class _Cursor:
    """Walks the operator list in order; each op must be taken exactly once."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.i = 0

    def peek(self) -> Optional[Operator]:
        return self.graph.operators[self.i] if self.i < len(self.graph.operators) else None

    def take(self, kind: str, input_tensor: Optional[int] = None) -> Operator:
        op = self.peek()
        if op is None or op.op != kind:
            raise ValueError("operator %d: expected %s, found %s" % (self.i, kind, None if op is None else op.op))
        if input_tensor is not None and op.inputs[0] != input_tensor:
            raise ValueError("operator %d (%s) does not consume tensor %d" % (self.i, kind, input_tensor))
        self.i += 1
        return op


def _conv_unit(graph: Graph, cur: _Cursor, x: int) -> Tuple[ConvUnit, int]:
    """One (PAD +) CONV_2D or DEPTHWISE_CONV_2D starting at tensor x; returns the unit and its output tensor."""
    pad = (0, 0, 0, 0)
    op = cur.peek()
    if op is not None and op.op == "PAD":
        cur.take("PAD", x)
        p = graph.tensors[op.inputs[1]].data
        if np.any(p[0] != 0) or np.any(p[3] != 0):
            raise ValueError("PAD over batch or channels is not supported")
        pad = (int(p[2][0]), int(p[2][1]), int(p[1][0]), int(p[1][1]))
        x = op.outputs[0]
        op = cur.peek()
    if op is None or op.op not in ("CONV_2D", "DEPTHWISE_CONV_2D"):
        raise ValueError("operator %d: expected a convolution" % cur.i)
    cur.take(op.op, x)
    o = op.options
    if o["dilation_w_factor"] != 1 or o["dilation_h_factor"] != 1 or o["stride_w"] != o["stride_h"]:
        raise ValueError("operator %d: dilation or unequal strides are not supported" % op.index)
    in_shape = graph.tensors[x].shape                                     # NHWC
    depthwise = op.op == "DEPTHWISE_CONV_2D"
    if depthwise:
        w = _dequantized(graph, op.inputs[1], 3)[0]                        # [kh, kw, C]
        weight = torch.from_numpy(w.transpose(2, 0, 1)[:, None].astype(np.float32))
        groups = w.shape[2]
    else:
        w = _dequantized(graph, op.inputs[1], 0)                           # [O, kh, kw, I]
        weight = torch.from_numpy(w.transpose(0, 3, 1, 2).astype(np.float32))
        groups = 1
    bias = torch.from_numpy(_dequantized(graph, op.inputs[2], 0).astype(np.float32))
    kh, kw = weight.shape[2], weight.shape[3]
    if o["padding"] == "SAME":
        if pad != (0, 0, 0, 0):
            raise ValueError("operator %d: PAD before a SAME convolution" % op.index)
        top, bottom = same_padding(in_shape[1], kh, o["stride_h"])
        left, right = same_padding(in_shape[2], kw, o["stride_w"])
        pad = (left, right, top, bottom)
    act = o["fused_activation_function"]
    if act not in ("NONE", "RELU6"):
        raise ValueError("operator %d: activation %s is not supported" % (op.index, act))
    unit = ConvUnit(weight, bias, o["stride_w"], groups, pad, act == "RELU6", op.outputs[0])
    return unit, op.outputs[0]


def mobilenet_from_tflite(graph: Graph) -> Tuple[MobileNetV2, nn.Linear]:
    """(the feature extractor up to the pooled features, the classifier layer)."""
    cur = _Cursor(graph)
    x = graph.inputs[0]
    if cur.peek().op == "QUANTIZE":
        x = cur.take("QUANTIZE", x).outputs[0]                             # uint8 -> int8 input requantisation
    stem, x = _conv_unit(graph, cur, x)
    blocks: List[InvertedResidual] = []
    while True:
        block_input = x
        units: List[ConvUnit] = []
        while True:
            nxt = cur.peek()
            if nxt is None or nxt.op not in ("PAD", "CONV_2D", "DEPTHWISE_CONV_2D"):
                break
            unit, x = _conv_unit(graph, cur, x)
            units.append(unit)
            if not unit.relu6:                                             # the linear projection ends a block
                break
        if units and not units[-1].relu6:
            nxt = cur.peek()
            residual = nxt is not None and nxt.op == "ADD" and sorted(nxt.inputs) == sorted([block_input, x])
            if residual:
                cur.take("ADD")
                if nxt.options["fused_activation_function"] != "NONE":
                    raise ValueError("operator %d: activated ADD is not supported" % nxt.index)
                x = nxt.outputs[0]
            blocks.append(InvertedResidual(units, residual, x))
            continue
        if len(units) != 1:
            raise ValueError("expected a single head convolution after the last block, found %d" % len(units))
        head = units[0]
        break
    mean = cur.take("MEAN", x)
    axes = sorted(int(a) for a in graph.tensors[mean.inputs[1]].data)
    if axes != [1, 2]:
        raise ValueError("MEAN over axes %s is not supported" % axes)
    fc = cur.take("FULLY_CONNECTED", mean.outputs[0])
    w = _dequantized(graph, fc.inputs[1], 0)
    classifier = nn.Linear(w.shape[1], w.shape[0])
    with torch.no_grad():
        classifier.weight.copy_(torch.from_numpy(w.astype(np.float32)))
        classifier.bias.copy_(torch.from_numpy(_dequantized(graph, fc.inputs[2], 0).astype(np.float32)))
    softmax = cur.take("SOFTMAX", fc.outputs[0])
    nxt = cur.peek()
    if nxt is not None and nxt.op == "QUANTIZE":
        cur.take("QUANTIZE", softmax.outputs[0])
    if cur.peek() is not None:
        raise ValueError("operator %d (%s) was not converted" % (cur.i, cur.peek().op))
    first = graph.operators[0]
    input_tensor = first.outputs[0] if first.op == "QUANTIZE" else graph.inputs[0]
    size = int(graph.tensors[graph.inputs[0]].shape[1])
    features = MobileNetV2(stem, blocks, head, size, (input_tensor, mean.outputs[0], fc.outputs[0]))
    return features.eval(), classifier.eval()


def input_normalisation(graph: Graph) -> Tuple[float, float]:
    """(mean, std) on the 0..1 scale such that (pixel/255 - mean)/std is the float value the graph's uint8
    input tensor stands for: scale * (pixel - zero_point)."""
    t = graph.tensors[graph.inputs[0]]
    if t.dtype != np.uint8 or t.quant is None:
        raise ValueError("expected a uint8 quantised image input")
    scale, zp = float(t.quant.scale[0]), int(t.quant.zero_point[0])
    return zp / 255.0, 1.0 / (255.0 * scale)
