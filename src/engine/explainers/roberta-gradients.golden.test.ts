/**
 * The gradient explainers' computations (embedding-gradients.ts: one gradient, IG path integrals with their
 * convergence deltas) on the tiny RoBERTa fixture, against PyTorch autograd (fixtures/golden/
 * tiny-roberta.gradients.json: captum's LayerIntegratedGradients on the word embeddings, the sentence's
 * position ids all along the path), on the goldens' id sequences (one holds `<unk>` and the vocabulary's last
 * token, which no text gives), and on their text sentences' ids: the derived graphs are run through the narrow
 * `GradientModel` the computations read. The text sentences run through every explainer in
 * gradients.golden.test.ts.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prediction } from '../../shared/results.js';
import { sessionOptions } from '../model/bundle.js';
import { DerivedGraphs, type GraphVariant } from '../model/derived-graphs.js';
import { ATTENTION_MASK, logitsOf, predictionAt } from '../model/forward.js';
import type { EncodedText } from '../model/tokenizer.js';
import { INPUT_IDS } from '../onnx/surgery.js';
import { PACKAGE_ROOT } from '../paths.js';
import { normalize, type Normalization } from './common.js';
import { inputGradient, pathGradient, tokenSums, type GradientModel, type PathOptions } from './embedding-gradients.js';
import type { IntegrationMethod } from './integration.js';
import { maxDifference } from '../test-numbers.js';

interface GoldenScores {
  raw: number[];
  scores: number[];
  delta?: number;
}

interface GoldenSentence {
  ids: number[];
  target: number;
  explainers: Record<string, GoldenScores>;
  ig_variants: { method: IntegrationMethod; n_steps: number; delta: number }[];
  ig_x_input_baselines: Record<string, GoldenScores>;
}

const TOLERANCE = 1e-4;
const LABELS = ['LABEL_0', 'LABEL_1', 'LABEL_2'];
// tiny-roberta.json special_ids
const SPECIALS = { padId: 1, mask: () => ({ token: '<mask>', id: 50264 }) };
const golden = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'fixtures/golden/tiny-roberta.gradients.json'), 'utf8')) as {
  sentences: GoldenSentence[];
};

describe('gradient explainers’ computations on tiny-roberta against PyTorch autograd', () => {
  let model: GradientModel;
  let graphs: DerivedGraphs;
  const sessions = new Map<string, Promise<InferenceSession>>();
  const inputs: { encoded: EncodedText; prediction: Prediction }[] = [];

  beforeAll(async () => {
    const modelPath = join(PACKAGE_ROOT, 'fixtures/models/tiny-roberta/onnx/model.onnx');
    graphs = new DerivedGraphs(modelPath, await mkdtemp(join(tmpdir(), 'xai-roberta-')), sessionOptions());
    const session = (variant: 'plain' | GraphVariant) => {
      if (!sessions.has(variant)) {
        const path = variant === 'plain' ? Promise.resolve(modelPath) : graphs.path(variant);
        sessions.set(
          variant,
          path.then((file) => InferenceSession.create(file, sessionOptions())),
        );
      }
      return sessions.get(variant)!;
    };
    model = {
      info: { sha256: 'tiny-roberta' },
      config: { labels: LABELS, task: 'single_label_classification' },
      tokenizer: SPECIALS,
      graphs,
      session,
      predictionSession: () => session('forward'),
    };
    for (const { ids } of golden.sentences) {
      const encoded: EncodedText = {
        text: '',
        tokens: ids.map(String),
        ids,
        truncated: false,
        tokenTypeIds: ids.map(() => 0),
        fullLength: ids.length,
        offsets: ids.map(() => [0, 0]),
        wordIds: ids.map((_, i) => (i === 0 || i === ids.length - 1 ? null : i - 1)),
        special: ids.map((_, i) => i === 0 || i === ids.length - 1),
        sequenceIds: ids.map((_, i) => (i === 0 || i === ids.length - 1 ? null : 0)),
      };
      const shape = [1, ids.length];
      const outputs = await (
        await session('forward')
      ).run({
        [INPUT_IDS]: new Tensor('int64', BigInt64Array.from(ids, BigInt), shape),
        [ATTENTION_MASK]: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), shape),
      });
      inputs.push({
        encoded,
        prediction: predictionAt(logitsOf(outputs), 0, {
          task: 'single_label_classification',
          labels: LABELS,
          threshold: 0.5,
        }),
      });
    }
  });
  afterAll(async () => {
    for (const session of sessions.values()) await (await session).release();
  });

  it('has a LayerNorm after the embeddings (so plain IG sums to rounding noise, as for BERT)', async () => {
    expect(await graphs.layerNormAfterEmbeddings()).toBe(true);
  });

  describe.each(golden.sentences.map((sentence, i) => ({ i, sentence, n: sentence.ids.length })))(
    '$n ids',
    ({ i, sentence }) => {
      const path = (options: Partial<PathOptions>) =>
        pathGradient(model, inputs[i]!.encoded, inputs[i]!.prediction, {
          output: 'logit',
          target: sentence.target,
          baseline: 'pad',
          method: 'gausslegendre',
          steps: 50,
          batchSize: 64,
          ...options,
        });
      const xInput = async (options: Partial<PathOptions>, normalization: Normalization) => {
        const { input, baseline, averaged, dim, delta } = await path(options);
        const n = sentence.ids.length;
        const raw = tokenSums(n, dim, (e) => (input[e]! - baseline[e]!) * averaged[e]!);
        return { scores: normalize(raw, normalization), delta };
      };
      const expectMatch = (actual: { scores: number[]; delta: number }, expected: GoldenScores) => {
        expect(maxDifference(actual.scores, expected.scores)).toBeLessThanOrEqual(TOLERANCE);
        expect(Math.abs(actual.delta - expected.delta!)).toBeLessThanOrEqual(TOLERANCE);
      };

      it('predicts PyTorch’s target', () => {
        expect(inputs[i]!.prediction.predictedIndex).toBe(sentence.target);
      });

      it('gradient, gradient norm and gradient × input scores within 1e-4', async () => {
        const { input, gradient, dim } = await inputGradient(model, inputs[i]!.encoded, {
          output: 'logit',
          target: sentence.target,
        });
        const n = sentence.ids.length;
        const sums = {
          gradient: tokenSums(n, dim, (e) => Math.abs(gradient[e]!)),
          gradient_norm: tokenSums(n, dim, (e) => gradient[e]! ** 2).map(Math.sqrt),
          gradient_x_input: tokenSums(n, dim, (e) => input[e]! * gradient[e]!),
        };
        for (const [id, raw] of Object.entries(sums)) {
          expect(maxDifference(normalize(raw, 'l1'), sentence.explainers[id]!.scores), id).toBeLessThanOrEqual(
            TOLERANCE,
          );
        }
      });

      it('IG × input (logit, pad baseline) and layer IG (probability, L2): scores and deltas within 1e-4', async () => {
        expectMatch(await xInput({}, 'l1'), sentence.explainers.integrated_gradients_x_input!);
        expectMatch(await xInput({ output: 'prob' }, 'l2'), sentence.explainers.layer_integrated_gradients!);
      });

      it.each(['zero', 'mask'] as const)('IG × input from the %s baseline', async (baseline) => {
        expectMatch(await xInput({ baseline }, 'l1'), sentence.ig_x_input_baselines[baseline]!);
      });

      it('has PyTorch’s convergence delta for every method and step count', async () => {
        for (const { method, n_steps, delta } of sentence.ig_variants) {
          const result = await path({ method, steps: n_steps });
          expect(Math.abs(result.delta - delta), `${method} ${n_steps}`).toBeLessThanOrEqual(TOLERANCE);
        }
      });
    },
  );
});
