import { describe, expect, it } from 'vitest';
import { spanRules, tokenSpans, type EncodingView } from './spans.js';

/** An encoding as the binding would give it: tokens with code-point offsets, 1 marking the added specials. */
function encoding(rows: [token: string, start: number, end: number, special?: 1][], ids?: number[]): EncodingView {
  return {
    getIds: () => ids ?? rows.map((_, i) => 100 + i),
    getTokens: () => rows.map(([token]) => token),
    getOffsets: () => rows.map(([, start, end]) => [start, end]),
    getSpecialTokensMask: () => rows.map(([, , , special]) => special ?? 0),
  };
}

const METASPACE = spanRules({ pre_tokenizer: { type: 'Metaspace', replacement: '▁' } });
const NONE = spanRules({ pre_tokenizer: { type: 'ByteLevel' } });

describe('spanRules', () => {
  it('finds Metaspace alone or inside a Sequence, and only there', () => {
    expect(METASPACE.metaspace).toBe('▁');
    const t5 = {
      type: 'Sequence',
      pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Metaspace', replacement: '_' }],
    };
    expect(spanRules({ pre_tokenizer: t5 }).metaspace).toBe('_');
    expect(NONE.metaspace).toBeUndefined();
    expect(spanRules({ pre_tokenizer: null }).metaspace).toBeUndefined();
  });

  it('collects the added tokens that take whitespace (lstrip or rstrip)', () => {
    const rules = spanRules({
      added_tokens: [{ id: 0 }, { id: 5, lstrip: true }, { id: 6, rstrip: true }, { id: 7, lstrip: false }],
    });
    expect([...rules.strippingTokenIds]).toEqual([5, 6]);
  });
});

describe('tokenSpans', () => {
  it('drops the space a ▁ stands for, and gives a lone ▁ an empty span where it stands', () => {
    // "Hello 中文": the binding spans ▁Hello [0, 5), the lone ▁ the space [5, 6), 中文 [6, 8).
    const spans = tokenSpans(
      'Hello 中文',
      encoding([
        ['<s>', 0, 0, 1],
        ['▁Hello', 0, 5],
        ['▁', 5, 6],
        ['中文', 6, 8],
        ['</s>', 0, 0, 1],
      ]),
      METASPACE,
    );
    expect(spans).toEqual([
      [0, 0],
      [0, 5],
      [6, 6],
      [6, 8],
      [0, 0],
    ]);
  });

  it('gives a prepended lone ▁ (which borrows the next character in the binding) an empty span', () => {
    const spans = tokenSpans(
      '中文',
      encoding([
        ['▁', 0, 1],
        ['中文', 0, 2],
      ]),
      METASPACE,
    );
    expect(spans).toEqual([
      [0, 0],
      [0, 2],
    ]);
  });

  it('keeps spans of other families as the binding gives them, in UTF-16 units', () => {
    const spans = tokenSpans(
      '😀 ok',
      encoding([
        ['ðŁĺ', 0, 1],
        ['Ģ', 0, 1],
        ['Ġok', 2, 4],
      ]),
      NONE,
    );
    expect(spans).toEqual([
      [0, 2],
      [0, 2],
      [3, 5],
    ]);
  });

  it('drops the whitespace an lstrip token took', () => {
    const rules = spanRules({
      pre_tokenizer: { type: 'Metaspace', replacement: '▁' },
      added_tokens: [{ id: 9, lstrip: true }],
    });
    const spans = tokenSpans(
      'a <mask>',
      encoding(
        [
          ['▁a', 0, 1],
          [' <mask>', 1, 8],
        ],
        [4, 9],
      ),
      rules,
    );
    expect(spans).toEqual([
      [0, 1],
      [2, 8],
    ]);
  });

  it('gives a combining mark no span covers to the span that ends before it', () => {
    // NFKC composed i + U+0308 into ï; the binding spans ï over the i only.
    const text = 'nai\u0308ve';
    const spans = tokenSpans(
      text,
      encoding([
        ['▁na', 0, 2],
        ['ï', 2, 3],
        ['ve', 4, 6],
      ]),
      METASPACE,
    );
    expect(spans).toEqual([
      [0, 2],
      [2, 4],
      [4, 6],
    ]);
    expect(text.slice(2, 4).normalize('NFKC')).toBe('ï');
  });

  it('leaves a combining mark that has a token of its own where it is', () => {
    const spans = tokenSpans(
      'e\u0301',
      encoding([
        ['e', 0, 1],
        ['Ì', 1, 2],
        ['ģ', 1, 2],
      ]),
      NONE,
    );
    expect(spans).toEqual([
      [0, 1],
      [1, 2],
      [1, 2],
    ]);
  });
});
