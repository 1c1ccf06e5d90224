/** Token heat text: the sentence as colored chips, one per token or per word, on the shared signed scale. */
import { mergeWords } from '../words.js';
import { divergingColor, maxAbs, textColorOn } from './scale.js';

export interface HeatChip {
  text: string;
  value: number;
  background: string;
  color: string;
  /** Hover text: the token and its score. */
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
 * `words: true` joins WordPiece continuations (`##…`) into their word and sums their scores (the sum keeps
 * additive attributions additive). The scale's limit is taken after merging so that the chips use its range.
 */
export function heatText(tokens: readonly string[], scores: readonly number[], words = false): HeatText {
  const merged = words
    ? mergeWords(tokens, scores)
    : { words: [...tokens], scores: [...scores], spans: tokens.map((_, i): [number, number] => [i, i + 1]) };
  const limit = maxAbs(merged.scores);
  const chips = merged.words.map((text, i) => {
    const value = merged.scores[i]!;
    const background = divergingColor(value, limit);
    return {
      text,
      value,
      background,
      color: textColorOn(background),
      title: `${text}: ${formatScore(value)}`,
      span: merged.spans[i]!,
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
