/** The comparison view: methods × tokens on one signed scale, and the agreement matrix between methods. */
import { formatScore } from './heat-text.js';
import { tokenNames } from './layout.js';
import { pairSegments, type PairLayout } from './segments.js';
import { divergingColor, divergingStops, maxAbs, textColorOn, type Palette } from './scale.js';
import type { ChartOption, HeatCell } from './types.js';

export interface MethodScores {
  method: string;
  label: string;
  scores: readonly number[];
}

export interface ComparisonCell {
  value: number;
  /** The value divided by the row's largest |value|: what the color shows. */
  relative: number;
  background: string;
  color: string;
  title: string;
}

export interface ComparisonRow {
  method: string;
  label: string;
  cells: ComparisonCell[];
}

/** The token columns' header: readable tokens with their hover names, and a pair's two texts over them. */
export interface ComparisonHeader {
  readable: string[];
  titles: string[];
  /**
   * A sentence pair's texts, each over the token columns `[start, end)` it spans (its specials included): a row
   * above the tokens. None for a single text, whose header is the tokens alone.
   */
  segments?: { mark: string; label: string; span: [number, number] }[];
  /** The token column where the second text starts: the table draws a divider before it. */
  divider?: number;
}

export function comparisonHeader(layout: PairLayout): ComparisonHeader {
  const { readable, titles } = tokenNames(layout);
  const segments = pairSegments(layout);
  if (!segments) return { readable, titles };
  return {
    readable,
    titles,
    segments: segments.map(({ mark, label, span }) => ({ mark, label, span })),
    divider: segments[1].span[0],
  };
}

/**
 * ferret's table. Methods live on different scales (probability drops, attention weights, logits), so each row
 * is divided by its own largest |score| first; then one diverging scale from −1 to 1 colors every cell, and
 * the raw value stays in the hover text.
 */
export function comparisonRows(
  layout: PairLayout,
  methods: readonly MethodScores[],
  palette: Palette = 'red-blue',
): ComparisonRow[] {
  const { titles } = tokenNames(layout);
  return methods.map(({ method, label, scores }) => {
    if (scores.length !== titles.length) {
      throw new Error(`${method} has ${scores.length} scores for ${titles.length} tokens`);
    }
    const limit = maxAbs(scores);
    const cells = scores.map((value, i) => {
      const relative = value / limit;
      const background = divergingColor(relative, 1, palette);
      return {
        value,
        relative,
        background,
        color: textColorOn(background),
        title: `${label} · ${titles[i]}: ${formatScore(value)}`,
      };
    });
    return { method, label, cells };
  });
}

/** A method × method heatmap of Kendall τ-b on the same diverging scale (−1 disagree … +1 agree). */
export function agreementHeatmapOption(
  labels: readonly string[],
  matrix: readonly (number | undefined)[][],
  palette: Palette = 'red-blue',
): ChartOption {
  const data: HeatCell[] = [];
  // An undefined τ (a constant explanation) is left out: an empty cell says "no ranking" better than a 0.
  matrix.forEach((row, y) =>
    row.forEach((value, x) => value !== undefined && data.push([x, y, Math.round(value * 100) / 100])),
  );
  const axis = { type: 'category' as const, data: [...labels], splitArea: { show: false } };
  return {
    title: { text: "Agreement (Kendall's τ-b over tokens)", left: 'center', textStyle: { fontSize: 13 } },
    tooltip: { trigger: 'item' },
    grid: { left: 8, right: 64, top: 36, bottom: 8, containLabel: true },
    // Method names are long: slanted column labels keep them from running into each other.
    xAxis: { ...axis, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { ...axis, axisLabel: { interval: 0 }, inverse: true },
    visualMap: {
      type: 'continuous',
      min: -1,
      max: 1,
      calculable: true,
      orient: 'vertical',
      right: 4,
      top: 'middle',
      itemHeight: 120,
      inRange: { color: [...divergingStops(palette)] },
    },
    series: [{ type: 'heatmap', name: 'τ-b', data, label: { show: true } }],
    animation: false,
  };
}
