/**
 * Whether the word embeddings reach a LayerNorm through additions only (word + position [+ type] embeddings,
 * then LayerNorm, as in every BERT-family encoder). If so, ∂f/∂inputs_embeds equals the gradient at the
 * LayerNorm's input, which sums to exactly zero over the normalized (hidden) axis: any raw gradient summed
 * over the hidden dimension is rounding noise for such a model (see methods.md, "A trap the references fall into").
 */
import { GraphIndex } from '../onnx/graph.js';
import { intConstant } from '../onnx/opset.js';
import { int, type GraphProto, type NodeProto } from '../onnx/proto.js';
import { INPUTS_EMBEDS } from '../onnx/surgery.js';

export function embeddingsFeedLayerNorm(graph: GraphProto): boolean {
  const index = new GraphIndex(graph);
  let tensor = INPUTS_EMBEDS;
  for (;;) {
    // Shape readers (sequence length for position ids) do not use the values.
    const users = index.usersOf(tensor).filter((user) => user.opType !== 'Shape');
    if (users.length === 1 && users[0]!.opType === 'Add') {
      tensor = users[0]!.output?.[0] ?? '';
      continue;
    }
    return users.length > 0 && users.every((user) => isLayerNormStart(user, tensor, index, users));
  }
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
