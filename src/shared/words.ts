/**
 * Word-level view of token scores: the tokens of one word, as the tokenizer's pre-tokenizer split the text
 * (WordPiece `##` pieces, a BPE `Ġword`'s pieces, a SentencePiece `▁word`'s pieces), join and their scores
 * are summed, so that a word split into pieces reads as one attribution. Pure, for every face.
 */
import { piecesAreText, readableTokens, tokenText, type TokenLayout } from './tokens.js';

export interface WordScores {
  words: string[];
  scores: number[];
  /** `[first, last + 1)` token positions of each word. */
  spans: [number, number][];
}

const CONTINUATION = '##';

/**
 * Why the tokens of this result cannot be grouped into words, or undefined: a non-WordPiece result saved
 * before results carried the tokenizer's word ids has nothing to group by (its pieces do not say it).
 */
export function wordsUnsupportedReason(layout: TokenLayout): string | undefined {
  return layout.wordIds || piecesAreText(layout)
    ? undefined
    : `this result has no word ids for its ${layout.tokenizer} tokenizer (it was saved by an older version); explain it again to see words`;
}

/** Token positions `[first, last + 1)` of each word; each special is a word of its own. */
function wordSpans(layout: TokenLayout): [number, number][] {
  const { tokens, wordIds } = layout;
  const spans: [number, number][] = [];
  tokens.forEach((token, i) => {
    const last = spans.at(-1);
    const continues = wordIds
      ? i > 0 && wordIds[i] !== null && wordIds[i] === wordIds[i - 1]
      : i > 0 && token.startsWith(CONTINUATION) && token.length > CONTINUATION.length;
    if (continues) last![1] = i + 1;
    else spans.push([i, i + 1]);
  });
  return spans;
}

/**
 * A word's text: WordPiece pieces joined without their `##`; other tokenizers' words as the text they cover
 * (whitespace inside a word, such as a newline SentencePiece does not split at, as one space).
 */
function wordText(layout: TokenLayout, readable: readonly string[], [first, end]: [number, number]): string {
  if (end - first === 1) return readable[first]!;
  const { offsets } = layout;
  if (!piecesAreText(layout) && layout.text !== undefined && offsets) {
    // A word never spans a pair's separator, so its tokens share one text.
    return tokenText(layout, first)
      .slice(offsets[first]![0], offsets[end - 1]![1])
      .replace(/\s+/gu, ' ');
  }
  return layout.tokens
    .slice(first, end)
    .map((token, k) => (k > 0 && token.startsWith(CONTINUATION) ? token.slice(CONTINUATION.length) : token))
    .join('');
}

export function mergeWords(layout: TokenLayout, scores: readonly number[]): WordScores {
  if (layout.tokens.length !== scores.length) {
    throw new Error(
      `mergeWords needs one score per token; got ${layout.tokens.length} tokens, ${scores.length} scores`,
    );
  }
  const reason = wordsUnsupportedReason(layout);
  if (reason) throw new Error(reason);
  const readable = readableTokens(layout);
  const spans = wordSpans(layout);
  return {
    words: spans.map((span) => wordText(layout, readable, span)),
    scores: spans.map(([first, end]) => scores.slice(first, end).reduce((a, b) => a + b, 0)),
    spans,
  };
}

/** Spreads a per-word 0/1 rationale back onto the tokens of each word. */
export function wordsToTokens(perWord: readonly number[], spans: readonly [number, number][]): number[] {
  if (perWord.length !== spans.length) {
    throw new Error(`expected one value per word (${spans.length}); got ${perWord.length}`);
  }
  const perToken: number[] = [];
  spans.forEach(([start, end], w) => {
    for (let i = start; i < end; i += 1) perToken.push(perWord[w]!);
  });
  return perToken;
}
