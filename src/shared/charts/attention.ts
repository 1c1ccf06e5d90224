/** Attention views: one n×n map as a heatmap, and a layers × heads grid of [CLS]-row thumbnails. */
import type { AxisOption, ChartOption, GridOption, HeatCell, HeatmapSeries } from './types.js';
import { SEQUENTIAL_STOPS } from './scale.js';

const MAX_ALL_LABELS = 48;

/** Rows are queries (who attends), columns keys (attended to); row 0 at the top, as in a matrix. */
export function attentionHeatmapOption(
  tokens: readonly string[],
  map: readonly number[][],
  title: string,
): ChartOption {
  const labels = tokens.map((token, i) => `${token} ${i}`);
  const data: HeatCell[] = [];
  let largest = 0;
  map.forEach((row, query) =>
    row.forEach((value, key) => {
      data.push([key, query, value]);
      largest = Math.max(largest, value);
    }),
  );
  const axis = (rotate: number): AxisOption => ({
    type: 'category',
    data: labels,
    splitArea: { show: false },
    // Every label while they fit; ECharts' automatic thinning for long inputs (up to 512 tokens).
    axisLabel: { interval: labels.length <= MAX_ALL_LABELS ? 0 : 'auto', rotate, fontSize: 10 },
  });
  return {
    title: { text: title, subtext: 'rows: queries · columns: keys', left: 'center', textStyle: { fontSize: 13 } },
    tooltip: { trigger: 'item', position: 'top' },
    grid: { left: 8, right: 64, top: 52, bottom: 8, containLabel: true },
    xAxis: axis(60),
    yAxis: { ...axis(0), inverse: true },
    visualMap: {
      type: 'continuous',
      min: 0,
      max: largest > 0 ? largest : 1,
      calculable: true,
      precision: 2,
      orient: 'vertical',
      right: 4,
      top: 'middle',
      itemHeight: 120,
      inRange: { color: [...SEQUENTIAL_STOPS] },
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

/**
 * One small heatmap strip per layer and head (rows = layers, top = first; columns = heads), each showing
 * that head's [CLS] row over the tokens: where the classifier token looks, head by head, at a glance.
 * All thumbnails share one scale so that a bright strip means a concentrated head everywhere. The `selected`
 * head (the one the heatmap shows) gets a frame.
 */
export function headGridOption(
  clsRows: readonly (readonly (readonly number[])[])[],
  selected?: { layer: number; head: number },
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
      xAxes.push({ type: 'category', gridIndex: index, data: row.map((_, i) => String(i)), ...hidden });
      yAxes.push({ type: 'category', gridIndex: index, data: [`L${layer} H${head}`], ...hidden });
      series.push({
        type: 'heatmap',
        name: `layer ${layer} · head ${head}`,
        xAxisIndex: index,
        yAxisIndex: index,
        data: row.map((value, i): HeatCell => {
          largest = Math.max(largest, value);
          return [i, 0, value];
        }),
      });
    }),
  );
  return {
    title: { text: `[CLS] attention: ${layers} layers × ${heads} heads`, left: 'center', textStyle: { fontSize: 13 } },
    tooltip: { trigger: 'item' },
    grid: grids,
    xAxis: xAxes,
    yAxis: yAxes,
    visualMap: {
      type: 'continuous',
      min: 0,
      max: largest > 0 ? largest : 1,
      show: false,
      seriesIndex: series.map((_, i) => i),
      inRange: { color: [...SEQUENTIAL_STOPS] },
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
