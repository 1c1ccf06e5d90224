/**
 * The corpus summary against values derived by hand from a five-sentence results document (the derivations
 * are in the comments): counts, accuracy, the confusion matrix, per-label and macro F1 as scikit-learn defines
 * them, global importance means, Kendall τ-b means and spreads, ferret metric means, totals, and the notes.
 */
import { describe, expect, it } from 'vitest';
import {
  CorpusAccumulator,
  importanceClass,
  importanceKey,
  matchTrueLabel,
  sentenceKeys,
  summarizeCorpus,
  type CorpusModel,
} from './corpus.js';
import type { Explanation, MetricValues, SentenceResult } from './results.js';

const model: CorpusModel = { labels: ['NEG', 'POS'], task: 'single_label_classification', tokenizer: 'WordPiece' };

function explanation(method: string, scores: number[], targetLabel?: string): Explanation {
  return {
    method,
    options: targetLabel === undefined ? {} : { target: targetLabel === 'NEG' ? 0 : 1, targetLabel },
    tokens: [],
    raw: scores,
    scores,
    evaluations: 10,
    seconds: 0.5,
    warnings: [],
  };
}

interface Spec {
  words: string[];
  predicted: 'NEG' | 'POS';
  p: number;
  trueLabel?: string;
  gradient: number[];
  attention: number[];
  target?: 'NEG' | 'POS';
  evaluation?: Record<string, MetricValues>;
}

/** `[CLS] words… [SEP]`, scored by a target-class method (`grad`) and by attention (no target). */
function sentence(index: number, spec: Spec): SentenceResult {
  const tokens = ['[CLS]', ...spec.words, '[SEP]'];
  const other = spec.predicted === 'POS' ? 'NEG' : 'POS';
  return {
    index,
    text: spec.words.join(' ').replace(/ ##/g, ''),
    tokens,
    ids: tokens.map((_, i) => i),
    truncated: false,
    special: tokens.map((_, i) => i === 0 || i === tokens.length - 1),
    logits: [0, 0],
    probabilities: { [spec.predicted]: spec.p, [other]: 1 - spec.p },
    predictedIndex: spec.predicted === 'NEG' ? 0 : 1,
    predictedLabel: spec.predicted,
    ...(spec.trueLabel === undefined ? {} : { trueLabel: spec.trueLabel }),
    warnings: [],
    explanations: {
      grad: explanation('grad', spec.gradient, spec.target ?? spec.predicted),
      attention: explanation('attention', spec.attention),
    },
    ...(spec.evaluation ? { evaluation: spec.evaluation } : {}),
  };
}

const SENTENCES: SentenceResult[] = [
  sentence(0, {
    words: ['good', 'film'],
    predicted: 'POS',
    p: 0.9,
    trueLabel: 'POS',
    gradient: [0, 0.5, 0.1, 0],
    attention: [0.3, 0.4, 0.2, 0.1],
    evaluation: { grad: { aopc_compr: 0.2, taucorr_loo: null }, attention: { aopc_compr: 0.1 } },
  }),
  sentence(1, {
    words: ['bad', 'film'],
    predicted: 'NEG',
    p: 0.8,
    trueLabel: 'neg',
    gradient: [0, 0.6, -0.2, 0],
    attention: [0.2, 0.5, 0.2, 0.1],
    evaluation: { grad: { aopc_compr: 0.4, taucorr_loo: 0.5 } },
  }),
  sentence(2, {
    words: ['good', 'good'],
    predicted: 'POS',
    p: 0.7,
    trueLabel: 'NEG',
    gradient: [0, 0.3, 0.1, 0],
    attention: [0.1, 0.3, 0.5, 0.1],
  }),
  sentence(3, {
    words: ['film', '##s'],
    predicted: 'NEG',
    p: 0.6,
    trueLabel: 'meh',
    gradient: [0, -0.1, 0.3, 0],
    attention: [0.25, 0.25, 0.25, 0.25],
  }),
  sentence(4, { words: ['film'], predicted: 'POS', p: 0.55, gradient: [0, 0.2, 0], attention: [0.3, 0.4, 0.3] }),
];

describe('summarizeCorpus (hand-derived)', () => {
  const summary = summarizeCorpus({ model, sentences: SENTENCES }, { minCount: 1 });

  it('counts predictions and true labels and builds the prediction table', () => {
    expect(summary.sentences).toBe(5);
    expect(summary.predictedCounts).toEqual({ POS: 3, NEG: 2 });
    expect(summary.trueCounts).toEqual({ POS: 1, neg: 1, NEG: 1, meh: 1 });
    expect(summary.labelled).toBe(4);
    expect(summary.predictions.map((row) => [row.index, row.predictedLabel, row.confidence, row.correct])).toEqual([
      [0, 'POS', 0.9, true],
      [1, 'NEG', 0.8, true], // "neg" read as NEG (case)
      [2, 'POS', 0.7, false],
      [3, 'NEG', 0.6, undefined], // "meh" is no label: not counted as wrong
      [4, 'POS', 0.55, undefined],
    ]);
    expect(summary.predictions[3]!.text).toBe('films');
  });

  it('computes accuracy, the confusion matrix and macro-F1 over the matched labels', () => {
    // Matched: S0 POS→POS, S1 NEG→NEG, S2 NEG→POS. confusion[true][predicted] over [NEG, POS].
    const classification = summary.classification!;
    expect(classification.sentences).toBe(3);
    expect(classification.accuracy).toBeCloseTo(2 / 3, 12);
    expect(classification.confusion).toEqual([
      [1, 1],
      [0, 1],
    ]);
    // NEG: tp 1, support 2, predicted 1 → P 1, R 1/2, F1 2·1/(2+1). POS: tp 1, support 1, predicted 2 → P 1/2, R 1.
    const [neg, pos] = classification.perLabel;
    expect([neg!.precision, neg!.recall, neg!.f1, neg!.support]).toEqual([1, 0.5, 2 / 3, 2]);
    expect([pos!.precision, pos!.recall, pos!.f1, pos!.support]).toEqual([0.5, 1, 2 / 3, 1]);
    expect(classification.macroF1).toBeCloseTo(2 / 3, 12);
  });

  it('ranks tokens and words per method and explained class by mean |score|', () => {
    const grad = summary.importance.find((entry) => entry.method === 'grad')!;
    const pos = grad.classes.find((entry) => entry.label === 'POS')!;
    const neg = grad.classes.find((entry) => entry.label === 'NEG')!;
    // POS: good 0.5, 0.3, 0.1 → mean 0.3; film 0.1, 0.2 → 0.15.
    expect(pos.sentences).toBe(3);
    expect(pos.tokens.map(({ key, count }) => [key, count])).toEqual([
      ['good', 3],
      ['film', 2],
    ]);
    expect(pos.tokens[0]!.meanSigned).toBeCloseTo(0.3, 12);
    expect(pos.tokens[1]!.meanAbsolute).toBeCloseTo(0.15, 12);
    // NEG tokens: bad 0.6; ##s 0.3; film −0.2, −0.1 → signed −0.15, |·| 0.15.
    expect(neg.tokens.map(({ key }) => key)).toEqual(['bad', '##s', 'film']);
    expect(neg.tokens[2]!.meanSigned).toBeCloseTo(-0.15, 12);
    expect(neg.tokens[2]!.meanAbsolute).toBeCloseTo(0.15, 12);
    // NEG words: bad 0.6; film −0.2 (S1); films = film + ##s = 0.2 (S3); ties on |·| go by key.
    expect(neg.words.map(({ key, count }) => [key, count])).toEqual([
      ['bad', 1],
      ['film', 1],
      ['films', 1],
    ]);
    expect(neg.words[2]!.meanSigned).toBeCloseTo(0.2, 12);
  });

  it('counts a method with no target under the predicted label, and says so', () => {
    const attention = summary.importance.find((entry) => entry.method === 'attention')!;
    const pos = attention.classes.find((entry) => entry.label === 'POS')!;
    // POS predictions S0, S2, S4: good 0.4, 0.3, 0.5 → 0.4; film 0.2, 0.4 → 0.3.
    expect(pos.tokens.map(({ key, count }) => [key, count])).toEqual([
      ['good', 3],
      ['film', 2],
    ]);
    expect(pos.tokens[0]!.meanSigned).toBeCloseTo(0.4, 12);
    expect(pos.tokens[1]!.meanSigned).toBeCloseTo(0.3, 12);
    expect(summary.notes).toContain(
      "attention has no target class: its tokens are counted under each sentence's predicted label",
    );
  });

  it('leaves out tokens seen fewer than minCount times (default 3)', () => {
    const byDefault = summarizeCorpus({ model, sentences: SENTENCES });
    const grad = byDefault.importance.find((entry) => entry.method === 'grad')!;
    expect(grad.classes.map((entry) => [entry.label, entry.tokens.map(({ key }) => key)])).toEqual([
      ['POS', ['good']],
      ['NEG', []],
    ]);
    expect(byDefault.options).toEqual({ minCount: 3, hideStopWords: false });
  });

  it('averages τ-b over the sentences where it is defined, with its spread', () => {
    // S0, S1 concordant (1), S2 discordant (−1); S3 has constant attention and S4 one token: undefined.
    const { methods, mean, spread, sentences } = summary.agreement;
    expect(methods).toEqual(['grad', 'attention']);
    expect(mean[0]![1]).toBeCloseTo(1 / 3, 12);
    expect(mean[1]![0]).toBeCloseTo(1 / 3, 12);
    expect(spread[0]![1]).toBeCloseTo(Math.sqrt(1 - 1 / 9), 12);
    expect(sentences).toEqual([
      [5, 3],
      [3, 5],
    ]);
    expect(mean[0]![0]).toBe(1);
  });

  it("averages ferret's metrics over the sentences where they are defined", () => {
    expect(summary.evaluation.grad!.aopc_compr!.mean).toBeCloseTo(0.3, 12);
    expect(summary.evaluation.grad!.aopc_compr!.spread).toBeCloseTo(0.1, 12);
    expect(summary.evaluation.grad!.aopc_compr!.sentences).toBe(2);
    expect(summary.evaluation.grad!.taucorr_loo).toEqual({ mean: 0.5, spread: 0, sentences: 1 });
    expect(summary.evaluation.attention!.aopc_compr).toEqual({ mean: 0.1, spread: 0, sentences: 1 });
  });

  it('totals time and evaluations per method', () => {
    expect(summary.totals).toEqual([
      { method: 'grad', sentences: 5, seconds: 2.5, evaluations: 50 },
      { method: 'attention', sentences: 5, seconds: 2.5, evaluations: 50 },
    ]);
  });

  it('names how true labels were read', () => {
    expect(summary.notes).toContain("true labels were matched to the model's labels ignoring case (neg → NEG)");
    expect(summary.notes).toContain(
      'the true label "meh" is none of the labels (NEG, POS): its sentences are left out of accuracy',
    );
  });

  it('is the same whatever order the sentences come in (shards merged), and incremental', () => {
    const shuffled = [SENTENCES[3]!, SENTENCES[0]!, SENTENCES[4]!, SENTENCES[2]!, SENTENCES[1]!];
    expect(summarizeCorpus({ model, sentences: shuffled }, { minCount: 1 })).toEqual(summary);
    const accumulator = new CorpusAccumulator(model);
    for (const s of SENTENCES.slice(0, 2)) accumulator.add(s);
    expect(accumulator.summary().sentences).toBe(2);
    for (const s of SENTENCES.slice(2)) accumulator.add(s);
    expect(accumulator.summary({ minCount: 1 })).toEqual(summary);
  });

  it("leaves an explanation not of the sentence's tokens out of importance and agreement, and says so", () => {
    // A damaged explanation (one score short) would be read at the wrong positions; a report must still summarize.
    const damaged = structuredClone(SENTENCES[0]!);
    damaged.explanations.grad!.scores.pop();
    const result = summarizeCorpus({ model, sentences: [damaged, ...SENTENCES.slice(1)] }, { minCount: 1 });
    expect(result.notes).toContain(
      "grad's explanation of sentence 1 has 3 scores for 4 tokens: it is left out of importance and agreement",
    );
    expect(result.totals[0]).toEqual({ method: 'grad', sentences: 5, seconds: 2.5, evaluations: 50 });
    const grad = result.importance.find(({ method }) => method === 'grad')!;
    expect(grad.classes.find(({ label }) => label === 'POS')!.sentences).toBe(2);
    expect(result.agreement.sentences[0]![1]).toBe(2);
  });

  it('reads numeric true labels as class indices', () => {
    const numeric = SENTENCES.slice(0, 2).map((s, i) => ({ ...s, trueLabel: String(i === 0 ? 1 : 0) }));
    const result = summarizeCorpus({ model, sentences: numeric });
    expect(result.classification!.accuracy).toBe(1);
    expect(result.notes).toContain('true labels given as numbers were read as class indices (1 → POS)');
  });
});

describe('summarizeCorpus: keys, stop words, heads and zero-shot', () => {
  /** An ALBERT-like Unigram sentence: readable tokens come from the offsets, in the text's own case. */
  function unigram(index: number, text: string, pieces: [string, number, number][]): SentenceResult {
    const tokens = ['[CLS]', ...pieces.map(([piece]) => piece), '[SEP]'];
    return {
      ...sentence(index, { words: [], predicted: 'POS', p: 0.9, gradient: [], attention: [] }),
      text,
      tokens,
      ids: tokens.map((_, i) => i),
      offsets: [[0, 0], ...pieces.map(([, start, end]): [number, number] => [start, end]), [0, 0]],
      wordIds: [null, ...pieces.map((_, i) => i), null],
      special: tokens.map((_, i) => i === 0 || i === tokens.length - 1),
      explanations: { grad: explanation('grad', [0, ...pieces.map(() => 1), 0], 'POS') },
    };
  }
  const albert = [
    unigram(0, 'Good good', [
      ['▁Good', 0, 4],
      ['▁good', 5, 9],
    ]),
  ];

  it('folds case where the tokenizer folds it, and only there', () => {
    const keys = (lowercase: boolean) =>
      summarizeCorpus(
        { model: { ...model, tokenizer: 'Unigram', lowercase }, sentences: albert },
        { minCount: 1 },
      ).importance[0]!.classes[0]!.words.map(({ key, count }) => [key, count]);
    expect(keys(true)).toEqual([['good', 2]]);
    expect(keys(false)).toEqual([
      ['Good', 1],
      ['good', 1],
    ]);
  });

  it('hides stop words on request but never a negation', () => {
    const s = sentence(0, {
      words: ['the', 'film', 'is', 'not', 'never'],
      predicted: 'NEG',
      p: 0.9,
      gradient: [0, 1, 1, 1, 1, 1, 0],
      attention: [1, 1, 1, 1, 1, 1, 1],
    });
    const keys = (hideStopWords: boolean) =>
      summarizeCorpus({ model, sentences: [s] }, { minCount: 1, hideStopWords }).importance[0]!.classes[0]!.tokens.map(
        ({ key }) => key,
      );
    expect(keys(false)).toEqual(['film', 'is', 'never', 'not', 'the']);
    expect(keys(true)).toEqual(['film', 'never', 'not']);
  });

  it('gives no accuracy for a multi-label or regression head, and says why', () => {
    for (const [task, note] of [
      [
        'multi_label_classification',
        'accuracy and the confusion matrix are for single-label heads; this model is multi-label',
      ],
      ['regression', 'accuracy and the confusion matrix are for classifiers; this model has a regression head'],
    ] as const) {
      const result = summarizeCorpus({ model: { ...model, task }, sentences: SENTENCES });
      expect(result.classification).toBeUndefined();
      expect(result.notes).toContain(note);
      expect(result.predictions.every((row) => row.correct === undefined)).toBe(true);
    }
  });

  it('predicts a zero-shot sentence as its best candidate and leaves the hypothesis out', () => {
    const pair: SentenceResult = {
      ...sentence(0, {
        words: ['goal', 'this', 'is', 'sports'],
        predicted: 'POS',
        p: 0.9,
        trueLabel: 'sports',
        gradient: [0, 0.9, 0.1, 0.1, 0.8, 0],
        attention: [1, 1, 1, 1, 1, 1],
      }),
      sequenceIds: [null, 0, 1, 1, 1, null],
      zeroShot: {
        candidateLabels: ['politics', 'sports'],
        hypothesisTemplate: 'this is {}',
        multiLabel: false,
        scores: [0.3, 0.7],
        label: 'sports',
      },
    };
    const result = summarizeCorpus({ model, sentences: [pair] }, { minCount: 1 });
    expect(result.labels).toEqual(['politics', 'sports']);
    expect(result.predictions[0]).toMatchObject({ predictedLabel: 'sports', confidence: 0.7, correct: true });
    expect(result.classification!.confusion).toEqual([
      [0, 0],
      [0, 1],
    ]);
    const grad = result.importance.find((entry) => entry.method === 'grad')!;
    expect(grad.classes.map(({ label, tokens }) => [label, tokens.map(({ key }) => key)])).toEqual([
      ['sports', ['goal']],
    ]);
  });
});

describe('the keys a face finds the sentences behind a chart with', () => {
  /** The sentences behind a global token or word: those with its key whose explanation was counted in its class. */
  const behind = (unit: 'tokens' | 'words', key: string, method: string, label: string, sentences = SENTENCES) =>
    sentences
      .filter((s) => importanceClass(s, method) === label && sentenceKeys(s, model)[unit].has(key))
      .map((s) => s.index);

  it('finds the sentences a global token or word was counted from', () => {
    // grad counts under its target (the predicted label here); attention under the predicted label.
    expect(behind('tokens', 'good', 'grad', 'POS')).toEqual([0, 2]);
    expect(behind('tokens', 'film', 'grad', 'NEG')).toEqual([1, 3]);
    expect(behind('tokens', '##s', 'grad', 'NEG')).toEqual([3]);
    expect(behind('words', 'films', 'grad', 'NEG')).toEqual([3]);
    expect(behind('words', 'film', 'grad', 'NEG')).toEqual([1]);
    expect(behind('tokens', 'film', 'attention', 'POS')).toEqual([0, 4]);
    expect(importanceClass(SENTENCES[0]!, 'lime')).toBeUndefined();
  });

  it('agrees with the summary: every sentence behind an entry, and no other, holds its key', () => {
    const summary = summarizeCorpus({ model, sentences: SENTENCES }, { minCount: 1 });
    for (const { method, classes } of summary.importance) {
      for (const { label, tokens, words, sentences } of classes) {
        expect(SENTENCES.filter((s) => importanceClass(s, method) === label)).toHaveLength(sentences);
        for (const [unit, entries] of [
          ['tokens', tokens],
          ['words', words],
        ] as const) {
          for (const { key, count } of entries) {
            const found = behind(unit, key, method, label);
            // A key counted n times comes from at least one and at most n sentences.
            expect(found.length, `${method} ${label} ${key}`).toBeGreaterThanOrEqual(1);
            expect(found.length).toBeLessThanOrEqual(count);
          }
        }
      }
    }
  });

  it('folds case where the tokenizer folds it and leaves specials out', () => {
    expect(importanceKey('Good', { lowercase: true })).toBe('good');
    expect(importanceKey('Good', {})).toBe('Good');
    const s = { ...SENTENCES[0]!, tokens: ['[CLS]', 'Good', 'film', '[SEP]'] };
    expect([...sentenceKeys(s, { ...model, lowercase: true }).tokens]).toEqual(['good', 'film']);
    expect([...sentenceKeys(s, model).words]).toEqual(['Good', 'film']);
  });

  it('matches true labels as the summary does', () => {
    const labels = ['NEG', 'POS'];
    expect(matchTrueLabel('POS', labels)).toEqual({ label: 'POS' });
    expect(matchTrueLabel('neg', labels).label).toBe('NEG');
    expect(matchTrueLabel('1', labels).label).toBe('POS');
    expect(matchTrueLabel('meh', labels)).toEqual({
      label: null,
      note: 'the true label "meh" is none of the labels (NEG, POS): its sentences are left out of accuracy',
    });
  });
});
