/**
 * The corpus view's charts, built from a `CorpusSummary` (src/shared/corpus.ts) for every face: the app's corpus
 * view draws the options with ECharts, the report renders the same options to SVG/PNG on the server.
 *
 * - `globalImportanceOption`: shap's global bar plot for one method and class: the top k tokens (or words) by
 *   mean |score| over their occurrences, each bar red when its mean signed score pushes toward the class and
 *   blue when against, its occurrence count beside it.
 * - `corpusAgreementOption`: the mean Kendall τ-b between every pair of methods over the file, on the signed
 *   scale from −1 to 1, with its spread and how many sentences it covers in the tooltip.
 * - `corpusEvaluationTable`: ferret's dataset-level table: each method's mean of each metric, shaded and starred
 *   as the sentence's table (`evaluationTable`), with how many sentences each mean covers.
 * - `confusionMatrixOption`: true × predicted counts, each row shaded by its share of the row, with accuracy and
 *   macro-F1 in the title.
 *
 * What the app reads of a click: a bar's `data.key` is the token or word; a heatmap cell's `data` is
 * `[column, row, value]`, indices into the axes' labels (the summary's methods, or its labels for the confusion
 * matrix: row = true label, column = predicted).
 */
import type { MetricId } from '../results.js';
import type { AgreementSummary, ClassImportance, Classification, ImportanceEntry, MethodTotals } from '../corpus.js';
import { evaluationTable, type EvaluationCell, type MetricColumn } from './evaluation.js';
import { formatScore } from './heat-text.js';
import { DIVERGING_STOPS, divergingStops, sequentialStops, type Palette } from './scale.js';
import { axisNumber } from './top-k.js';
import type { BarDatum, ChartOption, HeatCell } from './types.js';

/** Bars shown by default: shap's `plots.bar` shows 10 and folds the rest into one; we leave the rest out. */
export const DEFAULT_TOP_K = 15;
/** Characters of a bar's name: a longer token or word is cut with an ellipsis (its tooltip keeps it whole). */
export const MAX_KEY_CHARS = 24;

/** For the class on average (red), against it (blue), neither (neutral): the ends of the one diverging scale. */
export const TOWARD_COLOR = DIVERGING_STOPS[4];
export const AGAINST_COLOR = DIVERGING_STOPS[0];
export const NEUTRAL_COLOR = DIVERGING_STOPS[2];

function escapeHtml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Text cut to `maxChars` characters (code points, so that no emoji is split) with an ellipsis. */
export function truncateKey(text: string, maxChars = MAX_KEY_CHARS): string {
  const chars = [...text];
  return chars.length <= maxChars ? text : `${chars.slice(0, Math.max(1, maxChars - 1)).join('')}…`;
}

/** The color of a bar: the sign of the mean signed score. */
export function signColor(meanSigned: number, palette: Palette = 'red-blue'): string {
  const stops = divergingStops(palette);
  if (!Number.isFinite(meanSigned) || meanSigned === 0) return stops[2]!;
  return meanSigned > 0 ? stops[4]! : stops[0]!;
}

/** A bar of the global importance chart: the entry behind it, for tooltips and for the app's click. */
export interface ImportanceBarDatum extends BarDatum {
  key: string;
  count: number;
  meanSigned: number;
  meanAbsolute: number;
}

export interface GlobalImportanceInput {
  importance: ClassImportance;
  /** The method's display name, for the title. */
  methodLabel: string;
  /** Tokens (default) or words. */
  kind?: 'tokens' | 'words';
  k?: number;
  /** The summary's minimum count, said in the subtitle. */
  minCount?: number;
  maxKeyChars?: number;
}

/**
 * Category names: the keys cut to `maxChars`, made unique again where two cut to the same text (ECharts would
 * otherwise draw them on one row) by their rank.
 */
function barNames(entries: readonly ImportanceEntry[], maxChars: number): string[] {
  const seen = new Set<string>();
  return entries.map(({ key }, rank) => {
    let name = truncateKey(key, maxChars);
    if (seen.has(name)) name = `${name} #${rank + 1}`;
    seen.add(name);
    return name;
  });
}

export function globalImportanceOption({
  importance,
  methodLabel,
  kind = 'tokens',
  k = DEFAULT_TOP_K,
  minCount,
  maxKeyChars = MAX_KEY_CHARS,
  palette,
}: GlobalImportanceInput & { palette?: Palette }): ChartOption {
  const top = importance[kind].slice(0, k);
  const names = barNames(top, maxKeyChars);
  const noun = kind === 'tokens' ? 'token' : 'word';
  const largest = Math.max(0, ...top.map(({ meanAbsolute }) => meanAbsolute));
  const data: ImportanceBarDatum[] = top.map(({ key, count, meanSigned, meanAbsolute }) => ({
    value: meanAbsolute,
    itemStyle: { color: signColor(meanSigned, palette) },
    key,
    count,
    meanSigned,
    meanAbsolute,
  }));
  const sentences = `${importance.sentences} sentence${importance.sentences === 1 ? '' : 's'}`;
  const counted = minCount === undefined ? '' : ` · ${noun}s seen ≥ ${minCount}×`;
  return {
    title: {
      text:
        top.length > 0
          ? `${methodLabel}: top ${top.length} ${noun}s for ${importance.label}`
          : `${methodLabel}: no ${noun} for ${importance.label} seen often enough`,
      subtext: `mean |score| over ${sentences}${counted}\n${palette === 'blue-orange' ? 'orange' : 'red'}: toward ${importance.label} on average · blue: against it`,
      left: 'center',
      textStyle: { fontSize: 13 },
    },
    tooltip: {
      trigger: 'item',
      formatter: ({ data: datum }) => {
        const bar = datum as ImportanceBarDatum;
        return [
          `<b>${escapeHtml(bar.key)}</b>`,
          `mean |score| ${formatScore(bar.meanAbsolute)}`,
          `mean score ${formatScore(bar.meanSigned)} (${bar.meanSigned > 0 ? 'toward' : bar.meanSigned < 0 ? 'against' : 'neither'} ${escapeHtml(importance.label)})`,
          `${bar.count} occurrence${bar.count === 1 ? '' : 's'}`,
        ].join('<br>');
      },
    },
    // Room on the left beyond what ECharts measures: the server-side renderer's fonts run a little wider.
    grid: { left: 24, right: 104, top: 76, bottom: 8, containLabel: true },
    // From 0: a bar's length is its mean |score|; the end is ECharts' round number above the largest.
    xAxis: { type: 'value', min: 0, ...(largest > 0 ? {} : { max: 1 }), axisLabel: { formatter: axisNumber } },
    // The strongest first (top), as one reads a ranking.
    yAxis: { type: 'category', data: names, inverse: true, axisTick: { show: false }, axisLabel: { interval: 0 } },
    series: [
      {
        type: 'bar',
        name: importance.label,
        data,
        label: {
          show: true,
          position: 'right',
          formatter: ({ value, dataIndex }) => {
            const count = dataIndex === undefined ? undefined : top[dataIndex]?.count;
            return `${formatScore(Number(value))}${count === undefined ? '' : ` · n=${count}`}`;
          },
        },
      },
    ],
    animation: false,
  };
}

/** `0.42 ± 0.10 over 37 sentences`, or why a cell is empty. */
function agreementText(agreement: AgreementSummary, row: number, column: number): string {
  const mean = agreement.mean[row]![column];
  const spread = agreement.spread[row]![column];
  const sentences = agreement.sentences[row]![column] ?? 0;
  const over = `${sentences} sentence${sentences === 1 ? '' : 's'}`;
  if (row === column) return `itself (${over})`;
  if (mean === null || mean === undefined) return `no sentence where both rank the tokens`;
  return `mean τ-b ${mean.toFixed(2)} ± ${(spread ?? 0).toFixed(2)} over ${over}`;
}

/**
 * Method × method mean Kendall τ-b over the file on the diverging scale (−1 disagree … +1 agree), the scale's
 * legend beside it; a pair that never both ranked the tokens is an empty cell, not a 0.
 */
export function corpusAgreementOption(
  agreement: AgreementSummary,
  methodLabel: (method: string) => string = (method) => method,
  palette: Palette = 'red-blue',
): ChartOption {
  const labels = agreement.methods.map(methodLabel);
  const data: HeatCell[] = [];
  agreement.mean.forEach((row, y) =>
    row.forEach((value, x) => {
      if (value !== null && value !== undefined) data.push([x, y, Math.round(value * 100) / 100]);
    }),
  );
  const axis = { type: 'category' as const, data: labels, splitArea: { show: false } };
  return {
    title: {
      text: "Agreement over the file (mean Kendall's τ-b)",
      subtext: 'each cell: the mean over the sentences both methods explained',
      left: 'center',
      textStyle: { fontSize: 13 },
    },
    tooltip: {
      trigger: 'item',
      formatter: ({ data: datum }) => {
        const [x, y] = datum as HeatCell;
        const pair = x === y ? escapeHtml(labels[x]!) : `${escapeHtml(labels[y]!)} · ${escapeHtml(labels[x]!)}`;
        return `${pair}<br>${agreementText(agreement, y, x)}`;
      },
    },
    grid: { left: 24, right: 96, top: 64, bottom: 8, containLabel: true },
    xAxis: { ...axis, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { ...axis, axisLabel: { interval: 0 }, inverse: true },
    visualMap: {
      type: 'continuous',
      min: -1,
      max: 1,
      calculable: true,
      precision: 1,
      orient: 'vertical',
      right: 4,
      top: 'middle',
      itemHeight: 120,
      inRange: { color: [...divergingStops(palette)] },
    },
    series: [{ type: 'heatmap', name: 'mean τ-b', data, label: { show: true }, progressive: 0 }],
    animation: false,
  };
}

/** A cell of the averaged table: the sentence table's cell, and what the mean is over. */
export interface CorpusEvaluationCell extends EvaluationCell {
  /** Sentences whose value is defined: the mean's count (0 where no sentence had one). */
  sentences: number;
  /** Population standard deviation over those sentences. */
  spread: number | null;
  /** `n 37` beside the value, as the table prints it. */
  count: string;
  /** Hover text: the metric, its direction, mean ± spread over n sentences. */
  title: string;
}

export interface CorpusEvaluationRow {
  method: string;
  label: string;
  cells: CorpusEvaluationCell[];
  /** The method's totals over the file (every sentence it explained, evaluated or not). */
  sentences: number;
  seconds: number;
  evaluations: number;
}

export interface CorpusEvaluationTable {
  columns: (MetricColumn & { direction: string })[];
  rows: CorpusEvaluationRow[];
}

type MetricMeans = Partial<Record<MetricId, { mean: number; spread: number; sentences: number }>>;

/**
 * ferret's dataset-level table: methods × metrics, each cell a method's mean over the sentences where the metric
 * is defined, shaded on the metric's own range (darker is better) with the best mean per metric starred, as
 * `evaluationTable` does for one sentence; each cell says how many sentences its mean covers.
 */
export function corpusEvaluationTable(
  evaluation: Record<string, MetricMeans>,
  totals: readonly MethodTotals[] = [],
  methodLabel: (method: string) => string = (method) => method,
): CorpusEvaluationTable {
  const methods = Object.keys(evaluation);
  const cost = (method: string) => totals.find((total) => total.method === method);
  const table = evaluationTable(
    methods.map((method) => ({
      method,
      label: methodLabel(method),
      metrics: Object.fromEntries(Object.entries(evaluation[method]!).map(([metric, { mean }]) => [metric, mean])),
      seconds: cost(method)?.seconds ?? 0,
      evaluations: cost(method)?.evaluations ?? 0,
    })),
  );
  const columns = table.columns.map((column) => ({
    ...column,
    direction: column.better === 'higher' ? 'higher is better' : 'lower is better',
  }));
  return {
    columns,
    rows: table.rows.map((row) => ({
      ...row,
      sentences: cost(row.method)?.sentences ?? 0,
      cells: row.cells.map((cell, c): CorpusEvaluationCell => {
        const column = columns[c]!;
        const summary = evaluation[row.method]![column.id];
        const sentences = summary?.sentences ?? 0;
        const over = `${sentences} sentence${sentences === 1 ? '' : 's'}`;
        return {
          ...cell,
          sentences,
          spread: summary?.spread ?? null,
          count: `n ${sentences}`,
          title:
            summary === undefined
              ? `${row.label} · ${column.id}: no sentence with a value (${column.direction})`
              : `${row.label} · ${column.id}: ${formatScore(summary.mean)} ± ${formatScore(summary.spread)} over ${over} (${column.direction})`,
        };
      }),
    })),
  };
}

/**
 * True × predicted counts (rows: true label, columns: predicted), each cell shaded by its share of its row, so a
 * rare class's errors show as plainly as a common one's; the count is the cell's label, accuracy and macro-F1
 * the title.
 */
export function confusionMatrixOption(
  labels: readonly string[],
  classification: Classification,
  palette: Palette = 'red-blue',
): ChartOption {
  const { confusion } = classification;
  const totals = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const data: HeatCell[] = [];
  confusion.forEach((row, t) =>
    row.forEach((count, p) => data.push([p, t, totals[t]! > 0 ? Math.round((count / totals[t]!) * 1000) / 1000 : 0])),
  );
  const axis = { type: 'category' as const, splitArea: { show: false }, data: [...labels] };
  const count = (datum: unknown): number => {
    const [p, t] = datum as HeatCell;
    return confusion[t]![p]!;
  };
  return {
    title: {
      text: `Confusion matrix · accuracy ${classification.accuracy.toFixed(3)} · macro-F1 ${classification.macroF1.toFixed(3)}`,
      subtext: `rows: true label · columns: predicted\nshade: share of the row · ${classification.sentences} sentences`,
      left: 'center',
      textStyle: { fontSize: 13 },
    },
    tooltip: {
      trigger: 'item',
      formatter: ({ data: datum }) => {
        const [p, t, share] = datum as HeatCell;
        const n = count(datum);
        return [
          `true ${escapeHtml(labels[t]!)} → predicted ${escapeHtml(labels[p]!)}`,
          `${n} sentence${n === 1 ? '' : 's'} (${(share * 100).toFixed(1)}% of ${totals[t]} ${escapeHtml(labels[t]!)})`,
        ].join('<br>');
      },
    },
    grid: { left: 24, right: 96, top: 76, bottom: 8, containLabel: true },
    xAxis: { ...axis, axisLabel: { interval: 0, rotate: labels.length > 4 ? 30 : 0 } },
    yAxis: { ...axis, inverse: true, axisLabel: { interval: 0 } },
    visualMap: {
      type: 'continuous',
      min: 0,
      max: 1,
      calculable: true,
      precision: 2,
      orient: 'vertical',
      right: 4,
      top: 'middle',
      itemHeight: 120,
      inRange: { color: [...sequentialStops(palette)] },
    },
    series: [
      {
        type: 'heatmap',
        name: 'sentences',
        data,
        progressive: 0,
        label: { show: true, formatter: ({ data: datum }) => String(count(datum)) },
        emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } },
      },
    ],
    animation: false,
  };
}
