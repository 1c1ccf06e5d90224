/**
 * Graph surgery on an exported classifier: derive the graphs the explainers need from the one the user has.
 * Everything is found by structure (which op feeds which), never by node names, which differ per exporter.
 * Derived models share the original's initializers (shallow copies): nothing is duplicated in memory.
 */
import { GraphIndex } from './graph.js';
import {
  DataType,
  dims,
  floatData,
  onnx,
  opsetVersion,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './proto.js';

export const INPUT_IDS = 'input_ids';
export const INPUTS_EMBEDS = 'inputs_embeds';
export const ATTENTION_OUTPUT_PREFIX = 'attentions.';

export class UnsupportedGraphError extends Error {
  override name = 'UnsupportedGraphError';
}

/**
 * The attention-probability tensors in layer order: each Softmax whose output is the left operand of a MatMul
 * (probabilities × values), directly or through reshapes (DeBERTa multiplies `[batch·heads, n, n]` views of its
 * `[batch, heads, n, n]` probabilities with a bmm). Exported graphs list nodes topologically, so node order is
 * layer order.
 *
 * A `Where(c, 0, p)` between the Softmax and the MatMul zeroes entries of the map: torch 2.x's scaled-dot-product
 * export guards fully masked rows with `Where(IsNaN(p), 0, p)`, DeBERTa's XSoftmax zeroes the masked entries with
 * `Where(mask, 0, p)`. The map reported is then the zeroed one, what the values are actually weighted with (and
 * what transformers returns as DeBERTa's attentions).
 */
export function findAttentionProbabilities(graph: GraphProto): string[] {
  const index = new GraphIndex(graph);
  const found: string[] = [];
  /** Whether `tensor` is the left operand of a value MatMul, or is after at most `reshapes` reshapes. */
  const feedsValues = (tensor: string, reshapes = 2): boolean =>
    index.usersOf(tensor).some((user) => {
      if (index.sourceOf(user.input?.[0] ?? '') !== tensor) return false;
      if (user.opType === 'MatMul') return true;
      return user.opType === 'Reshape' && reshapes > 0 && feedsValues(user.output?.[0] ?? '', reshapes - 1);
    });
  for (const node of graph.node ?? []) {
    if (node.opType !== 'Softmax') continue;
    // Zeroing guards may follow one another (a mask, then a NaN guard): the last one the values read is the map.
    const chain = [node.output?.[0] ?? ''];
    for (let guard = zeroingGuards(index, chain.at(-1)!)[0]; guard; guard = zeroingGuards(index, guard)[0]) {
      chain.push(guard);
    }
    const tensor = chain.reverse().find((candidate) => feedsValues(candidate));
    if (tensor) found.push(tensor);
  }
  return found;
}

/**
 * Outputs of `Where(c, 0, p)` nodes over `p`: the same values where `c` is false, and 0 where it is true
 * (NaN guards: `c = IsNaN(p)`; DeBERTa: `c` the masked positions, where p was already 0 up to rounding).
 */
function zeroingGuards(index: GraphIndex, p: string): string[] {
  return index.usersOf(p).flatMap((user) => {
    const [condition, replacement, kept] = user.input ?? [];
    if (user.opType !== 'Where' || index.sourceOf(kept ?? '') !== p || index.sourceOf(condition ?? '') === p) return [];
    return isZero(index, replacement) ? [user.output?.[0] ?? ''] : [];
  });
}

/** Whether a tensor is a float constant (initializer or Constant node) whose every element is 0. */
function isZero(index: GraphIndex, name: string | undefined): boolean {
  if (!name) return false;
  const source = index.sourceOf(name);
  const producer = index.producer.get(source);
  const tensor =
    producer?.opType === 'Constant'
      ? producer.attribute?.find((attribute) => attribute.name === 'value')?.t
      : producer
        ? undefined
        : index.initializers.get(source);
  if (!tensor || tensor.dataType !== DataType.FLOAT) return false;
  return floatData(tensor).every((value) => value === 0);
}

/**
 * Adds every attention-probability tensor as a graph output named `attentions.<layer>`, as `batch × heads × n × n`:
 * a map found as `[batch·heads, n, n]` (a bmm's operand) is reshaped to that by the batch size of `input_ids`
 * (a `[batch, heads, n, n]` map passes the same reshape unchanged).
 */
export function withAttentionOutputs(model: ModelProto): { model: ModelProto; outputs: string[] } {
  const graph = requireGraph(model);
  const probabilities = findAttentionProbabilities(graph);
  if (probabilities.length === 0) {
    throw new UnsupportedGraphError('no self-attention found: no Softmax feeds an attention-value MatMul');
  }
  const outputs = probabilities.map((_, layer) => `${ATTENTION_OUTPUT_PREFIX}${layer}`);
  // (Slice takes its bounds as inputs from opset 10.)
  const hasIds = opsetVersion(model) >= 10 && (graph.input ?? []).some((input) => input.name === INPUT_IDS);
  const taps: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  if (hasIds) {
    // batch (from input_ids), −1 (heads), then the map's own last two sizes.
    const name = (what: string) => `xai/attention_tap/${what}`;
    initializers.push(
      int64Tensor(name('zero'), [0]),
      int64Tensor(name('one'), [1]),
      int64Tensor(name('minus_one'), [-1]),
      int64Tensor(name('minus_two'), [-2]),
      int64Tensor(name('end'), [Number.MAX_SAFE_INTEGER]),
    );
    taps.push(
      node('Shape', [INPUT_IDS], [name('ids_shape')], name('ids_shape')),
      node('Slice', [name('ids_shape'), name('zero'), name('one')], [name('batch')], name('batch')),
    );
  }
  probabilities.forEach((tensor, layer) => {
    const output = outputs[layer]!;
    if (!hasIds) return void taps.push(node('Identity', [tensor], [output], `xai/attention_tap_${layer}`));
    const name = (what: string) => `xai/attention_tap_${layer}/${what}`;
    taps.push(
      node('Shape', [tensor], [name('shape')], name('shape')),
      node(
        'Slice',
        [name('shape'), 'xai/attention_tap/minus_two', 'xai/attention_tap/end'],
        [name('square')],
        name('square'),
      ),
      {
        ...node(
          'Concat',
          ['xai/attention_tap/batch', 'xai/attention_tap/minus_one', name('square')],
          [name('target')],
          name('target'),
        ),
        attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }],
      },
      node('Reshape', [tensor, name('target')], [output], `xai/attention_tap_${layer}`),
    );
  });
  const derived: GraphProto = {
    ...graph,
    node: [...(graph.node ?? []), ...taps],
    initializer: [...(graph.initializer ?? []), ...initializers],
    // Rank and sizes are left to onnxruntime's inference: a wrong declared shape would only add warnings.
    output: [...(graph.output ?? []), ...outputs.map((name) => floatValueInfo(name))],
  };
  return { model: { ...model, graph: derived }, outputs };
}

export interface WordEmbeddings {
  /** `vocabSize × dim`, row-major. */
  matrix: Float32Array;
  vocabSize: number;
  dim: number;
}

/**
 * Cuts the graph at the word-embedding lookup: the result takes `inputs_embeds` (batch×n×dim, the looked-up
 * word vectors before position embeddings are added) in place of the lookup's output, and the embedding matrix
 * is returned for callers that build their own inputs (gradients, baselines).
 *
 * Readers of only the ids' shape (BERT's position ids and token types) read `inputs_embeds`' shape instead, and
 * `input_ids` is dropped. Readers of the ids' values (RoBERTa's position ids, `cumsum(ids ≠ pad)`) keep reading
 * them: `input_ids` then stays an input, fed alongside the embeddings, and carries no gradient.
 */
export function withInputsEmbeds(model: ModelProto): { model: ModelProto; embeddings: WordEmbeddings } {
  const graph = requireGraph(model);
  const index = new GraphIndex(graph);
  const lookup = findWordEmbeddingLookup(graph, index);
  const [vocabSize, dim] = dims(lookup.matrix) as [number, number];

  const removed = new Set<NodeProto>([lookup.gather, ...lookup.casts]);
  const added: NodeProto[] = [
    node('Identity', [INPUTS_EMBEDS], [lookup.gather.output?.[0] ?? ''], 'xai/inputs_embeds'),
  ];

  // input_ids may still be read for its shape (position ids, masks); the same batch×n comes from inputs_embeds.
  const otherReaders = index.consumersOf(INPUT_IDS).filter((consumer) => !removed.has(consumer));
  const shapeReaders = otherReaders.filter((reader) => reader.opType === 'Shape');
  const keepsIds = shapeReaders.length < otherReaders.length;
  const addedInitializers: TensorProto[] = [];
  if (shapeReaders.length > 0) {
    const embedsShape = 'xai/inputs_embeds_shape';
    added.push(node('Shape', [INPUTS_EMBEDS], [embedsShape], 'xai/inputs_embeds_shape'));
    for (const [i, reader] of shapeReaders.entries()) {
      const { start, end } = shapeRange(reader, 2);
      const names = [`xai/ids_shape_${i}_starts`, `xai/ids_shape_${i}_ends`];
      addedInitializers.push(int64Tensor(names[0]!, [start]), int64Tensor(names[1]!, [end]));
      added.push(node('Slice', [embedsShape, ...names], [reader.output?.[0] ?? ''], `xai/ids_shape_${i}`));
      removed.add(reader);
    }
  }

  const matrixName = lookup.matrix.name ?? '';
  const matrixStillUsed = index.consumersOf(matrixName).some((consumer) => !removed.has(consumer));
  const idsInput = graph.input?.find((input) => input.name === INPUT_IDS);
  const idsDims = idsInput?.type?.tensorType?.shape?.dim ?? [];
  const dimName = (i: number, fallback: string): string => idsDims[i]?.dimParam || fallback;

  const derived: GraphProto = {
    ...graph,
    node: [...added, ...(graph.node ?? []).filter((candidate) => !removed.has(candidate))],
    input: [
      floatValueInfo(INPUTS_EMBEDS, [dimName(0, 'batch_size'), dimName(1, 'sequence_length'), dim]),
      ...(graph.input ?? []).filter((input) => keepsIds || input.name !== INPUT_IDS),
    ],
    initializer: [
      ...(graph.initializer ?? []).filter((tensor) => matrixStillUsed || tensor.name !== matrixName),
      ...addedInitializers,
    ],
  };
  return {
    model: { ...model, graph: derived },
    embeddings: { matrix: floatData(lookup.matrix), vocabSize, dim },
  };
}

/** The Gather that looks `input_ids` up in a 2-D float initializer, plus any Casts between them. */
function findWordEmbeddingLookup(
  graph: GraphProto,
  index: GraphIndex,
): { gather: NodeProto; matrix: TensorProto; casts: NodeProto[] } {
  const candidates = (graph.node ?? []).filter((candidate) => {
    if (candidate.opType !== 'Gather') return false;
    const matrix = index.initializers.get(candidate.input?.[0] ?? '');
    return (
      matrix !== undefined && dims(matrix).length === 2 && index.sourceOf(candidate.input?.[1] ?? '') === INPUT_IDS
    );
  });
  if (candidates.length === 0) {
    // A lookup of input_ids from a computed table: a quantized export dequantizes its embeddings first.
    const computed = (graph.node ?? []).find(
      (candidate) => candidate.opType === 'Gather' && index.sourceOf(candidate.input?.[1] ?? '') === INPUT_IDS,
    );
    const table = computed && index.producer.get(index.sourceOf(computed.input?.[0] ?? ''));
    if (table) {
      throw new UnsupportedGraphError(
        `the word embeddings are looked up in the output of ${table.opType ?? '?'} (node ${table.name ?? '?'}), ` +
          'not in a float initializer (a quantized export?): no inputs_embeds graph can be cut',
      );
    }
  }
  if (candidates.length !== 1) {
    throw new UnsupportedGraphError(
      candidates.length === 0
        ? 'no word-embedding lookup found (a Gather of input_ids from a 2-D initializer)'
        : `ambiguous word-embedding lookup: ${candidates.length} Gathers read input_ids`,
    );
  }
  const gather = candidates[0]!;
  const matrix = index.initializers.get(gather.input?.[0] ?? '')!;
  if (matrix.dataType !== DataType.FLOAT) {
    throw new UnsupportedGraphError(`the word-embedding matrix ${matrix.name ?? ''} is not float32`);
  }
  const casts: NodeProto[] = [];
  for (
    let producer = index.producer.get(gather.input?.[1] ?? '');
    producer;
    producer = index.producer.get(producer.input?.[0] ?? '')
  ) {
    if (index.consumersOf(producer.output?.[0] ?? '').length > 1) break; // still needed by someone else
    casts.push(producer);
  }
  return { gather, matrix, casts };
}

/** The [start, end) range a Shape node reads (opset 15 added start/end attributes), normalized for `rank`. */
function shapeRange(shape: NodeProto, rank: number): { start: number; end: number } {
  const attribute = (name: string): number | undefined => {
    const found = shape.attribute?.find((candidate) => candidate.name === name);
    return found ? Number(found.i) : undefined;
  };
  const clamp = (value: number): number => Math.min(Math.max(value < 0 ? value + rank : value, 0), rank);
  return { start: clamp(attribute('start') ?? 0), end: clamp(attribute('end') ?? rank) };
}

function requireGraph(model: ModelProto): GraphProto {
  if (!model.graph) throw new UnsupportedGraphError('the ONNX file has no graph');
  return model.graph;
}

function node(opType: string, input: string[], output: string[], name: string): NodeProto {
  return { opType, input, output, name };
}

function int64Tensor(name: string, values: number[]): TensorProto {
  return { name, dataType: DataType.INT64, dims: [values.length], int64Data: values };
}

function floatValueInfo(name: string, shape?: (string | number)[]): ValueInfoProto {
  const dim = shape?.map((size) => (typeof size === 'number' ? { dimValue: size } : { dimParam: size }));
  return { name, type: { tensorType: { elemType: DataType.FLOAT, ...(dim ? { shape: { dim } } : {}) } } };
}
