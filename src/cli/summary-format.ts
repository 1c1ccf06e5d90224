/**
 * `summarize`'s readable output: the corpus summary as plain-text tables, in the order of the report's first
 * section (counts; accuracy, macro-F1 and the confusion matrix; top tokens per method and class; agreement;
 * evaluation means; totals; notes).
 */
import { FAITHFULNESS_COLUMNS, PLAUSIBILITY_COLUMNS } from '../shared/charts/evaluation.js';
import type { CorpusSummary, ImportanceEntry } from '../shared/corpus.js';

export interface SummaryFormat {
  /** Entries per method and class. */
  top?: number;
  methodLabel?: (method: string) => string;
  /** What the summary is of, for the first line: `report …: 24 sentences`. */
  title?: string;
}

/** Columns padded to their widest cell; numbers (and the columns named `right`) aligned right. */
function table(rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => [...(row[c] ?? '')].length)));
  return rows.map((row) =>
    `  ${row
      .map((cell, c) => {
        const pad = ' '.repeat(widths[c]! - [...cell].length);
        return right.has(c) ? `${pad}${cell}` : `${cell}${pad}`;
      })
      .join('  ')}`.trimEnd(),
  );
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** 3 significant digits, as the report's bars label them. */
function score(value: number): string {
  if (value === 0) return '0';
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e4 ? value.toPrecision(3) : value.toExponential(2);
}

function byLabel(summary: CorpusSummary): string[] {
  const labels = [
    ...summary.labels,
    ...Object.keys({ ...summary.predictedCounts, ...summary.trueCounts }).filter((l) => !summary.labels.includes(l)),
  ];
  const rows = labels
    .filter((label) => summary.predictedCounts[label] !== undefined || summary.trueCounts[label] !== undefined)
    .map((label) => [
      label,
      String(summary.predictedCounts[label] ?? 0),
      ...(summary.labelled > 0 ? [String(summary.trueCounts[label] ?? 0)] : []),
    ]);
  const head = ['label', 'predicted', ...(summary.labelled > 0 ? ['true'] : [])];
  return ['Counts', ...table([head, ...rows], new Set([1, 2]))];
}

function classificationLines(summary: CorpusSummary): string[] {
  const { classification, labels } = summary;
  if (!classification) {
    return summary.labelled > 0
      ? ['Accuracy: none (see the notes)']
      : ['Accuracy: none (the file has no true labels: give a label column in a .csv or .jsonl)'];
  }
  const perLabel = classification.perLabel.map((m) => [
    m.label,
    m.precision.toFixed(3),
    m.recall.toFixed(3),
    m.f1.toFixed(3),
    String(m.support),
  ]);
  const confusion = classification.confusion.map((row, t) => [labels[t]!, ...row.map(String)]);
  return [
    `Accuracy ${classification.accuracy.toFixed(3)} · macro-F1 ${classification.macroF1.toFixed(3)} over ${plural(classification.sentences, 'sentence')}`,
    ...table([['label', 'precision', 'recall', 'f1', 'support'], ...perLabel], new Set([1, 2, 3, 4])),
    '',
    'Confusion matrix (rows: true label, columns: predicted)',
    ...table([['true \\ predicted', ...labels], ...confusion], new Set(labels.map((_, i) => i + 1))),
  ];
}

function entryRows(entries: readonly ImportanceEntry[], top: number): string[][] {
  return entries
    .slice(0, top)
    .map((entry, rank) => [
      String(rank + 1),
      entry.key,
      score(entry.meanAbsolute),
      score(entry.meanSigned),
      `n=${entry.count}`,
    ]);
}

function importanceLines(summary: CorpusSummary, top: number, methodLabel: (method: string) => string): string[] {
  const { minCount, hideStopWords } = summary.options;
  const lines = [
    `Top tokens per method and class (by mean |score|; seen ≥ ${minCount}×${hideStopWords ? ', stop words hidden' : ''}; a positive mean score pushes toward the class, a negative one against)`,
  ];
  if (summary.importance.length === 0) return [...lines, '  (no explanations)'];
  for (const { method, classes } of summary.importance) {
    for (const { label, sentences, tokens, words } of classes) {
      lines.push(`  ${methodLabel(method)} → ${label} (${plural(sentences, 'sentence')})`);
      const head = ['#', 'token', 'mean |score|', 'mean score', 'count'];
      lines.push(
        ...(tokens.length > 0
          ? table([head, ...entryRows(tokens, top)], new Set([0, 2, 3])).map((line) => `  ${line}`)
          : ['    (no token seen often enough)']),
      );
      // Words only where they are not the tokens again (a WordPiece model with whole-word tokens).
      const same = JSON.stringify(words.slice(0, top)) === JSON.stringify(tokens.slice(0, top));
      if (words.length > 0 && !same) {
        lines.push(
          ...table(
            [['#', 'word', 'mean |s|', '', 'mean s', 'count'], ...entryRows(words, top)],
            new Set([0, 2, 4]),
          ).map((line) => `  ${line}`),
        );
      }
    }
  }
  return lines;
}

function agreementLines(summary: CorpusSummary, methodLabel: (method: string) => string): string[] {
  const { methods, mean, spread, sentences } = summary.agreement;
  if (methods.length < 2) return ['Agreement: needs two methods'];
  const rows: string[][] = [];
  methods.forEach((a, i) =>
    methods.forEach((b, j) => {
      if (j <= i) return;
      const tau = mean[i]![j];
      rows.push([
        `${methodLabel(a)} · ${methodLabel(b)}`,
        tau === null || tau === undefined ? '—' : `${tau.toFixed(3)} ± ${(spread[i]![j] ?? 0).toFixed(3)}`,
        plural(sentences[i]![j] ?? 0, 'sentence'),
      ]);
    }),
  );
  return ["Agreement (mean Kendall's τ-b ± spread over the sentences both ranked)", ...table(rows, new Set([1, 2]))];
}

function evaluationLines(summary: CorpusSummary, methodLabel: (method: string) => string): string[] {
  const methods = Object.keys(summary.evaluation);
  if (methods.length === 0) return ['Evaluation: none (explain with --out and --evaluate for ferret metrics)'];
  const columns = [...FAITHFULNESS_COLUMNS, ...PLAUSIBILITY_COLUMNS].filter(({ id }) =>
    methods.some((method) => summary.evaluation[method]![id] !== undefined),
  );
  const rows = methods.map((method) => [
    methodLabel(method),
    ...columns.map(({ id }) => {
      const metric = summary.evaluation[method]![id];
      return metric ? `${metric.mean.toFixed(3)} (n ${metric.sentences})` : '—';
    }),
  ]);
  return [
    "Evaluation (ferret's metrics averaged over the sentences with a value; ↑ higher is better, ↓ lower)",
    ...table([['method', ...columns.map(({ label }) => label)], ...rows], new Set(columns.map((_, i) => i + 1))),
  ];
}

function totalsLines(summary: CorpusSummary, methodLabel: (method: string) => string): string[] {
  const rows = summary.totals.map((t) => [
    methodLabel(t.method),
    String(t.sentences),
    t.seconds.toFixed(2),
    String(t.evaluations),
  ]);
  return [
    'Totals per method',
    ...table([['method', 'sentences', 'seconds', 'evaluations'], ...rows], new Set([1, 2, 3])),
  ];
}

export function formatCorpusSummary(
  summary: CorpusSummary,
  { top = 10, methodLabel = (method) => method, title }: SummaryFormat = {},
): string {
  const labelled = summary.labelled > 0 ? ` (${summary.labelled} with a true label)` : '';
  const sections = [
    [`${title ? `${title}: ` : ''}${plural(summary.sentences, 'sentence')}${labelled}`],
    byLabel(summary),
    classificationLines(summary),
    importanceLines(summary, top, methodLabel),
    agreementLines(summary, methodLabel),
    evaluationLines(summary, methodLabel),
    totalsLines(summary, methodLabel),
    summary.notes.length > 0 ? ['Notes', ...summary.notes.map((note) => `  - ${note}`)] : [],
  ];
  return `${sections
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join('\n'))
    .join('\n\n')}\n`;
}
