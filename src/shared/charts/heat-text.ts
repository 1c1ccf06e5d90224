/**
 * Token heat text: the sentence as colored chips, one per token or per word, on the shared signed scale. A
 * sentence pair's chips come in its two segments (premise | hypothesis), its added specials marked as such.
 */
import { readableTokens } from '../tokens.js';
import { mergeWords } from '../words.js';
import { pairSegments, segmentSuffixes, type PairLayout } from './segments.js';
import { divergingColor, maxAbs, textColorOn, type Palette } from './scale.js';

export interface HeatChip {
  text: string;
  value: number;
  background: string;
  color: string;
  /** Hover text: the token (and its vocabulary string where that reads differently) and its score. */
  title: string;
  /** `[first, last + 1)` token positions the chip covers. */
  span: [number, number];
  /** A pair's added special (`[CLS]`, the `[SEP]` between and after the texts); absent for a single text. */
  special?: boolean;
}

/** One of a pair's two texts, as heat text shows it: a labelled run of chips. */
export interface HeatSegment {
  /** `A` or `B`. */
  mark: string;
  /** `text`, `text pair`, `hypothesis`… */
  label: string;
  /** The segment's own text, for a hover. */
  text: string;
  /** `[first, end)` chip indices. */
  chips: [number, number];
}

export interface HeatText {
  chips: HeatChip[];
  /** The value that saturates the scale (largest |score|), for a legend. */
  limit: number;
  /** A sentence pair's two segments (the first with the leading specials and the separators); none for a single text. */
  segments?: [HeatSegment, HeatSegment];
}

/**
 * Chips show readable tokens (`Ġlook` as `look`). `words: true` joins the tokens of each of the tokenizer's
 * words and sums their scores (the sum keeps additive attributions additive). The scale's limit is taken after
 * merging so that the chips use its range.
 */
export function heatText(
  layout: PairLayout,
  scores: readonly number[],
  words = false,
  palette: Palette = 'red-blue',
): HeatText {
  const readable = readableTokens(layout);
  const merged = words
    ? mergeWords(layout, scores)
    : { words: readable, scores: [...scores], spans: readable.map((_, i): [number, number] => [i, i + 1]) };
  const limit = maxAbs(merged.scores);
  const pair = pairSegments(layout);
  const suffixes = segmentSuffixes(layout);
  const chips = merged.words.map((text, i): HeatChip => {
    const value = merged.scores[i]!;
    const background = divergingColor(value, limit, palette);
    const span = merged.spans[i]!;
    const raw = layout.tokens.slice(span[0], span[1]).join(' ');
    return {
      text,
      value,
      background,
      color: textColorOn(background),
      title: `${raw === text ? text : `${text} (${raw})`}: ${formatScore(value)}${suffixes[span[0]]}`,
      span,
      ...(pair ? { special: layout.sequenceIds![span[0]] === null } : {}),
    };
  });
  if (!pair) return { chips, limit };
  const split = chips.findIndex((chip) => chip.span[0] >= pair[1].span[0]);
  const texts = [layout.text ?? '', layout.textPair ?? ''];
  const segments = pair.map(({ mark, label }, s): HeatSegment => ({
    mark,
    label,
    text: texts[s]!,
    chips: s === 0 ? [0, split] : [split, chips.length],
  })) as [HeatSegment, HeatSegment];
  return { chips, limit, segments };
}

/** Scores span many magnitudes (probability deltas, logits, attention); 3 significant digits read well for all. */
export function formatScore(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e4 ? value.toPrecision(3) : value.toExponential(2);
}
