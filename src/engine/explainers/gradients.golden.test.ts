/**
 * The gradient graph and the gradient explainers against PyTorch autograd: golden files written by
 * scripts/export_models.py (scripts/gradient_golden.py) hold raw gradients, every explainer's preset scores
 * and integrated-gradients convergence deltas for a few sentences per model. (tiny-roberta's file also holds
 * id sequences without a text: roberta-gradients.golden.test.ts checks those.)
 */
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveOptions } from '../../shared/options.js';
import type { Prediction } from '../../shared/results.js';
import { ModelBundle } from '../model/bundle.js';
import type { EncodedText } from '../model/tokenizer.js';
import { PACKAGE_ROOT } from '../paths.js';
import { predictEncoded } from '../predict.js';
import { inputGradient } from './embedding-gradients.js';
import type { Explainer } from './explainer.js';
import { gradientExplainer } from './gradient.js';
import { gradientNormExplainer } from './gradient-norm.js';
import { gradientXInputExplainer } from './gradient-x-input.js';
import { integratedGradientsExplainer } from './integrated-gradients.js';
import { integratedGradientsXInputExplainer } from './integrated-gradients-x-input.js';
import { layerIntegratedGradientsExplainer } from './layer-integrated-gradients.js';
import { maxDifference } from '../test-numbers.js';

interface GoldenScores {
  raw: number[];
  scores: number[];
  delta?: number;
}

interface GoldenSentence {
  text: string | null;
  text_pair?: string;
  ids: number[];
  logits?: number[];
  target: number;
  grad_logit: number[][];
  grad_prob: number[][];
  explainers: Record<string, GoldenScores>;
  ig_variants: { method: string; n_steps: number; delta: number; delta_same_positions?: number }[];
  ig_x_input_baselines: Record<string, GoldenScores>;
  /**
   * RoBERTa/MPNet: f(x') on the pad baseline's own positions differs from f(x') on the sentence's (captum's
   * delta has it, methods.md); delta + gap is what the step count shrinks.
   */
  baseline_position_gap?: number;
}

type TextSentence = GoldenSentence & { text: string };

const TOLERANCE = 1e-4;
const EXPLAINERS: Explainer[] = [
  gradientExplainer,
  gradientNormExplainer,
  gradientXInputExplainer,
  integratedGradientsExplainer,
  integratedGradientsXInputExplainer,
  layerIntegratedGradientsExplainer,
];

const FIXTURES = [
  { name: 'tiny-distilbert', dir: join(PACKAGE_ROOT, 'fixtures/models/tiny-distilbert') },
  { name: 'tiny-bert', dir: join(PACKAGE_ROOT, 'fixtures/models/tiny-bert') },
  { name: 'demo-sst2', dir: join(PACKAGE_ROOT, 'resources/models/demo-sst2') },
  { name: 'tiny-roberta', dir: join(PACKAGE_ROOT, 'fixtures/models/tiny-roberta') },
  { name: 'tiny-xlmr', dir: join(PACKAGE_ROOT, 'fixtures/models/tiny-xlmr') },
  { name: 'tiny-bert-cased', dir: join(PACKAGE_ROOT, 'fixtures/models/tiny-bert-cased') },
  // MiniLM's head layout: 12 heads of 4.
  { name: 'tiny-minilm', dir: join(PACKAGE_ROOT, 'fixtures/models/tiny-minilm') },
  // Two sentences and two pairs (type ids 0/1, baselines keeping every special).
  { name: 'tiny-bert-multilingual', dir: join(PACKAGE_ROOT, 'fixtures/models/tiny-bert-multilingual') },
  { name: 'tiny-deberta', dir: join(PACKAGE_ROOT, 'fixtures/models/tiny-deberta'), degenerate: ['gradient_x_input'] },
  // DeBERTa-v2 with absolute positions and token types added before the LayerNorm: no preset degenerate beyond IG's.
  { name: 'tiny-deberta-v2', dir: join(PACKAGE_ROOT, 'fixtures/models/tiny-deberta-v2') },
  // Heads: each label's own sigmoid, the score itself (golden targets include labels that are not predicted).
  { name: 'tiny-distilbert-multilabel', dir: join(PACKAGE_ROOT, 'fixtures/models/tiny-distilbert-multilabel') },
  { name: 'tiny-bert-regression', dir: join(PACKAGE_ROOT, 'fixtures/models/tiny-bert-regression') },
  // Sentence pairs: type ids 0/1 (BERT), none (DistilBERT), `</s></s>` (RoBERTa); baselines keep every special.
  { name: 'tiny-bert.pairs', dir: join(PACKAGE_ROOT, 'fixtures/models/tiny-bert') },
  { name: 'tiny-distilbert.pairs', dir: join(PACKAGE_ROOT, 'fixtures/models/tiny-distilbert') },
  { name: 'tiny-roberta.pairs', dir: join(PACKAGE_ROOT, 'fixtures/models/tiny-roberta') },
];

const maxAbs = (values: readonly number[]): number => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe.each(FIXTURES)('gradients of $name against PyTorch autograd', ({ name, dir, degenerate = [] }) => {
  const file = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'fixtures/golden', `${name}.gradients.json`), 'utf8')) as {
    sentences: GoldenSentence[];
  };
  const golden = { sentences: file.sentences.filter((sentence): sentence is TextSentence => sentence.text !== null) };
  let model: ModelBundle;
  const inputs: { encoded: EncodedText; prediction: Prediction }[] = [];

  beforeAll(async () => {
    model = await ModelBundle.load(dir, { cacheDir: await mkdtemp(join(tmpdir(), 'xai-gradients-')) });
    const encodings = await model.tokenizer.encodeBatch(
      golden.sentences.map((sentence) =>
        sentence.text_pair === undefined ? sentence.text : ([sentence.text, sentence.text_pair] as const),
      ),
    );
    const predictions = await predictEncoded(model, encodings);
    encodings.forEach((encoded, i) => inputs.push({ encoded, prediction: predictions[i]! }));
  });
  afterAll(() => model.dispose());

  const explain = (i: number, explainer: Explainer, given: Record<string, unknown> = {}) =>
    explainer.explain(
      inputs[i]!,
      { model },
      resolveOptions(explainer.options, { target: golden.sentences[i]!.target, ...given }),
    );

  describe.each(golden.sentences.map((sentence, i) => ({ i, sentence, text: sentence.text })))(
    '"$text"',
    ({ i, sentence }) => {
      it('tokenizes and predicts as PyTorch did', () => {
        expect(inputs[i]!.encoded.ids).toEqual(sentence.ids);
        // Older golden files name only the predicted class; the heads' and pairs' also give the logits.
        if (sentence.logits) expect(maxDifference(inputs[i]!.prediction.logits, sentence.logits)).toBeLessThan(1e-5);
        else expect(inputs[i]!.prediction.predictedIndex).toBe(sentence.target);
      });

      it.each(['logit', 'prob'] as const)('raw ∂%s/∂inputs_embeds within 1e-4 relative', async (output) => {
        const expected = (output === 'logit' ? sentence.grad_logit : sentence.grad_prob).flat();
        const { gradient } = await inputGradient(model, inputs[i]!.encoded, { output, target: sentence.target });
        expect(maxDifference(gradient, expected)).toBeLessThanOrEqual(TOLERANCE * maxAbs(expected));
      });

      it.each(EXPLAINERS.map((explainer) => [explainer.id, explainer] as const))(
        '%s preset scores within 1e-4',
        async (id, explainer) => {
          const expected = sentence.explainers[id]!;
          const result = await explain(i, explainer);
          if (id === 'integrated_gradients' || degenerate.includes(id)) {
            // Degenerate: both sides are rounding noise around zero, so only that (and the warning) is comparable.
            expect(result.warnings.map((warning) => warning.code)).toContain('degenerate');
            const scale = maxAbs(sentence.explainers.gradient!.raw);
            expect(maxAbs(result.raw)).toBeLessThanOrEqual(TOLERANCE * scale);
            expect(maxAbs(expected.raw)).toBeLessThanOrEqual(TOLERANCE * scale);
          } else {
            expect(result.warnings).toEqual([]);
            expect(maxDifference(result.scores, expected.scores)).toBeLessThanOrEqual(TOLERANCE);
          }
          if (expected.delta !== undefined)
            expect(Math.abs(result.delta! - expected.delta)).toBeLessThanOrEqual(TOLERANCE);
        },
      );

      it.each(['zero', 'mask'])('IG × input from the %s baseline', async (baseline) => {
        const expected = sentence.ig_x_input_baselines[baseline]!;
        const result = await explain(i, integratedGradientsXInputExplainer, { baseline });
        expect(maxDifference(result.scores, expected.scores)).toBeLessThanOrEqual(TOLERANCE);
        expect(Math.abs(result.delta! - expected.delta!)).toBeLessThanOrEqual(TOLERANCE);
      });

      it('has PyTorch’s convergence delta for every method and step count, shrinking with the steps as it does', async () => {
        const deltas = new Map<string, number>();
        for (const { method, n_steps, delta } of sentence.ig_variants) {
          const result = await explain(i, integratedGradientsXInputExplainer, { method, n_steps });
          expect(Math.abs(result.delta! - delta), `${method} ${n_steps}`).toBeLessThanOrEqual(TOLERANCE);
          deltas.set(`${method}:${n_steps}`, result.delta!);
        }
        // Shrinking as PyTorch's do: on the pair fixtures' long sentences 50 steps are not always closer than 8.
        const golden = new Map(sentence.ig_variants.map((v) => [`${v.method}:${v.n_steps}`, v]));
        for (const { method } of sentence.ig_variants) {
          const [at8, at50] = [golden.get(`${method}:8`)!, golden.get(`${method}:50`)!];
          const gap = sentence.baseline_position_gap ?? (at8.delta_same_positions ?? at8.delta) - at8.delta;
          const shrinks = Math.abs(at50.delta + gap) < Math.abs(at8.delta + gap);
          expect(Math.abs(deltas.get(`${method}:50`)! + gap) < Math.abs(deltas.get(`${method}:8`)! + gap), method).toBe(
            shrinks,
          );
        }
      });
    },
  );
});
