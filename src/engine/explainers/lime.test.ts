import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveOptions } from '../../shared/options.js';
import { ModelBundle } from '../model/bundle.js';
import { predictTexts } from '../predict.js';
import { kernel, sampleDistance, weightedRidge } from './lime-regression.js';
import { NumpyRandomState } from './lime-random.js';
import { limeExplainer, limeSamples } from './lime.js';

describe('LIME numerics', () => {
  it('fits sklearn-style weighted ridge with an unpenalized intercept (worked by hand)', () => {
    // x = [0,1,1], y = [1,3,5], w = [1,1,2], α = 1: x̄ = .75, ȳ = 3.5; Σw·xc² = .75, Σw·xc·yc = 2.5
    // → β = 2.5/1.75 = 10/7, intercept = 3.5 − .75·10/7 = 17/7.
    const fit = weightedRidge([[0], [1], [1]], [1, 3, 5], [1, 1, 2], 1);
    expect(fit.coefficients[0]).toBeCloseTo(10 / 7, 12);
    expect(fit.intercept).toBeCloseTo(17 / 7, 12);
  });

  it('recovers exact linear coefficients as α → 0', () => {
    const rows = [
      [1, 0],
      [0, 1],
      [1, 1],
      [0, 0],
    ];
    const fit = weightedRidge(rows, [2.5, -1, 1.5, 0], [1, 2, 3, 4], 1e-12);
    expect(Array.from(fit.coefficients).map((c) => +c.toFixed(9))).toEqual([2.5, -1]);
    expect(fit.intercept).toBeCloseTo(0, 9);
  });

  it('weights samples by √exp(−d²/25²) of the cosine distance ×100', () => {
    // 4 of 16 active: cosine similarity 4/√(4·16) = .5 → d = 50 → √exp(−4) = e⁻².
    expect(sampleDistance(4, 16)).toBeCloseTo(50, 12);
    expect(kernel(50)).toBeCloseTo(Math.exp(-2), 15);
    expect(sampleDistance(16, 16)).toBe(0);
    expect(sampleDistance(0, 16)).toBe(100);
  });

  it('samples exactly as lime does with numpy RandomState(3)', () => {
    // numpy 1.24: the sampling loop of lime_text's __data_labels_distances with doc_size 5, num_samples 8.
    const rows = limeSamples(5, 8, new NumpyRandomState(3)).map((row) => Array.from(row));
    expect(rows).toEqual([
      [1, 1, 1, 1, 1],
      [0, 0, 1, 1, 0],
      [1, 1, 1, 0, 1],
      [1, 1, 0, 0, 1],
      [1, 0, 0, 0, 0],
      [1, 1, 1, 0, 1],
      [1, 1, 1, 1, 0],
      [1, 1, 1, 0, 1],
    ]);
  });
});

describe('NumpyRandomState', () => {
  it('reproduces numpy draws', () => {
    // np.random.RandomState(42): randint(0, 2**32, dtype=uint64) ×3, then the same seed's randint(1, 12, 10)
    // and choice(range(11), 4, replace=False) ×3.
    const raw = new NumpyRandomState(42);
    expect([raw.nextUint32(), raw.nextUint32(), raw.nextUint32()]).toEqual([1608637542, 3421126067, 4083286876]);
    const random = new NumpyRandomState(42);
    expect(Array.from({ length: 10 }, () => random.randint(1, 12))).toEqual([7, 4, 11, 8, 5, 7, 10, 3, 7, 11]);
    expect([0, 1, 2].map(() => Array.from(random.choice(11, 4)))).toEqual([
      [0, 6, 9, 1],
      [6, 2, 8, 7],
      [1, 5, 4, 8],
    ]);
    const top = new NumpyRandomState(2 ** 32 - 1);
    expect(Array.from({ length: 5 }, () => top.randint(1, 300))).toEqual([291, 13, 72, 65, 215]);
  });
});

describe('LIME on the demo model', () => {
  let model: ModelBundle;
  beforeAll(async () => {
    model = await ModelBundle.load('demo', { cacheDir: await mkdtemp(join(tmpdir(), 'xai-lime-')) });
  });
  afterAll(() => model.dispose());

  async function explain(given: Record<string, unknown> = {}) {
    const [input] = await predictTexts(model, ['You look terrible! Maybe you should rest?']);
    return limeExplainer.explain(input!, { model }, resolveOptions(limeExplainer.options, given));
  }

  it('is deterministic for a seed, records it, and changes with it', async () => {
    const first = await explain({ seed: 3 });
    const again = await explain({ seed: 3 });
    const other = await explain({ seed: 4 });
    expect(again.raw).toEqual(first.raw);
    expect(other.raw).not.toEqual(first.raw);
    expect(first.options).toMatchObject({ seed: 3, samples: 121, normalization: 'l1' });
    expect(first.raw[0]).toBe(0);
    expect(first.raw.at(-1)).toBe(0);
  });

  it('gives "terrible" the largest NEGATIVE attribution in the seed sentence', async () => {
    const explanation = await explain();
    const terrible = explanation.tokens.indexOf('terrible');
    expect(explanation.scores.indexOf(Math.max(...explanation.scores))).toBe(terrible);
    const positive = await explain({ target: 'POSITIVE' });
    expect(positive.scores.indexOf(Math.min(...positive.scores))).toBe(terrible);
  });
});
