/**
 * How every face shows a sentence's tokens and groups them into words, for every tokenizer family. Results
 * keep the raw vocabulary strings (`Ġlook`, `▁look`, `##ing`, byte pieces such as `ðŁĺ`); faces show the
 * characters a token stands for. Pure, for every face.
 */

/** What of a tokenized sentence showing and grouping its tokens reads (a `SentenceResult` has all of it). */
export interface TokenLayout {
  tokens: readonly string[];
  text?: string;
  offsets?: readonly (readonly number[])[];
  wordIds?: readonly (number | null)[];
  special?: readonly boolean[];
  /** A sentence pair's second text; `sequenceIds` says which tokens are in it (their offsets are in it). */
  textPair?: string | undefined;
  sequenceIds?: readonly (number | null)[];
  /** tokenizer.json's model type (`ModelInfo.tokenizer`); results without it all came from WordPiece tokenizers. */
  tokenizer?: string | undefined;
}

/**
 * WordPiece pieces are text already (`##` marks a word's continuation), so they are shown as they are, `[UNK]`
 * included. Byte-level BPE and SentencePiece pieces spell spaces and bytes in their own alphabets (`Ġ`, `▁`,
 * `ðŁĺ`): those are shown as the text they cover, which needs the sentence's offsets.
 */
export function piecesAreText(layout: TokenLayout): boolean {
  return layout.tokenizer === undefined || layout.tokenizer === 'WordPiece';
}

const VISIBLE_SPACE = '␣';
const VISIBLE_NEWLINE = '⏎';

/** A span's text, with a token that covers only whitespace (or nothing: a lone `▁`) made visible. */
function visible(piece: string): string {
  if (piece.trim() !== '') return piece;
  return piece.includes('\n') ? VISIBLE_NEWLINE : VISIBLE_SPACE;
}

/**
 * The tokens as a face shows them: `Ġlook` and `▁look` as `look`, a byte piece as the character it is part of
 * (each piece of a split emoji shows the emoji), specials as they are. Without offsets (an older result of a
 * non-WordPiece tokenizer) the raw tokens are all there is.
 */
export function readableTokens(layout: TokenLayout): string[] {
  const { offsets, special } = layout;
  if (piecesAreText(layout) || layout.text === undefined || !offsets) return [...layout.tokens];
  return layout.tokens.map((token, i) =>
    special?.[i] ? token : visible(tokenText(layout, i).slice(offsets[i]![0], offsets[i]![1])),
  );
}

/** The text token `i`'s offsets are in: a pair's second text for its tokens, else the text. */
export function tokenText(layout: TokenLayout, i: number): string {
  return layout.sequenceIds?.[i] === 1 && layout.textPair !== undefined ? layout.textPair : (layout.text ?? '');
}
