/**
 * Computing only the row of the last layer that the classifier reads.
 *
 * A BERT-family classifier pools the [CLS] row of the last hidden states (`Gather(hidden, 0, axis=1)`, or a
 * `Slice` of rows 0:1), so in
 * the last layer only that row's query, attention output, LayerNorms and feed-forward matter (keys and values
 * need every row). The exported graph computes all rows, and so does its derivative: for DistilBERT that is ~12%
 * of the arithmetic of a forward-and-backward pass, spent on values nobody reads.
 *
 * This pass walks back from the pooled tensor through ops that treat the rows of one axis independently
 * (element-wise ops with broadcasting, LayerNorm, softmax and reductions over other axes, the left rows of a matrix
 * product, transposes, and reshapes that only split or merge later axes), and makes every node whose outputs
 * are only needed at row 0 compute that row alone: its outputs keep their names with size 1 along that axis.
 * An input that is also needed whole (the last layer's input feeds the keys and values; the attention scores'
 * shape feeds the mask) is read through a `Slice` by the narrowed consumers. Shapes stay dynamic (the exporters'
 * reshapes use −1 for the sequence axis). An op not recognised stops the walk, which only means less is saved.
 */
import { GraphIndex } from '../onnx/graph.js';
import { DataType, int, type GraphProto, type NodeProto, type TensorProto } from '../onnx/proto.js';
import { softmaxDefaultAxis } from '../onnx/opset.js';
import { Emitter } from './emitter.js';
import type { Dims } from './shapes.js';

/** Ops whose output row i (along any axis) depends only on row i of each input, after broadcasting. */
const ROW_WISE = new Set([
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'Where',
  'Erf',
  'Sqrt',
  'Relu',
  'Tanh',
  'Exp',
  'Neg',
  'Cast',
  'Identity',
  'IsNaN',
  'IsInf',
  'Not',
  'Log',
  'Sigmoid',
  'Abs',
  'Reciprocal',
  'Sign',
  'Clip',
  'Max',
  'Min',
  'Sum',
]);

/** Per input, the axis of which the node needs row 0 only, or undefined for the whole input. */
type InputRows = (number | undefined)[];

/**
 * The graph with the rows its pooled output never reads left out, or the graph itself when it does not pool
 * row 0. `dims` holds the static dims of every tensor (`probeShapes`).
 */
export function narrowToPooledRow(graph: GraphProto, dims: ReadonlyMap<string, Dims>, opset: number): GraphProto {
  const index = new GraphIndex(graph);
  const nodes = graph.node ?? [];
  const pooling = nodes.find((node) => isRowZeroGather(node, index, dims) || isRowZeroSlice(node, index, dims));
  if (!pooling) return graph;
  const graphOutputs = new Set((graph.output ?? []).map((output) => output.name ?? ''));

  // What the consumers processed so far ask of each tensor; consumers come later in the (topological) node
  // order, so walking the nodes backwards sees every consumer of a tensor before its producer.
  const asks = new Map<string, (number | undefined)[]>();
  const ask = (tensor: string, axis: number | undefined) => asks.set(tensor, [...(asks.get(tensor) ?? []), axis]);
  ask(pooling.input![0]!, 1);
  const narrowed = new Map<NodeProto, { axis: number; inputs: InputRows }>();
  for (let i = nodes.length - 1; i >= 0; i -= 1) {
    const node = nodes[i]!;
    if (node === pooling) continue;
    const axis = commonRow(node);
    const inputs = axis === undefined ? undefined : inputRows(node, axis, dims, index, opset);
    if (axis !== undefined && inputs) {
      narrowed.set(node, { axis, inputs });
      (node.input ?? []).forEach((input, k) => input && ask(input, inputs[k]));
    } else {
      for (const input of node.input ?? []) if (input) ask(input, undefined);
    }
  }
  if (narrowed.size === 0) return graph;

  /** The axis every consumer of every used output asks row 0 of, or undefined. */
  function commonRow(node: NodeProto): number | undefined {
    const used = (node.output ?? []).filter((output) => graphOutputs.has(output) || asks.has(output));
    const demands = used.flatMap((output) => (graphOutputs.has(output) ? [undefined] : asks.get(output)!));
    const axis = demands[0];
    return demands.length > 0 && demands.every((demand) => demand === axis) ? axis : undefined;
  }

  const narrowedTensors = new Set([...narrowed.keys()].flatMap((node) => node.output ?? []));
  const emit = new Emitter('xai/row', opset);
  const slices = new Map<string, string>();
  const rowOf = (tensor: string, axis: number) => {
    const key = `${tensor}@${axis}`;
    let slice = slices.get(key);
    if (!slice) {
      slice = emit.op('Slice', [tensor, emit.int64([0]), emit.int64([1]), emit.int64([axis])]);
      slices.set(key, slice);
    }
    return slice;
  };
  const rewired = nodes.map((node) => {
    const plan = narrowed.get(node);
    if (!plan) return node;
    const input = (node.input ?? []).map((tensor, k) => {
      const axis = plan.inputs[k];
      return !tensor || axis === undefined || narrowedTensors.has(tensor) ? tensor : rowOf(tensor, axis);
    });
    return { ...node, input };
  });
  // Each Slice right after the producer of its input (first, for graph inputs and initializers).
  const producedAt = new Map<string, number>();
  rewired.forEach((node, i) => (node.output ?? []).forEach((output) => producedAt.set(output, i)));
  const after: NodeProto[][] = rewired.map(() => []);
  const first: NodeProto[] = [];
  for (const slice of emit.nodes) {
    const at = producedAt.get(slice.input![0]!);
    (at === undefined ? first : after[at]!).push(slice);
  }
  return {
    ...graph,
    node: [...first, ...rewired.flatMap((node, i) => [node, ...after[i]!])],
    initializer: [...(graph.initializer ?? []), ...emit.initializers],
    // Declared shapes of narrowed tensors no longer hold.
    valueInfo: (graph.valueInfo ?? []).filter((info) => !narrowedTensors.has(info.name ?? '')),
  };
}

/**
 * For a node whose outputs are only needed at row 0 of `axis`: per input, the axis of which it needs row 0
 * (undefined: the whole input, such as a broadcast bias or the right operand of a product), or undefined when
 * the node mixes rows along `axis` or is not recognised.
 */
function inputRows(
  node: NodeProto,
  axis: number,
  dims: ReadonlyMap<string, Dims>,
  index: GraphIndex,
  opset: number,
): InputRows | undefined {
  if (node.domain && node.domain !== 'ai.onnx') return undefined; // a contrib kernel: not known to keep rows apart
  const op = node.opType ?? '';
  const inputs = node.input ?? [];
  const outRank = dims.get(node.output?.[0] ?? '')?.length;
  if (outRank === undefined) return undefined;
  const aligned = (input: string): number | undefined => {
    const inputDims = dims.get(input);
    const at = inputDims ? axis - (outRank - inputDims.length) : -1;
    return at < 0 || inputDims![at] === 1 ? undefined : at; // broadcast along the axis: needed whole
  };
  if (ROW_WISE.has(op)) return inputs.map(aligned);
  if (op === 'LayerNormalization' || op === 'Softmax') {
    const given = node.attribute?.find((attribute) => attribute.name === 'axis');
    const along = given ? int(given.i) : op === 'Softmax' ? softmaxDefaultAxis(opset) : -1;
    // Normalized over the axes from `along` on (before opset 13 a Softmax flattens them: the same rows stay
    // independent): rows along an earlier axis are independent.
    if (axis >= (along < 0 ? along + outRank : along)) return undefined;
    return inputs.map((input, k) => (k === 0 ? aligned(input) : undefined));
  }
  if (op === 'ReduceMean' || op === 'ReduceSum') {
    const keepdims = node.attribute?.find((attribute) => attribute.name === 'keepdims');
    const attribute = node.attribute?.find((candidate) => candidate.name === 'axes')?.ints?.map(int);
    const axes = (attribute ?? int64Values(constantTensor(index, inputs[1] ?? '')))?.map((a) =>
      a < 0 ? a + outRank : a,
    );
    // Reduced over other axes, dims kept: the rows along `axis` stay independent.
    if ((keepdims && int(keepdims.i) === 0) || !axes || axes.length === 0 || axes.includes(axis)) return undefined;
    return inputs.map((input, k) => (k === 0 ? aligned(input) : undefined));
  }
  if (op === 'MatMul') {
    const left = dims.get(inputs[0] ?? '')?.length;
    // Rows of a product are rows of its left operand (batch axes would need both operands: not handled).
    return axis === outRank - 2 && left !== undefined && left >= 2 ? [left - 2, undefined] : undefined;
  }
  if (op === 'Transpose') {
    const perm = node.attribute?.find((attribute) => attribute.name === 'perm')?.ints?.map(int);
    return perm ? [perm[axis]] : undefined;
  }
  if (op === 'Reshape') return keepsAxis(node, axis, dims, index) ? [axis, undefined] : undefined;
  return undefined;
}

/**
 * A reshape that only splits or merges the axes after `axis` (heads ↔ hidden): its target shape is a Concat
 * with a constant −1 at element `axis` (the Concat's pieces may hold several elements each, as
 * `Concat(Shape(x)[:2], [−1])` does for ALBERT's `flatten(2)`), and the static sizes after `axis` multiply to the
 * same total on both sides.
 */
function keepsAxis(node: NodeProto, axis: number, dims: ReadonlyMap<string, Dims>, index: GraphIndex): boolean {
  const [data, shape] = node.input ?? [];
  const concat = index.producer.get(shape ?? '');
  if (concat?.opType !== 'Concat') return false;
  // The piece holding element `axis` of the target shape: every piece before it must have a known length.
  let start = 0;
  let piece: string | undefined;
  for (const input of concat.input ?? []) {
    const length = dims.get(input)?.[0];
    if (length === undefined) return false;
    if (axis < start + length) {
      piece = input;
      break;
    }
    start += length;
  }
  const value = piece === undefined ? undefined : int64Values(constantTensor(index, piece));
  if (value?.length !== 1 || value[0] !== -1) return false;
  const trailing = (tensor: string) => {
    const sizes = dims.get(tensor)?.slice(axis + 1);
    return sizes?.every((size) => size !== undefined) ? sizes.reduce<number>((p, size) => p * size!, 1) : undefined;
  };
  const before = trailing(data ?? '');
  return before !== undefined && before === trailing(node.output?.[0] ?? '');
}

/** `Gather(x, 0, axis=1)` of a rank-3 tensor with a constant scalar index: the [CLS] pooling. */
function isRowZeroGather(node: NodeProto, index: GraphIndex, dims: ReadonlyMap<string, Dims>): boolean {
  const axis = node.attribute?.find((attribute) => attribute.name === 'axis');
  if (node.opType !== 'Gather' || !axis || int(axis.i) !== 1) return false;
  const indices = constantTensor(index, node.input?.[1] ?? '');
  if (dims.get(node.input?.[0] ?? '')?.length !== 3 || !indices || (indices.dims ?? []).length !== 0) return false;
  const value = int64Values(indices);
  return value?.length === 1 && value[0] === 0;
}

/**
 * `Slice(x, [0], [1], [1])` of a rank-3 tensor (steps absent or 1): the first row kept as `batch × 1 × dim`, as
 * `hidden[:, :1]` exports. Slicing 0:1 of the narrowed, one-row tensor is still that row.
 */
function isRowZeroSlice(node: NodeProto, index: GraphIndex, dims: ReadonlyMap<string, Dims>): boolean {
  const [data, starts, ends, axes, steps] = node.input ?? [];
  if (node.opType !== 'Slice' || dims.get(data ?? '')?.length !== 3 || !axes) return false;
  const value = (name: string | undefined) => (name ? int64Values(constantTensor(index, name)) : undefined);
  const axis = value(axes);
  const step = steps ? value(steps) : [1];
  return (
    axis?.length === 1 &&
    (axis[0] === 1 || axis[0] === -2) &&
    value(starts)?.join() === '0' &&
    value(ends)?.join() === '1' &&
    step?.join() === '1'
  );
}

/** An initializer or the value of a Constant node. */
function constantTensor(index: GraphIndex, name: string): TensorProto | null | undefined {
  const producer = index.producer.get(name);
  if (!producer) return index.initializers.get(name);
  return producer.opType === 'Constant'
    ? producer.attribute?.find((attribute) => attribute.name === 'value')?.t
    : undefined;
}

function int64Values(tensor: TensorProto | null | undefined): number[] | undefined {
  if (tensor?.dataType !== DataType.INT64) return undefined;
  const raw = tensor.rawData;
  if (raw && raw.byteLength > 0) {
    return Array.from(new BigInt64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)), Number);
  }
  return tensor.int64Data?.map(int);
}
