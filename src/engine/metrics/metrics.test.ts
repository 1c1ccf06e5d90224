import { describe, expect, it } from 'vitest';
import {
  aopcComprehensiveness,
  aopcSufficiency,
  rationaleSets,
  taucorrLoo,
  type RemovalModel,
} from './faithfulness.js';
import { auprc, tokenF1, tokenIoU } from './plausibility.js';
import { innerRationale } from './evaluate.js';
import { descendingOrder } from './rank.js';

describe('descendingOrder', () => {
  it('orders descending with later positions first among ties (numpy argsort()[::-1])', () => {
    expect(descendingOrder([0.2, 0.5, 0.2, 0.1])).toEqual([1, 2, 0, 3]);
  });
});

describe('plausibility (golden values of methods.md)', () => {
  const rationale = [0, 1, 0, 0, 0];
  it.each([
    [[-0.06, 0.43, 0.09, 0.2, 0.23], 1, 1],
    [[0.08, 0.17, 0.12, 0.35, 0.07], 0.25, 0],
    [[0.01, 0.23, 0.08, 0.03, 0.66], 0.25, 0],
  ])('%j → auprc %d, F1 = IoU = %d at K = 1', (scores, area, overlap) => {
    expect(auprc(scores, rationale)).toBeCloseTo(area, 15);
    expect(tokenF1(scores, rationale, 1)).toBe(overlap);
    expect(tokenIoU(scores, rationale, 1)).toBe(overlap);
  });

  it('groups tied scores into one threshold and clips negatives to 0', () => {
    // Clipped [.5, .5, 0, 0]: one threshold takes both .5s (P = ½, R = 1) → area ½·(1 + ½) = .75.
    expect(auprc([0.5, 0.5, -1, -2], [1, 0, 0, 0])).toBeCloseTo(0.75, 15);
    expect(auprc([0.5, 0.2], [0, 0])).toBeNaN();
  });

  it('takes only positive scores into the top K', () => {
    // Top 3 = positions 1, 0 (2 is negative and left out): 1 hit of 2 predicted, 2 true → P = R = ½.
    expect(tokenF1([0.3, 0.4, -0.1, 0], [1, 0, 1, 0], 3)).toBeCloseTo(0.5, 15);
    // IoU = 1 / |{0,1,2}|.
    expect(tokenIoU([0.3, 0.4, -0.1, 0], [1, 0, 1, 0], 3)).toBeCloseTo(1 / 3, 15);
  });
});

describe('faithfulness by hand on a stub model', () => {
  // Tokens: [CLS] t1…t5 [SEP]. The stub's p(target) is 0.1 + Σ w_i over the tokens present.
  const w: Record<number, number> = { 1: 0.3, 2: 0.1, 3: 0.2, 4: 0.05, 5: 0.15 };
  const present = (kept: number[]) => 0.1 + kept.reduce((sum, i) => sum + w[i]!, 0);
  const all = [1, 2, 3, 4, 5];
  const stub: RemovalModel = {
    full: async () => present(all),
    without: async (sets) => sets.map((set) => present(all.filter((i) => !set.includes(i)))),
    only: async (sets) => sets.map((set) => present(set)),
  };
  const scores = [0.9, 0.5, -0.2, 0.3, 0.1, 0, 0.9];

  it('builds R_t from the positive top ⌊t·5⌋, skipping empty and repeated sets', () => {
    // k = 0,1,1,2,2,3,3,4,4,5; order 1,3,4,5(0),2(−) → {1}, {1,3}, {1,3,4}; k ≥ 4 adds only non-positive scores.
    expect(rationaleSets(scores)).toEqual([[1], [1, 3], [1, 3, 4]]);
  });

  it('aopc_compr = mean of p(x) − p(x∖R_t)', async () => {
    // p(x) = .9; removing {1} → .6, {1,3} → .4, {1,3,4} → .35: drops .3, .5, .55 → 1.35/3.
    expect(await aopcComprehensiveness(scores, stub)).toBeCloseTo(0.45, 12);
  });

  it('aopc_suff = mean of p(x) − p(R_t)', async () => {
    // p({1}) = .4, p({1,3}) = .6, p({1,3,4}) = .65: .5, .3, .25 → 1.05/3.
    expect(await aopcSufficiency(scores, stub)).toBeCloseTo(0.35, 12);
  });

  it('taucorr_loo = τ-b against the leave-one-out drops (here w itself)', async () => {
    expect(await taucorrLoo(scores, stub)).toBeCloseTo(0.6, 12);
  });

  it('falls back to 0 and 1 when no score is positive', async () => {
    const none = [0, -1, -1, 0, -2, 0, 0];
    expect(await aopcComprehensiveness(none, stub)).toBe(0);
    expect(await aopcSufficiency(none, stub)).toBe(1);
  });
});

describe('innerRationale', () => {
  const tokens = ['[CLS]', 'un', '##real', 'film', '[SEP]'];
  it('accepts one value per token, with or without the specials, or per word', () => {
    expect(innerRationale({ tokens }, [0, 1, 1, 0, 0])).toEqual([1, 1, 0]);
    expect(innerRationale({ tokens }, [1, 1, 0])).toEqual([1, 1, 0]);
    // Words: [CLS] unreal film [SEP] → the word value spreads over both pieces.
    expect(innerRationale({ tokens }, [0, 1, 0, 0])).toEqual([1, 1, 0]);
    expect(innerRationale({ tokens }, [0, 1])).toEqual([0, 0, 1]);
    expect(() => innerRationale({ tokens }, [1])).toThrow('one per token');
  });
});
