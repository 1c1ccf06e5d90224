/**
 * The one signed color scale of the workbench: every chart, table and heat text colors a score with it, so
 * that "how red" means the same in every view and in the report. Blue = against the target class, red = for
 * it, near-white = nothing. Stops are ColorBrewer's RdBu (colorblind-safe), evenly spaced so that ECharts'
 * `visualMap` (which interpolates linearly between evenly spaced colors) draws exactly `divergingColor`.
 */

/** From −1 to +1, evenly spaced. */
export const DIVERGING_STOPS = ['#2166ac', '#67a9cf', '#f7f7f7', '#ef8a62', '#b2182b'] as const;

/** The non-negative half (0 → +1), for quantities without a sign such as attention probabilities. */
export const SEQUENTIAL_STOPS = DIVERGING_STOPS.slice(2);

/**
 * The diverging palettes on offer. `red-blue` is the default above (the report's). `blue-orange` tells the two
 * signs apart by a blue and an orange only (ColorBrewer's Blues and Oranges ends around the same neutral), the
 * pair that stays distinct under protanopia, deuteranopia and tritanopia alike and in greyscale by lightness;
 * it also avoids reading red as "bad". Both keep the negative end first and the neutral in the middle.
 */
export const PALETTES = {
  'red-blue': DIVERGING_STOPS,
  'blue-orange': ['#08519c', '#6baed6', '#f7f7f7', '#fd8d3c', '#a63603'],
} as const satisfies Record<string, readonly string[]>;

export type Palette = keyof typeof PALETTES;

/** A palette's name as a menu shows it. */
export const PALETTE_LABELS: Record<Palette, string> = {
  'red-blue': 'Red–blue',
  'blue-orange': 'Blue–orange (colour-blind safe)',
};

/** The palette's stops from −1 to +1. */
export function divergingStops(palette: Palette = 'red-blue'): readonly string[] {
  return PALETTES[palette];
}

/** The palette's non-negative half (neutral → the "for" end). */
export function sequentialStops(palette: Palette = 'red-blue'): readonly string[] {
  return PALETTES[palette].slice(2);
}

type Rgb = [number, number, number];

function parseHex(hex: string): Rgb {
  return [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)) as Rgb;
}

function toHex(rgb: Rgb): string {
  return `#${rgb.map((channel) => Math.round(channel).toString(16).padStart(2, '0')).join('')}`;
}

function interpolate(stops: readonly string[], t: number): string {
  const position = Math.min(Math.max(t, 0), 1) * (stops.length - 1);
  const low = Math.min(Math.floor(position), stops.length - 2);
  const fraction = position - low;
  const a = parseHex(stops[low]!);
  const b = parseHex(stops[low + 1]!);
  return toHex([0, 1, 2].map((c) => a[c]! + (b[c]! - a[c]!) * fraction) as Rgb);
}

/** The largest |value|, or 1 when every value is 0 (or there are none), so that dividing by it is safe. */
export function maxAbs(values: Iterable<number>): number {
  let largest = 0;
  for (const value of values) if (Number.isFinite(value)) largest = Math.max(largest, Math.abs(value));
  return largest > 0 ? largest : 1;
}

/** Color of `value` on a symmetric scale from −`limit` to +`limit`; values beyond the limit saturate. */
export function divergingColor(value: number, limit: number, palette: Palette = 'red-blue'): string {
  const stops = PALETTES[palette];
  if (!Number.isFinite(value) || limit <= 0) return stops[2];
  return interpolate(stops, (value / limit + 1) / 2);
}

/**
 * Black or white, whichever reads better on `background` (WCAG relative luminance). Pure black: at the
 * crossover (luminance 0.179) both reach 4.58:1, so every background keeps AA contrast for small text; a
 * softer #111 left a band where neither did (axe flagged a goodness cell at 4.36:1).
 */
export function textColorOn(background: string): string {
  const [r, g, b] = parseHex(background).map((channel) => {
    const c = channel / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.179 ? '#000000' : '#ffffff';
}

/** ColorBrewer Greens, light → dark: "how good" a metric value is, kept apart from the signed red/blue scale. */
export const GOODNESS_STOPS = ['#f7fcf5', '#c7e9c0', '#74c476', '#238b45'] as const;

/** Color for a goodness in [0, 1] (0 = worst of the metric's range, 1 = best); undefined values stay neutral. */
export function goodnessColor(goodness: number): string {
  if (!Number.isFinite(goodness)) return DIVERGING_STOPS[2];
  return interpolate(GOODNESS_STOPS, goodness);
}
