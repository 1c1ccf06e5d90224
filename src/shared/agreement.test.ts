import { describe, expect, it } from 'vitest';
import { agreementMatrix, isSpecialToken, kendallTauB } from './agreement.js';

describe("Kendall's τ-b", () => {
  it('is 1 for the same order, −1 for the reverse', () => {
    expect(kendallTauB([1, 2, 3], [10, 20, 30])).toBe(1);
    expect(kendallTauB([1, 2, 3], [3, 2, 1])).toBe(-1);
  });

  it('matches a hand count without ties', () => {
    // 6 pairs; only (1,2) is discordant: (5 − 1) / 6.
    expect(kendallTauB([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(4 / 6, 12);
  });

  it('matches a hand count with ties (scipy.stats.kendalltau gives 0.8)', () => {
    // Pairs: (0,1) tied in a; (1,2) tied in b; the other 4 concordant. (4 − 0) / √((6 − 1)(6 − 1)) = 0.8.
    expect(kendallTauB([1, 1, 2, 3], [1, 2, 2, 3])).toBeCloseTo(0.8, 12);
  });

  it('is undefined when one side is constant', () => {
    expect(kendallTauB([1, 1, 1], [1, 2, 3])).toBeUndefined();
    expect(() => kendallTauB([1], [1, 2])).toThrow();
  });
});

describe('agreement matrix', () => {
  it('compares methods pairwise over the non-special tokens', () => {
    const tokens = ['[CLS]', 'a', 'b', 'c', '[SEP]'];
    // The [CLS]/[SEP] values would make the pair disagree; without them the first two agree fully.
    const matrix = agreementMatrix(tokens, [
      [9, 1, 2, 3, 9],
      [-9, 1, 2, 3, -9],
      [0, 3, 2, 1, 0],
    ]);
    expect(matrix[0]).toEqual([1, 1, -1]);
    expect(matrix[2]![1]).toBe(-1);
    expect(isSpecialToken('[CLS]')).toBe(true);
    expect(isSpecialToken('</s>')).toBe(true);
    expect(isSpecialToken('cls')).toBe(false);
  });

  it("also leaves out what the tokenizer's special mask marks, whatever the specials are called", () => {
    const scores = [
      [9, 1, 2, 3, 9],
      [-9, 1, 2, 3, -9],
    ];
    const tokens = ['<cls>', 'a', 'b', 'c', '<sep>'];
    expect(agreementMatrix(tokens, scores)[0]![1]).toBeLessThan(1);
    expect(agreementMatrix(tokens, scores, [true, false, false, false, true])[0]![1]).toBe(1);
    // BERT's: the mask marks what the strings already name, so the numbers stay as they were.
    const bert = ['[CLS]', 'a', '[UNK]', 'c', '[SEP]'];
    const mask = [true, false, false, false, true];
    expect(agreementMatrix(bert, scores, mask)).toEqual(agreementMatrix(bert, scores));
  });
});
