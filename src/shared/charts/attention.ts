/**
 * Attention views: one n×n map as a heatmap, and a layers × heads grid of first-token-row thumbnails (the
 * classifier token: `[CLS]` for BERT, `<s>` for RoBERTa and XLM-R). Tokens are labelled readably (`Ġlook` as
 * `look`); a sentence pair's with their text's mark (`A·look`, `B·good`), and a line divides the map where the
 * second text starts.
 */
import { formatScore } from './heat-text.js';
import { markedTokens, pairBoundary, type PairLayout } from './segments.js';
import type { AxisOption, ChartOption, CustomSeries, GridOption, HeatCell, HeatmapSeries } from './types.js';
import { sequentialStops, type Palette } from './scale.js';

const MAX_ALL_LABELS = 48;

/** A run of token positions `[start, end)`. */
export type TokenBin = [number, number];

/** Cuts `n` positions into at most `maxBins` consecutive runs of one length (the last may be shorter). */
export function tokenBins(n: number, maxBins: number): TokenBin[] {
  const size = Math.max(1, Math.ceil(n / Math.max(1, maxBins)));
  return Array.from({ length: Math.ceil(n / size) }, (_, b): TokenBin => [b * size, Math.min(n, (b + 1) * size)]);
}

/** `<s> 0` for one token, `<s>… 0–3` for a run of them. */
function binLabel(tokens: readonly string[], [start, end]: TokenBin): string {
  return end - start === 1 ? `${tokens[start]} ${start}` : `${tokens[start]}… ${start}–${end - 1}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The attention a run of keys receives: summed over the keys, so a row keeps summing to 1. */
function binnedRow(row: readonly number[], bins: readonly TokenBin[]): number[] {
  return bins.map(([start, end]) => {
    let sum = 0;
    for (let key = start; key < end; key += 1) sum += row[key] ?? 0;
    return sum;
  });
}

export interface HeatmapLimit {
  /**
   * At most this many rows and columns (default: one per token). A longer input is shown in runs of tokens:
   * a cell is the attention its run of queries, on average, gives its run of keys. An n×n map is n² cells,
   * which a report cannot draw at 512 tokens; the app draws every cell on canvas.
   */
  maxSide?: number;
}

/** The color of the line between a pair's two texts: apart from both ends of the sequential scale. */
export const SEGMENT_DIVIDER_COLOR = '#4c5fd5';

/**
 * A line across the whole map before the cell `at` on both axes, where a pair's second text starts. A custom
 * series, because ECharts puts mark lines on a category axis at a category's center, not between two.
 */
export function segmentDivider(at: number): CustomSeries {
  return {
    type: 'custom',
    name: 'text pair starts',
    silent: true,
    z: 5,
    data: [[at, at]],
    renderItem: (params, api) => {
      const [x, y] = api.coord([at, at]) as [number, number];
      const [width, height] = api.size!([1, 1]) as [number, number];
      const { x: left, y: top, width: gridWidth, height: gridHeight } = params.coordSys as unknown as Rect;
      const style = { stroke: SEGMENT_DIVIDER_COLOR, lineWidth: 2 };
      // Rows run downwards (the y axis is inverse): the row's top edge is half a cell above its center.
      return {
        type: 'group',
        children: [
          { type: 'line', shape: { x1: x - width / 2, y1: top, x2: x - width / 2, y2: top + gridHeight }, style },
          { type: 'line', shape: { x1: left, y1: y - height / 2, x2: left + gridWidth, y2: y - height / 2 }, style },
        ],
      };
    },
  };
}

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Rows are queries (who attends), columns keys (attended to); row 0 at the top, as in a matrix. A pair's map has
 * a line where its second text starts (at the run holding that token, when tokens are pooled).
 */
export function attentionHeatmapOption(
  layout: PairLayout,
  map: readonly number[][],
  title: string,
  { maxSide = Infinity, palette }: HeatmapLimit & { palette?: Palette } = {},
): ChartOption {
  const tokens = markedTokens(layout);
  const bins = tokenBins(tokens.length, maxSide);
  const perCell = bins[0] ? bins[0][1] - bins[0][0] : 1;
  const labels = bins.map((bin) => binLabel(tokens, bin));
  const data: HeatCell[] = [];
  let largest = 0;
  const byKeyRun = map.map((row) => binnedRow(row, bins));
  bins.forEach(([start, end], query) =>
    bins.forEach((_, key) => {
      let sum = 0;
      for (let row = start; row < end; row += 1) sum += byKeyRun[row]?.[key] ?? 0;
      const value = sum / (end - start);
      data.push([key, query, value]);
      largest = Math.max(largest, value);
    }),
  );
  const boundary = pairBoundary(layout);
  const dividerAt = boundary === undefined ? undefined : Math.round(boundary / perCell);
  const divided = dividerAt !== undefined && dividerAt > 0 && dividerAt < bins.length;
  const axis = (rotate: number): AxisOption => ({
    type: 'category',
    data: labels,
    splitArea: { show: false },
    // Every label while they fit; ECharts' automatic thinning for long inputs (up to 512 tokens).
    axisLabel: { interval: labels.length <= MAX_ALL_LABELS ? 0 : 'auto', rotate, fontSize: 10 },
  });
  return {
    title: {
      text: title,
      subtext: `rows: queries · columns: keys${perCell > 1 ? ` · ${perCell} tokens per cell (summed over keys, averaged over queries)` : ''}`,
      left: 'center',
      textStyle: { fontSize: 13 },
    },
    tooltip: {
      trigger: 'item',
      position: 'top',
      // Both ends of the cell: which query attends to which key.
      formatter: ({ data }) => {
        const [key, query, value] = data as HeatCell;
        return `${escapeHtml(labels[query]!)} → ${escapeHtml(labels[key]!)}: ${formatScore(value)}`;
      },
    },
    grid: { left: 8, right: 64, top: 52, bottom: 8, containLabel: true },
    xAxis: axis(60),
    yAxis: { ...axis(0), inverse: true },
    visualMap: {
      type: 'continuous',
      min: 0,
      max: largest > 0 ? largest : 1,
      // The scale is the map's alone, not the divider's.
      ...(divided ? { seriesIndex: 0 } : {}),
      calculable: true,
      precision: 2,
      orient: 'vertical',
      right: 4,
      top: 'middle',
      itemHeight: 120,
      inRange: { color: [...sequentialStops(palette)] },
    },
    // Drawn in one frame: a half-drawn map (ECharts' progressive default) reads as a wrong one, in screenshots too.
    series: [
      {
        type: 'heatmap',
        name: 'attention',
        data,
        progressive: 0,
        emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } },
      },
      ...(divided ? [segmentDivider(dividerAt)] : []),
    ],
    animation: false,
  };
}

/** A frame color that stands apart from both ends of the diverging scale. */
const SELECTION_COLOR = '#1b9e77';

/** Where the thumbnail of (layer, head) sits: `layer * heads + head`, which is also its series index. */
export function thumbnailIndex(layer: number, head: number, heads: number): number {
  return layer * heads + head;
}

export interface HeadGridOptions {
  /** Caps each strip's cells (runs of tokens, summed). */
  maxColumns?: number;
  /** The sentence's tokens: the title names the first one, the strips' cells their tokens. */
  layout?: PairLayout;
}

/** `First-token (<s>) attention`: the model's own classifier token, which is not `[CLS]` for every family. */
export function headGridTitle(layers: number, heads: number, firstToken?: string): string {
  return `First-token${firstToken ? ` (${firstToken})` : ''} attention: ${layers} layers × ${heads} heads`;
}

/**
 * One small heatmap strip per layer and head (rows = layers, top = first; columns = heads), each showing
 * that head's first-token row over the tokens: where the classifier token looks, head by head, at a glance.
 * All thumbnails share one scale so that a bright strip means a concentrated head everywhere. The `selected`
 * head (the one the heatmap shows) gets a frame.
 */
export function headGridOption(
  clsRows: readonly (readonly (readonly number[])[])[],
  selected?: { layer: number; head: number },
  { maxColumns = Infinity, layout, palette }: HeadGridOptions & { palette?: Palette } = {},
): ChartOption {
  const layers = clsRows.length;
  const heads = clsRows[0]?.length ?? 0;
  const grids: GridOption[] = [];
  const xAxes: AxisOption[] = [];
  const yAxes: AxisOption[] = [];
  const series: HeatmapSeries[] = [];
  const hidden = { show: false } as const;
  let largest = 0;
  // Percent positions keep the grid filling whatever size the pane has.
  const cellWidth = 92 / Math.max(heads, 1);
  const cellHeight = 88 / Math.max(layers, 1);
  // A strip a few dozen pixels wide shows no more columns than it has pixels: longer inputs go in runs of tokens.
  const bins = tokenBins(clsRows[0]?.[0]?.length ?? 0, maxColumns);
  const tokens = layout ? markedTokens(layout) : undefined;
  // A cell's category is its run's label (`look 2`), which the tooltip shows; its first position without tokens.
  const cells = bins.map((bin) => (tokens ? binLabel(tokens, bin) : String(bin[0])));
  clsRows.forEach((perHead, layer) =>
    perHead.forEach((row, head) => {
      const index = thumbnailIndex(layer, head, heads);
      grids.push({
        left: `${6 + head * cellWidth + cellWidth * 0.05}%`,
        top: `${8 + layer * cellHeight + cellHeight * 0.1}%`,
        width: `${cellWidth * 0.9}%`,
        height: `${cellHeight * 0.8}%`,
        ...(selected?.layer === layer && selected.head === head
          ? { show: true, borderColor: SELECTION_COLOR, borderWidth: 2 }
          : {}),
      });
      xAxes.push({ type: 'category', gridIndex: index, data: cells, ...hidden });
      yAxes.push({ type: 'category', gridIndex: index, data: [`L${layer} H${head}`], ...hidden });
      series.push({
        type: 'heatmap',
        name: `layer ${layer} · head ${head}`,
        xAxisIndex: index,
        yAxisIndex: index,
        data: binnedRow(row, bins).map((value, i): HeatCell => {
          largest = Math.max(largest, value);
          return [i, 0, value];
        }),
      });
    }),
  );
  return {
    title: { text: headGridTitle(layers, heads, tokens?.[0]), left: 'center', textStyle: { fontSize: 13 } },
    tooltip: {
      trigger: 'item',
      formatter: ({ seriesName, data }) => {
        const [cell, , value] = data as HeatCell;
        return `${escapeHtml(seriesName ?? '')}<br>${escapeHtml(cells[cell]!)}: ${formatScore(value)}`;
      },
    },
    grid: grids,
    xAxis: xAxes,
    yAxis: yAxes,
    visualMap: {
      type: 'continuous',
      min: 0,
      max: largest > 0 ? largest : 1,
      show: false,
      seriesIndex: series.map((_, i) => i),
      inRange: { color: [...sequentialStops(palette)] },
    },
    series,
    animation: false,
  };
}

/**
 * What an attention explanation shows with its options: the rollout or the aggregated map, its title, and the
 * head to frame in the grid. One function so that the app's pane and the report agree.
 */
export function attentionView(
  data: { aggregated: number[][]; rollout: number[][] },
  options: Record<string, unknown>,
): { map: number[][]; title: string; selected?: { layer: number; head: number } } {
  const { view, layer, head, aggregation } = options;
  if (view === 'rollout') return { map: data.rollout, title: 'Attention rollout (all layers)' };
  const title = `Attention · layer ${String(layer)} · head ${String(head)} · ${String(aggregation)}`;
  const selected = typeof layer === 'number' && typeof head === 'number' ? { layer, head } : undefined;
  return { map: data.aggregated, title, ...(selected ? { selected } : {}) };
}
