import { describe, expect, it } from 'vitest';
import { aggregateMaps, rollout, type AttentionMaps } from './attention.js';

/** 3 layers × 2 heads of 1×1 "maps", so each aggregation is one number that can be worked out by hand. */
function scalars(values: number[][]): AttentionMaps {
  return { n: 1, maps: values.map((heads) => heads.map((value) => Float32Array.of(value))) };
}

describe('aggregateMaps', () => {
  // layer × head:  [[1, 10], [2, 40], [9, 20]]
  const maps = scalars([
    [1, 10],
    [2, 40],
    [9, 20],
  ]);

  it('takes the median over layers first, then over heads', () => {
    // over layers: head 0 → median(1,2,9) = 2, head 1 → median(10,40,20) = 20; over heads: (2+20)/2 = 11.
    // (The median of all six values would be (9+10)/2 = 9.5.)
    expect(aggregateMaps(maps, 'median')[0]).toBe(11);
  });

  it.each([
    ['mean', (1 + 10 + 2 + 40 + 9 + 20) / 6],
    ['max', 40],
    ['min', 1],
  ] as const)('%s over everything', (aggregation, expected) => {
    expect(aggregateMaps(maps, aggregation)[0]).toBeCloseTo(expected, 12);
  });

  it('selects one layer and one head', () => {
    expect(aggregateMaps(maps, 'mean', 1)[0]).toBe(21);
    expect(aggregateMaps(maps, 'median', 'all', 1)[0]).toBe(20);
    expect(aggregateMaps(maps, 'max', 2, 0)[0]).toBe(9);
  });
});

describe('rollout', () => {
  it('mixes in the identity, renormalizes rows and multiplies layers first to last', () => {
    // Two tokens, one head per layer. Layer 1: every token attends fully to token 1; layer 2: to token 0.
    const toSecond = Float32Array.of(0, 1, 0, 1);
    const toFirst = Float32Array.of(1, 0, 1, 0);
    const result = rollout({ n: 2, maps: [[toSecond], [toFirst]] });
    // Â1 = [[.5,.5],[0,1]], Â2 = [[1,0],[.5,.5]]; rollout = Â2·Â1 = [[.5,.5],[.25,.75]].
    expect(Array.from(result)).toEqual([0.5, 0.5, 0.25, 0.75]);
  });

  it('averages heads before mixing', () => {
    const result = rollout({ n: 2, maps: [[Float32Array.of(1, 0, 0, 1), Float32Array.of(0, 1, 1, 0)]] });
    // head mean = all 0.5; 0.5·A + 0.5·I = [[.75,.25],[.25,.75]] (rows already sum to 1).
    expect(Array.from(result)).toEqual([0.75, 0.25, 0.25, 0.75]);
  });
});
