import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveOptions } from '../../shared/options.js';
import { ModelBundle } from '../model/bundle.js';
import { PACKAGE_ROOT } from '../paths.js';
import { predictTexts } from '../predict.js';
import { occlusionExplainer } from './occlusion.js';

const SEED = 'You look terrible! Maybe you should rest?';
const GOLDEN = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'fixtures/golden/demo-sst2.json'), 'utf8')) as {
  checks: { occlusion: { words: string[]; probability_drop_without_word: number[] } };
};

describe('occlusion on the demo model', () => {
  let model: ModelBundle;
  beforeAll(async () => {
    model = await ModelBundle.load('demo', { cacheDir: await mkdtemp(join(tmpdir(), 'xai-occlusion-')) });
  });
  afterAll(() => model.dispose());

  async function explain(given: Record<string, unknown> = {}) {
    const [input] = await predictTexts(model, [SEED]);
    return occlusionExplainer.explain(input!, { model }, resolveOptions(occlusionExplainer.options, given));
  }

  it('scores a token by the probability drop when the sentence is written without it', async () => {
    const explanation = await explain();
    const [full, without] = await predictTexts(model, [SEED, 'You look! Maybe you should rest?']);
    const expected = full!.prediction.probabilities.NEGATIVE! - without!.prediction.probabilities.NEGATIVE!;
    const terrible = explanation.tokens.indexOf('terrible');
    expect(explanation.raw[terrible]).toBeCloseTo(expected, 6);
    // The PyTorch oracle: export_models.py's leave-one-out over the seed sentence's words, on the same weights
    // (fixtures/golden/demo-sst2.json, checks.occlusion).
    const { words, probability_drop_without_word: drops } = GOLDEN.checks.occlusion;
    expect(explanation.raw[terrible]).toBeCloseTo(drops[words.indexOf('terrible')]!, 5);
    expect(explanation.raw[0]).toBe(0);
    expect(explanation.raw.at(-1)).toBe(0);
    // One row for the sentence and one per non-special token (the two "you"s delete to the same text).
    expect(explanation.evaluations).toBeLessThanOrEqual(10);
    expect(explanation.options).toMatchObject({ target: 0, targetLabel: 'NEGATIVE', output: 'prob' });
  });

  it('gives "terrible" the largest attribution to NEGATIVE and the most negative to POSITIVE', async () => {
    const negative = await explain();
    const positive = await explain({ target: 'POSITIVE', normalization: 'l1' });
    const terrible = negative.tokens.indexOf('terrible');
    expect(negative.raw.indexOf(Math.max(...negative.raw))).toBe(terrible);
    expect(positive.scores.indexOf(Math.min(...positive.scores))).toBe(terrible);
    expect(positive.scores.reduce((sum, s) => sum + Math.abs(s), 0)).toBeCloseTo(1, 12);
  });
});
