import { describe, expect, it } from 'vitest';
import { agreementHeatmapOption, comparisonHeader, comparisonRows } from './comparison.js';
import { BERT_PAIR_LAYOUT, BPE_LAYOUT } from './test-layouts.js';
import type { AxisOption, HeatmapSeries } from './types.js';

describe('comparison table', () => {
  it('puts every method on one −1…1 scale by dividing each row by its largest |score|', () => {
    const rows = comparisonRows({ tokens: ['good', 'bad'] }, [
      { method: 'attention', label: 'Attention', scores: [0.2, 0.1] },
      { method: 'occlusion', label: 'Occlusion', scores: [3, -6] },
    ]);
    expect(rows.map((row) => row.label)).toEqual(['Attention', 'Occlusion']);
    expect(rows[0]!.cells.map((cell) => cell.relative)).toEqual([1, 0.5]);
    expect(rows[1]!.cells.map((cell) => cell.relative)).toEqual([0.5, -1]);
    expect(rows[0]!.cells[0]!.background).toBe('#b2182b'); // both row maxima saturate the same red
    expect(rows[1]!.cells[1]!.background).toBe('#2166ac');
    expect(rows[1]!.cells[0]!.background).toBe(rows[0]!.cells[1]!.background); // same relative → same color
    expect(rows[1]!.cells[1]!.title).toBe('Occlusion · bad: -6.00');
  });

  it('refuses a row whose length does not match the tokens', () => {
    expect(() => comparisonRows({ tokens: ['a'] }, [{ method: 'm', label: 'M', scores: [1, 2] }])).toThrow(
      /2 scores for 1 tokens/,
    );
  });

  it("names a BPE sentence's tokens by their text in the hover, with the vocabulary string beside it", () => {
    const scores = BPE_LAYOUT.tokens.map((_, i) => i);
    const [row] = comparisonRows(BPE_LAYOUT, [{ method: 'occlusion', label: 'Occlusion', scores }]);
    expect(row!.cells[5]!.title).toBe('Occlusion · look (Ġlook): 5.00');
    expect(row!.cells[1]!.title).toBe('Occlusion · X: 1.00');
  });
});

describe('comparison header', () => {
  it("puts a pair's two texts over their token columns, with a divider where the second starts", () => {
    const header = comparisonHeader(BERT_PAIR_LAYOUT);
    expect(header.segments).toEqual([
      { mark: 'A', label: 'text', span: [0, 8] },
      { mark: 'B', label: 'text pair', span: [8, 14] },
    ]);
    expect(header.divider).toBe(8);
    expect(header.readable[8]).toBe('some');
    expect(header.titles[8]).toBe('some · text pair (B)');
    const [row] = comparisonRows(BERT_PAIR_LAYOUT, [
      { method: 'occlusion', label: 'Occlusion', scores: BERT_PAIR_LAYOUT.tokens.map(() => 1) },
    ]);
    expect(row!.cells[12]!.title).toBe('Occlusion · music · text pair (B): 1.00');
  });

  it('is the tokens alone for a single text', () => {
    expect(comparisonHeader(BPE_LAYOUT)).toEqual({
      readable: ['<s>', 'X', 'yl', 'oph', 'ones', 'look', 'unbelievably', 'good', '</s>'],
      titles: ['<s>', 'X', 'yl', 'oph', 'ones', 'look (Ġlook)', 'unbelievably (Ġunbelievably)', 'good (Ġgood)', '</s>'],
    });
  });
});

describe('agreement heatmap', () => {
  it('draws τ-b per method pair on the full diverging scale, leaving undefined cells empty', () => {
    const option = agreementHeatmapOption(
      ['A', 'B'],
      [
        [1, 0.3333],
        [0.3333, undefined],
      ],
    );
    const series = option.series[0] as HeatmapSeries;
    expect(series.data).toEqual([
      [0, 0, 1],
      [1, 0, 0.33],
      [0, 1, 0.33],
    ]);
    expect((option.xAxis as AxisOption).data).toEqual(['A', 'B']);
    expect(option.visualMap).toMatchObject({ min: -1, max: 1 });
    expect(option.visualMap?.inRange.color).toEqual(['#2166ac', '#67a9cf', '#f7f7f7', '#ef8a62', '#b2182b']);
  });
});
