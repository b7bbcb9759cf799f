"""Own reference forward of an int8 TFLite graph in NumPy, following TFLite's integer-only semantics.

Used to check the dequantised float PyTorch model built from the same file (tflite_mobilenet.py). Implements
the builtin operators of a full-int8 image classifier: QUANTIZE (requantise), CONV_2D and DEPTHWISE_CONV_2D
(per-channel symmetric int8 filters, int32 bias), PAD, ADD, MEAN over H and W, FULLY_CONNECTED, SOFTMAX.

Semantics, as in the TFLite quantisation spec and its reference kernels:
* real = scale * (q - zero_point); int8 filters are symmetric (zero point 0), per output channel for convs;
  biases are int32 with scale input_scale * filter_scale and zero point 0.
* Accumulators are exact int32 sums of (input - input_zero_point) * filter. Here they are computed with
  float64 matrix products, which is exact: every product is below 2^15 in magnitude and no sum has more than
  2^12 terms, far inside float64's 2^53 integer range.
* Requantisation multiplies an int32 by a real multiplier M (e.g. input_scale * filter_scale / output_scale,
  computed in double) encoded as a Q31 fixed-point mantissa and a power-of-two exponent (QuantizeMultiplier),
  with a saturating rounding doubling high multiply and a rounding right shift (round half away from zero on
  the high product, round half up on the shift); then the output zero point is added and the result clamped
  to the fused activation's range (RELU6: [zp + round(0/s), zp + round(6/s)] within [-128, 127]).
* ADD rescales both inputs to a common scale with 20 bits of headroom (left shift 20, multipliers
  s_i / (2 max(s1, s2)) and 2 max(s1, s2) / (2^20 s_out)).
* MEAN over H, W: sum of (q - zp_in), requantised by s_in / s_out, divided by the count rounding half away
  from zero, plus zp_out.
* SOFTMAX (int8 in, int8 out): a 256-entry float32 table exp(-s_in * beta * d) over the distance d to the row
  maximum, normalised in float32 and quantised to the output's 1/256 grid, rounding half away from zero (the
  table-based kernel TFLite's interpreter uses on x86).
"""

from typing import Dict, Tuple

import numpy as np

from tflite_model import Graph, Operator, Tensor

INT8_MIN, INT8_MAX = -128, 127


# ----------------------------------------------------------------------------- fixed-point helpers

def quantize_multiplier(m: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Real multipliers (float64) -> (Q31 mantissa int64, exponent int64) with m ~= mantissa * 2^(exp - 31)."""
    m = np.atleast_1d(np.asarray(m, dtype=np.float64))
    frac, exp = np.frexp(m)                                    # m = frac * 2^exp, frac in [0.5, 1)
    q = np.sign(frac) * np.floor(np.abs(frac) * (1 << 31) + 0.5)   # round half away from zero
    overflow = q == (1 << 31)
    q = np.where(overflow, q / 2, q)
    exp = np.where(overflow, exp + 1, exp)
    tiny = exp < -31
    q = np.where(tiny | (m == 0), 0, q)
    exp = np.where(tiny | (m == 0), 0, exp)
    return q.astype(np.int64), exp.astype(np.int64)


def _trunc_div_pow2_31(x: np.ndarray) -> np.ndarray:
    """C-style integer division by 2^31 (truncates toward zero)."""
    return np.sign(x) * (np.abs(x) >> 31)


def saturating_rounding_doubling_high_mul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ab = a.astype(np.int64) * b.astype(np.int64)
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    return _trunc_div_pow2_31(ab + nudge)


def rounding_divide_by_pot(x: np.ndarray, exponent: np.ndarray) -> np.ndarray:
    exponent = np.asarray(exponent, dtype=np.int64)
    mask = (np.int64(1) << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> exponent) + (remainder > threshold)


def multiply_by_quantized_multiplier(x: np.ndarray, mantissa: np.ndarray, exponent: np.ndarray) -> np.ndarray:
    left = np.maximum(exponent, 0)
    right = np.maximum(-exponent, 0)
    shifted = x.astype(np.int64) * (np.int64(1) << left)
    if np.any(np.abs(shifted) >= (1 << 31)):
        raise OverflowError("int32 overflow before requantisation")
    return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(shifted, mantissa), right)


def round_half_away(x: np.ndarray) -> np.ndarray:
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


# ----------------------------------------------------------------------------- the interpreter

def _qparams(t: Tensor) -> Tuple[np.ndarray, np.ndarray]:
    if t.quant is None:
        raise ValueError("tensor %d (%s) is not quantised" % (t.index, t.name))
    return t.quant.scale.astype(np.float64), t.quant.zero_point.astype(np.int64)


def activation_range(activation: str, t: Tensor) -> Tuple[int, int]:
    scale, zp = _qparams(t)
    s, z = float(scale[0]), int(zp[0])
    if activation == "NONE":
        return INT8_MIN, INT8_MAX
    if activation == "RELU":
        return max(INT8_MIN, z), INT8_MAX
    if activation == "RELU6":
        return max(INT8_MIN, z), min(INT8_MAX, z + int(round_half_away(np.float64(6.0 / np.float32(s)))))
    raise ValueError("unsupported fused activation " + activation)


def same_padding(size: int, kernel: int, stride: int, dilation: int = 1) -> Tuple[int, int]:
    """TFLite SAME padding: (before, after), the odd pixel after."""
    effective = (kernel - 1) * dilation + 1
    out = (size + stride - 1) // stride
    total = max((out - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


class Int8Reference:
    """Runs the graph on uint8/int8 input in NHWC layout; run() returns every tensor's integer values."""

    def __init__(self, graph: Graph):
        self.g = graph

    def run(self, image: np.ndarray) -> Dict[int, np.ndarray]:
        g = self.g
        values: Dict[int, np.ndarray] = {g.inputs[0]: image.astype(np.int64)}
        for op in g.operators:
            handler = getattr(self, "_" + op.op.lower(), None)
            if handler is None:
                raise ValueError("the int8 reference does not implement " + op.op)
            values[op.outputs[0]] = handler(op, values)
        return values

    def dequantize(self, tensor_index: int, q: np.ndarray) -> np.ndarray:
        scale, zp = _qparams(self.g.tensors[tensor_index])
        return (q.astype(np.float64) - zp) * scale

    # ---- operators (each returns int64 arrays holding int8/uint8 values)

    def _out(self, op: Operator) -> Tensor:
        return self.g.tensors[op.outputs[0]]

    def _quantize(self, op, values):
        src, dst = self.g.tensors[op.inputs[0]], self._out(op)
        s_in, z_in = _qparams(src)
        s_out, z_out = _qparams(dst)
        mant, exp = quantize_multiplier(s_in[0] / s_out[0])
        out = multiply_by_quantized_multiplier(values[op.inputs[0]] - z_in[0], mant, exp) + z_out[0]
        lo, hi = (0, 255) if dst.dtype == np.uint8 else (INT8_MIN, INT8_MAX)
        return np.clip(out, lo, hi)

    def _requantize(self, acc: np.ndarray, op: Operator, filter_scale: np.ndarray) -> np.ndarray:
        s_in, _ = _qparams(self.g.tensors[op.inputs[0]])
        dst = self._out(op)
        s_out, z_out = _qparams(dst)
        mult = s_in[0] * filter_scale.astype(np.float64) / s_out[0]
        mant, exp = quantize_multiplier(mult)
        out = multiply_by_quantized_multiplier(acc, mant, exp) + z_out[0]
        lo, hi = activation_range(op.options.get("fused_activation_function", "NONE"), dst)
        return np.clip(out, lo, hi)

    def _padded_input(self, op: Operator, x: np.ndarray, kh: int, kw: int) -> np.ndarray:
        _, z_in = _qparams(self.g.tensors[op.inputs[0]])
        if op.options["padding"] == "VALID":
            return x
        top, bottom = same_padding(x.shape[1], kh, op.options["stride_h"])
        left, right = same_padding(x.shape[2], kw, op.options["stride_w"])
        return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=int(z_in[0]))

    def _check_filter(self, w: Tensor) -> None:
        if np.any(w.quant.zero_point != 0):
            raise ValueError("tensor %d: int8 filters must be symmetric (zero point 0)" % w.index)

    def _conv_2d(self, op, values):
        w_t, b_t = self.g.tensors[op.inputs[1]], self.g.tensors[op.inputs[2]]
        self._check_filter(w_t)
        if op.options["dilation_w_factor"] != 1 or op.options["dilation_h_factor"] != 1:
            raise ValueError("dilated convolutions are not supported")
        _, z_in = _qparams(self.g.tensors[op.inputs[0]])
        w = w_t.data.astype(np.float64)                          # [O, kh, kw, I]
        o, kh, kw, i = w.shape
        x = self._padded_input(op, values[op.inputs[0]], kh, kw) - z_in[0]
        sh, sw = op.options["stride_h"], op.options["stride_w"]
        b, h, wd, _ = x.shape
        oh, ow = (h - kh) // sh + 1, (wd - kw) // sw + 1
        if kh == 1 and kw == 1:
            cols = x[:, ::sh, ::sw, :].astype(np.float64)
        else:
            cols = np.empty((b, oh, ow, kh, kw, i), dtype=np.float64)
            for dy in range(kh):
                for dx in range(kw):
                    cols[:, :, :, dy, dx, :] = x[:, dy:dy + sh * (oh - 1) + 1:sh, dx:dx + sw * (ow - 1) + 1:sw, :]
        acc = cols.reshape(-1, kh * kw * i) @ w.reshape(o, -1).T
        acc = np.rint(acc).astype(np.int64).reshape(b, oh, ow, o) + b_t.data.astype(np.int64)
        return self._requantize(acc, op, w_t.quant.scale)

    def _depthwise_conv_2d(self, op, values):
        w_t, b_t = self.g.tensors[op.inputs[1]], self.g.tensors[op.inputs[2]]
        self._check_filter(w_t)
        if op.options["depth_multiplier"] != 1:
            raise ValueError("depth multiplier %d is not supported" % op.options["depth_multiplier"])
        _, z_in = _qparams(self.g.tensors[op.inputs[0]])
        w = w_t.data.astype(np.int64)[0]                         # [kh, kw, C]
        kh, kw, _ = w.shape
        x = self._padded_input(op, values[op.inputs[0]], kh, kw) - z_in[0]
        sh, sw = op.options["stride_h"], op.options["stride_w"]
        b, h, wd, c = x.shape
        oh, ow = (h - kh) // sh + 1, (wd - kw) // sw + 1
        acc = np.zeros((b, oh, ow, c), dtype=np.int64)
        for dy in range(kh):
            for dx in range(kw):
                acc += x[:, dy:dy + sh * (oh - 1) + 1:sh, dx:dx + sw * (ow - 1) + 1:sw, :] * w[dy, dx]
        acc += b_t.data.astype(np.int64)
        return self._requantize(acc, op, w_t.quant.scale)

    def _pad(self, op, values):
        pads = self.g.tensors[op.inputs[1]].data
        _, z = _qparams(self._out(op))
        return np.pad(values[op.inputs[0]], [tuple(int(v) for v in p) for p in pads], constant_values=int(z[0]))

    def _add(self, op, values):
        t1, t2, dst = self.g.tensors[op.inputs[0]], self.g.tensors[op.inputs[1]], self._out(op)
        (s1, z1), (s2, z2), (s_out, z_out) = _qparams(t1), _qparams(t2), _qparams(dst)
        left_shift = 20
        twice_max = 2.0 * max(s1[0], s2[0])
        m1, e1 = quantize_multiplier(s1[0] / twice_max)
        m2, e2 = quantize_multiplier(s2[0] / twice_max)
        mo, eo = quantize_multiplier(twice_max / ((1 << left_shift) * s_out[0]))
        a = multiply_by_quantized_multiplier((values[op.inputs[0]] - z1[0]) << left_shift, m1, e1)
        b = multiply_by_quantized_multiplier((values[op.inputs[1]] - z2[0]) << left_shift, m2, e2)
        out = multiply_by_quantized_multiplier(a + b, mo, eo) + z_out[0]
        lo, hi = activation_range(op.options["fused_activation_function"], dst)
        return np.clip(out, lo, hi)

    def _mean(self, op, values):
        axes = sorted(int(a) for a in self.g.tensors[op.inputs[1]].data)
        if axes != [1, 2] or op.options.get("keep_dims"):
            raise ValueError("MEAN is supported over axes (1, 2) without keep_dims only")
        (s_in, z_in), (s_out, z_out) = _qparams(self.g.tensors[op.inputs[0]]), _qparams(self._out(op))
        x = values[op.inputs[0]]
        n = x.shape[1] * x.shape[2]
        acc = (x - z_in[0]).sum(axis=(1, 2))
        mant, exp = quantize_multiplier(s_in[0] / s_out[0])
        acc = multiply_by_quantized_multiplier(acc, mant, exp)
        acc = np.where(acc > 0, acc + n // 2, acc - n // 2)
        acc = np.sign(acc) * (np.abs(acc) // n)                  # C division truncates toward zero
        return np.clip(acc + z_out[0], INT8_MIN, INT8_MAX)

    def _fully_connected(self, op, values):
        w_t, b_t = self.g.tensors[op.inputs[1]], self.g.tensors[op.inputs[2]]
        self._check_filter(w_t)
        if len(w_t.quant.scale) != 1:
            raise ValueError("per-channel FULLY_CONNECTED weights are not supported")
        _, z_in = _qparams(self.g.tensors[op.inputs[0]])
        x = (values[op.inputs[0]] - z_in[0]).astype(np.float64)
        acc = np.rint(x @ w_t.data.astype(np.float64).T).astype(np.int64) + b_t.data.astype(np.int64)
        return self._requantize(acc, op, w_t.quant.scale)

    def _softmax(self, op, values):
        (s_in, _), (s_out, z_out) = _qparams(self.g.tensors[op.inputs[0]]), _qparams(self._out(op))
        beta = np.float32(op.options["beta"])
        distance = np.arange(256, dtype=np.float32)
        table = np.exp(np.float32(-np.float32(s_in[0]) * beta) * distance).astype(np.float32)   # by distance
        x = values[op.inputs[0]]
        e = table[(x.max(axis=-1, keepdims=True) - x)]
        total = e.sum(axis=-1, keepdims=True, dtype=np.float32)
        inv = np.float32(1.0) / (total * np.float32(s_out[0]))
        q = round_half_away((e * inv).astype(np.float32)).astype(np.int64) + z_out[0]
        return np.clip(q, INT8_MIN, INT8_MAX)
