"""Parity of the dequantised float MobileNetV2 (tflite_mobilenet.py) with the own int8 reference forward
(tflite_int8.py) on real images, in two parts.

* Per operator: each op of the float model (the exported modules, run in float64) is fed the int8 reference's
  own input to that op, dequantised, and its output is rounded to the op's int8 output grid (scale, zero point,
  clamp). It must reproduce the int8 output within one quantum. It cannot always be exact: TFLite requantises
  with a Q31 fixed-point multiply that rounds, then a rounding shift that rounds again, so a product within
  2^-(shift+1) of a half-quantum tie can land on the other side (about 0.1-1% of elements, always one quantum).
  This checks the imported weights, the padding and the graph wiring against the reference op by op.
* End to end: the float model (float32, no activation rounding) against the int8 forward. The int8 graph rounds
  about 60 activation tensors to 8 bits and clamps the logits to its int8 range; the differences compound through
  the network, so they are measured (max abs difference of logits and probabilities, top-1 agreement), not bounded
  analytically.
"""

from typing import Dict

import numpy as np
import torch
import torch.nn.functional as F

from imagenet_data import normalise
from tflite_int8 import Int8Reference, round_half_away
from tflite_model import Graph
from tflite_mobilenet import ConvUnit, MobileNetV2


class _FakeQuant:
    def __init__(self, graph: Graph):
        self.graph = graph

    def __call__(self, x: torch.Tensor, tensor_index: int) -> torch.Tensor:
        q = self.graph.tensors[tensor_index].quant
        s, zp = float(q.scale[0]), float(q.zero_point[0])
        y = torch.clamp(torch.from_numpy(round_half_away((x / s).numpy())) + zp, -128, 127)
        return (y - zp) * s


def _unit64(unit: ConvUnit, x: torch.Tensor) -> torch.Tensor:
    if unit.needs_pad:
        x = F.pad(x, unit.pad)
    x = F.conv2d(x, unit.conv.weight.double(), unit.conv.bias.double(), unit.conv.stride, 0, 1, unit.conv.groups)
    return torch.clamp(x, 0.0, 6.0) if unit.relu6 else x


def per_op_check(model: MobileNetV2, classifier: torch.nn.Linear, graph: Graph, ref: Int8Reference,
                 values: Dict[int, np.ndarray]) -> dict:
    """Each float op fed the int8 reference's input; returns the largest difference in output quanta and the
    share of output elements that differ, over all ops."""
    fq = _FakeQuant(graph)

    def real(t: int) -> torch.Tensor:
        x = torch.from_numpy(ref.dequantize(t, values[t]))
        return x.permute(0, 3, 1, 2) if x.dim() == 4 else x

    worst, differing, total, ops = 0.0, 0, 0, 0

    def check(out: torch.Tensor, t: int) -> None:
        nonlocal worst, differing, total, ops
        step = float(graph.tensors[t].quant.scale[0])
        d = np.abs(fq(out, t).numpy() - real(t).numpy()) / step
        worst, differing, total, ops = max(worst, float(d.max())), differing + int((d > 0.5).sum()), \
            total + d.size, ops + 1

    with torch.no_grad():
        check(_unit64(model.stem, real(model.input_tensor)), model.stem.out_tensor)
        x = model.stem.out_tensor                                   # the block input tensor
        for block in model.blocks:
            src = x
            for unit in block.units:
                check(_unit64(unit, real(src)), unit.out_tensor)
                src = unit.out_tensor
            if block.residual:
                check(real(x) + real(src), block.out_tensor)
            x = block.out_tensor
        check(_unit64(model.head, real(x)), model.head.out_tensor)
        check(real(model.head.out_tensor).mean(dim=(2, 3)), model.pooled_tensor)
        check(real(model.pooled_tensor) @ classifier.weight.double().T + classifier.bias.double(),
              model.logits_tensor)
        probs = [op.outputs[0] for op in graph.operators if op.op == "SOFTMAX"][0]
        check(torch.softmax(real(model.logits_tensor), dim=-1), probs)
    return {"ops": ops, "maxQuantaDiff": worst, "shareDiffering": differing / total}


def compare(model: MobileNetV2, classifier: torch.nn.Linear, graph: Graph, images_uint8: np.ndarray, mean: float,
            std: float) -> dict:
    """images_uint8 [N, S, S, 3] (resized and cropped as the service does). Returns the parity numbers and
    the int8 and float top-1 predictions."""
    ref = Int8Reference(graph)
    values = ref.run(images_uint8)
    probs_index = [op.outputs[0] for op in graph.operators if op.op == "SOFTMAX"][0]
    int8_logits = ref.dequantize(model.logits_tensor, values[model.logits_tensor])
    int8_probs = ref.dequantize(probs_index, values[probs_index])
    pixels = torch.from_numpy(normalise(images_uint8, mean, std))
    with torch.no_grad():
        logits = classifier(model(pixels)).double()
    probs = torch.softmax(logits, dim=-1).numpy()
    logits = logits.numpy()
    per_op = per_op_check(model, classifier, graph, ref, values)
    q = graph.tensors[model.logits_tensor].quant
    lo, hi = [float(q.scale[0]) * (v - float(q.zero_point[0])) for v in (-128, 127)]   # int8 logit range
    return {
        "images": int(images_uint8.shape[0]),
        "perOp": per_op,
        "logitQuantum": float(graph.tensors[model.logits_tensor].quant.scale[0]),
        "probQuantum": float(graph.tensors[probs_index].quant.scale[0]),
        "logitsMaxAbsDiff": float(np.abs(logits - int8_logits).max()),
        "logitsMeanAbsDiff": float(np.abs(logits - int8_logits).mean()),
        "logitsRange": [float(int8_logits.min()), float(int8_logits.max())],
        "logitsClampedMaxAbsDiff": float(np.abs(np.clip(logits, lo, hi) - int8_logits).max()),
        "probsMaxAbsDiff": float(np.abs(probs - int8_probs).max()),
        "top1Agreement": float(np.mean(logits.argmax(1) == int8_probs.argmax(1))),
        "int8Top1": int8_probs.argmax(1),
        "floatTop1": logits.argmax(1),
    }
