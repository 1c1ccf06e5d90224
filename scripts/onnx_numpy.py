"""A minimal numpy interpreter for the ONNX graphs torch.onnx exports for BERT-family classifiers
(DistilBERT, BERT, RoBERTa, ELECTRA, ALBERT, MPNet, DeBERTa-v2; opsets 11 to 17).

onnxruntime is not available to Python here, and onnx 1.12 has no reference evaluator; this runs an exported
graph independently of PyTorch so the export itself (dynamic shapes, mask arithmetic, constant folding) is
checked against the golden values. It covers exactly the ops those graphs contain and fails on any other.
"""

import math
from typing import Dict, List

import numpy as np
import onnx
from onnx import numpy_helper

_erf = np.vectorize(math.erf, otypes=[np.float64])


def _attrs(node) -> dict:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _reshape(data, shape):
    shape = [data.shape[i] if d == 0 else d for i, d in enumerate(shape.tolist())]  # 0 copies (allowzero=0)
    return data.reshape(shape)


def _slice(data, starts, ends, axes=None, steps=None):
    axes = range(len(starts)) if axes is None else axes
    steps = [1] * len(starts) if steps is None else steps
    index = [slice(None)] * data.ndim
    for start, end, axis, step in zip(starts, ends, axes, steps):
        index[axis] = slice(int(start), int(end), int(step))
    return data[tuple(index)]


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _softmax_node(attrs, x, opset: int):
    """Softmax-13 normalizes along `axis`; before opset 13 (default axis 1) it normalizes over all axes from
    `axis` on, which is the same only for the last axis, the one these exports use."""
    axis = attrs.get("axis", -1 if opset >= 13 else 1)
    if opset < 13:
        assert axis in (-1, x.ndim - 1), f"Softmax-{opset} over axes {axis}… is not covered by onnx_numpy"
    return _softmax(x, axis)


def _layer_normalization(x, scale, bias=None, axis=-1, epsilon=1e-5, stash_type=1):
    """LayerNormalization-17 (Y only): normalized over the axes from `axis` on, in float32."""
    axes = tuple(range(axis % x.ndim, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    centered = x - mean
    variance = (centered * centered).mean(axis=axes, keepdims=True)
    y = centered / np.sqrt(variance + np.float32(epsilon)) * scale
    return (y if bias is None else y + bias).astype(x.dtype)


def _unsqueeze(x, axes):
    axes = [int(v) % (x.ndim + len(axes)) for v in axes]
    return np.expand_dims(x, tuple(axes))


def _gemm(a, b, c=None, alpha=1.0, beta=1.0, transA=0, transB=0):
    y = alpha * ((a.T if transA else a) @ (b.T if transB else b))
    return y if c is None else (y + beta * c).astype(a.dtype)


def _constant_of_shape(shape, value=None):
    fill = np.zeros(1, dtype=np.float32) if value is None else numpy_helper.to_array(value).reshape(1)
    return np.full(tuple(int(v) for v in shape), fill[0], dtype=fill.dtype)


def _cumsum(x, axis, exclusive=0, reverse=0):
    if exclusive or reverse:
        raise NotImplementedError("CumSum with exclusive or reverse is not covered by onnx_numpy")
    return np.cumsum(x, axis=int(axis)).astype(x.dtype)


def _div(x, y):
    """Div: integer operands (DeBERTa's batch·heads // heads) divide as integers, truncating toward zero."""
    if np.issubdtype(x.dtype, np.integer) and np.issubdtype(y.dtype, np.integer):
        return (np.trunc(x / y)).astype(x.dtype)
    return x / y


def _squeeze(x, axes=None):
    return np.squeeze(x, axis=None if axes is None else tuple(int(a) for a in axes))


def _gather_elements(x, indices, axis=0):
    indices = np.where(indices < 0, indices + x.shape[axis], indices)
    return np.take_along_axis(x, indices, axis=axis)


def _log(x):
    with np.errstate(divide="ignore"):
        return np.log(x)


def _cast(x, dtype):
    with np.errstate(invalid="ignore"):  # -inf to an integer type: whatever it becomes, no graph here reads it
        return x.astype(dtype)


_CAST = {
    onnx.TensorProto.FLOAT: np.float32,
    onnx.TensorProto.INT32: np.int32,
    onnx.TensorProto.INT64: np.int64,
    onnx.TensorProto.BOOL: np.bool_,
    onnx.TensorProto.UINT8: np.uint8,
}

_OPS = {
    "Identity": lambda a, x: x,
    "Add": lambda a, x, y: x + y,
    "Sub": lambda a, x, y: x - y,
    "Mul": lambda a, x, y: x * y,
    "Div": lambda a, x, y: _div(x, y),
    "Pow": lambda a, x, y: np.power(x, y).astype(x.dtype),
    "Sqrt": lambda a, x: np.sqrt(x),
    "Erf": lambda a, x: _erf(x).astype(x.dtype),
    "Tanh": lambda a, x: np.tanh(x),
    "Relu": lambda a, x: np.maximum(x, 0).astype(x.dtype),
    "Equal": lambda a, x, y: x == y,
    "Not": lambda a, x: np.logical_not(x),
    "CumSum": lambda a, x, axis: _cumsum(x, axis, **a),
    "ConstantOfShape": lambda a, s: _constant_of_shape(s, a.get("value")),
    "Where": lambda a, c, x, y: np.where(c, x, y),
    "Cast": lambda a, x: _cast(x, _CAST[a["to"]]),
    "MatMul": lambda a, x, y: np.matmul(x, y),
    "Gemm": lambda a, *xs: _gemm(*xs, **a),
    "LayerNormalization": lambda a, *xs: _layer_normalization(*xs, **a),
    "IsNaN": lambda a, x: np.isnan(x),
    # MPNet's relative-position buckets (log(0) = -inf is cast to an integer there and then never selected).
    "Range": lambda a, start, limit, delta: np.arange(start, limit, delta, dtype=start.dtype),
    "Neg": lambda a, x: -x,
    "Abs": lambda a, x: np.abs(x),
    "Less": lambda a, x, y: x < y,
    "Log": lambda a, x: _log(x),
    "Min": lambda a, *xs: np.minimum.reduce(np.broadcast_arrays(*xs)),
    "ReduceMean": lambda a, x: x.mean(axis=tuple(a["axes"]), keepdims=bool(a.get("keepdims", 1))).astype(x.dtype),
    "Shape": lambda a, x: np.array(x.shape, dtype=np.int64),
    "Gather": lambda a, x, i: np.take(x, i, axis=a.get("axis", 0)),
    # axes as an input from opset 13, as an attribute before
    "Unsqueeze": lambda a, x, axes=None: _unsqueeze(x, a["axes"] if axes is None else axes),
    "Concat": lambda a, *xs: np.concatenate(xs, axis=a["axis"]),
    "Reshape": lambda a, x, s: _reshape(x, s),
    "Transpose": lambda a, x: np.transpose(x, a["perm"]),
    "Expand": lambda a, x, s: x * np.ones(tuple(int(v) for v in s), dtype=x.dtype),
    "Slice": lambda a, *xs: _slice(*xs),
    # DeBERTa-v2's log-bucketed relative positions, its relative scores and XSoftmax's mask.
    "Sign": lambda a, x: np.sign(x),
    "Ceil": lambda a, x: np.ceil(x),
    "Greater": lambda a, x, y: x > y,
    "LessOrEqual": lambda a, x, y: x <= y,
    "And": lambda a, x, y: np.logical_and(x, y),
    "Clip": lambda a, x, low=None, high=None: np.clip(x, low, high).astype(x.dtype),
    "Squeeze": lambda a, x, axes=None: _squeeze(x, a.get("axes") if axes is None else axes),
    "Tile": lambda a, x, repeats: np.tile(x, tuple(int(r) for r in repeats)),
    "GatherElements": lambda a, x, i: _gather_elements(x, i, a.get("axis", 0)),
}


def run(model: onnx.ModelProto, feeds: Dict[str, np.ndarray]) -> List[np.ndarray]:
    (opset,) = [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")]
    values = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    values.update(feeds)
    for node in model.graph.node:
        attrs = _attrs(node)
        if node.op_type == "Constant":
            values[node.output[0]] = numpy_helper.to_array(attrs["value"])
            continue
        if node.op_type == "Softmax":
            values[node.output[0]] = _softmax_node(attrs, values[node.input[0]], opset)
            continue
        if node.op_type not in _OPS:
            raise NotImplementedError(f"op {node.op_type} is not covered by onnx_numpy")
        inputs = [values[name] if name else None for name in node.input]
        while inputs and inputs[-1] is None:
            inputs.pop()
        values[node.output[0]] = np.asarray(_OPS[node.op_type](attrs, *inputs))
    return [values[o.name] for o in model.graph.output]
