import { describe, expect, it } from 'vitest';
import { codePointOffsetsToUtf16, codePointToUtf16Table } from './offsets.js';

/** The oracle: cut the text as an array of code points, then measure the pieces in UTF-16 units. */
function expectedSpan(text: string, [start, end]: [number, number]): [number, number] {
  const codePoints = Array.from(text);
  const before = codePoints.slice(0, start).join('').length;
  return [before, before + codePoints.slice(start, end).join('').length];
}

/** Every `[start, end]` pair of code-point indices of `text`, empty spans included. */
function allOffsets(text: string): [number, number][] {
  const count = Array.from(text).length;
  const pairs: [number, number][] = [];
  for (let start = 0; start <= count; start += 1)
    for (let end = start; end <= count; end += 1) pairs.push([start, end]);
  return pairs;
}

describe('codePointOffsetsToUtf16', () => {
  const texts = {
    ascii: 'plain text',
    'BMP accents and CJK': 'café 这部 ﬁn',
    emoji: 'ok 😀 and 👍🏽!',
    'ZWJ family': 'a 👨‍👩‍👧‍👦 b',
    flag: '🇫🇷x',
    'astral CJK (Ext B)': '𠀀𠀁 𪚥 z',
    'math letters': '𝕏𝕐',
    'only astral': '😀',
    empty: '',
  };

  for (const [name, text] of Object.entries(texts)) {
    it(`maps every code-point span to UTF-16 units: ${name}`, () => {
      const offsets = allOffsets(text);
      const spans = codePointOffsetsToUtf16(text, offsets);
      expect(spans).toEqual(offsets.map((offset) => expectedSpan(text, offset)));
      // And the pieces are the characters themselves, never half a surrogate pair.
      for (const [i, [start, end]] of spans.entries()) {
        const [cpStart, cpEnd] = offsets[i]!;
        expect(text.slice(start, end)).toBe(Array.from(text).slice(cpStart, cpEnd).join(''));
      }
    });
  }

  it('shifts offsets after an emoji by one UTF-16 unit per astral character', () => {
    // "a😀b": code points a=0, 😀=1, b=2; UTF-16 a=0, 😀=1..3, b=3.
    expect(
      codePointOffsetsToUtf16('a😀b', [
        [0, 0],
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 3],
      ]),
    ).toEqual([
      [0, 0],
      [0, 1],
      [1, 3],
      [3, 4],
      [4, 4],
    ]);
  });

  it('refuses offsets outside the text, reversed or not whole numbers', () => {
    expect(() => codePointOffsetsToUtf16('a😀b', [[0, 4]])).toThrow(RangeError);
    expect(() => codePointOffsetsToUtf16('a😀b', [[-1, 1]])).toThrow(RangeError);
    expect(() => codePointOffsetsToUtf16('a😀b', [[2, 1]])).toThrow(RangeError);
    expect(() => codePointOffsetsToUtf16('a😀b', [[0.5, 1]])).toThrow(RangeError);
    expect(() => codePointOffsetsToUtf16('a😀b', [[1]])).toThrow(RangeError);
  });
});

describe('codePointToUtf16Table', () => {
  it('has one entry per code point plus the end', () => {
    expect([...codePointToUtf16Table('x😀𠀀y')]).toEqual([0, 1, 3, 5, 6]);
    expect([...codePointToUtf16Table('')]).toEqual([0]);
  });
});
