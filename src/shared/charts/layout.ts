/**
 * The token layout a chart reads, made from what a face holds: a sentence result (tokens, text, offsets, word
 * ids, specials; a pair's second text and sequence ids), the tokenizer type of the model that made it
 * (`ModelInfo.tokenizer`) and, optionally, an explanation's own tokens. Every face builds its layouts here so
 * that all of them show the same readable tokens.
 */
import type { ZeroShotResult } from '../results.js';
import { readableTokens, type TokenLayout } from '../tokens.js';
import { segmentSuffixes, ZERO_SHOT_SEGMENT_LABELS, type PairLayout } from './segments.js';

/** What of a sentence a layout takes (a `SentenceResult` or a `TokenizedText` is one). */
export type SentenceTokens = Omit<TokenLayout, 'tokenizer'> & {
  textPair?: string;
  sequenceIds?: readonly (number | null)[];
  zeroShot?: ZeroShotResult;
};

/**
 * `tokens` (an explanation's, by default the sentence's own) with the sentence's text, offsets, word ids and
 * specials (and a pair's second text and sequence ids). Where the tokens are not the sentence's (an explanation
 * of another tokenization), the sentence's positions say nothing about them: the layout then has the tokens
 * alone, which faces show as they are.
 */
export function sentenceLayout(
  sentence: SentenceTokens,
  tokenizer: string | undefined,
  tokens: readonly string[] = sentence.tokens,
): PairLayout {
  const same = tokens.length === sentence.tokens.length && tokens.every((token, i) => token === sentence.tokens[i]);
  if (!same) return { tokens, tokenizer };
  const { text, offsets, wordIds, special, textPair, sequenceIds, zeroShot } = sentence;
  return {
    tokens,
    tokenizer,
    ...(text === undefined ? {} : { text }),
    ...(offsets ? { offsets } : {}),
    ...(wordIds ? { wordIds } : {}),
    ...(special ? { special } : {}),
    ...(textPair === undefined ? {} : { textPair }),
    ...(sequenceIds ? { sequenceIds } : {}),
    ...(zeroShot && textPair !== undefined ? { segmentLabels: ZERO_SHOT_SEGMENT_LABELS } : {}),
  };
}

/** A token as hover text names it: its readable text, with the vocabulary string where that reads differently. */
export function tokenTitle(readable: string, raw: string): string {
  return raw === readable ? readable : `${readable} (${raw})`;
}

/**
 * `readableTokens` (each of a pair's tokens read from its own text) and each token's hover name (`look (Ġlook)`,
 * and for a pair which text it is in), for the builders that show both.
 */
export function tokenNames(layout: PairLayout): { readable: string[]; titles: string[] } {
  const readable = readableTokens(layout);
  const suffixes = segmentSuffixes(layout);
  return { readable, titles: readable.map((text, i) => `${tokenTitle(text, layout.tokens[i]!)}${suffixes[i]}`) };
}
