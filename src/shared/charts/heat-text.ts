/** Token heat text: the sentence as colored chips, one per token or per word, on the shared signed scale. */
import { readableTokens, type TokenLayout } from '../tokens.js';
import { mergeWords } from '../words.js';
import { divergingColor, maxAbs, textColorOn } from './scale.js';

export interface HeatChip {
  text: string;
  value: number;
  background: string;
  color: string;
  /** Hover text: the token (and its vocabulary string where that reads differently) and its score. */
  title: string;
  /** `[first, last + 1)` token positions the chip covers. */
  span: [number, number];
}

export interface HeatText {
  chips: HeatChip[];
  /** The value that saturates the scale (largest |score|), for a legend. */
  limit: number;
}

/**
 * Chips show readable tokens (`Ġlook` as `look`). `words: true` joins the tokens of each of the tokenizer's
 * words and sums their scores (the sum keeps additive attributions additive). The scale's limit is taken after
 * merging so that the chips use its range.
 */
export function heatText(layout: TokenLayout, scores: readonly number[], words = false): HeatText {
  const readable = readableTokens(layout);
  const merged = words
    ? mergeWords(layout, scores)
    : { words: readable, scores: [...scores], spans: readable.map((_, i): [number, number] => [i, i + 1]) };
  const limit = maxAbs(merged.scores);
  const chips = merged.words.map((text, i) => {
    const value = merged.scores[i]!;
    const background = divergingColor(value, limit);
    const span = merged.spans[i]!;
    const raw = layout.tokens.slice(span[0], span[1]).join(' ');
    return {
      text,
      value,
      background,
      color: textColorOn(background),
      title: `${raw === text ? text : `${text} (${raw})`}: ${formatScore(value)}`,
      span,
    };
  });
  return { chips, limit };
}

/** Scores span many magnitudes (probability deltas, logits, attention); 3 significant digits read well for all. */
export function formatScore(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e4 ? value.toPrecision(3) : value.toExponential(2);
}
