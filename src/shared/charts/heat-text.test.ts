import { describe, expect, it } from 'vitest';
import { formatScore, heatText } from './heat-text.js';
import { BERT_PAIR_LAYOUT, ROBERTA_PAIR_LAYOUT, WORDPIECE_LAYOUT } from './test-layouts.js';

const tokens = ['[CLS]', 'you', 'look', 'terr', '##ible', '!', '[SEP]'];
const scores = [0, 0.1, 0.2, -0.5, -0.3, 0, 0];

describe('heat text', () => {
  it('gives one chip per token colored on a scale saturating at the largest |score|', () => {
    const { chips, limit } = heatText({ tokens }, scores);
    expect(chips.map((chip) => chip.text)).toEqual(tokens);
    expect(limit).toBe(0.5);
    expect(chips[3]!.background).toBe('#2166ac'); // −0.5 is the blue extreme
    expect(chips[0]!.background).toBe('#f7f7f7');
    expect(chips[3]!.color).toBe('#ffffff');
    expect(chips[3]!.title).toBe('terr: -0.500');
    expect(chips[4]!.span).toEqual([4, 5]);
  });

  it('merges ## pieces into words by summing, and rescales after merging', () => {
    const { chips, limit } = heatText({ tokens }, scores, true);
    expect(chips.map((chip) => chip.text)).toEqual(['[CLS]', 'you', 'look', 'terrible', '!', '[SEP]']);
    expect(chips[3]!.value).toBeCloseTo(-0.8);
    expect(chips[3]!.span).toEqual([3, 5]);
    expect(limit).toBeCloseTo(0.8);
    expect(chips[3]!.background).toBe('#2166ac');
  });

  it('shows byte-level BPE tokens as the text they cover, with the vocabulary string in the hover', () => {
    // "I 😀 it": GPT-2 splits the emoji into two byte tokens; both stand for the whole character.
    const layout = {
      text: 'I 😀 it',
      tokens: ['<s>', 'I', 'ĠðŁĺ', 'Ģ', 'Ġit', '</s>'],
      offsets: [
        [0, 0],
        [0, 1],
        [2, 4],
        [2, 4],
        [5, 7],
        [0, 0],
      ],
      wordIds: [null, 0, 1, 1, 2, null],
      special: [true, false, false, false, false, true],
      tokenizer: 'BPE',
    };
    const { chips } = heatText(layout, [0, 0.1, 0.2, 0.3, -0.4, 0]);
    expect(chips.map((chip) => chip.text)).toEqual(['<s>', 'I', '😀', '😀', 'it', '</s>']);
    expect(chips[4]!.title).toBe('it (Ġit): -0.400');
    const words = heatText(layout, [0, 0.1, 0.2, 0.3, -0.4, 0], true).chips;
    expect(words.map((chip) => chip.text)).toEqual(['<s>', 'I', '😀', 'it', '</s>']);
    expect(words[2]!.value).toBeCloseTo(0.5);
    expect(words[2]!.title).toBe('😀 (ĠðŁĺ Ģ): 0.500');
  });

  it("shows a pair's two texts apart: the first with its specials and separator, then the second", () => {
    const scores = BERT_PAIR_LAYOUT.tokens.map((_, i) => (i % 3) - 1);
    const { chips, segments } = heatText(BERT_PAIR_LAYOUT, scores);
    expect(segments).toEqual([
      { mark: 'A', label: 'text', text: 'A man plays guitar.', chips: [0, 8] },
      { mark: 'B', label: 'text pair', text: 'Someone makes music', chips: [8, 14] },
    ]);
    expect(chips.slice(...segments![0].chips).map((chip) => chip.text)).toEqual([
      '[CLS]',
      'a',
      'man',
      'play',
      '##s',
      'guitar',
      '.',
      '[SEP]',
    ]);
    // The added specials are marked as such: [CLS], the separator and the final [SEP].
    expect(chips.filter((chip) => chip.special).map((chip) => chip.span[0])).toEqual([0, 7, 13]);
    expect(chips[8]!.title).toBe(`some: ${formatScore(scores[8]!)} · text pair (B)`);
    expect(chips[7]!.title).toBe(`[SEP]: ${formatScore(scores[7]!)} · added special`);
  });

  it("groups a pair's words segment by segment, each read from its own text", () => {
    const scores = ROBERTA_PAIR_LAYOUT.tokens.map(() => 0.1);
    const { chips, segments } = heatText(ROBERTA_PAIR_LAYOUT, scores, true);
    expect(chips.slice(...segments![1].chips).map((chip) => chip.text)).toEqual(['Someone', 'makes', 'music', '</s>']);
    expect(chips.slice(...segments![0].chips).map((chip) => chip.text)).toEqual([
      '<s>',
      'A',
      'man',
      'plays',
      'guitar',
      '.',
      '</s>',
      '</s>',
    ]);
    expect(chips[8]!.value).toBeCloseTo(0.2);
    const zeroShot = heatText({ ...ROBERTA_PAIR_LAYOUT, segmentLabels: ['text', 'hypothesis'] }, scores);
    expect(zeroShot.segments!.map((segment) => segment.label)).toEqual(['text', 'hypothesis']);
  });

  it('leaves a single text as it was: no segments, no special marks, titles without a text', () => {
    const single = heatText(WORDPIECE_LAYOUT, [0, 0.1, 0.2, 0.3, -0.4, 0]);
    expect(single.segments).toBeUndefined();
    expect(single.chips.every((chip) => !('special' in chip))).toBe(true);
    expect(single.chips[4]!.title).toBe('rock: -0.400');
    expect(Object.keys(single).sort()).toEqual(['chips', 'limit']);
  });

  it('formats scores of any magnitude with 3 significant digits', () => {
    expect(formatScore(0)).toBe('0');
    expect(formatScore(0.012345)).toBe('0.0123');
    expect(formatScore(1.5e-6)).toBe('1.50e-6');
  });
});
