/**
 * shap's force bar (the strip above its text plot): from the base value (every token masked) to the output
 * f(x), tokens that raise the output push from the left in red, tokens that lower it push from the right in
 * blue, and they meet at f(x). Plain layout data (positions in % of the strip) so that any face can draw it.
 */
import { formatScore } from './heat-text.js';
import { tokenNames } from './layout.js';
import { markedTokens, type PairLayout } from './segments.js';
import { divergingColor, maxAbs, type Palette } from './scale.js';

export interface ForceSegment {
  /** The token as faces show it (`look`, not `Ġlook`; a pair's with its text's mark, `B·look`). */
  token: string;
  value: number;
  /** Left edge and width, in % of the strip. */
  left: number;
  width: number;
  color: string;
  title: string;
}

export interface ForceBar {
  base: number;
  output: number;
  /** Where the base value and f(x) sit, in % of the strip. */
  baseAt: number;
  outputAt: number;
  /** The value range the strip spans, for axis labels. */
  min: number;
  max: number;
  segments: ForceSegment[];
}

export function forceBar(
  layout: PairLayout,
  values: readonly number[],
  base: number,
  output: number,
  palette: Palette = 'red-blue',
): ForceBar {
  const limit = maxAbs(values);
  const { readable, titles } = tokenNames(layout);
  const shown = markedTokens(layout, readable);
  const pieces = values
    .map((value, i) => ({ token: shown[i]!, name: titles[i]!, value }))
    .filter(({ value }) => value !== 0);
  // Strongest next to f(x), as in shap: the ranking reads outward from the meeting point.
  const positive = pieces.filter(({ value }) => value > 0).sort((a, b) => a.value - b.value);
  const negative = pieces.filter(({ value }) => value < 0).sort((a, b) => a.value - b.value);
  const pushUp = positive.reduce((sum, { value }) => sum + value, 0);
  const pushDown = -negative.reduce((sum, { value }) => sum + value, 0);
  const min = Math.min(base, output - pushUp, output);
  const max = Math.max(base, output + pushDown, output);
  const span = max - min || 1;
  const at = (value: number) => ((value - min) / span) * 100;
  const segments: ForceSegment[] = [];
  let edge = output - pushUp;
  for (const piece of positive) {
    segments.push(segment(piece, at(edge), at(edge + piece.value) - at(edge), limit, palette));
    edge += piece.value;
  }
  for (const piece of [...negative].reverse()) {
    segments.push(segment(piece, at(edge), at(edge - piece.value) - at(edge), limit, palette));
    edge -= piece.value;
  }
  return { base, output, baseAt: at(base), outputAt: at(output), min, max, segments };
}

function segment(
  { token, name, value }: { token: string; name: string; value: number },
  left: number,
  width: number,
  limit: number,
  palette: Palette,
): ForceSegment {
  return {
    token,
    value,
    left,
    width,
    color: divergingColor(value, limit, palette),
    title: `${name}: ${formatScore(value)}`,
  };
}
