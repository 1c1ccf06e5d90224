/**
 * Every chart of a report for one sentence, built from the same src/shared/charts builders as the app's panes
 * and comparison view: heat text and top-k bars per method (one bar chart per class where the method has
 * per-class values, i.e. SHAP), attention heatmap and layer × head grid, comparison table, evaluation table,
 * agreement matrix.
 */
import { agreementMatrix } from '../../shared/agreement.js';
import { attentionHeatmapOption, attentionView, headGridOption } from '../../shared/charts/attention.js';
import { agreementHeatmapOption, comparisonRows } from '../../shared/charts/comparison.js';
import { evaluationTable } from '../../shared/charts/evaluation.js';
import { topKBarOption } from '../../shared/charts/top-k.js';
import type { ChartOption } from '../../shared/charts/types.js';
import type { Explanation, SentenceResult } from '../../shared/results.js';
import { chartSvg } from './render.js';
import { heatTextSvg, tableSvg, type SvgBlock, type TableCell } from './svg-blocks.js';

export interface ReportChart extends SvgBlock {
  /** File name without extension, unique within the report (`s1-occlusion-heat`). */
  name: string;
  title: string;
  /** The method the chart belongs to; none for the sentence-wide comparison charts. */
  method?: string;
}

/** File-name-safe form of a method id or class label. */
function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '_').toLowerCase();
}

function rendered(
  name: string,
  title: string,
  option: ChartOption,
  [width, height]: [number, number],
  method?: string,
): ReportChart {
  return { name, title, svg: chartSvg(option, width, height), width, height, ...(method ? { method } : {}) };
}

export function sentenceCharts(
  sentence: SentenceResult,
  labels: readonly string[],
  methodLabel: (method: string) => string,
): ReportChart[] {
  const prefix = `s${sentence.index + 1}`;
  const charts: ReportChart[] = [];
  const explanations = Object.values(sentence.explanations);
  for (const explanation of explanations) {
    const base = `${prefix}-${slug(explanation.method)}`;
    const label = methodLabel(explanation.method);
    const heat = heatTextSvg(explanation.tokens, explanation.scores);
    charts.push({ ...heat, name: `${base}-heat`, title: `${label}: token heat text`, method: explanation.method });
    for (const { classLabel, scores } of classScores(explanation, labels, label)) {
      const option = topKBarOption({ tokens: explanation.tokens, scores, classLabel });
      const height = 60 + 24 * Math.min(explanation.tokens.length, 10);
      const title = `${label}: top tokens for ${classLabel}`;
      charts.push(rendered(`${base}-bars-${slug(classLabel)}`, title, option, [640, height], explanation.method));
    }
    if (explanation.attention) charts.push(...attentionCharts(explanation, base, label));
  }
  if (explanations.length > 0) charts.push(comparisonChart(sentence, prefix, methodLabel));
  if (sentence.evaluation) charts.push(evaluationChart(sentence, sentence.evaluation, prefix, methodLabel));
  const agreement = agreementChart(sentence, explanations, prefix, methodLabel);
  if (agreement) charts.push(agreement);
  return charts;
}

/** The scores to rank per class: SHAP keeps one column per class; other methods explain their one target. */
function classScores(
  explanation: Explanation,
  labels: readonly string[],
  fallback: string,
): { classLabel: string; scores: number[] }[] {
  if (explanation.shap) {
    return labels.map((classLabel, c) => ({ classLabel, scores: explanation.shap!.values.map((row) => row[c] ?? 0) }));
  }
  const target = explanation.options.targetLabel;
  return [{ classLabel: typeof target === 'string' ? target : fallback, scores: explanation.scores }];
}

function attentionCharts(explanation: Explanation, base: string, label: string): ReportChart[] {
  const data = explanation.attention!;
  const view = attentionView(data, explanation.options);
  const n = explanation.tokens.length;
  // Cells stay readable (about 18 px) up to a size that still fits a printed page's width.
  const side = Math.min(Math.max(360, 160 + 18 * n), 1400);
  const gridHeight = 100 + 60 * data.layers;
  const heatmap = attentionHeatmapOption(explanation.tokens, view.map, view.title);
  const grid = headGridOption(data.clsRows, view.selected);
  return [
    rendered(`${base}-attention`, `${label}: ${view.title}`, heatmap, [side, side], explanation.method),
    rendered(`${base}-heads`, `${label}: [CLS] attention, layers × heads`, grid, [720, gridHeight], explanation.method),
  ];
}

function comparisonChart(
  sentence: SentenceResult,
  prefix: string,
  methodLabel: (method: string) => string,
): ReportChart {
  const explanations = Object.values(sentence.explanations);
  const rows = comparisonRows(
    sentence.tokens,
    explanations.map(({ method, scores }) => ({ method, label: methodLabel(method), scores })),
  );
  const cells: TableCell[][] = [
    [{ text: 'Method' }, ...sentence.tokens.map((text) => ({ text })), { text: 'Cost' }],
    ...rows.map((row, r) => [
      { text: row.label, header: true },
      ...row.cells.map((cell) => ({
        text: cell.relative.toFixed(2),
        background: cell.background,
        color: cell.color,
        title: cell.title,
      })),
      { text: `${explanations[r]!.seconds.toFixed(2)} s · ${explanations[r]!.evaluations} evaluations` },
    ]),
  ];
  return { ...tableSvg(cells), name: `${prefix}-comparison`, title: 'Comparison (each row ÷ its largest |score|)' };
}

/** ferret's evaluation table as the comparison view shows it (`evaluationTable`): best value per metric starred. */
function evaluationChart(
  sentence: SentenceResult,
  evaluation: NonNullable<SentenceResult['evaluation']>,
  prefix: string,
  methodLabel: (method: string) => string,
): ReportChart {
  const table = evaluationTable(
    Object.entries(evaluation).map(([method, metrics]) => {
      const { seconds = 0, evaluations = 0 } = sentence.explanations[method] ?? {};
      return { method, label: methodLabel(method), metrics, seconds, evaluations };
    }),
  );
  const cells: TableCell[][] = [
    [{ text: 'Method' }, ...table.columns.map(({ label }) => ({ text: label })), { text: 'Cost' }],
    ...table.rows.map((row) => [
      { text: row.label, header: true },
      ...row.cells.map((cell) => ({
        text: cell.best ? `${cell.text} ★` : cell.text,
        background: cell.background,
        color: cell.color,
      })),
      { text: `${row.seconds.toFixed(2)} s · ${row.evaluations} evaluations` },
    ]),
  ];
  return { ...tableSvg(cells), name: `${prefix}-evaluation`, title: 'Evaluation (ferret metrics; ★ best)' };
}

/** methods.md: explanations marked `degenerate` have no ranking to agree with and are left out, as in the app. */
function agreementChart(
  sentence: SentenceResult,
  explanations: Explanation[],
  prefix: string,
  methodLabel: (method: string) => string,
): ReportChart | undefined {
  const ranked = explanations.filter((e) => !e.warnings.some((warning) => warning.code === 'degenerate'));
  if (ranked.length < 2) return undefined;
  const option = agreementHeatmapOption(
    ranked.map(({ method }) => methodLabel(method)),
    agreementMatrix(
      sentence.tokens,
      ranked.map(({ scores }) => scores),
    ),
  );
  const size = 200 + 44 * ranked.length;
  return rendered(`${prefix}-agreement`, "Agreement (Kendall's τ-b)", option, [size + 120, size]);
}
