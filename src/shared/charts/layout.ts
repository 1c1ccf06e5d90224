/**
 * The token layout a chart reads, made from what a face holds: a sentence result (tokens, text, offsets, word
 * ids, specials), the tokenizer type of the model that made it (`ModelInfo.tokenizer`) and, optionally, an
 * explanation's own tokens. Every face builds its layouts here so that all of them show the same readable tokens.
 */
import { readableTokens, type TokenLayout } from '../tokens.js';

/** What of a sentence a layout takes (a `SentenceResult` or a `TokenizedText` is one). */
export type SentenceTokens = Omit<TokenLayout, 'tokenizer'>;

/**
 * `tokens` (an explanation's, by default the sentence's own) with the sentence's text, offsets, word ids and
 * specials. Where the tokens are not the sentence's (an explanation of another tokenization), the sentence's
 * positions say nothing about them: the layout then has the tokens alone, which faces show as they are.
 */
export function sentenceLayout(
  sentence: SentenceTokens,
  tokenizer: string | undefined,
  tokens: readonly string[] = sentence.tokens,
): TokenLayout {
  const same = tokens.length === sentence.tokens.length && tokens.every((token, i) => token === sentence.tokens[i]);
  if (!same) return { tokens, tokenizer };
  const { text, offsets, wordIds, special } = sentence;
  return {
    tokens,
    tokenizer,
    ...(text === undefined ? {} : { text }),
    ...(offsets ? { offsets } : {}),
    ...(wordIds ? { wordIds } : {}),
    ...(special ? { special } : {}),
  };
}

/** A token as hover text names it: its readable text, with the vocabulary string where that reads differently. */
export function tokenTitle(readable: string, raw: string): string {
  return raw === readable ? readable : `${readable} (${raw})`;
}

/** `readableTokens` and each token's hover name (`look (Ġlook)`), for the builders that show both. */
export function tokenNames(layout: TokenLayout): { readable: string[]; titles: string[] } {
  const readable = readableTokens(layout);
  return { readable, titles: readable.map((text, i) => tokenTitle(text, layout.tokens[i]!)) };
}
