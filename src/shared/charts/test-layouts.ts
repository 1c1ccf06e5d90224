/**
 * Tokenized sentences for the faces' tests, as the engine gives them for the fixture models: tiny-roberta's
 * byte-level BPE (`Ġ` marks a space; "Xylophones" is one word of four pieces) and a WordPiece one.
 */
import type { TokenLayout } from '../tokens.js';

/** tiny-roberta's tokenization of `BPE_TEXT` (`ModelInfo.tokenizer` `BPE`). */
export const BPE_TEXT = 'Xylophones look unbelievably good';
export const BPE_SENTENCE = {
  text: BPE_TEXT,
  tokens: ['<s>', 'X', 'yl', 'oph', 'ones', 'Ġlook', 'Ġunbelievably', 'Ġgood', '</s>'],
  offsets: [
    [0, 0],
    [0, 1],
    [1, 3],
    [3, 6],
    [6, 10],
    [11, 15],
    [16, 28],
    [29, 33],
    [0, 0],
  ] as [number, number][],
  wordIds: [null, 0, 0, 0, 0, 1, 2, 3, null],
  special: [true, false, false, false, false, false, false, false, true],
} satisfies TokenLayout;
export const BPE_LAYOUT: TokenLayout = { ...BPE_SENTENCE, tokenizer: 'BPE' };
/** `readableTokens(BPE_LAYOUT)`. */
export const BPE_READABLE = ['<s>', 'X', 'yl', 'oph', 'ones', 'look', 'unbelievably', 'good', '</s>'];

/** A WordPiece sentence as a BERT model gives it. */
export const WORDPIECE_LAYOUT: TokenLayout = {
  text: 'xylophones rock',
  tokens: ['[CLS]', 'x', '##yl', '##ophones', 'rock', '[SEP]'],
  offsets: [
    [0, 0],
    [0, 1],
    [1, 3],
    [3, 10],
    [11, 15],
    [0, 0],
  ],
  wordIds: [null, 0, 0, 0, 1, null],
  special: [true, false, false, false, false, true],
  tokenizer: 'WordPiece',
};
