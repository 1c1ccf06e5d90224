/**
 * The corpus view's logic: the feed keeps the summary equal to one made from scratch while results stream in
 * (appending, or starting over when a row it holds changed), and the table filters, sorts and finds the
 * sentences behind a chart with the summary's own keys.
 */
import { describe, expect, it } from 'vitest';
import { summarizeCorpus, type CorpusModel } from '../../shared/corpus';
import type { Explanation, SentenceResult } from '../../shared/results';
import { CorpusFeed, NO_FILTERS, tableRows, type CorpusEntry, type TableFilters } from './corpus';

const model: CorpusModel = { labels: ['NEG', 'POS'], task: 'single_label_classification', tokenizer: 'WordPiece' };

function explanation(method: string, scores: number[], targetLabel?: string): Explanation {
  return {
    method,
    options: targetLabel ? { targetLabel } : {},
    tokens: [],
    raw: scores,
    scores,
    evaluations: 1,
    seconds: 0.1,
    warnings: [],
  };
}

/** `[CLS] words [SEP]`, predicted `predicted` with probability `p`; explained when `explained`. */
function sentence(words: string[], predicted: 'NEG' | 'POS', p: number, explained = true): SentenceResult {
  const tokens = ['[CLS]', ...words, '[SEP]'];
  const scores = tokens.map((_, i) => (i === 0 || i === tokens.length - 1 ? 0 : (i % 3) - 1));
  return {
    index: 0,
    text: words.join(' '),
    tokens,
    ids: tokens.map((_, i) => i),
    truncated: false,
    special: tokens.map((_, i) => i === 0 || i === tokens.length - 1),
    logits: [0, 0],
    probabilities: { [predicted]: p, [predicted === 'POS' ? 'NEG' : 'POS']: 1 - p },
    predictedIndex: predicted === 'NEG' ? 0 : 1,
    predictedLabel: predicted,
    warnings: [],
    explanations: explained
      ? {
          grad: explanation('grad', scores, predicted),
          attention: explanation(
            'attention',
            scores.map((s) => Math.abs(s)),
          ),
        }
      : {},
  };
}

const RESULTS = [
  sentence(['a', 'good', 'film'], 'POS', 0.9),
  sentence(['a', 'bad', 'film'], 'NEG', 0.8),
  sentence(['good', 'grief'], 'POS', 0.6),
  sentence(['not', 'good'], 'POS', 0.55),
  sentence(['Bad', 'film'], 'NEG', 0.7),
];
const LABELS = ['POS', 'NEG', 'NEG', 'NEG', undefined];

/** The summary from scratch of the same results, numbered and labelled as the feed does. */
function expected(count: number) {
  const sentences = RESULTS.slice(0, count).map((s, i) => ({
    ...s,
    index: i,
    ...(LABELS[i] === undefined ? {} : { trueLabel: LABELS[i] }),
  }));
  return summarizeCorpus({ model, sentences }, { minCount: 1 });
}

describe('CorpusFeed', () => {
  const entries = (count: number) => (i: number) => (i < count ? { result: RESULTS[i]!, label: LABELS[i] } : undefined);

  it('appends streamed rows and equals the summary made from scratch', () => {
    const feed = new CorpusFeed();
    feed.update(model, '', 5, entries(2));
    expect(feed.covered).toBe(2);
    expect(feed.summary({ minCount: 1 })).toEqual(expected(2));
    feed.update(model, '', 5, entries(5));
    expect(feed.covered).toBe(5);
    expect(feed.summary({ minCount: 1 })).toEqual(expected(5));
    expect(feed.sentence(3)).toMatchObject({ index: 3, trueLabel: 'NEG', text: 'not good' });
  });

  it('starts over when a row it holds changed (a prediction replaced by a job result)', () => {
    const feed = new CorpusFeed();
    const predicted = RESULTS.map((s) => ({ ...s, explanations: {} }));
    feed.update(model, '', 5, (i) => ({ result: predicted[i]!, label: LABELS[i], predictionOnly: true }));
    const before = feed.summary({ minCount: 1 })!;
    expect(before.importance).toEqual([]);
    expect(before.classification!.sentences).toBe(4);
    // A job starts: rows wait for it (undefined), then its results come in.
    feed.update(model, '', 5, () => undefined);
    expect(feed.covered).toBe(0);
    feed.update(model, '', 5, entries(5));
    expect(feed.summary({ minCount: 1 })).toEqual(expected(5));
  });

  it('leaves a row out on null, strips a prediction-only row of its explanations, and starts over on a new model', () => {
    const feed = new CorpusFeed();
    const entry = (i: number): CorpusEntry =>
      i === 1 ? null : { result: RESULTS[i]!, label: LABELS[i], predictionOnly: i === 2 };
    feed.update(model, '', 3, entry);
    const summary = feed.summary({ minCount: 1 })!;
    expect(summary.sentences).toBe(2);
    expect(summary.predictions.map((row) => row.index)).toEqual([0, 2]);
    expect(summary.totals.map((total) => total.sentences)).toEqual([1, 1]);
    expect(feed.sentence(1)).toBeUndefined();
    const other = { ...model, lowercase: true };
    feed.update(other, '', 3, entry);
    expect(feed.summary({ minCount: 1 })!.sentences).toBe(2);
  });
});

describe('tableRows', () => {
  const summary = expected(5);
  const context = { labels: summary.labels, model, sentence: (i: number) => ({ ...RESULTS[i]!, index: i }) };
  const rows = (filters: Partial<TableFilters>, chart?: Parameters<typeof tableRows>[3]) =>
    tableRows(summary.predictions, { ...NO_FILTERS, ...filters }, { key: 'index', descending: false }, chart).map(
      (row) => row.index,
    );

  it('filters by label, prediction, outcome, confidence and text', () => {
    expect(rows({})).toEqual([0, 1, 2, 3, 4]);
    expect(rows({ trueLabel: 'NEG' })).toEqual([1, 2, 3]);
    expect(rows({ predicted: 'POS' })).toEqual([0, 2, 3]);
    expect(rows({ outcome: 'wrong' })).toEqual([2, 3]);
    expect(rows({ outcome: 'correct' })).toEqual([0, 1]);
    expect(rows({ outcome: 'unlabelled' })).toEqual([4]);
    expect(rows({ minConfidence: 0.6, maxConfidence: 0.8 })).toEqual([1, 2, 4]);
    expect(rows({ search: 'BAD' })).toEqual([1, 4]);
  });

  it('sorts, ties by index, and puts errors first on request', () => {
    const sorted = (key: 'confidence' | 'correct' | 'text', descending: boolean, errorsFirst = false) =>
      tableRows(summary.predictions, { ...NO_FILTERS, errorsFirst }, { key, descending }).map((row) => row.index);
    expect(sorted('confidence', true)).toEqual([0, 1, 4, 2, 3]);
    expect(sorted('confidence', false, true)).toEqual([3, 2, 4, 1, 0]);
    expect(sorted('text', false)).toEqual([1, 0, 4, 2, 3]);
    // Unlabelled rows (no correct/wrong) sort last either way.
    expect(sorted('correct', false)).toEqual([2, 3, 0, 1, 4]);
    expect(sorted('correct', true)).toEqual([0, 1, 2, 3, 4]);
  });

  it('finds the sentences behind a confusion cell and a global token or word', () => {
    expect(rows({}, { filter: { kind: 'cell', truth: 'NEG', predicted: 'POS' }, context })).toEqual([2, 3]);
    expect(rows({}, { filter: { kind: 'cell', truth: 'POS', predicted: 'POS' }, context })).toEqual([0]);
    // grad counts under its target (the prediction): "good" in POS sentences 0, 2, 3.
    const good = { kind: 'tokens' as const, key: 'good', method: 'grad', label: 'POS' };
    expect(rows({}, { filter: good, context })).toEqual([0, 2, 3]);
    expect(rows({ outcome: 'wrong' }, { filter: good, context })).toEqual([2, 3]);
    // Case is kept (the model does not fold): "Bad" and "bad" are two keys.
    const bad = { kind: 'words' as const, key: 'bad', method: 'attention', label: 'NEG' };
    expect(rows({}, { filter: bad, context })).toEqual([1]);
    const folded = { ...context, model: { ...model, lowercase: true } };
    expect(rows({}, { filter: bad, context: folded })).toEqual([1, 4]);
    expect(rows({}, { filter: { ...good, label: 'NEG' }, context })).toEqual([]);
  });
});
