import { describe, expect, it } from 'vitest';
import type { AxisOption, BarSeries } from './types.js';
import { divergingColor } from './scale.js';
import { BERT_PAIR_LAYOUT, BPE_LAYOUT } from './test-layouts.js';
import { topKBarOption } from './top-k.js';

describe('top-k bars', () => {
  it('ranks tokens by |score|, keeps signs and colors them on the diverging scale', () => {
    const option = topKBarOption({
      tokens: ['a', 'good', 'bad', 'a'],
      scores: [0.1, 0.6, -0.9, 0.1],
      classLabel: 'POSITIVE',
      k: 3,
    });
    const series = option.series[0] as BarSeries;
    const axis = option.yAxis as AxisOption;
    expect(axis.data).toEqual(['bad (2)', 'good (1)', 'a (0)']);
    expect(axis.inverse).toBe(true);
    expect(series.data.map((bar) => bar.value)).toEqual([-0.9, 0.6, 0.1]);
    expect(series.data[0]!.itemStyle.color).toBe('#2166ac');
    expect(series.data[1]!.itemStyle.color).toBe(divergingColor(0.6, 0.9)); // red side, two thirds out
    expect(option.xAxis).toMatchObject({ min: -0.9, max: 0.9 });
    expect(option.title?.text).toBe('Top 3 tokens for POSITIVE');
    expect(series.label?.formatter({ value: 0.123456 })).toBe('0.123');
    // The axis ends (±0.9 here, any float in general) are labelled in 3 digits too.
    const ticks = (option.xAxis as AxisOption).axisLabel!.formatter!;
    expect([ticks(-0.14769703388446942), ticks(0.05), ticks(0)]).toEqual(['-0.148', '0.05', '0']);
  });

  it("names a BPE sentence's tokens by their text", () => {
    const scores = [0, 0, 0, 0, 0, 0.9, -0.5, 0.1, 0];
    const option = topKBarOption({ ...BPE_LAYOUT, scores, classLabel: 'positive', k: 3 });
    expect((option.yAxis as AxisOption).data).toEqual(['look (5)', 'unbelievably (6)', 'good (7)']);
  });

  it("names a pair's tokens with their text, since a word can be in both", () => {
    // "##s" ends a word in both texts (play|s, make|s).
    const scores = BERT_PAIR_LAYOUT.tokens.map((token) => (token === '##s' ? 0.9 : token === '[SEP]' ? 0.5 : 0));
    const option = topKBarOption({ ...BERT_PAIR_LAYOUT, scores, classLabel: 'entailment', k: 4 });
    expect((option.yAxis as AxisOption).data).toEqual(['A·##s (4)', 'B·##s (11)', '[SEP] (7)', '[SEP] (13)']);
  });
});
