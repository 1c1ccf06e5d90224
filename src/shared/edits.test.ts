import { describe, expect, it } from 'vitest';
import { BERT_PAIR_LAYOUT, BPE_LAYOUT, WORDPIECE_LAYOUT } from './charts/test-layouts.js';
import {
  applyTokenAction,
  deleteChars,
  diffCounts,
  formatDelta,
  maskUnavailableReason,
  predictionChange,
  replaceChars,
  spanMark,
  tokenCharSpan,
  tokenDiff,
  tokenMarks,
  type DiffRun,
} from './edits.js';
import type { Prediction } from './results.js';

/** The LCS length of two sequences by the textbook recursion (memoized), as an oracle for `tokenDiff`. */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  const memo = new Map<string, number>();
  const go = (i: number, j: number): number => {
    if (i === a.length || j === b.length) return 0;
    const key = `${i},${j}`;
    if (!memo.has(key)) memo.set(key, a[i] === b[j] ? 1 + go(i + 1, j + 1) : Math.max(go(i + 1, j), go(i, j + 1)));
    return memo.get(key)!;
  };
  return go(0, 0);
}

/** Checks the runs tile both sequences in order and that `same` runs really are equal. */
function checkRuns(runs: DiffRun[], a: string[], b: string[]): void {
  let i = 0;
  let j = 0;
  for (const run of runs) {
    expect(run.a[0]).toBe(i);
    expect(run.b[0]).toBe(j);
    if (run.kind === 'same') expect(a.slice(...run.a)).toEqual(b.slice(...run.b));
    if (run.kind === 'delete') expect(run.b[1]).toBe(run.b[0]);
    if (run.kind === 'insert') expect(run.a[1]).toBe(run.a[0]);
    if (run.kind !== 'same') expect(run.a[1] - run.a[0] + run.b[1] - run.b[0]).toBeGreaterThan(0);
    [i, j] = [run.a[1], run.b[1]];
  }
  expect([i, j]).toEqual([a.length, b.length]);
  // No two change runs touch: a replace is one run, not a delete beside an insert.
  runs.forEach((run, k) => k > 0 && run.kind !== 'same' && expect(runs[k - 1]!.kind).toBe('same'));
}

describe('tokenDiff', () => {
  it('marks a replaced word on both sides and keeps the rest in place', () => {
    const a = ['[CLS]', 'you', 'look', 'terrible', '!', '[SEP]'];
    const b = ['[CLS]', 'you', 'look', 'wonderful', '!', '[SEP]'];
    expect(tokenDiff(a, b)).toEqual([
      { kind: 'same', a: [0, 3], b: [0, 3] },
      { kind: 'replace', a: [3, 4], b: [3, 4] },
      { kind: 'same', a: [4, 6], b: [4, 6] },
    ]);
  });

  it('tells a deletion from an insertion', () => {
    const a = ['[CLS]', 'a', 'very', 'good', 'film', '[SEP]'];
    const b = ['[CLS]', 'a', 'good', 'film', 'indeed', '[SEP]'];
    const runs = tokenDiff(a, b);
    expect(runs.filter((run) => run.kind !== 'same')).toEqual([
      { kind: 'delete', a: [2, 3], b: [2, 2] },
      { kind: 'insert', a: [5, 5], b: [4, 5] },
    ]);
    expect(tokenMarks(runs, 'a')).toEqual([undefined, undefined, 'deleted', undefined, undefined, undefined]);
    expect(tokenMarks(runs, 'b')).toEqual([undefined, undefined, undefined, undefined, 'inserted', undefined]);
    expect(diffCounts(runs)).toEqual({ replaced: 0, inserted: 1, deleted: 1 });
  });

  it('a piece that changes inside a word is a replace of that piece only', () => {
    const a = ['[CLS]', 'look', '##ing', 'good', '[SEP]'];
    const b = ['[CLS]', 'look', '##ed', 'good', '[SEP]'];
    expect(tokenMarks(tokenDiff(a, b), 'b')).toEqual([undefined, undefined, 'replaced', undefined, undefined]);
  });

  it('handles empty and identical sequences', () => {
    expect(tokenDiff([], [])).toEqual([]);
    expect(tokenDiff(['a', 'b'], ['a', 'b'])).toEqual([{ kind: 'same', a: [0, 2], b: [0, 2] }]);
    expect(tokenDiff([], ['a'])).toEqual([{ kind: 'insert', a: [0, 0], b: [0, 1] }]);
    expect(tokenDiff(['a'], [])).toEqual([{ kind: 'delete', a: [0, 1], b: [0, 0] }]);
    expect(tokenDiff(['a'], ['b'])).toEqual([{ kind: 'replace', a: [0, 1], b: [0, 1] }]);
  });

  it('keeps a longest common subsequence in place on random sequences (against the textbook recursion)', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 300; trial += 1) {
      const draw = (): string[] =>
        Array.from({ length: Math.floor(random() * 9) }, () => 'abcd'[Math.floor(random() * 4)]!);
      const [a, b] = [draw(), draw()];
      const runs = tokenDiff(a, b);
      checkRuns(runs, a, b);
      const kept = runs.filter((run) => run.kind === 'same').reduce((sum, run) => sum + run.a[1] - run.a[0], 0);
      expect(kept, `${a.join('')} → ${b.join('')}`).toBe(lcsLength(a, b));
    }
  });
});

describe('spanMark', () => {
  it('reads a word as deleted or inserted when all of it is, as replaced when only part of it changed', () => {
    const marks = [undefined, 'deleted', 'deleted', undefined, 'deleted', 'replaced'] as const;
    expect(spanMark(marks, [0, 1])).toBeUndefined();
    expect(spanMark(marks, [1, 3])).toBe('deleted');
    expect(spanMark(marks, [3, 5])).toBe('replaced');
    expect(spanMark(marks, [5, 6])).toBe('replaced');
  });
});

describe('tokenCharSpan', () => {
  it('finds a piece and a whole word by the offsets (WordPiece)', () => {
    expect(tokenCharSpan(WORDPIECE_LAYOUT, [2, 3])).toEqual({ sequence: 0, start: 1, end: 3 });
    expect(tokenCharSpan(WORDPIECE_LAYOUT, [1, 4])).toEqual({ sequence: 0, start: 0, end: 10 });
  });

  it('BPE offsets leave out the space a Ġ stands for', () => {
    expect(tokenCharSpan(BPE_LAYOUT, [5, 6])).toEqual({ sequence: 0, start: 11, end: 15 });
  });

  it("a pair's second-text token is found in the second text", () => {
    const at = BERT_PAIR_LAYOUT.tokens.indexOf('music');
    const span = tokenCharSpan(BERT_PAIR_LAYOUT, [at, at + 1]);
    expect(span).toMatchObject({ sequence: 1 });
    if ('start' in span) expect(BERT_PAIR_LAYOUT.textPair!.slice(span.start, span.end)).toBe('music');
  });

  it('refuses specials and results without offsets', () => {
    expect(tokenCharSpan(WORDPIECE_LAYOUT, [0, 1])).toHaveProperty('reason', expect.stringContaining('special'));
    expect(tokenCharSpan({ tokens: ['a', 'b'] }, [0, 1])).toHaveProperty('reason', expect.stringContaining('offsets'));
  });
});

describe('deleteChars and replaceChars', () => {
  const SEED = 'You look terrible! Maybe you should rest?';

  it('a word next to punctuation takes only its characters', () => {
    expect(deleteChars(SEED, 9, 17)).toBe('You look ! Maybe you should rest?');
  });

  it('a whole word takes one space with it (the one after, or before at the end)', () => {
    expect(deleteChars('a very good film', 2, 6)).toBe('a good film');
    expect(deleteChars('a very good film', 0, 1)).toBe('very good film');
    expect(deleteChars('a very good film', 12, 16)).toBe('a very good');
  });

  it('a piece of a word takes only its own characters', () => {
    expect(deleteChars('looking good', 4, 7)).toBe('look good');
    expect(deleteChars('xylophones rock', 1, 3)).toBe('xophones rock');
  });

  it('replaces characters with the mask token', () => {
    expect(replaceChars(SEED, 9, 17, '[MASK]')).toBe('You look [MASK]! Maybe you should rest?');
  });
});

describe('applyTokenAction', () => {
  it('changes the text a span is in and keeps the other', () => {
    const pair = { text: 'A man plays guitar.', textPair: 'Someone makes music' };
    expect(applyTokenAction(pair, { sequence: 1, start: 14, end: 19 }, 'mask', '[MASK]')).toEqual({
      text: 'A man plays guitar.',
      textPair: 'Someone makes [MASK]',
    });
    expect(applyTokenAction(pair, { sequence: 0, start: 6, end: 11 }, 'delete', '[MASK]')).toEqual({
      text: 'A man guitar.',
      textPair: 'Someone makes music',
    });
    expect(applyTokenAction({ text: 'good film' }, { sequence: 0, start: 0, end: 4 }, 'delete', undefined)).toEqual({
      text: 'film',
    });
  });

  it('gives the reason where it cannot act', () => {
    expect(applyTokenAction({ text: 'good' }, { sequence: 0, start: 0, end: 4 }, 'delete', '[MASK]')).toHaveProperty(
      'reason',
      expect.stringContaining('empty'),
    );
    expect(applyTokenAction({ text: 'good' }, { sequence: 0, start: 0, end: 4 }, 'mask', undefined)).toHaveProperty(
      'reason',
      expect.stringContaining('no mask token'),
    );
    expect(maskUnavailableReason({})).toContain('mask_token');
    expect(maskUnavailableReason({ maskToken: '<mask>' })).toBeUndefined();
  });
});

describe('predictionChange', () => {
  const prediction = (negative: number): Prediction => ({
    logits: [0, 0],
    probabilities: { NEGATIVE: negative, POSITIVE: 1 - negative },
    predictedIndex: negative >= 0.5 ? 0 : 1,
    predictedLabel: negative >= 0.5 ? 'NEGATIVE' : 'POSITIVE',
  });

  it('reads the explained class on both sides and says when the label flips', () => {
    const change = predictionChange(prediction(0.9), prediction(0.3), 'NEGATIVE');
    expect(change).toMatchObject({ label: 'NEGATIVE', measure: 'probability', before: 0.9, after: 0.3 });
    expect(change.delta).toBeCloseTo(-0.6, 12);
    expect(change).toMatchObject({ predictedBefore: 'NEGATIVE', predictedAfter: 'POSITIVE', labelChanged: true });
    expect(predictionChange(prediction(0.9), prediction(0.8)).labelChanged).toBe(false);
  });

  it('reads a regression score and a multi-label sigmoid', () => {
    const score = (value: number): Prediction => ({
      logits: [value],
      probabilities: {},
      predictedIndex: 0,
      predictedLabel: 'LABEL_0',
      score: value,
    });
    expect(predictionChange(score(0.2), score(0.7))).toMatchObject({ measure: 'score', before: 0.2, after: 0.7 });
    const multi = (joy: number): Prediction => ({
      logits: [0, 0],
      probabilities: { joy, anger: 0.1 },
      predictedIndex: 0,
      predictedLabel: 'joy',
      predictedLabels: joy >= 0.5 ? ['joy'] : [],
    });
    expect(predictionChange(multi(0.8), multi(0.4), 'joy', { task: 'multi_label_classification' })).toMatchObject({
      measure: 'sigmoid',
      predictedBefore: 'joy',
      predictedAfter: 'none',
      labelChanged: true,
    });
  });

  it('formats a signed delta', () => {
    expect(formatDelta(0.1254)).toBe('+0.125');
    expect(formatDelta(-0.4814)).toBe('−0.481');
    expect(formatDelta(-0.0001)).toBe('±0.000');
  });
});
