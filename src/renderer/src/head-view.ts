/**
 * The attention pane's head view (bertviz's): which layer it shows, which heads are switched off, and what the
 * pane asks the engine for while it is open. The chart itself is src/shared/charts/head-view.ts, shared with the
 * report; this is the pane's state around it, kept pure so that it is tested without a browser.
 */
import type { OptionSpec, OptionValues } from '../../shared/options';

/** The option that makes the attention explainer return every layer × head map (they grow with n²). */
export const MAPS_OPTION = 'include_maps';
/**
 * Above this many lines the head view draws on canvas: an SVG path per line is cheap to a few thousand and
 * slow to hover beyond (a 12-head layer of 64 tokens can draw 20,000).
 */
export const SVG_MAX_LINES = 4000;

export interface HeadViewSettings {
  /** Whether the pane shows the head view (instead of the heatmap and the layers × heads grid). */
  open: boolean;
  /** The layer shown (0-based); unset, the last one, whose heads feed the classifier. */
  layer?: number;
  /** Heads switched off (0-based). Off rather than on, so that "all" holds whatever the model's head count. */
  hidden: number[];
}

export const CLOSED: HeadViewSettings = { open: false, hidden: [] };

/** Whether a method can give the head view its maps: it has the maps option. */
export function offersMaps(specs: readonly OptionSpec[] | undefined): boolean {
  return specs?.some((spec) => spec.name === MAPS_OPTION && spec.type === 'boolean') ?? false;
}

/**
 * The options the pane requests: as resolved, plus every map while the head view is open (only then: an
 * answer with maps is n² numbers per head and layer). Other keys keep their order, so cache keys stay stable.
 */
export function requestedOptions<T extends { options: OptionValues } | { error: string }>(
  resolved: T,
  open: boolean,
): T {
  if (!open || !('options' in resolved) || resolved.options[MAPS_OPTION] === true) return resolved;
  return { ...resolved, options: { ...resolved.options, [MAPS_OPTION]: true } };
}

/** The layer to draw: the chosen one while the model has it, else the last. */
export function headViewLayer(settings: HeadViewSettings, layers: number): number {
  const { layer } = settings;
  return layer !== undefined && layer >= 0 && layer < layers ? layer : Math.max(0, layers - 1);
}

/** The heads drawn, in order. */
export function shownHeads(settings: HeadViewSettings, heads: number): number[] {
  return Array.from({ length: heads }, (_, head) => head).filter((head) => !settings.hidden.includes(head));
}

export function toggleHead(settings: HeadViewSettings, head: number): HeadViewSettings {
  const hidden = settings.hidden.includes(head)
    ? settings.hidden.filter((h) => h !== head)
    : [...settings.hidden, head].sort((a, b) => a - b);
  return { ...settings, hidden };
}

export function showAllHeads(settings: HeadViewSettings): HeadViewSettings {
  return { ...settings, hidden: [] };
}

export function hideAllHeads(settings: HeadViewSettings, heads: number): HeadViewSettings {
  return { ...settings, hidden: Array.from({ length: heads }, (_, head) => head) };
}

/** WCAG relative luminance of a `#rrggbb` colour. */
function luminance(hex: string): number {
  const channels = [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [
    number,
    number,
    number,
  ];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Black or white, whichever reads better on a chip filled with `hex` (WCAG contrast ratio). */
export function chipTextColor(hex: string): '#000000' | '#ffffff' {
  const l = luminance(hex);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}

/** The WCAG contrast ratio of two `#rrggbb` colours (for the tests; 4.5 is AA for small text). */
export function contrastRatio(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
}
