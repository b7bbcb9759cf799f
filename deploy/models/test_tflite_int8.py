"""Checks of the TFLite tools (exits non-zero on failure):

    /usr/bin/python3 deploy/models/test_tflite_int8.py

* the fixed-point requantisation helpers against exact arithmetic (no assets needed);
* with ../shared/assets: the reader and the float conversion of the ImageNet MobileNetV2 file, and the per-op
  parity with the int8 reference on two sample photos (skipped with a message without ../shared).
"""

import os
import sys
from fractions import Fraction

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import datasets  # noqa: E402
from tflite_int8 import multiply_by_quantized_multiplier, quantize_multiplier, same_padding  # noqa: E402


def check_fixed_point() -> None:
    rng = np.random.RandomState(0)
    m = np.exp(rng.uniform(np.log(1e-5), np.log(8.0), 500))
    mant, exp = quantize_multiplier(m)
    assert np.all((mant >= 1 << 30) & (mant < 1 << 31)), "mantissa out of [2^30, 2^31)"
    approx = mant.astype(np.float64) * np.exp2(exp.astype(np.float64) - 31)
    assert np.all(np.abs(approx / m - 1) <= 2.0 ** -30), "QuantizeMultiplier is not within 2^-30"

    # requantisation vs the exact product: never more than one step off, and off only near a half-way tie
    # (TFLite rounds the high product, then the shift: double rounding)
    x = rng.randint(-200000, 200000, 2000).astype(np.int64)
    mult = np.full(x.shape, 0.00947134544687857)
    mant, exp = quantize_multiplier(mult)
    got = multiply_by_quantized_multiplier(x, mant, exp)
    exact = [Fraction(int(v)) * Fraction(int(mant[0])) / Fraction(2 ** (31 - int(exp[0]))) for v in x]
    off = 0
    for g, e in zip(got, exact):
        nearest = int(e + Fraction(1, 2)) if e >= 0 else -int(-e + Fraction(1, 2))
        if g != nearest:
            off += 1
            assert abs(g - e) <= 1, "requantisation more than one step from the exact product"
            frac = abs(e - int(e))
            assert abs(frac - Fraction(1, 2)) < Fraction(1, 2 ** (-int(exp[0]))), "off away from a tie"
    assert off < 0.05 * len(x), "too many double-rounding differences: %d" % off
    # the case seen in MobileNetV2's stem: 5754 * M = 54.498, TFLite gives 55 (double rounding), not 54
    assert int(multiply_by_quantized_multiplier(np.array([5754]), mant[:1], exp[:1])[0]) == 55
    assert same_padding(224, 3, 2) == (0, 1) and same_padding(56, 3, 1) == (1, 1) and same_padding(7, 1, 1) == (0, 0)
    print("fixed point: ok (%d of %d requantised values one step off at half-way ties)" % (off, len(x)))


def check_mobilenet(assets: str) -> None:
    import imagenet_data
    from tflite_mobilenet import input_normalisation, mobilenet_from_tflite
    from tflite_model import read_tflite
    from tflite_parity import compare

    graph = read_tflite(os.path.join(assets, "vision", "mobilenet_v2_imagenet_int8.tflite"))
    assert len(graph.operators) == 71, len(graph.operators)
    visual, classifier = mobilenet_from_tflite(graph)
    assert len(visual.blocks) == 17 and sum(b.residual for b in visual.blocks) == 10
    mean, std = input_normalisation(graph)
    assert abs(mean - 127 / 255) < 1e-9 and abs(std - 0.5) < 1e-6, (mean, std)
    images = imagenet_data.imagenet_sample(os.path.join(assets, "datasets", "imagenet-sample"),
                                           os.path.join(assets, "vision", "imagenet_classes.tsv"))
    pix = np.stack([imagenet_data.service_uint8(images.image(i), 224) for i in (0, 1)])   # tench, goldfish
    r = compare(visual, classifier, graph, pix, mean, std)
    assert r["perOp"]["maxQuantaDiff"] <= 1.0 and r["perOp"]["shareDiffering"] < 0.02, r["perOp"]
    assert list(r["floatTop1"]) == [0, 1] and list(r["int8Top1"]) == [0, 1], (r["floatTop1"], r["int8Top1"])
    print("MobileNetV2 TFLite: ok (per op max %.0f quantum, %.2f%% of elements; logits max abs diff %.3f)"
          % (r["perOp"]["maxQuantaDiff"], 100 * r["perOp"]["shareDiffering"], r["logitsMaxAbsDiff"]))


def main() -> None:
    torch.set_num_threads(1)
    check_fixed_point()
    assets = datasets.shared_assets()
    if assets is None:
        print("MobileNetV2 TFLite: skipped (../shared/assets is not present)")
        return
    check_mobilenet(assets)


if __name__ == "__main__":
    main()
