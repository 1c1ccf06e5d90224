import { describe, expect, it } from 'vitest';
import { keptPositions, longestFirst } from './truncation.js';

describe('longest-first truncation (hand-derived from tokenizers truncation.rs)', () => {
  it('keeps the shorter text whole when the longer still gets as much, else halves the budget', () => {
    expect(longestFirst(3, 4, 10)).toEqual([3, 4]);
    expect(longestFirst(3, 20, 10)).toEqual([3, 7]);
    expect(longestFirst(20, 3, 10)).toEqual([7, 3]);
    expect(longestFirst(6, 9, 10)).toEqual([5, 5]);
    // An odd budget: the longer text gets the odd token, the second when they are as long.
    expect(longestFirst(9, 6, 11)).toEqual([6, 5]);
    expect(longestFirst(6, 9, 11)).toEqual([5, 6]);
    expect(longestFirst(8, 8, 11)).toEqual([5, 6]);
  });

  it("keeps every special and each text's first tokens", () => {
    // [CLS] a a a a [SEP] b b b [SEP] into 7: 3 specials, a budget of 4 → 2 + 2.
    const pair = [null, 0, 0, 0, 0, null, 1, 1, 1, null];
    expect(keptPositions(pair, 7)).toEqual([true, true, true, false, false, true, true, true, false, true]);
    // One text: as many as fit between its specials.
    expect(keptPositions([null, 0, 0, 0, null], 4)).toEqual([true, true, true, false, true]);
    expect(keptPositions([null, 0, 0, null], 10)).toEqual([true, true, true, true]);
  });
});
