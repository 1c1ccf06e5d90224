import { describe, expect, it } from 'vitest';
import { mergeWords, wordsToTokens, wordsUnsupportedReason } from './words.js';

describe('mergeWords', () => {
  it('joins ## pieces into the word before them and sums their scores', () => {
    const tokens = ['[CLS]', 'breathtaking', '##ly', 'beautiful', '!', 'd', '##e', '##l', '[SEP]'];
    const scores = [0, 0.5, 0.25, 1, -0.5, 0.125, 0.125, -1, 0];
    expect(mergeWords(tokens, scores)).toEqual({
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
    expect(mergeWords(['##a', '##', 'b'], [1, 2, 3]).words).toEqual(['##a', '##', 'b']);
  });

  it('rejects mismatched lengths', () => {
    expect(() => mergeWords(['a'], [])).toThrow('one score per token');
  });
});

describe('wordsToTokens', () => {
  it('repeats each word value over its tokens', () => {
    const { spans } = mergeWords(['[CLS]', 'un', '##real', 'film', '[SEP]'], [0, 0, 0, 0, 0]);
    expect(wordsToTokens([0, 1, 0, 0], spans)).toEqual([0, 1, 1, 0, 0]);
  });
});

describe('wordsUnsupportedReason', () => {
  it('groups words for WordPiece (and older results, which were all WordPiece) and refuses other tokenizers', () => {
    expect(wordsUnsupportedReason('WordPiece')).toBeUndefined();
    expect(wordsUnsupportedReason(undefined)).toBeUndefined();
    expect(wordsUnsupportedReason('BPE')).toBe(
      "token offsets and words are only derived for WordPiece tokenizers so far; this model's tokenizer is BPE",
    );
    expect(wordsUnsupportedReason('Unigram')).toMatch(/tokenizer is Unigram$/);
  });
});
