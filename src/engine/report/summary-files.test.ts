/** The corpus summary's CSV files, against values computed by hand for three sentences and two methods. */
import { describe, expect, it } from 'vitest';
import { summarizeCorpus } from '../../shared/corpus.js';
import type { Explanation, MetricValues, ModelInfo, SentenceResult } from '../../shared/results.js';
import { summaryCsvFiles } from './summary-files.js';

const TOKENS = ['[CLS]', 'good', 'film', 'bad', '[SEP]'];
const model = { labels: ['neg', 'pos'], tokenizer: 'WordPiece', task: 'single_label_classification' } as ModelInfo;

function explanation(method: string, scores: number[], targetLabel?: string): Explanation {
  return {
    method,
    options: targetLabel ? { targetLabel } : {},
    tokens: TOKENS,
    raw: scores,
    scores,
    evaluations: 10,
    seconds: 0.5,
    warnings: [],
  };
}

function sentence(
  index: number,
  text: string,
  trueLabel: string,
  [neg, pos]: [number, number],
  explanations: Explanation[],
  evaluation: Record<string, MetricValues>,
): SentenceResult {
  const predictedIndex = pos > neg ? 1 : 0;
  return {
    index,
    text,
    trueLabel,
    tokens: TOKENS,
    ids: [],
    special: [true, false, false, false, true],
    truncated: false,
    logits: [0, 0],
    probabilities: { neg, pos },
    predictedIndex,
    predictedLabel: model.labels[predictedIndex]!,
    warnings: [],
    explanations: Object.fromEntries(explanations.map((e) => [e.method, e])),
    evaluation,
  };
}

const sentences = [
  sentence(
    0,
    'good film',
    'pos',
    [0.1, 0.9],
    [explanation('m1', [0, 0.3, 0.2, 0.1, 0], 'pos'), explanation('m2', [0, 0.3, 0.2, 0.1, 0])],
    { m1: { aopc_compr: 0.4 }, m2: { aopc_compr: 0.2 } },
  ),
  sentence(
    1,
    'bad, "film"',
    'neg',
    [0.4, 0.6],
    [explanation('m1', [0, 0.1, 0.2, 0.3, 0], 'pos'), explanation('m2', [0, 0.3, 0.2, 0.1, 0])],
    { m1: { aopc_compr: 0.2 }, m2: { aopc_compr: null } },
  ),
  sentence(2, 'bad', 'neg', [0.8, 0.2], [explanation('m1', [0, -0.5, 0, 0.5, 0], 'neg')], {
    m1: { aopc_compr: 0.6 },
  }),
];

function parse(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split('\r\n').slice(0, -1)) {
    const cells: string[] = [];
    for (const match of line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)) {
      const cell = match[1]!;
      cells.push(cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell);
      if (match[2] === '') break;
    }
    rows.push(cells);
  }
  return rows;
}

describe('summary CSV files', () => {
  const files = new Map(summaryCsvFiles(summarizeCorpus({ model, sentences }, { minCount: 1 })));
  const table = (name: string) => parse(files.get(`summary/${name}.csv`)!);

  it('writes every table, CRLF-ended', () => {
    expect([...files.keys()]).toEqual([
      'summary/predictions.csv',
      'summary/labels.csv',
      'summary/importance-tokens.csv',
      'summary/importance-words.csv',
      'summary/agreement.csv',
      'summary/evaluation.csv',
      'summary/confusion.csv',
      'summary/totals.csv',
    ]);
    for (const content of files.values()) expect(content.endsWith('\r\n')).toBe(true);
  });

  it('has one prediction row per sentence, quoted where needed', () => {
    const [header, ...rows] = table('predictions');
    expect(header).toEqual([
      'sentence',
      'text',
      'text_pair',
      'true_label',
      'predicted_label',
      'confidence',
      'score',
      'correct',
      'int8_drift',
      'truncated',
    ]);
    expect(rows).toEqual([
      ['0', 'good film', '', 'pos', 'pos', '0.9', '', 'true', '', 'false'],
      ['1', 'bad, "film"', '', 'neg', 'pos', '0.6', '', 'false', '', 'false'],
      ['2', 'bad', '', 'neg', 'neg', '0.8', '', 'true', '', 'false'],
    ]);
    expect(files.get('summary/predictions.csv')).toContain('"bad, ""film"""');
  });

  it('counts the confusion matrix with row shares, and each label with its precision, recall and F1', () => {
    // true neg: predicted neg once (2), pos once (1); true pos: predicted pos (0).
    expect(table('confusion')).toEqual([
      ['true_label', 'predicted_label', 'count', 'row_share'],
      ['neg', 'neg', '1', '0.5'],
      ['neg', 'pos', '1', '0.5'],
      ['pos', 'neg', '0', '0'],
      ['pos', 'pos', '1', '1'],
    ]);
    // neg: tp 1, 1 predicted, 2 true → P 1, R 0.5, F1 2/3; pos: tp 1, 2 predicted, 1 true → P 0.5, R 1, F1 2/3.
    const [header, neg, pos] = table('labels');
    expect(header).toEqual(['label', 'predicted', 'true', 'precision', 'recall', 'f1', 'support']);
    expect(neg!.slice(0, 5)).toEqual(['neg', '1', '2', '1', '0.5']);
    expect(Number(neg![5])).toBeCloseTo(2 / 3, 15);
    expect(pos!.slice(0, 5)).toEqual(['pos', '2', '1', '0.5', '1']);
    expect(Number(pos![5])).toBeCloseTo(2 / 3, 15);
  });

  it('ranks tokens per method and class by mean |score|, with counts and signed means', () => {
    const rows = table('importance-tokens');
    expect(rows[0]).toEqual([
      'method',
      'class',
      'class_sentences',
      'rank',
      'token',
      'count',
      'mean_abs',
      'mean_signed',
    ]);
    const m1pos = rows.filter((row) => row[0] === 'm1' && row[1] === 'pos');
    // good: 0.3, 0.1; film: 0.2, 0.2; bad: 0.1, 0.3 → all mean 0.2: ties by key.
    expect(m1pos.map((row) => [row[2], row[3], row[4], row[5]])).toEqual([
      ['2', '1', 'bad', '2'],
      ['2', '2', 'film', '2'],
      ['2', '3', 'good', '2'],
    ]);
    for (const row of m1pos) expect(Number(row[6])).toBeCloseTo(0.2, 15);
    const m1neg = rows.filter((row) => row[0] === 'm1' && row[1] === 'neg');
    expect(m1neg.map((row) => [row[4], row[6], row[7]])).toEqual([
      ['bad', '0.5', '0.5'],
      ['good', '0.5', '-0.5'],
      ['film', '0', '0'],
    ]);
    // m2 has no target: counted under each sentence's predicted label (pos, both times).
    expect(new Set(rows.filter((row) => row[0] === 'm2').map((row) => row[1]))).toEqual(new Set(['pos']));
    expect(table('importance-words')[0]![4]).toBe('word');
  });

  it('gives each pair of methods its mean τ-b once, the metric means with their counts, and the totals', () => {
    // τ-b over good, film, bad: 1 in sentence 0 (same order), −1 in sentence 1 (reversed).
    expect(table('agreement')).toEqual([
      ['method_a', 'method_b', 'mean_tau', 'spread', 'sentences'],
      ['m1', 'm2', '0', '1', '2'],
    ]);
    const [header, m1, m2] = table('evaluation');
    expect(header).toEqual(['method', 'metric', 'mean', 'spread', 'sentences', 'better']);
    expect(m1!.slice(0, 2)).toEqual(['m1', 'aopc_compr']);
    expect(Number(m1![2])).toBeCloseTo(0.4, 12);
    expect(Number(m1![3])).toBeCloseTo(Math.sqrt(((0.4 - 0.4) ** 2 + (0.2 - 0.4) ** 2 + (0.6 - 0.4) ** 2) / 3), 12);
    expect(m1!.slice(4)).toEqual(['3', 'higher']);
    // m2's undefined value in sentence 1 is left out of its mean.
    expect(m2).toEqual(['m2', 'aopc_compr', '0.2', '0', '1', 'higher']);
    expect(table('totals')).toEqual([
      ['method', 'sentences', 'seconds', 'evaluations'],
      ['m1', '3', '1.5', '30'],
      ['m2', '2', '1', '20'],
    ]);
  });

  it('has a header alone where the file gave no true labels', () => {
    const unlabelled = sentences.map(({ trueLabel: _, ...rest }) => rest);
    const empty = new Map(summaryCsvFiles(summarizeCorpus({ model, sentences: unlabelled })));
    expect(empty.get('summary/confusion.csv')).toBe('true_label,predicted_label,count,row_share\r\n');
  });
});
