/**
 * The slice of the ECharts option schema our builders produce. Declared here rather than imported from
 * `echarts` because src/shared may not depend on it (design.md, "Rooms"); the shapes are a subset of
 * `EChartsOption`, so the renderer and the report's server-side renderer pass them to ECharts unchanged.
 */

export interface AxisOption {
  type: 'category' | 'value';
  data?: string[];
  name?: string;
  gridIndex?: number;
  inverse?: boolean;
  min?: number;
  max?: number;
  show?: boolean;
  splitArea?: { show: boolean };
  axisLabel?: {
    interval?: number | 'auto';
    rotate?: number;
    show?: boolean;
    fontSize?: number;
    formatter?: (value: number) => string;
    /** Leave out a label that would overlap its neighbour (narrow panes). */
    hideOverlap?: boolean;
  };
  axisTick?: { show: boolean };
  axisLine?: { show: boolean };
  splitLine?: { show: boolean };
}

export interface GridOption {
  left: number | string;
  top: number | string;
  width?: number | string;
  height?: number | string;
  right?: number | string;
  bottom?: number | string;
  containLabel?: boolean;
  show?: boolean;
  borderColor?: string;
  borderWidth?: number;
}

/** A heatmap cell: `[x index, y index, value]`. */
export type HeatCell = [number, number, number];

export interface HeatmapSeries {
  type: 'heatmap';
  name?: string;
  data: HeatCell[];
  xAxisIndex?: number;
  yAxisIndex?: number;
  /** A template string, or a function of the cell (`data` is its `[x, y, value]`). */
  label?: { show: boolean; fontSize?: number; formatter?: string | ((params: { data?: unknown }) => string) };
  emphasis?: { itemStyle: { borderColor: string; borderWidth: number } };
  /** 0 draws every cell in one frame; ECharts otherwise spreads large heatmaps over frames. */
  progressive?: number;
}

export interface BarDatum {
  value: number;
  itemStyle: { color: string };
}

export interface BarSeries {
  type: 'bar';
  name?: string;
  data: BarDatum[];
  /** `dataIndex` is the bar's position in `data`, as ECharts passes it. */
  label?: {
    show: boolean;
    position: string;
    formatter: (params: { value: unknown; dataIndex?: number; data?: unknown }) => string;
  };
}

/** A line drawn by `renderItem` (ECharts' custom series' graphic element). */
export interface CustomLine {
  type: 'line';
  shape: { x1: number; y1: number; x2: number; y2: number };
  style: { stroke: string; lineWidth: number };
}

/**
 * A series that draws its own marks, for what the built-in series cannot place (a line between two categories).
 * `renderItem` receives ECharts' params and api, of which we read the grid's rectangle, `coord` and `size`.
 */
export interface CustomSeries {
  type: 'custom';
  name?: string;
  silent?: boolean;
  z?: number;
  data: number[][];
  renderItem: (
    params: { coordSys: unknown },
    api: { coord: (data: number[]) => number[]; size?: (data: number[]) => number | number[] },
  ) => { type: 'group'; children: CustomLine[] };
}

/** A node of a graph series placed on a grid (`coordinateSystem: 'cartesian2d'`): `value` is its `[x, y]`. */
export interface GraphNode {
  name: string;
  value: [number, number];
  label?: {
    show: boolean;
    position: 'left' | 'right';
    fontSize?: number;
    color?: string;
    /** A label wider than `width` is cut (`overflow: 'truncate'`) and ends with `ellipsis`. */
    width?: number;
    overflow?: 'truncate';
    ellipsis?: string;
    formatter?: () => string;
  };
  /** Extra fields ride along to the tooltip's `data`: the whole token and its side (the head view's). */
  token?: string;
  side?: 'query' | 'key';
}

/** A link between two nodes (by index); extra fields (`head`) ride along to the tooltip's `data`. */
export interface GraphLink {
  source: number;
  target: number;
  value?: number;
  head?: number;
  lineStyle: { color: string; opacity: number; width: number };
}

export interface GraphSeries {
  type: 'graph';
  coordinateSystem: 'cartesian2d';
  symbol?: string;
  symbolSize?: number | [number, number];
  itemStyle?: { color: string };
  data: GraphNode[];
  links: GraphLink[];
  /** `adjacency`: hovering a node keeps only its own links and neighbours; the rest take the `blur` style. */
  emphasis?: { focus: 'adjacency' | 'self'; lineStyle?: { width: number } };
  blur?: { lineStyle?: { opacity: number }; itemStyle?: { opacity: number } };
  animation?: boolean;
}

export interface VisualMapOption {
  type: 'continuous';
  min: number;
  max: number;
  seriesIndex?: number | number[];
  calculable?: boolean;
  precision?: number;
  show?: boolean;
  orient?: 'horizontal' | 'vertical';
  right?: number;
  top?: number | string;
  itemHeight?: number;
  inRange: { color: string[] };
}

export interface TitleTextStyle {
  fontSize: number;
  width?: number;
  overflow?: 'truncate';
}

export interface ChartOption {
  title?: {
    text: string;
    subtext?: string;
    left?: string;
    /** `width` and `overflow: 'truncate'` cut a title to fit a narrow chart. */
    textStyle?: TitleTextStyle;
    subtextStyle?: Omit<TitleTextStyle, 'fontSize'> & {
      lineHeight?: number;
      /** Styles for `{name|text}` runs in the subtext (the head view's key of colours). */
      rich?: Record<string, { color: string; fontWeight?: 'bold'; fontSize?: number }>;
    };
  };
  tooltip?: {
    trigger?: 'item' | 'axis';
    position?: string;
    /** Keep the tooltip inside the chart (a long token's tooltip would otherwise widen a narrow pane). */
    confine?: boolean;
    /** HTML of an item's tooltip (escape the text in it: tokens such as `<s>` are tags to a browser). */
    formatter?: (params: { seriesName?: string; data?: unknown }) => string;
  };
  grid: GridOption | GridOption[];
  xAxis: AxisOption | AxisOption[];
  yAxis: AxisOption | AxisOption[];
  visualMap?: VisualMapOption;
  series: (HeatmapSeries | BarSeries | CustomSeries | GraphSeries)[];
  animation?: boolean;
}
