import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareMethods } from './compare.js';
import { ModelBundle } from './model/bundle.js';

const SEED = 'You look terrible! Maybe you should rest?';

describe('compareMethods on the demo model', () => {
  let model: ModelBundle;
  beforeAll(async () => {
    model = await ModelBundle.load('demo', { cacheDir: await mkdtemp(join(tmpdir(), 'xai-compare-')) });
  });
  afterAll(() => model.dispose());

  it('explains, evaluates, compares and costs every method, sharing forward rows', async () => {
    const { tokens } = await model.tokenizer.encode(SEED);
    const rationale = tokens.slice(1, -1).map((token) => (token === 'terrible' ? 1 : 0));
    const methods = ['occlusion', 'shap', 'lime'];
    const comparison = await compareMethods(model, SEED, Object.fromEntries(methods.map((m) => [m, {}])), {
      rationale,
      topK: 1,
    });
    expect(Object.keys(comparison.sentence.explanations)).toEqual(methods);
    for (const method of methods) {
      const scores = comparison.sentence.explanations[method]!.scores;
      // "terrible" carries the NEGATIVE prediction for all three methods.
      expect(tokens[scores.indexOf(Math.max(...scores))], method).toBe('terrible');
      expect(comparison.evaluation[method]).toMatchObject({ auprc_plau: 1, token_f1_plau: 1, token_iou_plau: 1 });
      expect(comparison.costs[method]!.evaluations).toBeGreaterThan(0);
    }
    // Occlusion is leave-one-out itself: its τ with the leave-one-out drops is exactly 1.
    expect(comparison.evaluation.occlusion!.taucorr_loo).toBe(1);
    // Removing "terrible" (in every rationale) takes p(NEGATIVE) from .9931 to about the neutral .5.
    expect(comparison.evaluation.occlusion!.aopc_compr).toBeGreaterThan(0.45);
    expect(comparison.agreement.methods).toEqual(methods);
    expect(comparison.agreement.tau.every((row, i) => row[i] === 1)).toBe(true);
    // Metrics add at most 2 × 10 AOPC rows per method; their leave-one-out rows are occlusion's own.
    const alone = Object.values(comparison.costs).reduce((sum, cost) => sum + cost.evaluations, 0);
    expect(comparison.forwardEvaluations).toBeLessThanOrEqual(alone + 3 * 20);
  });
});
