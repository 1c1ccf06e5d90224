/**
 * shap's `maskers.Text` (0.46–0.52) for a fast tokenizer: token segments from the tokenizer's character
 * offsets, the masked strings it feeds the model, and the token strings its partition tree is built from.
 */

export type Offset = readonly [start: number, end: number];

/**
 * shap's `token_segments`: each token's text runs up to the next token's start, so it keeps its trailing
 * whitespace; the last token stops at its own end; specials at `[0, 0]` give "" (or the leading whitespace).
 */
export function tokenSegments(text: string, offsets: readonly Offset[]): string[] {
  return offsets.map(([start, end], i) => {
    const next = offsets[i + 1];
    return text.slice(start, next ? Math.max(end, next[0]) : end);
  });
}

/** The Text masker's view of one sentence: its segments and the positions a mask never substitutes. */
export interface MaskerSegments {
  segments: string[];
  /** Never replaced by the mask token: the specials the tokenizer added, and `continuations`. */
  fixed: boolean[];
  /** Byte tokens that only continue a character an earlier token began; their segment is "". */
  continuations: number[];
}

/**
 * shap's segments, with one correction: byte-level BPE splits a character such as an emoji into byte tokens
 * that all report that character's span, so shap's segments would repeat it once per byte token, even in the
 * unmasked string ("😊😊"). Here the first token holds the character (and the whitespace after it) and the
 * tokens that continue it hold nothing and are never substituted: they are dummies, with values of 0.
 */
export function maskerSegments(text: string, offsets: readonly Offset[], special: readonly boolean[]): MaskerSegments {
  let claimed = 0;
  const continuations: number[] = [];
  const claims = offsets.map(([start, end], i): Offset => {
    if (special[i]) return [start, end];
    const from = Math.min(Math.max(start, claimed), end);
    if (from > start) continuations.push(i);
    claimed = Math.max(claimed, end);
    return [from, end];
  });
  const segments = tokenSegments(text, claims);
  for (const i of continuations) {
    let first = i - 1;
    while (continuations.includes(first)) first -= 1;
    segments[first] += segments[i]!;
    segments[i] = '';
  }
  const fixed = special.map((isSpecial, i) => isSpecial || continuations.includes(i));
  return { segments, fixed, continuations };
}

/** One text of the input as the masker sees it: its positions `[from, from + size)` and its segments. */
export interface MaskerBlock extends MaskerSegments {
  from: number;
  size: number;
}

/**
 * The input's texts as masker blocks: one for a text; for a pair, the first text with the specials before and
 * after it (`[CLS] a [SEP]`, `<s> a </s></s>`), then the second with the rest (`b [SEP]`). Each block's
 * offsets are in its own text.
 */
export function maskerBlocks(encoded: {
  text: string;
  textPair?: string | undefined;
  offsets: readonly Offset[];
  special: readonly boolean[];
  sequenceIds: readonly (number | null)[];
}): MaskerBlock[] {
  const n = encoded.offsets.length;
  const second = encoded.textPair === undefined ? -1 : encoded.sequenceIds.indexOf(1);
  const bounds: [number, number, string][] =
    second < 0
      ? [[0, n, encoded.text]]
      : [
          [0, second, encoded.text],
          [second, n, encoded.textPair!],
        ];
  return bounds.map(([from, to, text]) => ({
    from,
    size: to - from,
    ...maskerSegments(text, encoded.offsets.slice(from, to), encoded.special.slice(from, to)),
  }));
}

/**
 * The string shap's Text masker builds for a mask (1 = keep): a masked token becomes `" " + maskToken`
 * (consecutive masks are not collapsed when the tokenizer has a mask token), whitespace runs collapse to one
 * space, and the ends are trimmed. `keep` marks positions that are never masked (the prefix/suffix specials),
 * and a segment that is exactly the separator token is never masked either.
 */
export function maskedString(
  segments: readonly string[],
  mask: ArrayLike<number>,
  keep: readonly boolean[],
  maskToken: string,
  sepToken?: string,
): string {
  let out = '';
  for (let i = 0; i < segments.length; i += 1) {
    out += mask[i] || keep[i] || segments[i] === sepToken ? segments[i]! : ` ${maskToken}`;
  }
  return out.replace(/\s+/gu, ' ').trim();
}

/** Python's `re.match(r"^.*\W$", s)`: `.` stops at newlines and `$` may match before a final newline. */
function endsWithNonWord(segment: string): boolean {
  const test = (s: string) => /^[^\n]*[^\p{L}\p{N}_]$/u.test(s);
  return test(segment) || (segment.endsWith('\n') && test(segment.slice(0, -1)));
}

/**
 * The token strings shap's `Text.clustering` builds its partition tree from: the stripped segment, prefixed
 * with `##` when it continues a word (the previous segment ends in a word character and this one starts
 * with an ASCII letter).
 */
export function partitionTokens(segments: readonly string[]): string[] {
  const tokens: string[] = [];
  segments.forEach((segment, i) => {
    const continues = i > 0 && !endsWithNonWord(segments[i - 1]!) && /^[A-Za-z]/.test(segment) && tokens[i - 1] !== '';
    tokens.push(continues ? `##${segment.trim()}` : segment.trim());
  });
  return tokens;
}
