/**
 * Shapes read from a graph's structure alone, without running it: the rank of every tensor whose rank follows
 * from the ops that produce it (exported encoders have static ranks), with each dim as a number where it is
 * static and `undefined` where it depends on the input. The opset converter needs the rank of a Softmax's input
 * to tell whether its `axis` is the last one (see opset-convert.ts), and a converter is synchronous and may not
 * run the graph; autodiff/shapes.ts's probe, which runs the graph in onnxruntime, is the exact answer this is
 * checked against.
 *
 * A tensor is absent from the result when its rank is unknown: an op not listed here, a shape computed at run
 * time whose length is not static. Declared shapes (graph inputs, initializers, `value_info`, outputs) are
 * used where the structure says nothing.
 */
import type { Dims } from '../autodiff/shapes.js';
import { GraphIndex } from './graph.js';
import { intValues, listOf } from './opset.js';
import { int, type GraphProto, type NodeProto, type ValueInfoProto } from './proto.js';

/** Ops whose every output has the first input's shape. */
const SAME_SHAPE = new Set([
  'Abs',
  'Acos',
  'Asin',
  'Atan',
  'Cast',
  'CastLike',
  'Ceil',
  'Celu',
  'Clip',
  'Cos',
  'CumSum',
  'DequantizeLinear',
  'Dropout',
  'Elu',
  'Erf',
  'Exp',
  'Floor',
  'Gelu',
  'HardSigmoid',
  'HardSwish',
  'Hardmax',
  'Identity',
  'IsInf',
  'IsNaN',
  'LeakyRelu',
  'Log',
  'LogSoftmax',
  'Neg',
  'Not',
  'QuantizeLinear',
  'Reciprocal',
  'Relu',
  'Round',
  'Selu',
  'Shrink',
  'Sigmoid',
  'Sign',
  'Sin',
  'Softmax',
  'Softplus',
  'Softsign',
  'Sqrt',
  'Tan',
  'Tanh',
  'ThresholdedRelu',
  'Trilu',
  'ScatterElements',
  'ScatterND',
]);

/** Ops whose output is the multidirectional broadcast of their inputs. */
const BROADCAST = new Set([
  'Add',
  'And',
  'BitShift',
  'Div',
  'Equal',
  'Greater',
  'GreaterOrEqual',
  'Less',
  'LessOrEqual',
  'Max',
  'Mean',
  'Min',
  'Mod',
  'Mul',
  'Or',
  'Pow',
  'PRelu',
  'Sub',
  'Sum',
  'Where',
  'Xor',
]);

const REDUCTIONS = new Set([
  'ReduceL1',
  'ReduceL2',
  'ReduceLogSum',
  'ReduceLogSumExp',
  'ReduceMax',
  'ReduceMean',
  'ReduceMin',
  'ReduceProd',
  'ReduceSum',
  'ReduceSumSquare',
]);

/** The shape of every tensor of `graph` whose rank its structure determines, for a graph at `opset`. */
export function staticShapes(graph: GraphProto, opset: number): Map<string, Dims> {
  const index = new GraphIndex(graph);
  const shapes = new Map<string, Dims>();
  // The values of small integer tensors (shapes being built), element by element where static: the length of
  // a shape computed from `Shape` is often known only from the values it was built from.
  const values = new Map<string, Value[]>();
  const declared = new Map<string, Dims>();
  for (const info of [...(graph.valueInfo ?? []), ...(graph.output ?? []), ...(graph.input ?? [])]) {
    const dims = declaredDims(info);
    if (dims) declared.set(info.name ?? '', dims);
  }
  for (const tensor of graph.initializer ?? []) {
    const name = tensor.name ?? '';
    shapes.set(name, (tensor.dims ?? []).map(int));
    const known = (tensor.dims ?? []).length <= 1 ? intValues(tensor) : undefined;
    if (known && known.length <= MAX_VALUES) values.set(name, known);
  }
  for (const input of graph.input ?? []) {
    const dims = declared.get(input.name ?? '');
    if (dims && !shapes.has(input.name ?? '')) shapes.set(input.name ?? '', dims);
  }
  const state: State = {
    opset,
    index,
    shapeOf: (name) => (name ? shapes.get(name) : undefined),
    valuesOf: (name) => (name ? values.get(name) : undefined),
  };
  for (const node of graph.node ?? []) {
    if (node.domain) continue;
    const outputs = inferNode(node, state);
    (node.output ?? []).forEach((name, k) => {
      const dims = outputs[k] ?? declared.get(name);
      if (name && dims) shapes.set(name, dims);
    });
    const output = node.output?.[0];
    const dims = output ? shapes.get(output) : undefined;
    if (output && dims && dims.length <= 1 && (dims[0] ?? 1) <= MAX_VALUES) {
      const computed = inferValues(node, state, dims);
      if (computed && computed.length === (dims[0] ?? 1)) values.set(output, computed);
    }
  }
  return shapes;
}

type Value = number | undefined;
/** Values are followed for tensors of up to this many elements (shapes, their parts). */
const MAX_VALUES = 16;

interface State {
  opset: number;
  index: GraphIndex;
  shapeOf(name: string | undefined): Dims | undefined;
  /** The elements of a small integer tensor, each undefined where not static; undefined when not followed. */
  valuesOf(name: string | undefined): Value[] | undefined;
}

/** The values of `node`'s (scalar or 1-D, of `dims`) first output, where they follow from its inputs' values. */
function inferValues(node: NodeProto, { shapeOf, valuesOf }: State, dims: Dims): Value[] | undefined {
  const op = node.opType ?? '';
  const inputs = node.input ?? [];
  const attribute = (name: string) => node.attribute?.find((candidate) => candidate.name === name);
  const first = valuesOf(inputs[0]);
  switch (op) {
    case 'Constant':
      return intValues(attribute('value')?.t) ?? attribute('value_ints')?.ints?.map(int);
    case 'Shape': {
      const x = shapeOf(inputs[0]);
      if (!x) return undefined;
      const clamp = (value: number) => Math.min(Math.max(value < 0 ? value + x.length : value, 0), x.length);
      const start = attribute('start') ? int(attribute('start')!.i) : 0;
      const end = attribute('end') ? int(attribute('end')!.i) : x.length;
      return x.slice(clamp(start), clamp(end));
    }
    case 'Size': {
      const x = shapeOf(inputs[0]);
      return x ? [product(x)] : undefined;
    }
    case 'Identity':
    case 'Cast':
    case 'Reshape':
    case 'Squeeze':
    case 'Unsqueeze':
      return first;
    case 'Concat':
      return inputs.every((input) => !input || valuesOf(input))
        ? inputs.filter(Boolean).flatMap((input) => valuesOf(input)!)
        : undefined;
    case 'ConstantOfShape': {
      const fill = intValues(attribute('value')?.t)?.[0] ?? (attribute('value') ? undefined : 0);
      return dims[0] === undefined ? undefined : Array.from({ length: dims[0] }, () => fill);
    }
    case 'Gather': {
      const picked = valuesOf(inputs[1]);
      if (!first || !picked) return undefined;
      return picked.map((k) => (k === undefined ? undefined : first[k < 0 ? k + first.length : k]));
    }
    case 'Slice': {
      const [starts, ends, axes, steps] = [1, 2, 3, 4].map((k) => (inputs[k] ? valuesOf(inputs[k]) : undefined));
      if (!first || starts?.length !== 1 || ends?.length !== 1 || (inputs[3] && !axes) || (inputs[4] && !steps)) {
        return undefined;
      }
      const [start, end, step] = [starts[0], ends[0], steps?.[0] ?? 1];
      if (start === undefined || end === undefined || step !== 1 || ((axes?.[0] ?? 0) !== 0 && axes?.[0] !== -1)) {
        return undefined;
      }
      const clamp = (value: number) => Math.min(Math.max(value < 0 ? value + first.length : value, 0), first.length);
      return first.slice(clamp(start), clamp(end));
    }
    case 'Add':
    case 'Sub':
    case 'Mul': {
      const other = valuesOf(inputs[1]);
      if (!first || !other) return undefined;
      const length = Math.max(first.length, other.length);
      const at = (list: Value[], k: number) => (list.length === 1 ? list[0] : list[k]);
      return Array.from({ length }, (_, k) => {
        const [a, b] = [at(first, k), at(other, k)];
        if (a === undefined || b === undefined) return undefined;
        return op === 'Add' ? a + b : op === 'Sub' ? a - b : a * b;
      });
    }
    default:
      return undefined;
  }
}

/** A value_info's dims, or undefined when it declares no shape (unknown rank). */
function declaredDims(info: ValueInfoProto): Dims | undefined {
  const shape = info.type?.tensorType?.shape;
  if (!shape) return undefined;
  return (shape.dim ?? []).map((dim) =>
    dim.dimValue !== null && dim.dimValue !== undefined && int(dim.dimValue) > 0 ? int(dim.dimValue) : undefined,
  );
}

/** The shapes of `node`'s outputs, by position; a hole where an output's rank is unknown. */
function inferNode(node: NodeProto, { opset, index, shapeOf, valuesOf }: State): (Dims | undefined)[] {
  const op = node.opType ?? '';
  const inputs = node.input ?? [];
  const x = shapeOf(inputs[0]);
  const attribute = (name: string) => node.attribute?.find((candidate) => candidate.name === name);
  const intAttribute = (name: string, fallback: number) => {
    const found = attribute(name);
    return found ? int(found.i) : fallback;
  };
  const all = (dims: Dims | undefined) => (node.output ?? []).map(() => dims);
  /** An input's values: every element where static (undefined where one is not), or undefined. */
  const partial = (k: number) => (inputs[k] ? valuesOf(inputs[k]) : undefined);
  const constant = (k: number) => {
    const found = partial(k);
    return found?.every((value) => value !== undefined) ? (found as number[]) : undefined;
  };
  /** A 1-D tensor's static length (the rank of the shape it holds). */
  const lengthOf = (k: number) => {
    const dims = shapeOf(inputs[k]);
    return dims?.length === 1 ? dims[0] : undefined;
  };
  if (SAME_SHAPE.has(op)) return all(x);
  if (BROADCAST.has(op)) {
    const shapes = inputs.filter(Boolean).map(shapeOf);
    return shapes.every((dims): dims is Dims => dims !== undefined) ? [broadcast(shapes)] : [];
  }
  if (REDUCTIONS.has(op) || op === 'ArgMax' || op === 'ArgMin') {
    if (!x) return [];
    const axes =
      op === 'ArgMax' || op === 'ArgMin'
        ? [intAttribute('axis', 0)]
        : (listOf(node, opset, index) ?? (inputs[1] ? null : undefined));
    if (axes === null) return intAttribute('keepdims', 1) ? [x.map(() => undefined)] : [];
    if (axes === undefined && intAttribute('noop_with_empty_axes', 0)) return [x];
    const reduced = new Set((axes ?? x.map((_, axis) => axis)).map((axis) => normalize(axis, x.length)));
    return intAttribute('keepdims', 1)
      ? [x.map((size, axis) => (reduced.has(axis) ? 1 : size))]
      : [x.filter((_, axis) => !reduced.has(axis))];
  }
  switch (op) {
    case 'Constant': {
      const tensor = attribute('value')?.t;
      if (tensor) return [(tensor.dims ?? []).map(int)];
      if (attribute('value_ints')) return [[attribute('value_ints')!.ints?.length ?? 0]];
      if (attribute('value_floats')) return [[attribute('value_floats')!.floats?.length ?? 0]];
      return [[]];
    }
    case 'Shape': {
      if (!x) return [];
      const clamp = (value: number) => Math.min(Math.max(value < 0 ? value + x.length : value, 0), x.length);
      return [[Math.max(clamp(intAttribute('end', x.length)) - clamp(intAttribute('start', 0)), 0)]];
    }
    case 'Size':
      return [[]];
    case 'ConstantOfShape': {
      const length = lengthOf(0);
      if (length === undefined) return [];
      return [partial(0) ?? Array.from({ length }, () => undefined)];
    }
    case 'Range':
      return [[undefined]];
    case 'NonZero':
      return x ? [[x.length, undefined]] : [];
    case 'Flatten': {
      if (!x) return [[undefined, undefined]];
      const axis = normalize(intAttribute('axis', 1), x.length);
      return [[product(x.slice(0, axis)), product(x.slice(axis))]];
    }
    case 'Transpose': {
      if (!x) return [];
      const perm = attribute('perm')?.ints?.map(int) ?? x.map((_, axis) => x.length - 1 - axis);
      return [perm.map((axis) => x[axis])];
    }
    case 'Unsqueeze': {
      const axes = listOf(node, opset, index);
      if (!x || !axes) return [];
      const rank = x.length + axes.length;
      const inserted = new Set(axes.map((axis) => normalize(axis, rank)));
      const rest = [...x];
      return [Array.from({ length: rank }, (_, axis) => (inserted.has(axis) ? 1 : rest.shift()))];
    }
    case 'Squeeze': {
      const axes = listOf(node, opset, index);
      if (!x || axes === null) return [];
      if (axes === undefined) return x.every((size) => size !== undefined) ? [x.filter((size) => size !== 1)] : [];
      const removed = new Set(axes.map((axis) => normalize(axis, x.length)));
      return [x.filter((_, axis) => !removed.has(axis))];
    }
    case 'Concat': {
      const shapes = inputs.filter(Boolean).map(shapeOf);
      if (!shapes.every((dims): dims is Dims => dims !== undefined) || shapes.length === 0) return [];
      const rank = shapes[0]!.length;
      const axis = normalize(intAttribute('axis', 0), rank);
      return [
        Array.from({ length: rank }, (_, k) =>
          k === axis
            ? sum(shapes.map((dims) => dims[k]))
            : shapes.map((dims) => dims[k]).find((size) => size !== undefined),
        ),
      ];
    }
    case 'Gather': {
      const indices = shapeOf(inputs[1]);
      if (!x || !indices) return [];
      const axis = normalize(intAttribute('axis', 0), x.length);
      return [[...x.slice(0, axis), ...indices, ...x.slice(axis + 1)]];
    }
    case 'GatherElements':
      return [shapeOf(inputs[1])];
    case 'Slice':
      return x ? [sliced(node, opset, x, constant)] : [];
    case 'Split':
      return x
        ? all(x.map((size, axis) => (axis === normalize(intAttribute('axis', 0), x.length) ? undefined : size)))
        : [];
    case 'Reshape': {
      const length = lengthOf(1);
      if (length === undefined) return [];
      const values = partial(1) ?? Array.from({ length }, () => undefined);
      const allowZero = intAttribute('allowzero', 0) !== 0;
      const dims = values.map((value, axis) =>
        value === undefined ? undefined : value > 0 ? value : value === 0 && !allowZero ? x?.[axis] : undefined,
      );
      // The −1 dim, from the element count, when every other size is known (a shape tensor flattened to 1-D).
      const total = x ? product(x) : undefined;
      const rest = product(dims.filter((_, axis) => values[axis] !== -1));
      const inferred = values.indexOf(-1);
      if (inferred >= 0 && total !== undefined && rest !== undefined && rest > 0) dims[inferred] = total / rest;
      return [dims];
    }
    case 'Expand': {
      const length = lengthOf(1);
      if (!x || length === undefined) return [];
      return [broadcast([x, partial(1) ?? Array.from({ length }, () => undefined)])];
    }
    case 'Tile': {
      if (!x) return [];
      const repeats = partial(1);
      return [
        x.map((size, axis) => (repeats?.[axis] !== undefined && size !== undefined ? size * repeats[axis] : undefined)),
      ];
    }
    case 'Pad':
      return x ? [x.map(() => undefined)] : [];
    case 'MatMul':
    case 'MatMulInteger':
      return [matmul(x, shapeOf(inputs[1]))];
    case 'Gemm': {
      const b = shapeOf(inputs[1]);
      if (!x || !b) return [[undefined, undefined]];
      return [[intAttribute('transA', 0) ? x[1] : x[0], intAttribute('transB', 0) ? b[0] : b[1]]];
    }
    case 'OneHot':
      return x ? [[...x, undefined]] : [];
    case 'TopK':
      return x ? all(x.map(() => undefined)) : [];
    case 'LayerNormalization': {
      // Y as X; Mean and InvStdDev as X with the normalized axes kept as 1.
      if (!x) return [];
      const axis = normalize(intAttribute('axis', -1), x.length);
      return [x, ...(node.output ?? []).slice(1).map(() => x.map((size, k) => (k < axis ? size : 1)))];
    }
    case 'DynamicQuantizeLinear':
      return [x, [], []];
    default:
      return [];
  }
}

function normalize(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

function sum(sizes: (number | undefined)[]): number | undefined {
  return sizes.every((size) => size !== undefined) ? sizes.reduce((a, b) => a! + b!, 0) : undefined;
}

function product(sizes: (number | undefined)[]): number | undefined {
  return sizes.every((size) => size !== undefined) ? sizes.reduce((a, b) => a! * b!, 1) : undefined;
}

/** Numpy-style broadcasting of static dims: a dim is known when the sizes that are not 1 agree on it. */
function broadcast(shapes: Dims[]): Dims {
  const rank = Math.max(...shapes.map((dims) => dims.length));
  return Array.from({ length: rank }, (_, k) => {
    const sizes = shapes.map((dims) => (k < rank - dims.length ? 1 : dims[k - (rank - dims.length)]));
    if (sizes.some((size) => size === undefined)) {
      // An unknown size broadcast against a known one other than 1 is that one (or the graph is invalid).
      return sizes.find((size) => size !== undefined && size !== 1);
    }
    return Math.max(...(sizes as number[]));
  });
}

function matmul(a: Dims | undefined, b: Dims | undefined): Dims | undefined {
  if (!a || !b || a.length === 0 || b.length === 0) return undefined;
  const left = a.length === 1 ? [1, a[0]] : a;
  const right = b.length === 1 ? [b[0], 1] : b;
  const batch = broadcast([left.slice(0, -2), right.slice(0, -2)]);
  return [...batch, ...(a.length === 1 ? [] : [left.at(-2)]), ...(b.length === 1 ? [] : [right.at(-1)])];
}

/** Slice's output dims: the sliced axes' sizes are computed where the input size and the bounds are constant. */
function sliced(node: NodeProto, opset: number, x: Dims, constant: (k: number) => number[] | undefined): Dims {
  const attribute = (name: string) => node.attribute?.find((candidate) => candidate.name === name)?.ints?.map(int);
  const [starts, ends, axes, steps] =
    opset < 10
      ? [attribute('starts'), attribute('ends'), attribute('axes'), undefined]
      : [
          constant(1),
          constant(2),
          node.input?.[3] ? constant(3) : undefined,
          node.input?.[4] ? constant(4) : undefined,
        ];
  const slicedAxes = axes ?? starts?.map((_, k) => k);
  const known = starts && ends && slicedAxes && (opset < 10 || !node.input?.[3] || axes) && (!node.input?.[4] || steps);
  if (!known) {
    // Which axes change is not static: every dim may.
    return x.map(() => undefined);
  }
  const out = [...x];
  slicedAxes.forEach((given, k) => {
    const axis = normalize(given, x.length);
    const size = x[axis];
    const step = steps?.[k] ?? 1;
    if (size === undefined || step === 0) {
      out[axis] = undefined;
      return;
    }
    const clamp = (value: number, low: number, high: number) =>
      Math.min(Math.max(value < 0 ? value + size : value, low), high);
    const start = step > 0 ? clamp(starts[k]!, 0, size) : clamp(starts[k]!, 0, size - 1);
    const end = step > 0 ? clamp(ends[k]!, 0, size) : clamp(ends[k]!, -1, size - 1);
    out[axis] = Math.max(0, Math.ceil((end - start) / step));
  });
  return out;
}
