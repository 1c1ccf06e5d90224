/**
 * Tokenized sentences for the faces' tests, as the engine gives them for the fixture models: tiny-roberta's
 * byte-level BPE (`Ġ` marks a space; "Xylophones" is one word of four pieces) and a WordPiece one.
 */
import type { TokenLayout } from '../tokens.js';
import type { PairLayout } from './segments.js';

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

/** A pair as tiny-bert's WordPiece tokenizer gives it (`PAIR_TEXT`, `PAIR_TEXT_PAIR`): `[CLS] a … [SEP] b … [SEP]`. */
export const PAIR_TEXT = 'A man plays guitar.';
export const PAIR_TEXT_PAIR = 'Someone makes music';
export const BERT_PAIR_LAYOUT: PairLayout = {
  text: PAIR_TEXT,
  textPair: PAIR_TEXT_PAIR,
  tokens: [
    '[CLS]',
    'a',
    'man',
    'play',
    '##s',
    'guitar',
    '.',
    '[SEP]',
    'some',
    '##one',
    'make',
    '##s',
    'music',
    '[SEP]',
  ],
  offsets: [
    [0, 0],
    [0, 1],
    [2, 5],
    [6, 10],
    [10, 11],
    [12, 18],
    [18, 19],
    [0, 0],
    [0, 4],
    [4, 7],
    [8, 12],
    [12, 13],
    [14, 19],
    [0, 0],
  ],
  wordIds: [null, 0, 1, 2, 2, 3, 4, null, 0, 0, 1, 1, 2, null],
  special: [true, false, false, false, false, false, false, true, false, false, false, false, false, true],
  sequenceIds: [null, 0, 0, 0, 0, 0, 0, null, 1, 1, 1, 1, 1, null],
  tokenizer: 'WordPiece',
};

/** The same pair as tiny-roberta's byte-level BPE gives it: `<s> a … </s></s> b … </s>`, offsets in each token's own text. */
export const ROBERTA_PAIR_LAYOUT: PairLayout = {
  text: PAIR_TEXT,
  textPair: PAIR_TEXT_PAIR,
  tokens: ['<s>', 'A', 'Ġman', 'Ġplays', 'Ġguitar', '.', '</s>', '</s>', 'Some', 'one', 'Ġmakes', 'Ġmusic', '</s>'],
  offsets: [
    [0, 0],
    [0, 1],
    [2, 5],
    [6, 11],
    [12, 18],
    [18, 19],
    [0, 0],
    [0, 0],
    [0, 4],
    [4, 7],
    [8, 13],
    [14, 19],
    [0, 0],
  ],
  wordIds: [null, 0, 1, 2, 3, 4, null, null, 0, 0, 1, 2, null],
  special: [true, false, false, false, false, false, true, true, false, false, false, false, true],
  sequenceIds: [null, 0, 0, 0, 0, 0, null, null, 1, 1, 1, 1, null],
  tokenizer: 'BPE',
};
