import { describe, expect, it } from 'vitest';
import { forceBar } from './force.js';
import { divergingColor } from './scale.js';
import { BERT_PAIR_LAYOUT, BPE_LAYOUT } from './test-layouts.js';

describe('force bar', () => {
  it('lays red pushes left of f(x) and blue pushes right of it, strongest next to f(x)', () => {
    // base 0.5; +0.3 (good) +0.1 (very) −0.2 (not) → f(x) = 0.7. Strip spans 0.3 … 0.9.
    const bar = forceBar({ tokens: ['[CLS]', 'very', 'good', 'not', '[SEP]'] }, [0, 0.1, 0.3, -0.2, 0], 0.5, 0.7);
    expect(bar.min).toBeCloseTo(0.3);
    expect(bar.max).toBeCloseTo(0.9);
    expect(bar.baseAt).toBeCloseTo(100 / 3);
    expect(bar.outputAt).toBeCloseTo(200 / 3);
    expect(bar.segments.map((s) => s.token)).toEqual(['very', 'good', 'not']);
    const [very, good, not] = bar.segments;
    expect(very!.left).toBeCloseTo(0);
    expect(very!.width).toBeCloseTo(100 / 6);
    expect(good!.left + good!.width).toBeCloseTo(bar.outputAt); // meets f(x)
    expect(not!.left).toBeCloseTo(bar.outputAt);
    expect(not!.width).toBeCloseTo(100 / 3);
    expect(good!.color).toBe('#b2182b');
    expect(not!.color).toBe(divergingColor(-0.2, 0.3));
    expect(not!.title).toBe('not: -0.200');
  });

  it("shows a BPE sentence's tokens as their text, the vocabulary string in the hover", () => {
    const values = [0, 0, 0, 0, 0, 0.2, 0, -0.1, 0];
    const bar = forceBar(BPE_LAYOUT, values, 0.5, 0.6);
    expect(bar.segments.map((s) => s.token)).toEqual(['look', 'good']);
    expect(bar.segments[0]!.title).toBe('look (Ġlook): 0.200');
  });

  it("names a pair's tokens with their text, in the strip and the hover", () => {
    const values = BERT_PAIR_LAYOUT.tokens.map((_, i) => (i === 2 ? 0.3 : i === 12 ? -0.2 : 0));
    const bar = forceBar(BERT_PAIR_LAYOUT, values, 0.4, 0.5);
    expect(bar.segments.map((s) => s.token)).toEqual(['A·man', 'B·music']);
    expect(bar.segments[1]!.title).toBe('music · text pair (B): -0.200');
    // A single text's tokens stay as they were.
    expect(forceBar({ tokens: ['[CLS]', 'man', '[SEP]'] }, [0, 0.3, 0], 0, 0.3).segments[0]!.token).toBe('man');
  });
});
