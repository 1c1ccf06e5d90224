/**
 * LayerNorms as single LayerNormalization nodes that also output their mean and 1/σ, before differentiating.
 *
 * Exporters below opset 17 decompose LayerNorm into ReduceMean → Sub → Pow 2 → ReduceMean → Add ε → Sqrt →
 * Div → Mul γ → Add β. Differentiated op by op, that is some twenty extra passes over the hidden states per
 * LayerNorm (a slow Pow among them), and since the backward reads the intermediate tensors onnxruntime can no
 * longer fuse the forward either. One node runs as one kernel, and its rule reuses the saved statistics.
 * onnxruntime accepts LayerNormalization at every opset, as its own LayerNorm fusion emits it.
 */
import { GraphIndex } from '../onnx/graph.js';
import { constantTensor, intConstant } from '../onnx/opset.js';
import { DataType, floatData, int, onnx, type GraphProto, type NodeProto } from '../onnx/proto.js';

const { AttributeType } = onnx.AttributeProto;

export function fuseLayerNorms(graph: GraphProto): GraphProto {
  const index = new GraphIndex(graph);
  const outputs = new Set((graph.output ?? []).map((output) => output.name ?? ''));
  const removed = new Set<NodeProto>();
  const fusedAt = new Map<NodeProto, NodeProto>();
  for (const node of graph.node ?? []) {
    if (node.opType !== 'ReduceMean') continue;
    const match = matchLayerNorm(node, index, outputs);
    if (!match) continue;
    for (const part of match.parts) removed.add(part);
    fusedAt.set(match.parts.at(-1)!, match.fused);
  }
  // Constants (2, ε) whose only users were fused away go too.
  for (const node of graph.node ?? []) {
    const users = index.consumersOf(node.output?.[0] ?? '');
    if (node.opType === 'Constant' && users.length > 0 && users.every((user) => removed.has(user))) removed.add(node);
  }
  const node = (graph.node ?? []).flatMap((candidate) => {
    const fused = fusedAt.get(candidate);
    if (fused) return [fused];
    return removed.has(candidate) ? [] : [withStatistics(candidate)];
  });
  return { ...graph, node };
}

/** A LayerNormalization node as given, but with its optional Mean and InvStdDev outputs named. */
function withStatistics(node: NodeProto): NodeProto {
  if (node.opType !== 'LayerNormalization' || (node.output ?? []).length >= 3) return node;
  const y = node.output![0]!;
  return { ...node, output: [y, `${y}/mean`, `${y}/inv_std_dev`] };
}

interface LayerNormMatch {
  /** The decomposition's nodes, in graph order; the last one produces the LayerNorm's output. */
  parts: NodeProto[];
  fused: NodeProto;
}

function matchLayerNorm(mean: NodeProto, index: GraphIndex, graphOutputs: Set<string>): LayerNormMatch | undefined {
  const x = mean.input?.[0] ?? '';
  const out = (node: NodeProto) => node.output?.[0] ?? '';
  /** The single consumer of `node`'s output, if it has that op type and the output is not a graph output. */
  const next = (node: NodeProto, opType: string): NodeProto | undefined => {
    const users = index.consumersOf(out(node));
    return users.length === 1 && users[0]!.opType === opType && !graphOutputs.has(out(node)) ? users[0] : undefined;
  };
  if (!isLastAxisMean(mean, index)) return undefined;
  const sub = next(mean, 'Sub');
  if (!sub || sub.input?.[0] !== x || sub.input?.[1] !== out(mean) || graphOutputs.has(out(sub))) return undefined;
  const users = index.consumersOf(out(sub));
  const square = users.find((user) => user.opType === 'Pow');
  const divide = users.find((user) => user.opType === 'Div');
  if (users.length !== 2 || !square || !divide || scalarConstant(index, square.input?.[1]) !== 2) return undefined;
  const variance = next(square, 'ReduceMean');
  const plusEpsilon = variance && isLastAxisMean(variance, index) ? next(variance, 'Add') : undefined;
  const epsilon =
    plusEpsilon &&
    scalarConstant(
      index,
      plusEpsilon.input?.find((input) => input !== out(variance!)),
    );
  const root = plusEpsilon && next(plusEpsilon, 'Sqrt');
  if (epsilon === undefined || !root || next(root, 'Div') !== divide || divide.input?.[0] !== out(sub))
    return undefined;
  const scale = next(divide, 'Mul');
  const shift = scale && next(scale, 'Add');
  const gamma =
    scale &&
    vectorInitializer(
      index,
      scale.input?.find((input) => input !== out(divide)),
    );
  const beta =
    shift &&
    vectorInitializer(
      index,
      shift.input?.find((input) => input !== out(scale!)),
    );
  if (!gamma || !beta) return undefined;
  const y = out(shift!);
  return {
    parts: [mean, sub, square, variance!, plusEpsilon!, root, divide, scale!, shift!],
    fused: {
      opType: 'LayerNormalization',
      name: `${mean.name ?? y}/fused`,
      input: [x, gamma, beta],
      output: [y, `${y}/mean`, `${y}/inv_std_dev`],
      attribute: [
        { name: 'axis', type: AttributeType.INT, i: -1 },
        { name: 'epsilon', type: AttributeType.FLOAT, f: epsilon },
      ],
    },
  };
}

/** ReduceMean over the last axis only, keeping it (axes as attribute, or from opset 18 as a constant input). */
function isLastAxisMean(node: NodeProto, index: GraphIndex): boolean {
  const keepdims = node.attribute?.find((attribute) => attribute.name === 'keepdims');
  if (keepdims && int(keepdims.i) === 0) return false;
  const attribute = node.attribute?.find((candidate) => candidate.name === 'axes')?.ints?.map(int);
  const axes = attribute ?? intConstant(index, node.input?.[1]);
  return axes?.length === 1 && axes[0] === -1;
}

/** A float32 initializer of rank 1 (γ, β), by name. */
function vectorInitializer(index: GraphIndex, name: string | undefined): string | undefined {
  const tensor = name ? index.initializers.get(name) : undefined;
  return tensor?.dataType === DataType.FLOAT && tensor.dims?.length === 1 ? name : undefined;
}

/** The value of a one-element float constant (initializer or Constant node), or undefined. */
function scalarConstant(index: GraphIndex, name: string | undefined): number | undefined {
  const tensor = constantTensor(index, name);
  if (tensor?.dataType !== DataType.FLOAT) return undefined;
  const values = floatData(tensor);
  return values.length === 1 ? values[0] : undefined;
}
