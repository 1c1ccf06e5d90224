/**
 * shap's `maskers.Text` (0.46–0.52) for BERT-family tokenizers: token segments from character offsets, the
 * masked strings it feeds the model, and the token strings its partition tree is built from.
 *
 * transformers.js returns no offsets, so they are recovered by aligning each WordPiece token with the text
 * after the folding BERT's normalizer applies (lowercase, accents stripped); `[UNK]` spans a whole word.
 */

export type Offset = [start: number, end: number];

/** What BERT's pre-tokenizer splits off as punctuation: ASCII symbol ranges and Unicode `P*`. */
function isPunctuation(char: string): boolean {
  const cp = char.codePointAt(0)!;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
    return true;
  }
  return /\p{P}/u.test(char);
}

function isCjk(char: string): boolean {
  const cp = char.codePointAt(0)!;
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** Lowercase and strip combining marks, as BertNormalizer does for uncased models. */
function fold(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '');
}

/** The folded text, with the source character range each folded character came from. */
function foldWithMap(text: string): { folded: string[]; from: number[]; to: number[] } {
  const folded: string[] = [];
  const from: number[] = [];
  const to: number[] = [];
  let index = 0;
  for (const char of text) {
    const end = index + char.length;
    // BERT's clean_text drops NUL, U+FFFD and control characters; the rest maps one source char to its fold.
    const dropped = char === '\u0000' || char === '\ufffd' || (/\p{Cc}|\p{Cf}/u.test(char) && !/\s/u.test(char));
    if (!dropped) {
      for (const piece of /\s/u.test(char) ? ' ' : fold(char)) {
        folded.push(piece);
        from.push(index);
        to.push(end);
      }
    }
    index = end;
  }
  return { folded, from, to };
}

/**
 * Character offsets of every token in `text`, as a fast tokenizer's `offset_mapping` gives them; `[0, 0]` for
 * the `special` positions ([CLS], [SEP]).
 */
export function tokenOffsets(text: string, tokens: readonly string[], special: readonly boolean[]): Offset[] {
  const { folded, from, to } = foldWithMap(text);
  let cursor = 0;
  const skipSpace = () => {
    while (cursor < folded.length && folded[cursor] === ' ') cursor += 1;
  };
  const span = (start: number, length: number): Offset => {
    if (length === 0 || start >= folded.length) return [from[start] ?? text.length, from[start] ?? text.length];
    return [from[start]!, to[start + length - 1]!];
  };
  return tokens.map((token, i) => {
    if (special[i] && (i === 0 || i === tokens.length - 1)) return [0, 0];
    skipSpace();
    if (token === '[UNK]') {
      // An unknown token is a whole pre-token: one punctuation mark or CJK char, else a run up to the next one.
      const start = cursor;
      const first = folded[cursor];
      if (first !== undefined && (isPunctuation(first) || isCjk(first))) cursor += 1;
      else {
        while (cursor < folded.length && folded[cursor] !== ' ' && !isPunctuation(folded[cursor]!)) {
          if (isCjk(folded[cursor]!)) break;
          cursor += 1;
        }
      }
      return span(start, cursor - start);
    }
    const piece = [...fold(token.startsWith('##') && token.length > 2 ? token.slice(2) : token)];
    let start = cursor;
    if (!matchesAt(folded, piece, start)) {
      // The tokenizer knows something we do not (an unusual normalization): find the piece further on.
      start = findFrom(folded, piece, cursor);
      if (start < 0) return span(cursor, 0);
    }
    cursor = start + piece.length;
    return span(start, piece.length);
  });
}

function matchesAt(chars: readonly string[], piece: readonly string[], at: number): boolean {
  if (at + piece.length > chars.length) return false;
  return piece.every((char, k) => chars[at + k] === char);
}

function findFrom(chars: readonly string[], piece: readonly string[], from: number): number {
  for (let at = from; at + piece.length <= chars.length; at += 1) if (matchesAt(chars, piece, at)) return at;
  return -1;
}

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

/**
 * The string shap's Text masker builds for a mask (1 = keep): a masked token becomes `" " + maskToken`
 * (consecutive masks are not collapsed when the tokenizer has a mask token), whitespace runs collapse to one
 * space, and the ends are trimmed. `keep` marks positions that are never masked (the prefix/suffix specials).
 */
export function maskedString(
  segments: readonly string[],
  mask: ArrayLike<number>,
  keep: readonly boolean[],
  maskToken: string,
): string {
  let out = '';
  for (let i = 0; i < segments.length; i += 1) out += mask[i] || keep[i] ? segments[i]! : ` ${maskToken}`;
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
