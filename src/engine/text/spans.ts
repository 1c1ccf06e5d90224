/**
 * Token spans as the text layer reports them: the characters of the text a token stands for, in UTF-16 units.
 *
 * They are the tokenizers binding's offsets (Python's `offset_mapping`) with two corrections, so that a span never
 * holds whitespace the tokenizer folded into a token:
 * - Metaspace (SentencePiece, `▁`): the binding's span of `▁word` starts at the space `▁` replaced, and a `▁` the
 *   pre-tokenizer prepended borrows the span of the character after it (so a lone `▁` overlaps that character;
 *   huggingface/tokenizers#1775). Here the space is dropped and a lone `▁` gets an empty span where it stands.
 * - An added token with lstrip/rstrip (`<mask>`) has the whitespace it took dropped.
 * And one addition: a combining mark that no span covers (NFKC composed it into the character before, or an
 * uncased BERT stripped it: `ï` from `i` + U+0308 gets only the `i`) goes to the span that ends right before it.
 * Byte-level BPE needs neither: its post-processor's `trim_offsets` already leaves `Ġ`'s space out.
 */
import { codePointOffsetsToUtf16, type Span } from './offsets.js';

export interface SpanRules {
  /** Metaspace's replacement character when the tokenizer has that pre-tokenizer. */
  metaspace?: string;
  /** Ids of the added tokens that take the whitespace around them (lstrip/rstrip). */
  strippingTokenIds: ReadonlySet<number>;
}

/** What `tokenSpans` needs of an encoding: the binding's `Encoding` has all of it. */
export interface EncodingView {
  getIds(): number[];
  getTokens(): string[];
  getOffsets(): number[][];
  getSpecialTokensMask(): number[];
}

/** The rules a `tokenizer.json` implies. */
export function spanRules(tokenizerJson: {
  pre_tokenizer?: unknown;
  added_tokens?: readonly { id: number; lstrip?: boolean; rstrip?: boolean }[];
}): SpanRules {
  const metaspace = findMetaspace(tokenizerJson.pre_tokenizer);
  const stripping = (tokenizerJson.added_tokens ?? []).filter((token) => token.lstrip || token.rstrip);
  return {
    ...(metaspace === undefined ? {} : { metaspace }),
    strippingTokenIds: new Set(stripping.map((token) => token.id)),
  };
}

function findMetaspace(preTokenizer: unknown): string | undefined {
  if (typeof preTokenizer !== 'object' || preTokenizer === null) return undefined;
  const node = preTokenizer as { type?: unknown; replacement?: unknown; pretokenizers?: unknown };
  if (node.type === 'Metaspace' && typeof node.replacement === 'string') return node.replacement;
  if (node.type === 'Sequence' && Array.isArray(node.pretokenizers)) {
    for (const child of node.pretokenizers) {
      const found = findMetaspace(child);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

const WHITESPACE = /\s/u;

/** One span per token; the specials the post-processor added keep the binding's `[0, 0]`. */
export function tokenSpans(text: string, encoding: EncodingView, rules: SpanRules): Span[] {
  const special = encoding.getSpecialTokensMask();
  const spans = trimmedSpans(text, encoding, rules);
  const covered = new Uint8Array(text.length);
  for (const [i, [start, end]] of spans.entries()) if (special[i] !== 1) covered.fill(1, start, end);
  for (const [i, span] of spans.entries()) {
    if (special[i] === 1 || span[0] === span[1]) continue;
    while (span[1] < text.length && covered[span[1]] === 0 && isCombiningMark(text, span[1])) {
      span[1] += text.codePointAt(span[1])! > 0xffff ? 2 : 1;
    }
  }
  return spans;
}

const COMBINING_MARK = /^\p{M}$/u;

function isCombiningMark(text: string, index: number): boolean {
  return COMBINING_MARK.test(String.fromCodePoint(text.codePointAt(index)!));
}

function trimmedSpans(text: string, encoding: EncodingView, rules: SpanRules): Span[] {
  const spans = codePointOffsetsToUtf16(text, encoding.getOffsets());
  const ids = encoding.getIds();
  const tokens = encoding.getTokens();
  const special = encoding.getSpecialTokensMask();
  return spans.map((span, i): Span => {
    if (special[i] === 1) return span;
    if (rules.strippingTokenIds.has(ids[i]!)) return trimWhitespace(text, span);
    const token = tokens[i]!;
    if (rules.metaspace !== undefined && token.startsWith(rules.metaspace)) {
      let [start, end] = span;
      while (start < end && WHITESPACE.test(text[start]!)) start += 1;
      // Only the replacement: no character of its own (a prepended one, or the space just dropped).
      if (token.split(rules.metaspace).every((part) => part === '')) end = start;
      return [start, end];
    }
    return span;
  });
}

function trimWhitespace(text: string, [start, end]: Span): Span {
  while (start < end && WHITESPACE.test(text[start]!)) start += 1;
  while (end > start && WHITESPACE.test(text[end - 1]!)) end -= 1;
  return [start, end];
}
