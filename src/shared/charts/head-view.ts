/**
 * bertviz's head view: the sentence's tokens twice, queries on the left and keys on the right, and a line from
 * each query to each key it attends to, one colour per head, as opaque as the attention weight. Hovering a
 * token keeps only its own lines (ECharts' adjacency focus). One graph series on a grid, so the app (canvas) and
 * the report (server-side SVG) draw the same option.
 */
import { readableTokens } from '../tokens.js';
import { markedTokens, type PairLayout } from './segments.js';
import type { ChartOption, GraphSeries } from './types.js';

/**
 * bertviz colours heads with d3's category10; two more so that 12 heads (BERT-base) all differ. A model with
 * more heads reuses them in order (the tooltip names the head).
 */
export const HEAD_COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#393b79',
  '#e7ba52',
] as const;

export const headColor = (head: number): string => HEAD_COLORS[head % HEAD_COLORS.length]!;

/** Lines fainter than this are invisible at any opacity a screen shows; leaving them out keeps long inputs drawable. */
export const DEFAULT_MIN_WEIGHT = 0.01;
/** Beyond this many lines ECharts' SVG renderer (the report) slows down badly; the weakest go first. */
export const DEFAULT_MAX_LINES = 20_000;
/** Room for a token's label on each side; a longer token is cut with `…` and named whole in its tooltip. */
export const HEAD_VIEW_LABEL_WIDTH = 84;
/** The narrowest room a label gets in a narrow chart (about four characters), so that the lines keep theirs. */
export const HEAD_VIEW_MIN_LABEL_WIDTH = 28;
/** Between a label and its column of nodes. */
const LABEL_GAP = 16;
/** The lines' own width that a narrow chart keeps by cutting labels shorter. */
const MIN_LINES_WIDTH = 80;

export interface HeadViewInput {
  layout: PairLayout;
  /** Every attention map `[layer][head][query][key]` (`AttentionData.maps`). */
  maps: readonly (readonly (readonly (readonly number[])[])[])[];
  layer: number;
  /** The heads to draw (0-based); default all. */
  heads?: readonly number[];
  minWeight?: number;
  maxLines?: number;
  /**
   * The chart's width in pixels when the host knows it (a pane, a report page): a narrow chart cuts its labels
   * and title shorter so that lines and text stay inside it. Unset: room for `HEAD_VIEW_LABEL_WIDTH`.
   */
  width?: number;
  /**
   * Extra room outside each column of labels, for a renderer whose fonts run wider than ECharts measures them:
   * the report's PNGs (librsvg's DejaVu Sans against ECharts' server-side estimate). Default 0.
   */
  margin?: number;
  /**
   * A key of the heads' colours under the title, for hosts with no other (the report; the app's head chips are
   * its key). Makes the chart `HEAD_VIEW_LEGEND_HEIGHT` taller: pass the same to `headViewHeight`.
   */
  legend?: boolean;
}

/** What the key of head colours adds to the chart's height. */
export const HEAD_VIEW_LEGEND_HEIGHT = 20;
const TOP = 72;
const ROW_HEIGHT = 20;

/** How much room each side's labels get in a chart `width` pixels wide. */
export function headViewLabelWidth(width?: number, margin = 0): number {
  if (width === undefined) return HEAD_VIEW_LABEL_WIDTH;
  const room = Math.floor((width - MIN_LINES_WIDTH) / 2) - LABEL_GAP - margin;
  return Math.min(HEAD_VIEW_LABEL_WIDTH, Math.max(HEAD_VIEW_MIN_LABEL_WIDTH, room));
}

export interface HeadView {
  option: ChartOption;
  /** Lines drawn, and lines left out (under `minWeight`, or the weakest beyond `maxLines`). */
  lines: number;
  omitted: number;
}

interface Line {
  head: number;
  query: number;
  key: number;
  weight: number;
}

function escapeHtml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function headViewOption({
  layout,
  maps,
  layer,
  heads,
  minWeight = DEFAULT_MIN_WEIGHT,
  maxLines = DEFAULT_MAX_LINES,
  width,
  margin = 0,
  legend = false,
}: HeadViewInput): HeadView {
  const layerMaps = maps[layer];
  if (!layerMaps) throw new Error(`the head view needs layer ${layer}; the maps have ${maps.length} layers`);
  const shown = heads ?? layerMaps.map((_, head) => head);
  const n = layout.tokens.length;
  const tokens = markedTokens(layout, readableTokens(layout));

  let candidates: Line[] = [];
  let total = 0;
  for (const head of shown) {
    const map = layerMaps[head];
    if (!map) throw new Error(`the head view needs head ${head}; layer ${layer} has ${layerMaps.length} heads`);
    for (let query = 0; query < n; query += 1) {
      for (let key = 0; key < n; key += 1) {
        total += 1;
        const weight = map[query]![key]!;
        if (weight >= minWeight) candidates.push({ head, query, key, weight });
      }
    }
  }
  if (candidates.length > maxLines) candidates = candidates.sort((a, b) => b.weight - a.weight).slice(0, maxLines);

  const labelWidth = headViewLabelWidth(width, margin);
  const label = (position: 'left' | 'right') => ({
    show: true,
    position,
    fontSize: 11,
    color: 'inherit' as const,
    width: labelWidth,
    overflow: 'truncate' as const,
    ellipsis: '…',
  });
  const series: GraphSeries = {
    type: 'graph',
    coordinateSystem: 'cartesian2d',
    symbol: 'rect',
    symbolSize: [6, 12],
    itemStyle: { color: '#888888' },
    data: [
      ...tokens.map((token, i) => ({
        name: `q${i}`,
        value: [0, i] as [number, number],
        token,
        side: 'query' as const,
        label: { ...label('left'), formatter: () => token },
      })),
      ...tokens.map((token, i) => ({
        name: `k${i}`,
        value: [1, i] as [number, number],
        token,
        side: 'key' as const,
        label: { ...label('right'), formatter: () => token },
      })),
    ],
    links: candidates.map(({ head, query, key, weight }) => ({
      source: query,
      target: n + key,
      value: weight,
      head,
      lineStyle: { color: headColor(head), opacity: Math.min(1, weight), width: 2 },
    })),
    emphasis: { focus: 'adjacency', lineStyle: { width: 3 } },
    blur: { lineStyle: { opacity: 0.02 }, itemStyle: { opacity: 0.4 } },
    animation: false,
  };
  const omitted = total - candidates.length;
  const note =
    omitted > 0
      ? `${omitted.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} lines under ${minWeight} or beyond the ${maxLines.toLocaleString('en-US')} strongest are not drawn`
      : 'line opacity = attention weight; hover a token to see only its lines';
  // The key: a dash in each shown head's colour and its number (rich-text styles named h0, h1, …).
  const key = shown.map((head) => `{h${head}|━━ ${head}}`).join('   ');
  const rich = Object.fromEntries(
    shown.map((head) => [`h${head}`, { color: headColor(head), fontWeight: 'bold' as const, fontSize: 12 }]),
  );
  const fit = width === undefined ? {} : { width: width - 16, overflow: 'truncate' as const };
  return {
    lines: candidates.length,
    omitted,
    option: {
      title: {
        text: `Head view · layer ${layer} · ${headsTitle(shown, layerMaps.length)}`,
        subtext: legend && key ? `${note}\n${key}` : note,
        left: 'center',
        textStyle: { fontSize: 13, ...fit },
        ...(width !== undefined || legend
          ? { subtextStyle: { ...fit, ...(legend ? { lineHeight: 20, rich } : {}) } }
          : {}),
      },
      tooltip: {
        trigger: 'item',
        confine: true,
        formatter: ({ data }) => {
          const item = data as
            | { source?: number; target?: number; value?: number; head?: number; token?: string; side?: string }
            | undefined;
          if (item?.token !== undefined) return `${item.side} ${escapeHtml(item.token)}`;
          if (item?.source === undefined || item.target === undefined) return '';
          return `head ${item.head}: ${escapeHtml(tokens[item.source]!)} → ${escapeHtml(tokens[item.target - n]!)} ${item.value!.toFixed(3)}`;
        },
      },
      grid: {
        left: margin + labelWidth + LABEL_GAP,
        right: margin + labelWidth + LABEL_GAP,
        top: TOP + (legend ? HEAD_VIEW_LEGEND_HEIGHT : 0),
        height: Math.max(1, n - 1) * ROW_HEIGHT,
      },
      xAxis: { type: 'value', min: 0, max: 1, show: false },
      yAxis: { type: 'value', min: 0, max: Math.max(1, n - 1), inverse: true, show: false },
      series: [series],
      animation: false,
    },
  };
}

/** Heads are numbered from 0, as the pane's layer and head options and the layers × heads grid number them. */
function headsTitle(shown: readonly number[], count: number): string {
  if (shown.length === count) return 'all heads';
  if (shown.length === 0) return 'no heads';
  return `${shown.length === 1 ? 'head' : 'heads'} ${shown.join(', ')}`;
}

/** The chart's natural height for `n` tokens (the grid's rows plus title and margins), for hosts that size it. */
export function headViewHeight(n: number, { legend = false }: { legend?: boolean } = {}): number {
  return TOP + (legend ? HEAD_VIEW_LEGEND_HEIGHT : 0) + Math.max(1, n - 1) * ROW_HEIGHT + 32;
}
