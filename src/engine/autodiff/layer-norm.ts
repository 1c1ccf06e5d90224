/**
 * Whether the word embeddings reach a LayerNorm through additions only (word + position [+ type] embeddings,
 * then LayerNorm, as in every BERT-family encoder). If so, ∂f/∂inputs_embeds equals the gradient at the
 * LayerNorm's input, which sums to exactly zero over the normalized (hidden) axis: any raw gradient summed
 * over the hidden dimension is rounding noise for such a model (see methods.md, "A trap the references fall into").
 *
 * And whether nothing is added at all (DeBERTa-v2/v3: no absolute position embeddings, no token types): then
 * the LayerNorm sees the word embeddings alone, scaled at most (a bias-free projection, a constant factor), and
 * LayerNorm(c·x) = LayerNorm(x) for every c > 0 up to its ε. So f is constant along each embedding's own direction:
 * ∂f/∂E_i is orthogonal to E_i, Σ_d E_{i,d}·∂f/∂E_{i,d} is zero up to rounding (and ε), and on a straight path
 * from a zero row f only changes near α ≈ 0.
 */
import { GraphIndex } from '../onnx/graph.js';
import { intConstant } from '../onnx/opset.js';
import { int, type GraphProto, type NodeProto } from '../onnx/proto.js';
import { INPUTS_EMBEDS } from '../onnx/surgery.js';

export function embeddingsFeedLayerNorm(graph: GraphProto): boolean {
  return walkToLayerNorm(graph, false) !== undefined;
}

/** Whether the embeddings LayerNorm's input is the word-embedding lookup alone (scaled at most): see above. */
export function embeddingsAloneFeedLayerNorm(graph: GraphProto): boolean {
  return walkToLayerNorm(graph, true) === 0;
}

/**
 * Follows inputs_embeds to a LayerNorm through Adds and, with `linear`, through ops that only map it linearly
 * (MatMul by a constant matrix, Mul by a constant; they keep LayerNorm's scale invariance in x but not the zero sum
 * of the gradient over x's hidden axis): the number of Adds on the way, or undefined when no LayerNorm is reached.
 */
function walkToLayerNorm(graph: GraphProto, linear: boolean): number | undefined {
  const index = new GraphIndex(graph);
  let tensor = INPUTS_EMBEDS;
  let adds = 0;
  for (;;) {
    // Shape readers (sequence length for position ids) do not use the values.
    const users = index.usersOf(tensor).filter((user) => user.opType !== 'Shape');
    if (users.length === 1 && users[0]!.opType === 'Add') {
      tensor = users[0]!.output?.[0] ?? '';
      adds += 1;
      continue;
    }
    if (linear && users.length === 1 && isLinear(users[0]!, tensor, index)) {
      tensor = users[0]!.output?.[0] ?? '';
      continue;
    }
    return users.length > 0 && users.every((user) => isLayerNormStart(user, tensor, index, users)) ? adds : undefined;
  }
}

/** `x·W` with W a constant matrix (a bias-free projection) or `x·c` with c a constant: linear in x. */
function isLinear(user: NodeProto, tensor: string, index: GraphIndex): boolean {
  const [left, right] = (user.input ?? []).map((input) => index.sourceOf(input));
  if (user.opType === 'MatMul') return left === tensor && right !== undefined && index.initializers.has(right);
  if (user.opType !== 'Mul') return false;
  const other = left === tensor ? right : right === tensor ? left : undefined;
  const constant = other === undefined ? undefined : index.producer.get(other);
  return other !== undefined && (index.initializers.has(other) || constant?.opType === 'Constant');
}

/** The LayerNormalization op, or the exporter's decomposition: mean over the last axis, subtracted from x. */
function isLayerNormStart(user: NodeProto, tensor: string, index: GraphIndex, users: NodeProto[]): boolean {
  if (user.opType === 'LayerNormalization')
    return users.length === 1 && index.sourceOf(user.input?.[0] ?? '') === tensor;
  if (user.opType === 'ReduceMean') {
    // Axes as an attribute, or (from opset 18) as a constant input.
    const axes =
      user.attribute?.find((attribute) => attribute.name === 'axes')?.ints?.map(int) ??
      intConstant(index, user.input?.[1]);
    return axes?.length === 1 && axes[0] === -1;
  }
  if (user.opType === 'Sub') {
    const [left, right] = (user.input ?? []).map((input) => index.sourceOf(input));
    const mean = index.producer.get(right ?? '');
    return left === tensor && mean?.opType === 'ReduceMean' && users.includes(mean);
  }
  return false;
}
