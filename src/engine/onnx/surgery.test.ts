import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DerivedGraphs } from '../model/derived-graphs.js';
import { sessionOptions } from '../model/bundle.js';
import { DataType, encodeModel, type ModelProto, type NodeProto } from './proto.js';
import { findAttentionProbabilities, INPUTS_EMBEDS, withAttentionOutputs, withInputsEmbeds } from './surgery.js';
import {
  floatTensor,
  int64Tensor,
  LOGITS_OUTPUT,
  meanOverTokens,
  node,
  onnxModel,
  tensorInput,
} from './test-graphs.js';

/**
 * A one-layer, one-head "classifier" written by hand: word lookup, a shape-only use of input_ids (as position
 * ids are built in exported BERTs), self-attention with a Softmax feeding the value MatMul, mean pool, linear.
 */
const VOCAB = 5;
const DIM = 3;
const EMBEDDINGS = [0.1, -0.2, 0.3, 0.5, 0.4, -0.1, -0.3, 0.2, 0.6, 0.9, -0.5, 0.05, 0.0, 0.7, -0.4];
const HEAD = [0.2, -0.1, 0.4, 0.3, -0.6, 0.5];

function tinyClassifier(extraNodes: NodeProto[] = []): ModelProto {
  return onnxModel({
    name: 'tiny',
    input: [tensorInput('input_ids', DataType.INT64), tensorInput('attention_mask', DataType.INT64)],
    output: [LOGITS_OUTPUT],
    initializer: [
      floatTensor('E', [VOCAB, DIM], EMBEDDINGS),
      floatTensor('W', [DIM, 2], HEAD),
      int64Tensor('axis2', [2]),
    ],
    node: [
      node('Gather', ['E', 'input_ids'], 'words'),
      node('Shape', ['input_ids'], 'ids_shape'),
      node('ConstantOfShape', ['ids_shape'], 'zeros', [{ name: 'value', type: 4, t: floatTensor('', [1], [0]) }]),
      node('Unsqueeze', ['zeros', 'axis2'], 'zeros3'),
      node('Add', ['words', 'zeros3'], 'x'),
      node('Transpose', ['x'], 'xt', [{ name: 'perm', type: 7, ints: [0, 2, 1] }]),
      node('MatMul', ['x', 'xt'], 'scores'),
      node('Softmax', ['scores'], 'probs', [{ name: 'axis', type: 2, i: -1 }]),
      node('MatMul', ['probs', 'x'], 'context'),
      meanOverTokens('context', 'pooled'),
      node('MatMul', ['pooled', 'W'], 'logits'),
      ...extraNodes,
    ],
  });
}

/**
 * Words plus position vectors numbered from the ids as RoBERTa does, `cumsum(ids ≠ 0) · (ids ≠ 0)`, so that
 * padding (id 0) gets position 0 and the others count from 1: the ids are read for their values.
 */
function positionsFromIds(): ModelProto {
  return onnxModel({
    name: 'positions-from-ids',
    input: [tensorInput('input_ids', DataType.INT64), tensorInput('attention_mask', DataType.INT64)],
    output: [LOGITS_OUTPUT],
    initializer: [
      floatTensor('E', [VOCAB, DIM], EMBEDDINGS),
      floatTensor('P', [VOCAB, DIM], [...EMBEDDINGS].reverse()),
      floatTensor('W', [DIM, 2], HEAD),
      int64Tensor('pad', [0]),
      { name: 'axis1', dataType: DataType.INT64, dims: [], int64Data: [1] },
    ],
    node: [
      node('Gather', ['E', 'input_ids'], 'words'),
      node('Equal', ['input_ids', 'pad'], 'is_pad'),
      node('Not', ['is_pad'], 'is_token'),
      node('Cast', ['is_token'], 'ones', [{ name: 'to', type: 2, i: DataType.INT32 }]),
      node('CumSum', ['ones', 'axis1'], 'counts'),
      node('Mul', ['counts', 'ones'], 'numbered'),
      node('Cast', ['numbered'], 'positions', [{ name: 'to', type: 2, i: DataType.INT64 }]),
      node('Gather', ['P', 'positions'], 'position_vectors'),
      node('Add', ['words', 'position_vectors'], 'x'),
      meanOverTokens('x', 'pooled'),
      node('MatMul', ['pooled', 'W'], 'logits'),
    ],
  });
}

async function session(model: ModelProto): Promise<InferenceSession> {
  return InferenceSession.create(encodeModel(model));
}

const IDS = [1, 4, 2, 0];
const idFeeds = {
  input_ids: new Tensor('int64', BigInt64Array.from(IDS.map(BigInt)), [1, IDS.length]),
  attention_mask: new Tensor('int64', new BigInt64Array(IDS.length).fill(1n), [1, IDS.length]),
};

/** The attention probabilities of the tiny model, computed here directly from its definition. */
function expectedProbabilities(): number[] {
  const row = (id: number): number[] => EMBEDDINGS.slice(id * DIM, (id + 1) * DIM);
  const x = IDS.map(row);
  return x.flatMap((query) => {
    const scores = x.map((key) => key.reduce((sum, k, d) => sum + k * query[d]!, 0));
    const max = Math.max(...scores);
    const exps = scores.map((s) => Math.exp(s - max));
    const total = exps.reduce((a, b) => a + b, 0);
    return exps.map((e) => e / total);
  });
}

describe('findAttentionProbabilities', () => {
  it('finds the Softmax that feeds the attention-value MatMul', () => {
    expect(findAttentionProbabilities(tinyClassifier().graph!)).toEqual(['probs']);
  });

  it('ignores a Softmax that feeds no MatMul (e.g. over logits)', () => {
    const model = tinyClassifier([node('Softmax', ['logits'], 'p')]);
    expect(findAttentionProbabilities(model.graph!)).toEqual(['probs']);
  });

  it('reports the map after the Where(IsNaN(p), 0, p) guard of torch 2.x SDPA exports', () => {
    expect(findAttentionProbabilities(guarded(0).graph!)).toEqual(['guarded']);
  });

  it('does not look through a Where that replaces NaN by something other than 0', () => {
    expect(findAttentionProbabilities(guarded(1).graph!)).toEqual([]);
  });
});

/** tinyClassifier with the probabilities guarded as SDPA exports guard them, NaN replaced by `replacement`. */
function guarded(replacement: number): ModelProto {
  const model = tinyClassifier();
  const nodes = model.graph!.node!.map((n) =>
    n.opType === 'MatMul' && n.input?.[0] === 'probs' ? { ...n, input: ['guarded', n.input[1]!] } : n,
  );
  const at = nodes.findIndex((n) => n.opType === 'Softmax') + 1;
  nodes.splice(at, 0, node('IsNaN', ['probs'], 'nan'), node('Where', ['nan', 'replacement', 'probs'], 'guarded'));
  model.graph!.node = nodes;
  model.graph!.initializer = [...model.graph!.initializer!, floatTensor('replacement', [], [replacement])];
  return model;
}

/**
 * Attention as DeBERTa exports it: scores of `[batch·heads, n, n]` (bmm), viewed as `[batch, heads, n, n]` for
 * XSoftmax (`Where(masked, −big, s)`, Softmax, `Where(masked, 0, p)`), then viewed back for the bmm with the
 * values. With `bmmSoftmax`, the Softmax itself runs on the `[batch·heads, n, n]` scores (no 4-D view).
 */
function debertaStyle(bmmSoftmax = false): ModelProto {
  const heads = 2;
  const width = 4;
  const table = Array.from({ length: VOCAB * width }, (_, i) => Math.sin(i + 1) / 2);
  const probabilities = bmmSoftmax
    ? [node('Softmax', ['scores'], 'probs', [{ name: 'axis', type: 2, i: -1 }])]
    : [
        node('Reshape', ['scores', 'by_heads'], 'scores4'),
        node('Where', ['masked', 'big', 'scores4'], 'filled'),
        node('Softmax', ['filled'], 'softmax', [{ name: 'axis', type: 2, i: -1 }]),
        node('Where', ['masked', 'zero', 'softmax'], 'probs4'),
        node('Reshape', ['probs4', 'maps'], 'probs'),
      ];
  return onnxModel({
    name: 'deberta-style',
    input: [tensorInput('input_ids', DataType.INT64), tensorInput('attention_mask', DataType.INT64)],
    output: [LOGITS_OUTPUT],
    initializer: [
      floatTensor('E', [VOCAB, width], table),
      floatTensor('W', [width, 2], [0.2, -0.1, 0.4, 0.3, -0.6, 0.5, 0.1, 0.7]),
      // Sizes for the 4 tokens of IDS (exporters compute them from Shape nodes).
      int64Tensor('split_heads', [0, 0, heads, width / heads]),
      int64Tensor('by_rows', [-1, IDS.length, width / heads]),
      int64Tensor('merge_heads', [-1, heads, IDS.length, width / heads]),
      int64Tensor('by_heads', [-1, heads, IDS.length, IDS.length]),
      int64Tensor('maps', [-1, IDS.length, IDS.length]),
      int64Tensor('joined', [0, 0, -1]),
      int64Tensor('one', [1]),
      int64Tensor('two', [2]),
      { name: 'keep', dataType: DataType.INT64, dims: [], int64Data: [1] },
      floatTensor('big', [], [-3.4e38]),
      floatTensor('zero', [], [0]),
    ],
    node: [
      node('Gather', ['E', 'input_ids'], 'x'),
      node('Reshape', ['x', 'split_heads'], 'x4'),
      node('Transpose', ['x4'], 'xh', [{ name: 'perm', type: 7, ints: [0, 2, 1, 3] }]),
      node('Reshape', ['xh', 'by_rows'], 'q'),
      node('Transpose', ['q'], 'qt', [{ name: 'perm', type: 7, ints: [0, 2, 1] }]),
      node('MatMul', ['q', 'qt'], 'scores'),
      // XSoftmax's mask: 1 − mask as bool, over the keys (the queries are all kept here).
      node('Unsqueeze', ['attention_mask', 'one'], 'mask3'),
      node('Unsqueeze', ['mask3', 'two'], 'mask4'),
      node('Sub', ['keep', 'mask4'], 'unkept'),
      node('Cast', ['unkept'], 'masked', [{ name: 'to', type: 2, i: DataType.BOOL }]),
      ...probabilities,
      node('MatMul', ['probs', 'q'], 'context'),
      node('Reshape', ['context', 'merge_heads'], 'context4'),
      node('Transpose', ['context4'], 'context_t', [{ name: 'perm', type: 7, ints: [0, 2, 1, 3] }]),
      node('Reshape', ['context_t', 'joined'], 'context3'),
      meanOverTokens('context3', 'pooled'),
      node('MatMul', ['pooled', 'W'], 'logits'),
    ],
  });
}

describe('DeBERTa-style attention (bmm of [batch·heads, n, n], XSoftmax)', () => {
  const feeds = (mask: number[]) => ({
    input_ids: new Tensor('int64', BigInt64Array.from(IDS.map(BigInt)), [1, IDS.length]),
    attention_mask: new Tensor('int64', BigInt64Array.from(mask.map(BigInt)), [1, IDS.length]),
  });
  it('finds the map after Where(mask, 0, p), through the reshape to the bmm', () => {
    expect(findAttentionProbabilities(debertaStyle().graph!)).toEqual(['probs4']);
    expect(findAttentionProbabilities(debertaStyle(true).graph!)).toEqual(['probs']);
  });

  it.each([false, true])(
    'reports batch × heads × n × n, masked keys zero (Softmax on [batch·heads, n, n]: %s)',
    async (bmmSoftmax) => {
      const model = debertaStyle(bmmSoftmax);
      const { model: derived } = withAttentionOutputs(model);
      const softmax = bmmSoftmax ? 'probs' : 'probs4';
      const probe: ModelProto = {
        ...derived,
        graph: { ...derived.graph!, output: [...derived.graph!.output!, { name: softmax }] },
      };
      const mask = [1, 1, 1, 0];
      const outputs = await (await session(probe)).run(feeds(mask));
      const map = outputs['attentions.0']!;
      expect(map.dims).toEqual([1, 2, IDS.length, IDS.length]);
      expect(Array.from(map.data as Float32Array)).toEqual(Array.from(outputs[softmax]!.data as Float32Array));
      const values = map.data as Float32Array;
      for (let row = 0; row < 2 * IDS.length; row += 1) {
        const cells = Array.from(values.subarray(row * IDS.length, (row + 1) * IDS.length));
        if (!bmmSoftmax) expect(cells[3]).toBe(0); // the masked key
        expect(cells.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      }
    },
  );
});

describe('withAttentionOutputs', () => {
  it('exposes the attention probabilities as attentions.0 and leaves the logits unchanged', async () => {
    const original = await (await session(tinyClassifier())).run(idFeeds);
    const { model, outputs } = withAttentionOutputs(tinyClassifier());
    expect(outputs).toEqual(['attentions.0']);
    const derived = await (await session(model)).run(idFeeds);
    expect(Array.from(derived['logits']!.data as Float32Array)).toEqual(
      Array.from(original['logits']!.data as Float32Array),
    );
    const probabilities = Array.from(derived['attentions.0']!.data as Float32Array);
    expectedProbabilities().forEach((p, i) => expect(probabilities[i]).toBeCloseTo(p, 6));
  });

  it('taps the guarded SDPA probabilities, equal to the Softmax output', async () => {
    const { model } = withAttentionOutputs(guarded(0));
    const probabilities = Array.from((await (await session(model)).run(idFeeds))['attentions.0']!.data as Float32Array);
    expectedProbabilities().forEach((p, i) => expect(probabilities[i]).toBeCloseTo(p, 6));
  });

  it('refuses a graph without self-attention', () => {
    const model = tinyClassifier();
    model.graph!.node = model.graph!.node!.filter((n) => n.opType !== 'Softmax');
    expect(() => withAttentionOutputs(model)).toThrow(/no self-attention found/);
  });
});

describe('withInputsEmbeds', () => {
  it('takes looked-up word vectors and gives the same logits as the ids graph', async () => {
    const original = await (await session(tinyClassifier())).run(idFeeds);
    const { model, embeddings } = withInputsEmbeds(tinyClassifier());
    expect(embeddings).toMatchObject({ vocabSize: VOCAB, dim: DIM });
    expect(Array.from(embeddings.matrix)).toEqual(Array.from(Float32Array.from(EMBEDDINGS)));
    const words = IDS.flatMap((id) => Array.from(embeddings.matrix.subarray(id * DIM, (id + 1) * DIM)));
    const derived = await (
      await session(model)
    ).run({
      [INPUTS_EMBEDS]: new Tensor('float32', Float32Array.from(words), [1, IDS.length, DIM]),
      attention_mask: idFeeds.attention_mask,
    });
    expect(Array.from(derived['logits']!.data as Float32Array)).toEqual(
      Array.from(original['logits']!.data as Float32Array),
    );
    expect(model.graph!.input!.map((input) => input.name)).toEqual([INPUTS_EMBEDS, 'attention_mask']);
    expect(model.graph!.initializer!.some((tensor) => tensor.name === 'E')).toBe(false);
  });

  it('does not modify the model it derives from', () => {
    const model = tinyClassifier();
    const before = encodeModel(model);
    withInputsEmbeds(model);
    expect(encodeModel(model)).toEqual(before);
  });

  it('keeps input_ids as an input where the graph reads its values (RoBERTa position ids), with the same logits', async () => {
    const model = positionsFromIds();
    const original = await (await session(model)).run(idFeeds);
    const { model: derived, embeddings } = withInputsEmbeds(model);
    expect(derived.graph!.input!.map((input) => input.name)).toEqual([INPUTS_EMBEDS, 'input_ids', 'attention_mask']);
    // The word lookup is gone; the position branch still reads the ids.
    expect(derived.graph!.node!.filter((n) => n.input?.includes('E'))).toEqual([]);
    const words = IDS.flatMap((id) => Array.from(embeddings.matrix.subarray(id * DIM, (id + 1) * DIM)));
    const feeds = { [INPUTS_EMBEDS]: new Tensor('float32', Float32Array.from(words), [1, IDS.length, DIM]) };
    const logits = await (await session(derived)).run({ ...idFeeds, ...feeds });
    expect(Array.from(logits['logits']!.data as Float32Array)).toEqual(
      Array.from(original['logits']!.data as Float32Array),
    );
    // Fed other ids, the positions change: the graph really reads them (a dropped input would not be missed).
    const shifted = new Tensor('int64', BigInt64Array.from([0n, 0n, 2n, 1n]), [1, IDS.length]);
    const moved = await (await session(derived)).run({ ...idFeeds, ...feeds, input_ids: shifted });
    expect(Array.from(moved['logits']!.data as Float32Array)).not.toEqual(
      Array.from(original['logits']!.data as Float32Array),
    );
  });

  it('refuses a graph without a word-embedding lookup', () => {
    const model = tinyClassifier();
    model.graph!.node = model.graph!.node!.filter((n) => n.opType !== 'Gather');
    expect(() => withInputsEmbeds(model)).toThrow(/no word-embedding lookup found/);
  });
});

describe('DerivedGraphs', () => {
  it('derives once and serves later loads from the cache folder', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'xai-derived-'));
    const modelPath = join(folder, 'model.onnx');
    await writeFile(modelPath, encodeModel(tinyClassifier()));
    const first = new DerivedGraphs(modelPath, join(folder, 'cache'), sessionOptions());
    expect(await first.attentionLayers()).toBe(1);
    await rm(modelPath); // a second instance must not need the original any more
    const second = new DerivedGraphs(modelPath, join(folder, 'cache'), sessionOptions());
    expect(await second.attentionLayers()).toBe(1);
    const embeddings = await second.wordEmbeddings();
    expect(Array.from(embeddings.matrix)).toEqual(Array.from(Float32Array.from(EMBEDDINGS)));
    const attention = await InferenceSession.create(await second.path('attentions'));
    expect(attention.outputNames).toContain('attentions.0');
  });

  it('records why a variant cannot be derived and reports it on use', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'xai-derived-'));
    const modelPath = join(folder, 'model.onnx');
    const model = tinyClassifier();
    model.graph!.node = model.graph!.node!.filter((n) => n.opType !== 'Softmax');
    model.graph!.node.push(node('Identity', ['scores'], 'probs'));
    await writeFile(modelPath, encodeModel(model));
    const graphs = new DerivedGraphs(modelPath, join(folder, 'cache'), sessionOptions());
    expect(await graphs.unsupportedReason('attentions')).toMatch(/no self-attention found/);
    expect(await graphs.unsupportedReason('embeds')).toBeUndefined();
    await expect(graphs.path('attentions')).rejects.toThrow(/no self-attention found/);
  });
});
