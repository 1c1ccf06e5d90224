/**
 * Every chart of a report for one sentence, built from the same src/shared/charts builders as the app's panes
 * and comparison view: heat text and top-k bars per method (one bar chart per class where the method has
 * per-class values, i.e. SHAP), attention heatmap and layer × head grid (and bertviz's head view when the
 * explanation kept every map), comparison table, evaluation table, agreement matrix. Each has a bounded size
 * whatever the sentence's length: heat text and the comparison table continue on further pages, the bars show
 * the top k, the attention charts pool runs of tokens, the head view keeps its strongest lines (20 px a token).
 */
import { agreementMatrix } from '../../shared/agreement.js';
import { attentionHeatmapOption, attentionView, headGridOption } from '../../shared/charts/attention.js';
import { agreementHeatmapOption, comparisonHeader, comparisonRows } from '../../shared/charts/comparison.js';
import { evaluationTable } from '../../shared/charts/evaluation.js';
import { headViewHeight, headViewOption } from '../../shared/charts/head-view.js';
import { sentenceLayout, tokenNames } from '../../shared/charts/layout.js';
import type { PairLayout } from '../../shared/charts/segments.js';
import { topKBarOption } from '../../shared/charts/top-k.js';
import type { ChartOption } from '../../shared/charts/types.js';
import type { Explanation, ModelInfo, SentenceResult } from '../../shared/results.js';
import { chartSvg } from './render.js';
import { heatTextPages, tableSvg, type SvgBlock, type TableCell } from './svg-blocks.js';

export interface ReportChart extends SvgBlock {
  /** File name without extension, unique within the report (`s1-occlusion-heat`, `s1-comparison-p2`). */
  name: string;
  title: string;
  /** The method the chart belongs to; none for the sentence-wide comparison charts. */
  method?: string;
}

/**
 * A chart not drawn yet: `draw` renders it (one page, or several for a long sentence). Drawn one at a time,
 * so that a report holds one chart's SVG at once, and a chart that fails to draw costs only itself.
 */
export interface ChartPlan {
  name: string;
  title: string;
  method?: string;
  draw(): ReportChart[];
}

/** Cells of the attention heatmap per side at most: about 10 px each at the largest size. */
export const HEATMAP_MAX_SIDE = 128;
/** Cells of each first-token strip at most: a strip is a few dozen pixels wide. */
export const HEAD_STRIP_MAX_COLUMNS = 48;
/** The head view's width: bertviz's proportions, room for labels and lines. */
export const HEAD_VIEW_WIDTH = 600;
/** librsvg draws labels in DejaVu Sans, wider than ECharts' server-side measure: room so they are not cut off. */
const HEAD_VIEW_MARGIN = 24;
/**
 * Lines per head-view chart at most (the strongest): SVG and PNG cost about a second and 250 kB per thousand
 * lines, and past a few thousand the picture is a blur anyway; the chart's subtitle says how many are left out.
 */
export const HEAD_VIEW_MAX_LINES = 2000;
/**
 * Every layer gets a head view while layers × heads × n² (the lines there can be, before the floor) stays
 * under this: small models and short sentences. Otherwise the last layer only, whose heads feed the classifier.
 */
export const HEAD_VIEW_EVERY_LAYER_BUDGET = 6000;

/** File-name-safe form of a method id or class label. */
export function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '_').toLowerCase();
}

export function plan(name: string, title: string, method: string | undefined, draw: () => ReportChart[]): ChartPlan {
  return { name, title, ...(method ? { method } : {}), draw };
}

export function echartsPlan(
  name: string,
  title: string,
  option: () => ChartOption,
  [width, height]: [number, number],
  method?: string,
): ChartPlan {
  return plan(name, title, method, () => [
    { name, title, svg: chartSvg(option(), width, height), width, height, ...(method ? { method } : {}) },
  ]);
}

/** Pages of one chart: the name as is for one page, `-p1`, `-p2`, … for several, each titled by `pageTitle`. */
export function pages<Page extends SvgBlock>(
  { name, title, method }: Omit<ChartPlan, 'draw'>,
  drawn: Page[],
  pageTitle: (page: Page) => string,
): ReportChart[] {
  return drawn.map((page, i) => ({
    svg: page.svg,
    width: page.width,
    height: page.height,
    name: drawn.length === 1 ? name : `${name}-p${i + 1}`,
    title: drawn.length === 1 ? title : `${title}, ${pageTitle(page)}`,
    ...(method ? { method } : {}),
  }));
}

/** `tokens 1–120 of 512`, counting from 1 as a reader does. */
function tokenRange(first: number, end: number, total: number): string {
  return `tokens ${first + 1}–${end} of ${total}`;
}

/** What of the model the charts read: its labels, and its tokenizer type to show the tokens readably. */
export type ChartModel = Pick<ModelInfo, 'labels' | 'tokenizer'>;

export function sentenceCharts(
  sentence: SentenceResult,
  model: ChartModel,
  methodLabel: (method: string) => string,
): ChartPlan[] {
  const prefix = `s${sentence.index + 1}`;
  const charts: ChartPlan[] = [];
  const explanations = Object.values(sentence.explanations);
  for (const explanation of explanations) {
    const base = `${prefix}-${slug(explanation.method)}`;
    const label = methodLabel(explanation.method);
    const { method, tokens } = explanation;
    const layout = sentenceLayout(sentence, model.tokenizer, tokens);
    const heat = { name: `${base}-heat`, title: `${label}: token heat text`, method };
    charts.push(
      plan(heat.name, heat.title, method, () =>
        pages(heat, heatTextPages(layout, explanation.scores), (page) => tokenRange(...page.tokens, tokens.length)),
      ),
    );
    for (const { classLabel, scores } of classScores(explanation, model.labels, label)) {
      const height = 60 + 24 * Math.min(tokens.length, 10);
      const title = `${label}: top tokens for ${classLabel}`;
      const option = (): ChartOption => topKBarOption({ ...layout, scores, classLabel });
      charts.push(echartsPlan(`${base}-bars-${slug(classLabel)}`, title, option, [640, height], method));
    }
    if (explanation.attention) charts.push(...attentionCharts(explanation, layout, base, label));
  }
  if (explanations.length > 0) {
    charts.push(comparisonChart(sentence, sentenceLayout(sentence, model.tokenizer), prefix, methodLabel));
  }
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

function attentionCharts(explanation: Explanation, layout: PairLayout, base: string, label: string): ChartPlan[] {
  const data = explanation.attention!;
  const view = attentionView(data, explanation.options);
  const cells = Math.min(explanation.tokens.length, HEATMAP_MAX_SIDE);
  // Cells stay readable (about 18 px) up to a size that still fits a printed page's width.
  const side = Math.min(Math.max(360, 160 + 18 * cells), 1400);
  const gridHeight = 100 + 60 * data.layers;
  const heatmap = (): ChartOption =>
    attentionHeatmapOption(layout, view.map, view.title, { maxSide: HEATMAP_MAX_SIDE });
  const grid = (): ChartOption =>
    headGridOption(data.clsRows, view.selected, { maxColumns: HEAD_STRIP_MAX_COLUMNS, layout });
  const { method } = explanation;
  // The model's own first token: `[CLS]` for BERT, `<s>` for RoBERTa and XLM-R.
  const first = tokenNames(layout).readable[0];
  const heads = `${label}: first-token${first ? ` (${first})` : ''} attention, layers × heads`;
  return [
    echartsPlan(`${base}-attention`, `${label}: ${view.title}`, heatmap, [side, side], method),
    echartsPlan(`${base}-heads`, heads, grid, [720, gridHeight], method),
    ...headViewCharts(explanation, layout, base, label),
  ];
}

/**
 * bertviz's head view, all heads, when the explanation kept every map (`include_maps`): the last layer, or
 * every layer when that is cheap (`HEAD_VIEW_EVERY_LAYER_BUDGET`). Numbered from 0 like the app's layers.
 */
export function headViewCharts(explanation: Explanation, layout: PairLayout, base: string, label: string): ChartPlan[] {
  const maps = explanation.attention?.maps;
  if (!maps || maps.length === 0) return [];
  const n = explanation.tokens.length;
  const heads = maps[0]?.length ?? 0;
  const every = maps.length * heads * n * n <= HEAD_VIEW_EVERY_LAYER_BUDGET;
  const layers = every ? maps.map((_, layer) => layer) : [maps.length - 1];
  // The report has no chips to name the colours: the chart carries its key.
  const size: [number, number] = [HEAD_VIEW_WIDTH, headViewHeight(n, { legend: true })];
  return layers.map((layer) =>
    echartsPlan(
      `${base}-head-view-l${layer}`,
      `${label}: head view, layer ${layer}, all ${heads} heads`,
      () =>
        headViewOption({
          layout,
          maps,
          layer,
          maxLines: HEAD_VIEW_MAX_LINES,
          width: HEAD_VIEW_WIDTH,
          margin: HEAD_VIEW_MARGIN,
          legend: true,
        }).option,
      size,
      explanation.method,
    ),
  );
}

/** Backgrounds of a pair's segment row: the first text's columns and the second's. */
const SEGMENT_TINTS = ['#e8ebfa', '#f1f1f4'] as const;

function comparisonChart(
  sentence: SentenceResult,
  layout: PairLayout,
  prefix: string,
  methodLabel: (method: string) => string,
): ChartPlan {
  const chart = { name: `${prefix}-comparison`, title: 'Comparison (each row ÷ its largest |score|)' };
  return plan(chart.name, chart.title, undefined, () => {
    const explanations = Object.values(sentence.explanations);
    const rows = comparisonRows(
      layout,
      explanations.map(({ method, scores }) => ({ method, label: methodLabel(method), scores })),
    );
    const { readable, titles, segments, divider } = comparisonHeader(layout);
    // A pair: a row naming each column's text (A or B) above the tokens, and a line where B starts.
    const apart = (i: number) => (i === divider ? { divider: true } : {});
    const segmentRow: TableCell[][] = segments
      ? [
          [
            { text: segments.map(({ mark, label }) => `${mark} ${label}`).join(' · '), header: true },
            ...readable.map((_, i) => {
              const s = i >= segments[1]!.span[0] ? 1 : 0;
              const { mark, label } = segments[s]!;
              return { text: mark, title: label, background: SEGMENT_TINTS[s], ...apart(i) };
            }),
            { text: '' },
          ],
        ]
      : [];
    const cells: TableCell[][] = [
      ...segmentRow,
      [
        { text: 'Method', header: true },
        ...readable.map((text, i) => ({ text, title: titles[i]!, header: true, ...apart(i) })),
        { text: 'Cost', header: true },
      ],
      ...rows.map((row, r) => [
        { text: row.label, header: true },
        ...row.cells.map((cell, i) => ({
          text: cell.relative.toFixed(2),
          background: cell.background,
          color: cell.color,
          title: cell.title,
          ...apart(i),
        })),
        { text: `${explanations[r]!.seconds.toFixed(2)} s · ${explanations[r]!.evaluations} evaluations` },
      ]),
    ];
    const n = sentence.tokens.length;
    // Column c is token c − 1; the last column, the cost, is no token.
    return pages(chart, tableSvg(cells), ({ columns }) => {
      const shown = columns.filter((c) => c <= n);
      return shown.length > 0 ? tokenRange(shown[0]! - 1, shown.at(-1)!, n) : 'cost';
    });
  });
}

/** ferret's evaluation table as the comparison view shows it (`evaluationTable`): best value per metric starred. */
function evaluationChart(
  sentence: SentenceResult,
  evaluation: NonNullable<SentenceResult['evaluation']>,
  prefix: string,
  methodLabel: (method: string) => string,
): ChartPlan {
  const chart = { name: `${prefix}-evaluation`, title: 'Evaluation (ferret metrics; ★ best)' };
  return plan(chart.name, chart.title, undefined, () => {
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
    // One page for a handful of metric columns; `columns` names the metrics of any further page.
    return pages(chart, tableSvg(cells), ({ columns }) => `columns ${columns[0]}–${columns.at(-1)}`);
  });
}

/** methods.md: explanations marked `degenerate` have no ranking to agree with and are left out, as in the app. */
function agreementChart(
  sentence: SentenceResult,
  explanations: Explanation[],
  prefix: string,
  methodLabel: (method: string) => string,
): ChartPlan | undefined {
  const ranked = explanations.filter((e) => !e.warnings.some((warning) => warning.code === 'degenerate'));
  if (ranked.length < 2) return undefined;
  const option = (): ChartOption =>
    agreementHeatmapOption(
      ranked.map(({ method }) => methodLabel(method)),
      agreementMatrix(
        sentence.tokens,
        ranked.map(({ scores }) => scores),
        sentence.special,
      ),
    );
  const size = 200 + 44 * ranked.length;
  return echartsPlan(`${prefix}-agreement`, "Agreement (Kendall's τ-b)", option, [size + 120, size]);
}
