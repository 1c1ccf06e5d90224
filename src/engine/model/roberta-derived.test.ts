/**
 * The graphs derived from the tiny RoBERTa fixture, against PyTorch (fixtures/golden/tiny-roberta.json and
 * tiny-roberta.gradients.json). RoBERTa numbers its positions from the ids inside the graph, so the embeds and
 * gradient graphs still take `input_ids` beside `inputs_embeds`. Its tokenizer is not in the model folder yet,
 * so `ModelBundle` cannot load it: the derived graphs are run directly on the goldens' id sequences.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUTS_EMBEDS_GRAD, LOGIT_WEIGHTS, PROB_WEIGHTS } from '../autodiff/gradient-graph.js';
import { ATTENTION_OUTPUT_PREFIX, INPUT_IDS, INPUTS_EMBEDS, type WordEmbeddings } from '../onnx/surgery.js';
import { PACKAGE_ROOT } from '../paths.js';
import { sessionOptions } from './bundle.js';
import { DerivedGraphs, type GraphVariant } from './derived-graphs.js';
import { ATTENTION_MASK, declaredFeeds, LOGITS } from './forward.js';
import { maxDifference } from '../test-numbers.js';

interface Rows {
  ids: number[][];
  attention_mask: number[][];
  logits: number[][];
  /** Per row: layers × heads × n × n. */
  attentions: number[][][][][];
}

interface Golden {
  sequences: { ids: number[]; attention_mask: number[]; logits: number[]; attentions: number[][][][] }[];
  padded_batch: Rows & { padding: string[] };
}

interface GradientGolden {
  sentences: { ids: number[]; target: number; grad_logit: number[][]; grad_prob: number[][] }[];
}

const TOLERANCE = 1e-5;
const GRADIENT_TOLERANCE = 1e-4; // relative to the largest gradient entry
const MODEL = join(PACKAGE_ROOT, 'fixtures/models/tiny-roberta/onnx/model.onnx');
const read = <T>(name: string): T => JSON.parse(readFileSync(join(PACKAGE_ROOT, 'fixtures/golden', name), 'utf8')) as T;
const golden = read<Golden>('tiny-roberta.json');
const gradientGolden = read<GradientGolden>('tiny-roberta.gradients.json');

const batches: Pick<Rows, 'ids' | 'attention_mask' | 'logits' | 'attentions'>[] = [
  ...golden.sequences.map((sequence) => ({
    ids: [sequence.ids],
    attention_mask: [sequence.attention_mask],
    logits: [sequence.logits],
    attentions: [sequence.attentions],
  })),
  golden.padded_batch,
];
const described = batches.map((batch, i) => ({
  batch,
  name: i < golden.sequences.length ? `${batch.ids[0]!.length} ids` : 'the batch padded right and left',
}));

function int64(rows: number[][]): Tensor {
  return new Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [rows.length, rows[0]!.length]);
}

function wordVectors({ matrix, dim }: WordEmbeddings, rows: number[][]): Tensor {
  const out = new Float32Array(rows.length * rows[0]!.length * dim);
  rows.flat().forEach((id, i) => out.set(matrix.subarray(id * dim, (id + 1) * dim), i * dim));
  return new Tensor('float32', out, [rows.length, rows[0]!.length, dim]);
}

describe('graphs derived from tiny-roberta against PyTorch', () => {
  let graphs: DerivedGraphs;
  let embeddings: WordEmbeddings;
  const sessions = new Map<string, InferenceSession>();
  const session = (variant: GraphVariant | 'plain') => sessions.get(variant)!;

  beforeAll(async () => {
    graphs = new DerivedGraphs(MODEL, await mkdtemp(join(tmpdir(), 'xai-roberta-')), sessionOptions());
    for (const variant of ['attentions', 'embeds', 'gradients', 'forward'] as const) {
      sessions.set(variant, await InferenceSession.create(await graphs.path(variant), sessionOptions()));
    }
    sessions.set('plain', await InferenceSession.create(MODEL, sessionOptions()));
    embeddings = await graphs.wordEmbeddings();
  });
  afterAll(async () => {
    for (const opened of sessions.values()) await opened.release();
  });

  it('derives every variant, the embeds and gradient graphs still taking the ids for the position branch', async () => {
    for (const variant of ['attentions', 'embeds', 'gradients', 'forward', 'int8'] as const) {
      expect(await graphs.unsupportedReason(variant), variant).toBeUndefined();
    }
    expect(embeddings).toMatchObject({ vocabSize: 50265, dim: 32 });
    expect(session('embeds').inputNames).toEqual([INPUTS_EMBEDS, INPUT_IDS, ATTENTION_MASK]);
    expect(session('gradients').inputNames).toEqual([
      INPUTS_EMBEDS,
      INPUT_IDS,
      ATTENTION_MASK,
      LOGIT_WEIGHTS,
      PROB_WEIGHTS,
    ]);
    expect(await graphs.attentionLayers()).toBe(2);
  });

  describe.each(described)('$name', ({ batch }) => {
    const idFeeds = () => ({ [INPUT_IDS]: int64(batch.ids), [ATTENTION_MASK]: int64(batch.attention_mask) });

    it('attention maps within 1e-5', async () => {
      const outputs = await session('attentions').run(idFeeds());
      for (let layer = 0; layer < 2; layer += 1) {
        const expected = batch.attentions.flatMap((row) => row[layer]!.flat(2));
        const actual = outputs[`${ATTENTION_OUTPUT_PREFIX}${layer}`]!.data as Float32Array;
        expect(maxDifference(actual, expected), `layer ${layer}`).toBeLessThanOrEqual(TOLERANCE);
      }
    });

    it('embeds graph fed the word vectors and the ids: logits within 1e-5', async () => {
      const feeds = declaredFeeds(session('embeds').inputNames, {
        ...idFeeds(),
        [INPUTS_EMBEDS]: wordVectors(embeddings, batch.ids),
      });
      const outputs = await session('embeds').run(feeds);
      expect(maxDifference(outputs[LOGITS]!.data as Float32Array, batch.logits.flat())).toBeLessThanOrEqual(TOLERANCE);
    });

    it('embeds graph fed other ids numbers the positions from them (the ids are really read)', async () => {
      // Same word vectors, ids all 1 (padding): every position becomes padding_idx, so the logits move.
      const pads = batch.ids.map((row) => row.map(() => 1));
      const outputs = await session('embeds').run({
        [INPUTS_EMBEDS]: wordVectors(embeddings, batch.ids),
        [INPUT_IDS]: int64(pads),
        [ATTENTION_MASK]: int64(batch.attention_mask),
      });
      expect(maxDifference(outputs[LOGITS]!.data as Float32Array, batch.logits.flat())).toBeGreaterThan(1e-3);
    });

    it('the pooled-row graph gives the plain graph’s logits (and PyTorch’s within 1e-5)', async () => {
      const plain = (await session('plain').run(idFeeds()))[LOGITS]!.data as Float32Array;
      const forward = (await session('forward').run(idFeeds()))[LOGITS]!.data as Float32Array;
      expect(maxDifference(forward, Array.from(plain))).toBeLessThanOrEqual(1e-6);
      expect(maxDifference(forward, batch.logits.flat())).toBeLessThanOrEqual(TOLERANCE);
    });
  });

  it('the pooled-row graph computes only row 0 in its last layer', async () => {
    const { readModel } = await import('../onnx/proto.js');
    const nodes = (await readModel(await graphs.path('forward'))).graph?.node ?? [];
    expect(nodes.some((node) => node.name?.startsWith('xai/row'))).toBe(true);
  });

  describe.each(gradientGolden.sentences.map((sentence) => ({ sentence, n: sentence.ids.length })))(
    'gradients for $n ids',
    ({ sentence }) => {
      it.each(['logit', 'prob'] as const)('raw ∂%s/∂word embeddings within 1e-4 relative', async (output) => {
        const classes = 3;
        const weights = new Float32Array(classes);
        weights[sentence.target] = 1;
        const zeros = new Float32Array(classes);
        const gradients = session('gradients');
        const outputs = await gradients.run(
          declaredFeeds(gradients.inputNames, {
            [INPUTS_EMBEDS]: wordVectors(embeddings, [sentence.ids]),
            [INPUT_IDS]: int64([sentence.ids]),
            [ATTENTION_MASK]: int64([sentence.ids.map(() => 1)]),
            [LOGIT_WEIGHTS]: new Tensor('float32', output === 'logit' ? weights : zeros, [1, classes]),
            [PROB_WEIGHTS]: new Tensor('float32', output === 'prob' ? weights : zeros, [1, classes]),
          }),
        );
        const expected = (output === 'logit' ? sentence.grad_logit : sentence.grad_prob).flat();
        const scale = expected.reduce((most, value) => Math.max(most, Math.abs(value)), 0);
        const actual = outputs[INPUTS_EMBEDS_GRAD]!.data as Float32Array;
        expect(maxDifference(actual, expected)).toBeLessThanOrEqual(GRADIENT_TOLERANCE * scale);
      });
    },
  );
});
