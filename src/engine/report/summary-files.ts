/**
 * The corpus summary's tables as CSV files under `summary/`, one tidy table each (one row per observation),
 * quoted as scores.csv is: what the report's first section shows, for a spreadsheet or pandas.
 */
import { FAITHFULNESS_COLUMNS, PLAUSIBILITY_COLUMNS } from '../../shared/charts/evaluation.js';
import type { CorpusSummary, ImportanceEntry } from '../../shared/corpus.js';
import { csvFile, type CsvValue } from './data-files.js';

/** File name under the report folder → its content. */
export function summaryCsvFiles(summary: CorpusSummary): [name: string, content: string][] {
  return [
    ['summary/predictions.csv', predictionsCsv(summary)],
    ['summary/labels.csv', labelsCsv(summary)],
    ['summary/importance-tokens.csv', importanceCsv(summary, 'tokens')],
    ['summary/importance-words.csv', importanceCsv(summary, 'words')],
    ['summary/agreement.csv', agreementCsv(summary)],
    ['summary/evaluation.csv', evaluationCsv(summary)],
    ['summary/confusion.csv', confusionCsv(summary)],
    ['summary/totals.csv', totalsCsv(summary)],
  ];
}

export const PREDICTION_COLUMNS = [
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
] as const;

function predictionsCsv({ predictions }: CorpusSummary): string {
  return csvFile(
    PREDICTION_COLUMNS,
    predictions.map((row) => [
      row.index,
      row.text,
      row.textPair,
      row.trueLabel,
      row.predictedLabel,
      row.confidence,
      row.score,
      row.correct,
      row.int8Drift,
      row.truncated,
    ]),
  );
}

/** Per label: how often predicted and given, and (with true labels) precision, recall, F1 and support. */
function labelsCsv({ labels, predictedCounts, trueCounts, classification }: CorpusSummary): string {
  return csvFile(
    ['label', 'predicted', 'true', 'precision', 'recall', 'f1', 'support'],
    labels.map((label) => {
      const metrics = classification?.perLabel.find((entry) => entry.label === label);
      return [
        label,
        predictedCounts[label] ?? 0,
        trueCounts[label] ?? 0,
        metrics?.precision,
        metrics?.recall,
        metrics?.f1,
        metrics?.support,
      ];
    }),
  );
}

/** Rank 1 is the largest mean |score| of its method and class (after the minimum count and stop words). */
function importanceCsv({ importance }: CorpusSummary, kind: 'tokens' | 'words'): string {
  const rows: CsvValue[][] = [];
  for (const { method, classes } of importance) {
    for (const { label, sentences, [kind]: entries } of classes) {
      entries.forEach(({ key, count, meanAbsolute, meanSigned }: ImportanceEntry, rank) =>
        rows.push([method, label, sentences, rank + 1, key, count, meanAbsolute, meanSigned]),
      );
    }
  }
  const key = kind === 'tokens' ? 'token' : 'word';
  return csvFile(['method', 'class', 'class_sentences', 'rank', key, 'count', 'mean_abs', 'mean_signed'], rows);
}

/** Each pair of methods once (τ-b is symmetric), with the sentences where both ranked the tokens. */
function agreementCsv({ agreement }: CorpusSummary): string {
  const rows: CsvValue[][] = [];
  agreement.methods.forEach((a, i) =>
    agreement.methods.forEach((b, j) => {
      if (j > i) rows.push([a, b, agreement.mean[i]![j], agreement.spread[i]![j], agreement.sentences[i]![j]]);
    }),
  );
  return csvFile(['method_a', 'method_b', 'mean_tau', 'spread', 'sentences'], rows);
}

const COLUMNS = [...FAITHFULNESS_COLUMNS, ...PLAUSIBILITY_COLUMNS];

function evaluationCsv({ evaluation }: CorpusSummary): string {
  const rows: CsvValue[][] = [];
  for (const [method, metrics] of Object.entries(evaluation)) {
    for (const column of COLUMNS) {
      const summary = metrics[column.id];
      if (summary) rows.push([method, column.id, summary.mean, summary.spread, summary.sentences, column.better]);
    }
  }
  return csvFile(['method', 'metric', 'mean', 'spread', 'sentences', 'better'], rows);
}

/** Every true × predicted cell (zeros too), with its share of the true label's row; empty without true labels. */
function confusionCsv({ labels, classification }: CorpusSummary): string {
  const rows: CsvValue[][] = [];
  classification?.confusion.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, p) => rows.push([labels[t], labels[p], count, total > 0 ? count / total : 0]));
  });
  return csvFile(['true_label', 'predicted_label', 'count', 'row_share'], rows);
}

function totalsCsv({ totals }: CorpusSummary): string {
  return csvFile(
    ['method', 'sentences', 'seconds', 'evaluations'],
    totals.map(({ method, sentences, seconds, evaluations }) => [method, sentences, seconds, evaluations]),
  );
}
