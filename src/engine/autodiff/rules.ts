/**
 * Reverse-mode rules, one per ONNX op: given the gradients of a node's outputs, emit the nodes that compute
 * the gradients of its inputs (vector–Jacobian products). The math follows onnxruntime's training gradient
 * builder; each rule is checked against central finite differences in rules.test.ts.
 */
import { listIsInput, softmaxDefaultAxis } from '../onnx/opset.js';
import { DataType, int, type NodeProto } from '../onnx/proto.js';
import type { Emitter } from './emitter.js';
import type { Dims } from './shapes.js';

export interface RuleContext {
  emit: Emitter;
  opset: number;
  /** Static dims of a forward tensor (undefined entries are dynamic). */
  dims(tensor: string): Dims;
  /** Sums `grad`, whose dims are `from`, over the axes along which `target` was broadcast to `from`. */
  unbroadcast(grad: string, from: Dims, target: string): string;
  /** The values of a constant integer tensor (initializer or Constant node), or undefined. */
  constantInts(tensor: string): number[] | undefined;
  /** The values of a small constant float tensor (a scalar or a few values), or undefined. */
  constantFloats(tensor: string): number[] | undefined;
  /** The forward node producing a tensor (undefined for graph inputs, initializers). */
  producer(tensor: string): NodeProto | undefined;
}

/**
 * `grads[k]` is the gradient of output k (undefined when nothing downstream needs it); `needs[i]` whether input
 * i carries a gradient. Returns one gradient per input (undefined where not needed).
 */
export type Rule = (
  node: NodeProto,
  grads: (string | undefined)[],
  needs: boolean[],
  context: RuleContext,
) => (string | undefined)[];

export class GradientRuleError extends Error {
  override name = 'GradientRuleError';
}

const ins = (node: NodeProto): string[] => node.input ?? [];
const outs = (node: NodeProto): string[] => node.output ?? [];

function intAttribute(node: NodeProto, name: string, fallback: number): number {
  const found = node.attribute?.find((candidate) => candidate.name === name);
  return found ? int(found.i) : fallback;
}

function floatAttribute(node: NodeProto, name: string, fallback: number): number {
  return node.attribute?.find((candidate) => candidate.name === name)?.f ?? fallback;
}

function intsAttribute(node: NodeProto, name: string): number[] | undefined {
  return node.attribute?.find((candidate) => candidate.name === name)?.ints?.map(int);
}

const normalizeAxis = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

/** Only the first output of these nodes may carry a gradient (the others are statistics or masks). */
function firstOutput(node: NodeProto, grads: (string | undefined)[]): string {
  if (grads.slice(1).some(Boolean)) {
    throw new GradientRuleError(`${node.opType ?? '?'}: only the first output is differentiable`);
  }
  return grads[0]!;
}

/** A copy of `tensor` with the last two axes swapped (matrix transpose of a batch of matrices). */
function swapLastTwo(emit: Emitter, tensor: string, rank: number): string {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  return emit.op('Transpose', [tensor], { perm });
}

/** ReduceMean over `axes` keeping them. */
function reduceMean({ emit }: RuleContext, tensor: string, axes: number[]): string {
  return emit.withAxes('ReduceMean', tensor, axes, { keepdims: 1 });
}

/** The reduced axes of a reduction node, from its attribute or its constant second input as its opset has them. */
function reducedAxes(node: NodeProto, context: RuleContext): number[] | undefined {
  if (!listIsInput(node.opType ?? '', context.opset)) return intsAttribute(node, 'axes');
  const input = ins(node)[1];
  if (!input) return undefined;
  const axes = context.constantInts(input);
  if (!axes) throw new GradientRuleError(`${node.opType ?? '?'} with axes computed at run time`);
  return axes;
}

const reduceRule: Rule = (node, grads, _needs, context) => {
  const { emit } = context;
  const [x] = ins(node) as [string];
  const xDims = context.dims(x);
  const rank = xDims.length;
  const given = reducedAxes(node, context);
  if ((!given || given.length === 0) && intAttribute(node, 'noop_with_empty_axes', 0) === 1) return [grads[0]];
  const axes = (given && given.length > 0 ? given : [...Array(rank).keys()])
    .map((axis) => normalizeAxis(axis, rank))
    .sort((a, b) => a - b);
  let grad = grads[0]!;
  if (intAttribute(node, 'keepdims', 1) === 0) grad = emit.withAxes('Unsqueeze', grad, axes);
  grad = emit.op('Expand', [grad, emit.op('Shape', [x])]);
  if (node.opType === 'ReduceMean') {
    const reduced = axes.map((axis) => xDims[axis]);
    const count = reduced.every((size) => size !== undefined)
      ? emit.float([1 / reduced.reduce((a, b) => a * b, 1)])
      : emit.op('Div', [
          emit.op('Cast', [emit.op('Size', [outs(node)[0]!])], { to: DataType.FLOAT }),
          emit.op('Cast', [emit.op('Size', [x])], { to: DataType.FLOAT }),
        ]);
    grad = emit.op('Mul', [grad, count]);
  }
  return [grad];
};

/**
 * Max (`ties: 'Less'`) or Min (`'Greater'`) of two tensors: the gradient goes to the first input where it is the
 * extremum (ties included) and to the second elsewhere.
 */
function extremumRule(
  node: NodeProto,
  [grad]: (string | undefined)[],
  needs: boolean[],
  { emit, dims, unbroadcast }: RuleContext,
  loses: 'Less' | 'Greater',
): (string | undefined)[] {
  const inputs = ins(node);
  if (inputs.length === 1) return [grad];
  if (inputs.length !== 2) throw new GradientRuleError(`${node.opType ?? '?'} of ${inputs.length} inputs`);
  const [a, b] = inputs as [string, string];
  const out = dims(outs(node)[0]!);
  const secondWins = emit.op(loses, [a, b]);
  const zero = emit.float([0]);
  return [
    needs[0] ? unbroadcast(emit.op('Where', [secondWins, zero, grad!]), out, a) : undefined,
    needs[1] ? unbroadcast(emit.op('Where', [secondWins, grad!, zero]), out, b) : undefined,
  ];
}

/**
 * The tensor an index tensor was broadcast from by `Expand` (DeBERTa expands its `[1, n, n]` relative positions
 * to `[batch·heads, n, n]` before each gather), with its dims; the index itself when it was not expanded.
 */
function broadcastSource(indices: string, context: RuleContext): { source: string; sourceDims: Dims } {
  let source = indices;
  for (let producer = context.producer(source); producer?.opType === 'Expand'; producer = context.producer(source)) {
    source = ins(producer)[0]!;
  }
  return { source, sourceDims: context.dims(source) };
}

/**
 * GatherElements' gradient: scatter-add of the output gradient into the data's shape, repeated indices summed.
 * From opset 16 that is ScatterElements(reduction "add"). Before it, ScatterElements has no reduction (repeated
 * indices would overwrite each other), so it is a product with one-hot rows instead, `Σ_j g[…, j]·[idx[…, j] = k]`,
 * exact in float32 (every term is g·1 or g·0): the index is taken before any Expand that broadcast it, its size-1
 * axes become rows of the product and its other axes batch axes, so the one-hot holds one row per distinct index
 * vector (DeBERTa: n × n × 2·buckets, not batch·heads times that).
 */
const gatherElementsRule: Rule = (node, [grad], [data], context) => {
  if (!data) return [undefined, undefined];
  const { emit } = context;
  const [x, indices] = ins(node) as [string, string];
  const out = context.dims(outs(node)[0]!);
  const rank = out.length;
  const axis = normalizeAxis(intAttribute(node, 'axis', 0), rank);
  const extent = () => emit.op('Slice', [emit.op('Shape', [x]), emit.int64([axis]), emit.int64([axis + 1])]);
  if (context.opset >= 16) {
    const zeros = emit.op('ConstantOfShape', [emit.op('Shape', [x])], {
      value: { dataType: DataType.FLOAT, dims: [1], floatData: [0] },
    });
    return [emit.op('ScatterElements', [zeros, indices, grad!], { axis, reduction: 'add' }), undefined];
  }
  let { source, sourceDims } = broadcastSource(indices, context);
  // Broadcast along the gathered axis itself: the expanded index is needed (a rare form; correct, not compact).
  if (sourceDims.length < rank) {
    source = emit.withAxes('Unsqueeze', source, [...Array(rank - sourceDims.length).keys()]);
    sourceDims = [...new Array<number>(rank - sourceDims.length).fill(1), ...sourceDims];
  }
  if (sourceDims[axis] === 1 && out[axis] !== 1) ({ source, sourceDims } = { source: indices, sourceDims: out });
  const others = [...Array(rank).keys()].filter((a) => a !== axis);
  // Axes along which the index was broadcast (size 1 in its source, not statically 1 in the output): rows.
  const rows = others.filter((a) => sourceDims[a] === 1 && out[a] !== 1);
  const batch = others.filter((a) => !rows.includes(a));
  const order = [...batch, ...rows, axis];
  const identity = order.every((a, i) => a === i);
  const permuted = identity ? grad! : emit.op('Transpose', [grad!], { perm: order });
  // [batch…, P, J] (P = Π rows, 1 without rows) × one-hot [batch…, J, K] → [batch…, P, K].
  const length = emit.op('Slice', [emit.op('Shape', [permuted]), emit.int64([rank - 1]), emit.int64([rank])]);
  const flat = emit.op('Reshape', [
    permuted,
    emit.op('Concat', [emit.int64(new Array<number>(batch.length).fill(0).concat(-1)), length], { axis: 0 }),
  ]);
  let index = identity ? source : emit.op('Transpose', [source], { perm: order });
  if (rows.length > 0)
    index = emit.withAxes(
      'Squeeze',
      index,
      rows.map((_, i) => batch.length + i),
    );
  const oneHot = emit.op('OneHot', [index, extent(), emit.float([0, 1], [2])], { axis: -1 });
  const product = emit.op('MatMul', [flat, oneHot]);
  // Back to [batch…, rows…, K], then to the data's axis order.
  const shape = emit.op(
    'Concat',
    [emit.op('Slice', [emit.op('Shape', [permuted]), emit.int64([0]), emit.int64([rank - 1])]), extent()],
    { axis: 0 },
  );
  const unflat = emit.op('Reshape', [product, shape]);
  const inverse = new Array<number>(rank);
  order.forEach((a, i) => (inverse[a] = i));
  return [identity ? unflat : emit.op('Transpose', [unflat], { perm: inverse }), undefined];
};

/**
 * Tile's gradient: the output gradient viewed as `[r₀, d₀, r₁, d₁, …]` (repeats interleaved with the input's
 * sizes; a tile's copies come first along each axis) and summed over the repeat axes.
 */
const tileRule: Rule = (node, [grad], [data], context) => {
  if (!data) return [undefined, undefined];
  const { emit } = context;
  const [x, repeats] = ins(node) as [string, string];
  const rank = context.dims(x).length;
  const xShape = emit.op('Shape', [x]);
  const pieces: string[] = [];
  for (let a = 0; a < rank; a += 1) {
    const at = [emit.int64([a]), emit.int64([a + 1])];
    pieces.push(emit.op('Slice', [repeats, ...at]), emit.op('Slice', [xShape, ...at]));
  }
  const split = emit.op('Reshape', [grad!, emit.op('Concat', pieces, { axis: 0 })]);
  const summed = emit.withAxes(
    'ReduceSum',
    split,
    [...Array(rank).keys()].map((a) => 2 * a),
    { keepdims: 0 },
  );
  return [summed, undefined];
};

/** Ops that only rearrange or relabel elements of their first input: the gradient takes the input's shape back. */
const reshapeRule: Rule = (node, grads, _needs, { emit }) => [
  emit.op('Reshape', [firstOutput(node, grads), emit.op('Shape', [ins(node)[0]!])]),
];

const passThroughRule: Rule = (node, grads) => [firstOutput(node, grads)];

export const RULES: Record<string, Rule> = {
  Identity: passThroughRule,
  // Reached only for float-to-float casts: a cast to an integer or boolean type is never on a gradient path.
  Cast: passThroughRule,
  Dropout: passThroughRule, // inference graphs: Dropout is the identity
  Reshape: reshapeRule,
  Flatten: reshapeRule,
  Squeeze: reshapeRule,
  Unsqueeze: reshapeRule,

  Add: (node, [grad], [a, b], { dims, unbroadcast }) => {
    const out = dims(outs(node)[0]!);
    return [
      a ? unbroadcast(grad!, out, ins(node)[0]!) : undefined,
      b ? unbroadcast(grad!, out, ins(node)[1]!) : undefined,
    ];
  },
  Sub: (node, [grad], [a, b], { emit, dims, unbroadcast }) => {
    const out = dims(outs(node)[0]!);
    return [
      a ? unbroadcast(grad!, out, ins(node)[0]!) : undefined,
      b ? unbroadcast(emit.op('Neg', [grad!]), out, ins(node)[1]!) : undefined,
    ];
  },
  Mul: (node, [grad], [a, b], { emit, dims, unbroadcast }) => {
    const [x, y] = ins(node) as [string, string];
    const out = dims(outs(node)[0]!);
    return [
      a ? unbroadcast(emit.op('Mul', [grad!, y]), out, x) : undefined,
      b ? unbroadcast(emit.op('Mul', [grad!, x]), out, y) : undefined,
    ];
  },
  Div: (node, [grad], [a, b], { emit, dims, unbroadcast }) => {
    const [x, y] = ins(node) as [string, string];
    const quotient = outs(node)[0]!;
    const out = dims(quotient);
    // ∂(x/y)/∂y = −(x/y)/y: reuses the forward quotient instead of squaring y.
    return [
      a ? unbroadcast(emit.op('Div', [grad!, y]), out, x) : undefined,
      b ? unbroadcast(emit.op('Neg', [emit.op('Div', [emit.op('Mul', [grad!, quotient]), y])]), out, y) : undefined,
    ];
  },
  Pow: (node, [grad], [a, b], { emit, dims, unbroadcast, constantFloats }) => {
    const [x, exponent] = ins(node) as [string, string];
    const power = outs(node)[0]!;
    const out = dims(power);
    const constant = constantFloats(exponent);
    const derivative = () => {
      // A constant exponent c (x² in every exported LayerNorm) needs no Pow for c = 2, and a folded c − 1 otherwise:
      // onnxruntime's Pow with an exponent other than 2 or 3 is a slow element-wise std::pow.
      if (constant?.length === 1 && constant[0] === 2) return emit.op('Mul', [x, emit.float([2])]);
      if (constant?.length === 1)
        return emit.op('Mul', [emit.op('Pow', [x, emit.float([constant[0]! - 1])]), exponent]);
      return emit.op('Mul', [exponent, emit.op('Pow', [x, emit.op('Sub', [exponent, emit.float([1])])])]);
    };
    const dx = () => unbroadcast(emit.op('Mul', [grad!, derivative()]), out, x);
    const dExponent = () =>
      unbroadcast(emit.op('Mul', [grad!, emit.op('Mul', [power, emit.op('Log', [x])])]), out, exponent);
    return [a ? dx() : undefined, b ? dExponent() : undefined];
  },
  Neg: (_node, [grad], _needs, { emit }) => [emit.op('Neg', [grad!])],
  Sqrt: (node, [grad], _needs, { emit }) => [
    emit.op('Div', [emit.op('Mul', [grad!, emit.float([0.5])]), outs(node)[0]!]),
  ],
  Exp: (node, [grad], _needs, { emit }) => [emit.op('Mul', [grad!, outs(node)[0]!])],
  Log: (node, [grad], _needs, { emit }) => [emit.op('Div', [grad!, ins(node)[0]!])],
  Erf: (node, [grad], _needs, { emit }) => {
    const x = ins(node)[0]!;
    const gaussian = emit.op('Exp', [emit.op('Neg', [emit.op('Mul', [x, x])])]);
    return [emit.op('Mul', [grad!, emit.op('Mul', [gaussian, emit.float([2 / Math.sqrt(Math.PI)])])])];
  },
  Tanh: (node, [grad], _needs, { emit }) => {
    const y = outs(node)[0]!;
    return [emit.op('Mul', [grad!, emit.op('Sub', [emit.float([1]), emit.op('Mul', [y, y])])])];
  },
  Relu: (node, [grad], _needs, { emit }) => {
    const positive = emit.op('Greater', [ins(node)[0]!, emit.float([0])]);
    return [emit.op('Where', [positive, grad!, emit.float([0])])];
  },
  Softmax: (node, [grad], _needs, context) => {
    const { emit } = context;
    const y = outs(node)[0]!;
    const rank = context.dims(y).length;
    const axis = normalizeAxis(intAttribute(node, 'axis', softmaxDefaultAxis(context.opset)), rank);
    // From opset 13 the softmax runs along `axis`; before, over all axes from `axis` on, flattened.
    const axes = context.opset >= 13 ? [axis] : [...Array(rank - axis).keys()].map((i) => axis + i);
    const dot = emit.withAxes('ReduceSum', emit.op('Mul', [grad!, y]), axes, { keepdims: 1 });
    return [emit.op('Mul', [y, emit.op('Sub', [grad!, dot])])];
  },
  Sigmoid: (node, [grad], _needs, { emit }) => {
    const y = outs(node)[0]!;
    return [emit.op('Mul', [grad!, emit.op('Mul', [y, emit.op('Sub', [emit.float([1]), y])])])];
  },
  Reciprocal: (node, [grad], _needs, { emit }) => {
    const y = outs(node)[0]!;
    return [emit.op('Neg', [emit.op('Mul', [grad!, emit.op('Mul', [y, y])])])];
  },
  Abs: (node, [grad], _needs, { emit }) => [emit.op('Mul', [grad!, emit.op('Sign', [ins(node)[0]!])])],
  Clip: (node, [grad], [needX, needMin, needMax], { emit }) => {
    if (needMin || needMax) throw new GradientRuleError('Clip with bounds that depend on the input');
    if (!needX) return [];
    const [x, low, high] = ins(node);
    // The gradient passes where the bounds leave x as it is (x = bound included, as onnxruntime's rule does);
    // Not(Less) rather than GreaterOrEqual, which opset 11 lacks.
    let inside: string | undefined;
    if (low) inside = emit.op('Not', [emit.op('Less', [x!, low])]);
    if (high) {
      const below = emit.op('Not', [emit.op('Greater', [x!, high])]);
      inside = inside ? emit.op('And', [inside, below]) : below;
    }
    return [inside ? emit.op('Where', [inside, grad!, emit.float([0])]) : grad];
  },
  // Piecewise constant: no gradient.
  Sign: () => [undefined],
  Floor: () => [undefined],
  Ceil: () => [undefined],
  Round: () => [undefined],
  Max: (node, grads, needs, context) => extremumRule(node, grads, needs, context, 'Less'),
  Min: (node, grads, needs, context) => extremumRule(node, grads, needs, context, 'Greater'),
  Sum: (node, [grad], needs, { dims, unbroadcast }) => {
    const out = dims(outs(node)[0]!);
    return ins(node).map((input, k) => (needs[k] ? unbroadcast(grad!, out, input) : undefined));
  },
  Split: (node, grads, [data], context) => {
    if (!data) return [];
    const { emit } = context;
    const x = ins(node)[0]!;
    const axis = normalizeAxis(intAttribute(node, 'axis', 0), context.dims(x).length);
    // Every part's gradient, zeros for the parts nothing downstream reads, joined back along the axis.
    const parts = outs(node).map(
      (output, k) =>
        grads[k] ??
        emit.op('ConstantOfShape', [emit.op('Shape', [output])], {
          value: { dataType: DataType.FLOAT, dims: [1], floatData: [0] },
        }),
    );
    return [emit.op('Concat', parts, { axis })];
  },
  ReduceMean: reduceRule,
  ReduceSum: reduceRule,
  Expand: (node, [grad], _needs, { dims, unbroadcast }) => [unbroadcast(grad!, dims(outs(node)[0]!), ins(node)[0]!)],
  Transpose: (node, [grad], _needs, { emit, dims }) => {
    const rank = dims(ins(node)[0]!).length;
    const perm = intsAttribute(node, 'perm') ?? [...Array(rank).keys()].reverse();
    const inverse = new Array<number>(rank);
    perm.forEach((axis, i) => (inverse[axis] = i));
    return [emit.op('Transpose', [grad!], { perm: inverse })];
  },
  Where: (node, [grad], [, a, b], { emit, dims, unbroadcast }) => {
    const [condition, x, y] = ins(node) as [string, string, string];
    const out = dims(outs(node)[0]!);
    const zero = emit.float([0]);
    return [
      undefined,
      a ? unbroadcast(emit.op('Where', [condition, grad!, zero]), out, x) : undefined,
      b ? unbroadcast(emit.op('Where', [condition, zero, grad!]), out, y) : undefined,
    ];
  },
  MatMul: (node, [grad], [a, b], { emit, dims, unbroadcast }) => {
    const [x, y] = ins(node) as [string, string];
    const [xDims, yDims, out] = [dims(x), dims(y), dims(outs(node)[0]!)];
    if (xDims.length < 2 || yDims.length < 2) throw new GradientRuleError('MatMul with a vector operand');
    const batch = out.slice(0, -2);
    return [
      a
        ? unbroadcast(emit.op('MatMul', [grad!, swapLastTwo(emit, y, yDims.length)]), [...batch, ...xDims.slice(-2)], x)
        : undefined,
      b
        ? unbroadcast(emit.op('MatMul', [swapLastTwo(emit, x, xDims.length), grad!]), [...batch, ...yDims.slice(-2)], y)
        : undefined,
    ];
  },
  Gemm: (node, [grad], [needA, needB, needC], { emit, dims, unbroadcast }) => {
    const [a, b, c] = ins(node) as [string, string, string | undefined];
    const alpha = floatAttribute(node, 'alpha', 1);
    const beta = floatAttribute(node, 'beta', 1);
    const transA = intAttribute(node, 'transA', 0);
    const transB = intAttribute(node, 'transB', 0);
    const g = grad!;
    // Y = α·A'·B' + β·C with A' = transA ? Aᵀ : A, B' likewise; each case is again one Gemm.
    const gradA = () =>
      transA
        ? emit.op('Gemm', [b, g], { alpha, transA: transB, transB: 1 })
        : emit.op('Gemm', [g, b], { alpha, transB: transB ? 0 : 1 });
    const gradB = () =>
      transB
        ? emit.op('Gemm', [g, a], { alpha, transA: 1, transB: transA })
        : emit.op('Gemm', [a, g], { alpha, transA: transA ? 0 : 1 });
    const gradC = () => unbroadcast(emit.op('Mul', [g, emit.float([beta])]), dims(outs(node)[0]!), c!);
    return [needA ? gradA() : undefined, needB ? gradB() : undefined, needC && c ? gradC() : undefined];
  },
  Concat: (node, [grad], needs, { emit, dims }) => {
    const inputs = ins(node);
    const axis = normalizeAxis(intAttribute(node, 'axis', 0), dims(inputs[0]!).length);
    const axes = emit.int64([axis]);
    const sizes = inputs.map((input) => emit.op('Slice', [emit.op('Shape', [input]), axes, emit.int64([axis + 1])]));
    let start = emit.int64([0]);
    return inputs.map((_, i) => {
      const end = emit.op('Add', [start, sizes[i]!]);
      const piece = needs[i] ? emit.op('Slice', [grad!, start, end, axes]) : undefined;
      start = end;
      return piece;
    });
  },
  GatherElements: gatherElementsRule,
  Tile: tileRule,
  Gather: (node, [grad], [data], context) => {
    if (!data) return [undefined, undefined];
    const { emit } = context;
    const [x, indices] = ins(node) as [string, string];
    const xDims = context.dims(x);
    const axis = normalizeAxis(intAttribute(node, 'axis', 0), xDims.length);
    const indexDims = context.dims(indices);
    const trailing = xDims.slice(axis + 1);
    if ([...indexDims, ...trailing].some((size) => size === undefined)) {
      throw new GradientRuleError('Gather with dynamic indices or trailing dims');
    }
    const product = (values: Dims) => values.reduce<number>((p, size) => p * size!, 1);
    // Scatter-add as a matrix product: onehot(indices)ᵀ [D×K] · grad [P×K×Q] → [P×D×Q], which also sums
    // repeated indices, as the gradient of a gather must.
    const depth = emit.op('Slice', [emit.op('Shape', [x]), emit.int64([axis]), emit.int64([axis + 1])]);
    // OneHot wants indices of rank ≥ 1: a scalar index (x[:, 0]) becomes a one-element list.
    const indexList = indexDims.length === 0 ? emit.withAxes('Unsqueeze', indices, [0]) : indices;
    const oneHot = emit.op('OneHot', [indexList, depth, emit.float([0, 1], [2])], { axis: -1 });
    const flat = emit.op('Flatten', [oneHot], { axis: Math.max(indexDims.length, 1) });
    const selection = emit.op('Transpose', [flat], { perm: [1, 0] });
    const grouped = emit.op('Reshape', [grad!, emit.int64([-1, product(indexDims), product(trailing)])]);
    return [emit.op('Reshape', [emit.op('MatMul', [selection, grouped]), emit.op('Shape', [x])]), undefined];
  },
  Slice: (node, [grad], [data], context) => {
    if (!data) return [];
    const [x, startsName, endsName, axesName, stepsName] = ins(node) as [string, string, string, string?, string?];
    const xDims = context.dims(x);
    const read = (name: string | undefined) => (name ? context.constantInts(name) : undefined);
    const [starts, ends] = [read(startsName), read(endsName)];
    const axes = read(axesName) ?? starts?.map((_, i) => i);
    const steps = read(stepsName) ?? starts?.map(() => 1);
    if (!starts || !ends || !axes || !steps || steps.some((step) => step !== 1)) {
      throw new GradientRuleError('Slice with run-time bounds or steps other than 1');
    }
    // The gradient is the output gradient padded back with zeros to the input's extent along each sliced axis.
    const { emit } = context;
    const pads: (number | string)[] = new Array<number>(2 * xDims.length).fill(0);
    axes.forEach((given, i) => {
      const axis = normalizeAxis(given, xDims.length);
      const size = xDims[axis];
      const [start, end] = [starts[i]!, ends[i]!];
      if (size === undefined) {
        // A dynamic axis (the sequence): a leading slice [start, end) with end ≤ its size, the padding read at
        // run time (pooled-rows.ts slices row 0 of the last layer's input this way).
        if (start < 0 || end < start) throw new GradientRuleError('Slice from the end of a dynamic axis');
        const extent = emit.op('Slice', [emit.op('Shape', [x]), emit.int64([axis]), emit.int64([axis + 1])]);
        pads[axis] = start;
        pads[axis + xDims.length] = emit.op('Sub', [extent, emit.minInt64(extent, emit.int64([end]))]);
        return;
      }
      const clamp = (value: number) => Math.min(Math.max(value < 0 ? value + size : value, 0), size);
      const begin = clamp(start);
      pads[axis] = begin;
      pads[axis + xDims.length] = size - Math.max(clamp(end), begin);
    });
    const padding = pads.every((pad) => typeof pad === 'number')
      ? emit.int64(pads)
      : emit.op(
          'Concat',
          pads.map((pad) => (typeof pad === 'number' ? emit.int64([pad]) : pad)),
          { axis: 0 },
        );
    return [emit.op('Pad', [grad!, padding])];
  },
  LayerNormalization: (node, grads, [needX, needScale, needBias], context) => {
    const { emit, dims, unbroadcast } = context;
    const [x, scale, bias] = ins(node) as [string, string, string | undefined];
    const grad = firstOutput(node, grads);
    const out = dims(outs(node)[0]!);
    const rank = out.length;
    const first = normalizeAxis(intAttribute(node, 'axis', -1), rank);
    const axes = [...Array(rank - first).keys()].map((i) => first + i);
    const [, savedMean, savedInverse] = outs(node);
    let centered: string;
    let inverse: string;
    if (savedMean && savedInverse) {
      // The forward kernel's own statistics (fuseLayerNorms names these outputs for every LayerNorm).
      centered = emit.op('Sub', [x, savedMean]);
      inverse = savedInverse;
    } else {
      const epsilon = floatAttribute(node, 'epsilon', 1e-5);
      centered = emit.op('Sub', [x, reduceMean(context, x, axes)]);
      const variance = reduceMean(context, emit.op('Mul', [centered, centered]), axes);
      inverse = emit.op('Reciprocal', [emit.op('Sqrt', [emit.op('Add', [variance, emit.float([epsilon])])])]);
    }
    const normalized = emit.op('Mul', [centered, inverse]);
    const gradX = () => {
      // ∂x = σ⁻¹·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = grad·scale.
      const scaled = emit.op('Mul', [grad, scale]);
      const projection = emit.op('Mul', [normalized, reduceMean(context, emit.op('Mul', [scaled, normalized]), axes)]);
      const centeredGrad = emit.op('Sub', [emit.op('Sub', [scaled, reduceMean(context, scaled, axes)]), projection]);
      return emit.op('Mul', [inverse, centeredGrad]);
    };
    return [
      needX ? gradX() : undefined,
      needScale ? unbroadcast(emit.op('Mul', [grad, normalized]), out, scale) : undefined,
      needBias && bias ? unbroadcast(grad, out, bias) : undefined,
    ];
  },
};
