import { describe, expect, it } from 'vitest';
import { readableTokens } from '../tokens.js';
import { mergeWords } from '../words.js';
import { sentenceLayout, tokenNames, tokenTitle } from './layout.js';
import { BPE_LAYOUT, BPE_READABLE, BPE_SENTENCE } from './test-layouts.js';

describe('sentenceLayout', () => {
  it("gives an explanation's tokens the sentence's offsets, word ids and specials and the model's tokenizer", () => {
    const layout = sentenceLayout({ ...BPE_SENTENCE, ids: [1, 2] } as typeof BPE_SENTENCE, 'BPE');
    expect(layout).toEqual(BPE_LAYOUT);
    expect(readableTokens(layout)).toEqual(BPE_READABLE);
    expect(mergeWords(layout, [0, 1, 1, 1, 1, 2, 3, 4, 0]).words).toEqual([
      '<s>',
      'Xylophones',
      'look',
      'unbelievably',
      'good',
      '</s>',
    ]);
  });

  it("keeps only the tokens when they are not the sentence's: its positions say nothing about them", () => {
    const other = ['<s>', 'Ġa', '</s>'];
    expect(sentenceLayout(BPE_SENTENCE, 'BPE', other)).toEqual({ tokens: other, tokenizer: 'BPE' });
    expect(readableTokens(sentenceLayout(BPE_SENTENCE, 'BPE', other))).toEqual(other);
  });

  it('names a token by its text and, where that reads differently, its vocabulary string', () => {
    expect(tokenTitle('look', 'Ġlook')).toBe('look (Ġlook)');
    expect(tokenTitle('X', 'X')).toBe('X');
    expect(tokenNames(BPE_LAYOUT).titles.slice(4, 6)).toEqual(['ones', 'look (Ġlook)']);
  });
});
