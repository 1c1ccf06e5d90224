import { describe, expect, it } from 'vitest';
import { maskedString, partitionTokens, tokenOffsets, tokenSegments } from './shap-text.js';

function segmentsOf(text: string, tokens: string[]): string[] {
  const special = tokens.map((token) => token === '[CLS]' || token === '[SEP]');
  return tokenSegments(text, tokenOffsets(text, tokens, special));
}

const keepEnds = (n: number) => Array.from({ length: n }, (_, i) => i === 0 || i === n - 1);

describe('shap Text masker strings (methods.md examples)', () => {
  it('"I like this movie." masking like, this', () => {
    const segments = segmentsOf('I like this movie.', ['[CLS]', 'i', 'like', 'this', 'movie', '.', '[SEP]']);
    expect(segments).toEqual(['', 'I ', 'like ', 'this ', 'movie', '.', '']);
    expect(maskedString(segments, [1, 1, 0, 0, 1, 1, 1], keepEnds(7), '[MASK]')).toBe('I [MASK] [MASK]movie.');
  });

  it('the seed sentence masking "!" drops the space that belonged to it', () => {
    const tokens = ['[CLS]', 'you', 'look', 'terrible', '!', 'maybe', 'you', 'should', 'rest', '?', '[SEP]'];
    const segments = segmentsOf('You look terrible! Maybe you should rest?', tokens);
    const mask = tokens.map((token) => (token === '!' ? 0 : 1));
    expect(maskedString(segments, mask, keepEnds(tokens.length), '[MASK]')).toBe(
      'You look terrible [MASK]Maybe you should rest?',
    );
    // Everything masked (the base value's input): one [MASK] per token, specials kept.
    expect(maskedString(segments, new Uint8Array(tokens.length), keepEnds(tokens.length), '[MASK]')).toBe(
      Array(9).fill('[MASK]').join(' '),
    );
  });
});

describe('tokenOffsets', () => {
  it('aligns lowercased, accent-stripped pieces with the original text', () => {
    const text = 'Café CRÈME was unbelievably good.';
    const tokens = ['[CLS]', 'cafe', 'creme', 'was', 'u', '##n', '##believably', 'good', '.', '[SEP]'];
    const offsets = tokenOffsets(text, tokens, [true, ...Array(8).fill(false), true]);
    expect(offsets.map(([start, end]) => text.slice(start, end))).toEqual([
      '',
      'Café',
      'CRÈME',
      'was',
      'u',
      'n',
      'believably',
      'good',
      '.',
      '',
    ]);
  });

  it('gives [UNK] the whole unknown word, and a punctuation [UNK] one character', () => {
    const text = 'smile 😊 so — fine';
    const tokens = ['[CLS]', 'smile', '[UNK]', 'so', '[UNK]', 'fine', '[SEP]'];
    const segments = segmentsOf(text, tokens);
    expect(segments).toEqual(['', 'smile ', '😊 ', 'so ', '— ', 'fine', '']);
  });

  it('keeps leading whitespace on the [CLS] segment and drops trailing whitespace', () => {
    expect(segmentsOf('  Hi there  ', ['[CLS]', 'hi', 'there', '[SEP]'])).toEqual(['  ', 'Hi ', 'there', '']);
  });
});

describe('partitionTokens', () => {
  it('marks a segment that continues a word with ##, but not after punctuation, spaces or specials', () => {
    const text = "Breathtakingly film's $12 go";
    const tokens = ['[CLS]', 'breathtaking', '##ly', 'film', "'", 's', '$', '1', '##2', 'go', '[SEP]'];
    expect(partitionTokens(segmentsOf(text, tokens))).toEqual([
      '',
      'Breathtaking',
      '##ly',
      'film',
      "'",
      's',
      '$',
      '1',
      '2',
      'go',
      '',
    ]);
  });
});
