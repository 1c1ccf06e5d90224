/**
 * Word-level view of token scores: WordPiece continuations (`##…`) join the word before them and their
 * scores are summed, so that a word split into pieces reads as one attribution. Pure, for every face.
 */

export interface WordScores {
  words: string[];
  scores: number[];
  /** `[first, last + 1)` token positions of each word. */
  spans: [number, number][];
}

const CONTINUATION = '##';

/**
 * Why words cannot be grouped for a tokenizer of this type (tokenizer.json's model type), or undefined: words
 * follow WordPiece's `##` only so far, which would split or glue a BPE or SentencePiece tokenizer's words
 * silently. Results written before the type was recorded all came from WordPiece tokenizers.
 */
export function wordsUnsupportedReason(tokenizerType: string | undefined): string | undefined {
  return tokenizerType === undefined || tokenizerType === 'WordPiece'
    ? undefined
    : `token offsets and words are only derived for WordPiece tokenizers so far; this model's tokenizer is ${tokenizerType}`;
}

export function mergeWords(tokens: readonly string[], scores: readonly number[]): WordScores {
  if (tokens.length !== scores.length) {
    throw new Error(`mergeWords needs one score per token; got ${tokens.length} tokens, ${scores.length} scores`);
  }
  const merged: WordScores = { words: [], scores: [], spans: [] };
  tokens.forEach((token, i) => {
    const last = merged.words.length - 1;
    if (i > 0 && token.startsWith(CONTINUATION) && token.length > CONTINUATION.length) {
      merged.words[last] += token.slice(CONTINUATION.length);
      merged.scores[last]! += scores[i]!;
      merged.spans[last]![1] = i + 1;
    } else {
      merged.words.push(token);
      merged.scores.push(scores[i]!);
      merged.spans.push([i, i + 1]);
    }
  });
  return merged;
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
