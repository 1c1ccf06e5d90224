import { describe, expect, it } from 'vitest';
import { readableTokens } from './tokens.js';
import { mergeWords, wordsToTokens, wordsUnsupportedReason } from './words.js';

describe('mergeWords on results without word ids (WordPiece ## pieces)', () => {
  it('joins ## pieces into the word before them and sums their scores', () => {
    const tokens = ['[CLS]', 'breathtaking', '##ly', 'beautiful', '!', 'd', '##e', '##l', '[SEP]'];
    const scores = [0, 0.5, 0.25, 1, -0.5, 0.125, 0.125, -1, 0];
    expect(mergeWords({ tokens }, scores)).toEqual({
      words: ['[CLS]', 'breathtakingly', 'beautiful', '!', 'del', '[SEP]'],
      scores: [0, 0.75, 1, -0.5, -0.75, 0],
      spans: [
        [0, 1],
        [1, 3],
        [3, 4],
        [4, 5],
        [5, 8],
        [8, 9],
      ],
    });
  });

  it('keeps a leading "##" piece and a bare "##" as words of their own', () => {
    expect(mergeWords({ tokens: ['##a', '##', 'b'] }, [1, 2, 3]).words).toEqual(['##a', '##', 'b']);
  });

  it('rejects mismatched lengths', () => {
    expect(() => mergeWords({ tokens: ['a'] }, [])).toThrow('one score per token');
  });
});

// "Don't stop 😊", as the text layer gives it for each family (tokens, offsets and word ids from the binding).
const TEXT = "Don't stop 😊";
const BPE = {
  text: TEXT,
  tokens: ['<s>', 'Don', "'t", 'Ġstop', 'ĠðŁĺ', 'Ĭ', '</s>'],
  offsets: [
    [0, 0],
    [0, 3],
    [3, 5],
    [6, 10],
    [11, 13],
    [11, 13],
    [0, 0],
  ],
  wordIds: [null, 0, 1, 2, 3, 3, null],
  special: [true, false, false, false, false, false, true],
  tokenizer: 'BPE',
};
const UNIGRAM = {
  text: TEXT,
  tokens: ['<s>', '▁Don', "'", 't', '▁st', 'op', '▁', '😊', '</s>'],
  offsets: [
    [0, 0],
    [0, 3],
    [3, 4],
    [4, 5],
    [6, 8],
    [8, 10],
    [11, 11],
    [11, 13],
    [0, 0],
  ],
  wordIds: [null, 0, 0, 0, 1, 1, 2, 2, null],
  special: [true, false, false, false, false, false, false, false, true],
  tokenizer: 'Unigram',
};

describe('readable tokens and words from the tokenizer', () => {
  it('shows BPE and SentencePiece pieces as the text they cover; a lone ▁ as a visible space', () => {
    expect(readableTokens(BPE)).toEqual(['<s>', 'Don', "'t", 'stop', '😊', '😊', '</s>']);
    expect(readableTokens(UNIGRAM)).toEqual(['<s>', 'Don', "'", 't', 'st', 'op', '␣', '😊', '</s>']);
  });

  it('keeps WordPiece tokens as they are, [UNK] included', () => {
    const layout = {
      text: 'Café 😊',
      tokens: ['[CLS]', 'cafe', '[UNK]', '[SEP]'],
      offsets: [
        [0, 0],
        [0, 4],
        [5, 7],
        [0, 0],
      ],
      tokenizer: 'WordPiece',
    };
    expect(readableTokens(layout)).toEqual(['[CLS]', 'cafe', '[UNK]', '[SEP]']);
  });

  it("groups the pre-tokenizer's words: byte pieces of one character, ▁ pieces of one word", () => {
    const scores = [0, 1, 2, 3, 4, 5, 0];
    expect(mergeWords(BPE, scores)).toEqual({
      words: ['<s>', 'Don', "'t", 'stop', '😊', '</s>'],
      scores: [0, 1, 2, 3, 9, 0],
      spans: [
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 4],
        [4, 6],
        [6, 7],
      ],
    });
    const words = mergeWords(UNIGRAM, [0, 1, 1, 1, 2, 2, 3, 3, 0]);
    expect(words.words).toEqual(['<s>', "Don't", 'stop', '😊', '</s>']);
    expect(words.scores).toEqual([0, 3, 4, 6, 0]);
  });

  it('refuses words for an older non-WordPiece result that has no word ids', () => {
    const old = { tokens: BPE.tokens, tokenizer: 'BPE' };
    expect(wordsUnsupportedReason(old)).toMatch(/no word ids for its BPE tokenizer/);
    expect(() => mergeWords(old, [0, 0, 0, 0, 0, 0, 0])).toThrow(/explain it again/);
    expect(wordsUnsupportedReason({ tokens: ['a'] })).toBeUndefined();
    expect(wordsUnsupportedReason(BPE)).toBeUndefined();
  });
});

describe('wordsToTokens', () => {
  it('repeats each word value over its tokens', () => {
    const { spans } = mergeWords({ tokens: ['[CLS]', 'un', '##real', 'film', '[SEP]'] }, [0, 0, 0, 0, 0]);
    expect(wordsToTokens([0, 1, 0, 0], spans)).toEqual([0, 1, 1, 0, 0]);
  });
});
