/**
 * Graphs whose structure the explainers that read inside the model cannot use, recognized by their ops before
 * any surgery, so that the reason given is the real one (not a failed pattern match or a shape probe):
 *
 * - graphs fused by onnxruntime's transformer optimizer: one com.microsoft kernel (`Attention`,
 *   `MultiHeadAttention`, …) computes a whole attention block, so its probabilities never exist as a tensor;
 *   `EmbedLayerNormalization` looks the word embeddings up inside one kernel, so no `inputs_embeds` graph can be
 *   cut; and none of these kernels (nor `SkipLayerNormalization`, `BiasGelu`, `FastGelu`, …) has a gradient rule;
 * - quantized exports (`MatMulInteger`, `DynamicQuantizeLinear`, `MatMulNBits`, `QLinearMatMul`, …): their
 *   integer paths carry no gradient, and their attention maps would be those of an approximation of the model.
 *
 * Predictions and the perturbation methods (SHAP, LIME, occlusion, metrics) run on any graph onnxruntime runs.
 */
import type { GraphProto, NodeProto } from './proto.js';

/** com.microsoft kernels that compute an attention block (scores, softmax and context) in one node. */
const ATTENTION_KERNELS = new Set([
  'Attention',
  'MultiHeadAttention',
  'PackedAttention',
  'PackedMultiHeadAttention',
  'GroupQueryAttention',
  'SparseAttention',
  'LongformerAttention',
  'DecoderAttention',
  'DecoderMaskedSelfAttention',
  'DecoderMaskedMultiHeadAttention',
  'QAttention',
  'QOrderedAttention',
  'QOrderedLongformerAttention',
]);

/** Ops of quantized graphs, in the default domain or com.microsoft. */
const QUANTIZED = new Set([
  'MatMulInteger',
  'ConvInteger',
  'DynamicQuantizeLinear',
  'QuantizeLinear',
  'DequantizeLinear',
  'QLinearMatMul',
  'QLinearConv',
  'QLinearAdd',
  'QLinearMul',
  'QLinearSoftmax',
  'QLinearConcat',
  'QLinearWhere',
  'QGemm',
  'QAttention',
  'QOrderedMatMul',
  'QOrderedAttention',
  'MatMulNBits',
  'MatMulBnb4',
  'MatMulFpQ4',
  'MatMulIntegerToFloat',
  'DynamicQuantizeMatMul',
  'GatherBlockQuantized',
]);

/** The ops that only convert between float and integer tensors. */
const QUANTIZERS = new Set(['DynamicQuantizeLinear', 'QuantizeLinear', 'DequantizeLinear']);

/** The op and its domain, as messages name it: `MatMulNBits (com.microsoft)`. */
function opName(node: NodeProto): string {
  const domain = node.domain && node.domain !== 'ai.onnx' ? ` (${node.domain})` : '';
  return `${node.opType ?? '?'}${domain}`;
}

const isDefaultDomain = (node: NodeProto): boolean => !node.domain || node.domain === 'ai.onnx';

export interface GraphRefusals {
  attentions?: string;
  embeds?: string;
  gradients?: string;
}

/** The oldest opset whose forms the inputs_embeds cut (Slice with inputs) and the reverse pass (Pad) write. */
export const MIN_DERIVED_OPSET = 11;

/**
 * Why attention maps, the inputs_embeds cut or gradients cannot be derived from `graph` (of default-domain
 * opset `opset`), for each that cannot.
 */
export function graphRefusals(graph: GraphProto, opset: number): GraphRefusals {
  const nodes = graph.node ?? [];
  const refusals: GraphRefusals = {};
  if (opset < MIN_DERIVED_OPSET) {
    refusals.embeds =
      `the model uses ONNX opset ${opset}; the inputs_embeds graph needs opset ${MIN_DERIVED_OPSET} or later ` +
      '(export with a newer opset_version)';
  }
  const attention = nodes.find((node) => !isDefaultDomain(node) && ATTENTION_KERNELS.has(node.opType ?? ''));
  // The quantized product (MatMulInteger, MatMulNBits, …) names the graph better than the quantizers around it.
  const quantized =
    nodes.find((node) => QUANTIZED.has(node.opType ?? '') && !QUANTIZERS.has(node.opType ?? '')) ??
    nodes.find((node) => QUANTIZED.has(node.opType ?? ''));
  const embedding = nodes.find((node) => !isDefaultDomain(node) && node.opType === 'EmbedLayerNormalization');
  // Any other kernel of onnxruntime's own domain is one of its fusions (SkipLayerNormalization, BiasGelu,
  // FastGelu, Gelu, FusedMatMul, …): exported graphs use the default domain only.
  const fused = nodes.find((node) => node.domain === 'com.microsoft');

  if (attention) {
    refusals.attentions =
      `fused ${opName(attention)} hides the attention probabilities: one kernel computes the whole attention ` +
      'block (a graph optimized by onnxruntime’s transformer optimizer); attention maps need the unfused export';
  } else if (quantized) {
    refusals.attentions =
      `the graph is quantized (it has ${opName(quantized)}): its attention maps would be those of a quantized ` +
      'approximation of the model; attention maps need the fp32 export';
  }
  if (embedding) {
    refusals.embeds ??=
      `fused ${opName(embedding)} looks the word embeddings up inside one kernel: no inputs_embeds graph can be ` +
      'cut from it; gradient methods need the unfused export';
  }
  if (quantized) {
    refusals.gradients =
      `gradient methods unavailable for this model: no gradient rule for ${opName(quantized)}: the graph is ` +
      'quantized (integer weights or activations); gradient methods need the fp32 export';
  } else if (fused) {
    refusals.gradients =
      `gradient methods unavailable for this model: no gradient rule for ${opName(fused)}, a kernel fused by ` +
      'onnxruntime’s transformer optimizer; gradient methods need the unfused export';
  } else if (refusals.embeds) {
    refusals.gradients = `gradient methods unavailable for this model: ${refusals.embeds}`;
  }
  return refusals;
}
