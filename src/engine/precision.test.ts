/**
 * A bundle loaded at `precision: 'int8'`: forward-only methods run on the quantized graph (their numbers move
 * a little, their costs do not), everything exact stays exact, and each sentence reports its drift.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import schema from '../shared/results.schema.json' with { type: 'json' };
import { explainTexts } from './explain.js';
import { ModelBundle } from './model/bundle.js';
import { predictTexts } from './predict.js';

const SENTENCES = ['You look terrible! Maybe you should rest?', 'What a wonderful, delightful film!'];
/** Largest |Δp| of the demo model's int8 graph on these sentences is 0.003 (quantize.test.ts bounds it by 0.01). */
const DRIFT_BOUND = 0.01;
/** SHAP values and occlusion drops are differences of two probabilities, each off by up to the drift. */
const SCORE_BOUND = 2 * DRIFT_BOUND;

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  expect(a).toHaveLength(b.length);
  return Math.max(...a.map((value, i) => Math.abs(value - b[i]!)));
}

describe('precision int8 on the demo model', () => {
  let fp32: ModelBundle;
  let int8: ModelBundle;
  beforeAll(async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'xai-precision-'));
    fp32 = await ModelBundle.load('demo', { cacheDir });
    int8 = await ModelBundle.load('demo', { cacheDir, precision: 'int8' });
  });
  afterAll(async () => {
    await fp32.dispose();
    await int8.dispose();
  });

  it('records the precision, keeps the exact prediction and reports each sentence’s drift', async () => {
    expect([fp32.info.precision, int8.info.precision]).toEqual(['fp32', 'int8']);
    const exact = await predictTexts(fp32, SENTENCES);
    const approximate = await predictTexts(int8, SENTENCES);
    expect(approximate.map(({ prediction }) => prediction)).toEqual(exact.map(({ prediction }) => prediction));
    expect(exact.map(({ int8Drift }) => int8Drift)).toEqual([undefined, undefined]);
    for (const { int8Drift } of approximate) {
      expect(int8Drift).toBeGreaterThan(0);
      expect(int8Drift).toBeLessThanOrEqual(DRIFT_BOUND);
    }
    // A sentence's drift does not depend on the other sentences of the file.
    const [alone] = await predictTexts(int8, SENTENCES.slice(1));
    expect(alone!.int8Drift).toBe(approximate[1]!.int8Drift);
  });

  it('runs SHAP and occlusion on the int8 graph at the same cost, and gradients and attention exactly', async () => {
    const methods = {
      shap: {},
      occlusion: {},
      gradient_x_input: {},
      integrated_gradients_x_input: {},
      attention: {},
    };
    const [exact, approximate] = [
      await explainTexts(fp32, SENTENCES.slice(0, 1), methods),
      await explainTexts(int8, SENTENCES.slice(0, 1), methods),
    ];
    const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
    expect(validate(approximate), JSON.stringify(validate.errors)).toBe(true);
    expect(approximate.model.precision).toBe('int8');
    const [e, a] = [exact.sentences[0]!, approximate.sentences[0]!];
    expect(a.int8Drift).toBeGreaterThan(0);
    expect(e.int8Drift).toBeUndefined();
    // The drift is that of the f(x) the forward-only methods used: SHAP's output for the unmasked sentence.
    const exactProbabilities = fp32.config.labels.map((label) => e.probabilities[label]!);
    expect(maxAbsDiff(a.explanations.shap!.shap!.outputs, exactProbabilities)).toBeCloseTo(a.int8Drift!, 12);

    for (const method of ['shap', 'occlusion']) {
      const [x, y] = [e.explanations[method]!, a.explanations[method]!];
      expect(y.evaluations, method).toBe(x.evaluations);
      expect(maxAbsDiff(y.raw, x.raw), method).toBeGreaterThan(0);
      expect(maxAbsDiff(y.raw, x.raw), method).toBeLessThanOrEqual(SCORE_BOUND);
    }
    for (const method of ['gradient_x_input', 'integrated_gradients_x_input', 'attention']) {
      const [x, y] = [e.explanations[method]!, a.explanations[method]!];
      expect(y.raw, method).toEqual(x.raw);
      expect(y.scores, method).toEqual(x.scores);
      expect(y.delta, method).toEqual(x.delta);
    }
  });

  it('refuses int8 on the q8 export, which is already quantized', async () => {
    await expect(ModelBundle.load('demo', { dtype: 'q8', precision: 'int8' })).rejects.toThrow(/already int8/);
  });
});
