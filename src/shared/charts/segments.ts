/**
 * A sentence pair's two texts apart, for every view: which tokens belong to the first text and which to the
 * second (the result's `sequenceIds`), and how each view names them. (A pair's tokens are read and grouped
 * into words by `readableTokens` and `mergeWords`, from each token's own text.) A single text has no segments,
 * and every view shows it as it always has.
 */
import { readableTokens, type TokenLayout } from '../tokens.js';

/** A token layout that may be a sentence pair (`textPair`, `sequenceIds`), and what to call its texts. */
export interface PairLayout extends TokenLayout {
  /** What to call the two texts (default `text`, `text pair`; a zero-shot pair's are `text`, `hypothesis`). */
  segmentLabels?: readonly [string, string];
}

export const DEFAULT_SEGMENT_LABELS = ['text', 'text pair'] as const;
/** What a zero-shot sentence's two texts are: the text, and the hypothesis of the explained candidate. */
export const ZERO_SHOT_SEGMENT_LABELS = ['text', 'hypothesis'] as const;
/** The short names token labels are prefixed with where a chart names single tokens (`A·look`, `B·good`). */
export const SEGMENT_MARKS = ['A', 'B'] as const;

export interface TextSegment {
  sequence: 0 | 1;
  /** `A` or `B`. */
  mark: string;
  /** `text`, `text pair`, `hypothesis`… */
  label: string;
  /**
   * Token positions `[start, end)`. The first segment holds the leading specials and the separator(s) after
   * its text (`[CLS] a … [SEP]`, `<s> a … </s></s>`); the second starts at its first token and holds the final
   * special (`b … [SEP]`).
   */
  span: [number, number];
}

/** The first token of the second text, or undefined when the layout is no pair (or its second text was cut). */
export function pairBoundary(layout: PairLayout): number | undefined {
  if (layout.textPair === undefined || !layout.sequenceIds) return undefined;
  if (layout.sequenceIds.length !== layout.tokens.length) return undefined;
  const boundary = layout.sequenceIds.indexOf(1);
  return boundary > 0 ? boundary : undefined;
}

/** The pair's two segments, or undefined for a single text (which every view shows as before). */
export function pairSegments(layout: PairLayout): [TextSegment, TextSegment] | undefined {
  const boundary = pairBoundary(layout);
  if (boundary === undefined) return undefined;
  const [first, second] = layout.segmentLabels ?? DEFAULT_SEGMENT_LABELS;
  return [
    { sequence: 0, mark: SEGMENT_MARKS[0], label: first, span: [0, boundary] },
    { sequence: 1, mark: SEGMENT_MARKS[1], label: second, span: [boundary, layout.tokens.length] },
  ];
}

/** The segment (0 or 1) of each token position: its span's, specials included. */
export function segmentOf(segments: readonly TextSegment[], position: number): 0 | 1 {
  return position >= segments[1]!.span[0] ? 1 : 0;
}

/**
 * A token as a chart names it where the segment matters (top-k bars, the force bar, attention axes): a pair's
 * text tokens with their segment's mark (`A·look`, `B·good`), its added specials as they are; a single text's
 * tokens unchanged.
 */
export function markedTokens(layout: PairLayout, readable: readonly string[] = readableTokens(layout)): string[] {
  const segments = pairSegments(layout);
  if (!segments) return [...readable];
  return readable.map((token, i) =>
    layout.sequenceIds![i] === null ? token : `${segments[segmentOf(segments, i)].mark}·${token}`,
  );
}

/**
 * What hover text adds to each of a pair's tokens: which text it belongs to (` · text pair (B)`, ` · added
 * special`); empty strings for a single text.
 */
export function segmentSuffixes(layout: PairLayout): string[] {
  const segments = pairSegments(layout);
  if (!segments) return layout.tokens.map(() => '');
  return layout.tokens.map((_, i) => {
    if (layout.sequenceIds![i] === null) return ' · added special';
    const segment = segments[segmentOf(segments, i)];
    return ` · ${segment.label} (${segment.mark})`;
  });
}
