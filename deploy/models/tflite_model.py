"""A minimal reader for TensorFlow Lite model files (the FlatBuffers "TFL3" format).

Reads just what an int8 image classifier needs: tensors (shape, type, quantisation, constant data) and the
operator list (builtin code, inputs, outputs, options). Written from the public TFLite schema (schema.fbs) and
the FlatBuffers binary layout; no flatbuffers library is needed.

FlatBuffers layout in brief: the file starts with a uint32 offset to the root table. A table starts with an
int32 soffset; vtable = table - soffset. The vtable holds uint16 (vtable size, table size, field offsets...);
a field offset of 0 means "absent, use the default". Scalars are stored inline; strings, vectors and sub-tables
are stored as a uint32 offset relative to the field's own position. Vectors are a uint32 length then elements;
a vector of tables holds uint32 offsets relative to each element's position.
"""

import struct
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import numpy as np

FILE_IDENTIFIER = b"TFL3"

# TensorType enum (schema.fbs)
TENSOR_TYPES = {0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64, 7: np.int16, 9: np.int8}

# BuiltinOperator enum values used by quantised image classifiers (schema.fbs)
BUILTIN_NAMES = {0: "ADD", 1: "AVERAGE_POOL_2D", 2: "CONCATENATION", 3: "CONV_2D", 4: "DEPTHWISE_CONV_2D",
                 6: "DEQUANTIZE", 9: "FULLY_CONNECTED", 14: "LOGISTIC", 17: "MAX_POOL_2D", 18: "MUL",
                 19: "RELU", 21: "RELU6", 22: "RESHAPE", 25: "SOFTMAX", 34: "PAD", 40: "MEAN",
                 114: "QUANTIZE"}

# Fused activation enum
ACTIVATIONS = {0: "NONE", 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH", 5: "SIGN_BIT"}
PADDINGS = {0: "SAME", 1: "VALID"}

# BuiltinOptions union: type id -> (name, [(field name, scalar format, default)...]) for the tables we read.
# Field order is the schema's; "<b" byte, "<i" int32, "<f" float32, "<?" bool.
_OPTIONS = {
    1: ("Conv2DOptions", [("padding", "<b", 0), ("stride_w", "<i", 0), ("stride_h", "<i", 0),
                          ("fused_activation_function", "<b", 0), ("dilation_w_factor", "<i", 1),
                          ("dilation_h_factor", "<i", 1)]),
    2: ("DepthwiseConv2DOptions", [("padding", "<b", 0), ("stride_w", "<i", 0), ("stride_h", "<i", 0),
                                   ("depth_multiplier", "<i", 0), ("fused_activation_function", "<b", 0),
                                   ("dilation_w_factor", "<i", 1), ("dilation_h_factor", "<i", 1)]),
    5: ("Pool2DOptions", [("padding", "<b", 0), ("stride_w", "<i", 0), ("stride_h", "<i", 0),
                          ("filter_width", "<i", 0), ("filter_height", "<i", 0),
                          ("fused_activation_function", "<b", 0)]),
    8: ("FullyConnectedOptions", [("fused_activation_function", "<b", 0), ("weights_format", "<b", 0),
                                  ("keep_num_dims", "<?", False), ("asymmetric_quantize_inputs", "<?", False)]),
    9: ("SoftmaxOptions", [("beta", "<f", 0.0)]),
    11: ("AddOptions", [("fused_activation_function", "<b", 0)]),
    17: ("ReshapeOptions", []),
    22: ("PadOptions", []),
    27: ("ReducerOptions", [("keep_dims", "<?", False)]),
}


class _Table:
    """One FlatBuffers table inside buf at position pos."""

    def __init__(self, buf: bytes, pos: int):
        self.buf = buf
        self.pos = pos
        vtable = pos - struct.unpack_from("<i", buf, pos)[0]
        vsize = struct.unpack_from("<H", buf, vtable)[0]
        self.fields = [struct.unpack_from("<H", buf, vtable + 4 + 2 * i)[0] for i in range((vsize - 4) // 2)]

    def _loc(self, index: int) -> Optional[int]:
        if index < len(self.fields) and self.fields[index] != 0:
            return self.pos + self.fields[index]
        return None

    def scalar(self, index: int, fmt: str, default):
        loc = self._loc(index)
        return default if loc is None else struct.unpack_from(fmt, self.buf, loc)[0]

    def _target(self, index: int) -> Optional[int]:
        loc = self._loc(index)
        return None if loc is None else loc + struct.unpack_from("<I", self.buf, loc)[0]

    def table(self, index: int) -> Optional["_Table"]:
        target = self._target(index)
        return None if target is None else _Table(self.buf, target)

    def string(self, index: int) -> Optional[str]:
        target = self._target(index)
        if target is None:
            return None
        n = struct.unpack_from("<I", self.buf, target)[0]
        return self.buf[target + 4:target + 4 + n].decode("utf-8")

    def vector(self, index: int, dtype) -> Optional[np.ndarray]:
        target = self._target(index)
        if target is None:
            return None
        n = struct.unpack_from("<I", self.buf, target)[0]
        return np.frombuffer(self.buf, dtype=np.dtype(dtype).newbyteorder("<"), count=n, offset=target + 4)

    def tables(self, index: int) -> List["_Table"]:
        target = self._target(index)
        if target is None:
            return []
        n = struct.unpack_from("<I", self.buf, target)[0]
        out = []
        for i in range(n):
            elem = target + 4 + 4 * i
            out.append(_Table(self.buf, elem + struct.unpack_from("<I", self.buf, elem)[0]))
        return out


@dataclass
class Quantization:
    scale: np.ndarray              # float32 [1] per-tensor or [C] per-channel
    zero_point: np.ndarray         # int64, same length
    axis: int                      # the quantised dimension (per-channel)


@dataclass
class Tensor:
    index: int
    name: str
    shape: List[int]
    dtype: type
    quant: Optional[Quantization]
    data: Optional[np.ndarray]     # constant data (weights, biases, shapes), None for activations


@dataclass
class Operator:
    index: int
    op: str
    inputs: List[int]
    outputs: List[int]
    options: Dict[str, object] = field(default_factory=dict)


@dataclass
class Graph:
    tensors: List[Tensor]
    operators: List[Operator]
    inputs: List[int]
    outputs: List[int]
    description: str

    def consumers(self, tensor_index: int) -> List[Operator]:
        return [op for op in self.operators if tensor_index in op.inputs]


def _quantization(t: _Table) -> Optional[Quantization]:
    q = t.table(4)
    if q is None:
        return None
    scale = q.vector(2, np.float32)
    zero_point = q.vector(3, np.int64)
    if scale is None or len(scale) == 0:
        return None
    return Quantization(scale=np.array(scale, dtype=np.float32), zero_point=np.array(zero_point, dtype=np.int64),
                        axis=int(q.scalar(6, "<i", 0)))


def _options(op: _Table) -> Dict[str, object]:
    kind = op.scalar(3, "<B", 0)
    if kind == 0:
        return {}
    if kind not in _OPTIONS:
        raise ValueError("unsupported TFLite builtin options type %d" % kind)
    _, spec = _OPTIONS[kind]
    table = op.table(4)
    out: Dict[str, object] = {}
    for i, (name, fmt, default) in enumerate(spec):
        out[name] = default if table is None else table.scalar(i, fmt, default)
    if "padding" in out:
        out["padding"] = PADDINGS[out["padding"]]
    if "fused_activation_function" in out:
        out["fused_activation_function"] = ACTIVATIONS[out["fused_activation_function"]]
    return out


def read_tflite(path: str) -> Graph:
    """Parse a .tflite file into a Graph (first subgraph). Raises ValueError for what it cannot read."""
    with open(path, "rb") as f:
        buf = f.read()
    if buf[4:8] != FILE_IDENTIFIER:
        raise ValueError("%s is not a TFLite model (file identifier %r, expected %r)" % (path, buf[4:8],
                                                                                        FILE_IDENTIFIER))
    model = _Table(buf, struct.unpack_from("<I", buf, 0)[0])
    codes = []
    for oc in model.tables(1):
        deprecated = oc.scalar(0, "<b", 0)
        code = max(int(deprecated), int(oc.scalar(3, "<i", 0)))   # schema: max of the two fields
        codes.append(code)
    buffers = model.tables(4)
    subgraphs = model.tables(2)
    if len(subgraphs) != 1:
        raise ValueError("expected one subgraph, found %d" % len(subgraphs))
    sg = subgraphs[0]
    tensors = []
    for i, t in enumerate(sg.tables(0)):
        type_id = t.scalar(1, "<b", 0)
        if type_id not in TENSOR_TYPES:
            raise ValueError("tensor %d has unsupported type %d" % (i, type_id))
        dtype = TENSOR_TYPES[type_id]
        dims = t.vector(0, np.int32)
        shape = [] if dims is None else [int(d) for d in dims]
        data = None
        buffer_index = t.scalar(2, "<I", 0)
        if buffer_index > 0:
            raw = buffers[buffer_index].vector(0, np.uint8)
            if raw is not None and len(raw) > 0:
                data = np.frombuffer(raw.tobytes(), dtype=np.dtype(dtype).newbyteorder("<")).reshape(shape)
        tensors.append(Tensor(index=i, name=t.string(3) or "", shape=shape, dtype=dtype,
                              quant=_quantization(t), data=data))
    operators = []
    for i, op in enumerate(sg.tables(3)):
        code = codes[op.scalar(0, "<I", 0)]
        if code not in BUILTIN_NAMES:
            raise ValueError("operator %d has unsupported builtin code %d" % (i, code))
        operators.append(Operator(index=i, op=BUILTIN_NAMES[code], inputs=[int(x) for x in op.vector(1, np.int32)],
                                  outputs=[int(x) for x in op.vector(2, np.int32)], options=_options(op)))
    return Graph(tensors=tensors, operators=operators, inputs=[int(x) for x in sg.vector(1, np.int32)],
                 outputs=[int(x) for x in sg.vector(2, np.int32)], description=model.string(3) or "")


if __name__ == "__main__":
    import sys
    g = read_tflite(sys.argv[1])
    print("description:", g.description)
    for ti in g.inputs + g.outputs:
        t = g.tensors[ti]
        print("io tensor", ti, t.name, t.shape, t.dtype.__name__, t.quant)
    for op in g.operators:
        ins = ["%d%s%s" % (i, g.tensors[i].shape, "c" if g.tensors[i].data is not None else "") for i in op.inputs if i >= 0]
        print(op.index, op.op, ins, "->", [(o, g.tensors[o].shape) for o in op.outputs], op.options)
