import { describe, expect, it } from 'vitest';
import {
  attentionHeatmapOption,
  headGridOption,
  SEGMENT_DIVIDER_COLOR,
  thumbnailIndex,
  tokenBins,
} from './attention.js';
import { SEQUENTIAL_STOPS } from './scale.js';
import { BERT_PAIR_LAYOUT, BPE_LAYOUT, BPE_READABLE, WORDPIECE_LAYOUT } from './test-layouts.js';
import type { AxisOption, CustomSeries, GridOption, HeatmapSeries } from './types.js';

describe('attention heatmap', () => {
  it('puts keys on x and queries on y, labelled by token and position, on the sequential half-scale', () => {
    const option = attentionHeatmapOption(
      { tokens: ['[CLS]', 'hi', '[SEP]'] },
      [
        [0.5, 0.3, 0.2],
        [0.1, 0.8, 0.1],
        [0.4, 0.4, 0.2],
      ],
      'layer 0 · head 1',
    );
    const series = option.series[0] as HeatmapSeries;
    expect(series.data).toHaveLength(9);
    expect(series.data).toContainEqual([1, 1, 0.8]);
    expect(series.data).toContainEqual([2, 0, 0.2]); // row 0 (query [CLS]) → key [SEP]
    expect((option.xAxis as AxisOption).data).toEqual(['[CLS] 0', 'hi 1', '[SEP] 2']);
    expect((option.yAxis as AxisOption).inverse).toBe(true);
    expect(option.title).toMatchObject({ text: 'layer 0 · head 1', subtext: 'rows: queries · columns: keys' });
    expect(option.visualMap).toMatchObject({ min: 0, max: 0.8, inRange: { color: [...SEQUENTIAL_STOPS] } });
    expect((option.xAxis as AxisOption).axisLabel?.interval).toBe(0);
  });

  it('lets ECharts thin the labels of a long input', () => {
    const n = 100;
    const tokens = Array.from({ length: n }, (_, i) => `t${i}`);
    const map = tokens.map(() => tokens.map(() => 1 / n));
    const option = attentionHeatmapOption({ tokens }, map, 'long');
    expect((option.series[0] as HeatmapSeries).data).toHaveLength(n * n);
    expect((option.xAxis as AxisOption).axisLabel?.interval).toBe('auto');
    expect((option.series[0] as HeatmapSeries).progressive).toBe(0);
  });

  it('labels a byte-level BPE sentence by the text of its tokens, not their vocabulary strings', () => {
    const n = BPE_LAYOUT.tokens.length;
    const map = BPE_LAYOUT.tokens.map(() => Array.from({ length: n }, () => 1 / n));
    const option = attentionHeatmapOption(BPE_LAYOUT, map, 'layer 0 · head 0');
    const labels = BPE_READABLE.map((token, i) => `${token} ${i}`);
    expect((option.xAxis as AxisOption).data).toEqual(labels);
    expect((option.yAxis as AxisOption).data).toEqual(labels);
    expect(JSON.stringify(option)).not.toContain('Ġ');
    // The tooltip names both ends of a cell, with `<s>` escaped for the browser's HTML.
    expect(option.tooltip!.formatter!({ data: [5, 0, 0.123456] })).toBe('&#60;s&#62; 0 → look 5: 0.123');
  });
});

describe("a pair's attention heatmap", () => {
  const n = BERT_PAIR_LAYOUT.tokens.length;
  const map = BERT_PAIR_LAYOUT.tokens.map(() => Array.from({ length: n }, () => 1 / n));

  it('draws a line on both axes where the second text starts, and marks the tokens with their text', () => {
    const option = attentionHeatmapOption(BERT_PAIR_LAYOUT, map, 'pair');
    expect(option.series).toHaveLength(2);
    const divider = option.series[1] as CustomSeries;
    expect(divider).toMatchObject({ type: 'custom', silent: true, data: [[8, 8]] });
    // The visual map colors the attention only, not the line.
    expect(option.visualMap?.seriesIndex).toBe(0);
    const labels = (option.xAxis as AxisOption).data!;
    expect(labels.slice(6, 10)).toEqual(['A·. 6', '[SEP] 7', 'B·some 8', 'B·##one 9']);
    expect((option.yAxis as AxisOption).data).toEqual(labels);
    // The line runs across the grid at the left (and top) edge of the cell of token 8.
    const api = { coord: ([x, y]: number[]) => [100 + 10 * x!, 50 + 10 * y!], size: () => [10, 10] };
    const drawn = divider.renderItem({ coordSys: { x: 95, y: 45, width: 140, height: 140 } }, api);
    expect(drawn.children.map((line) => line.shape)).toEqual([
      { x1: 175, y1: 45, x2: 175, y2: 185 },
      { x1: 95, y1: 125, x2: 235, y2: 125 },
    ]);
    expect(drawn.children[0]!.style.stroke).toBe(SEGMENT_DIVIDER_COLOR);
  });

  it('puts the line at the run holding the first token of the second text when tokens are pooled', () => {
    const option = attentionHeatmapOption(BERT_PAIR_LAYOUT, map, 'pooled', { maxSide: 7 });
    expect((option.series[1] as CustomSeries).data).toEqual([[4, 4]]);
  });

  it('leaves a single text’s map as it was: one series, the visual map over all of it', () => {
    const single = attentionHeatmapOption(
      WORDPIECE_LAYOUT,
      WORDPIECE_LAYOUT.tokens.map(() => [1, 0, 0, 0, 0, 0]),
      's',
    );
    expect(single.series).toHaveLength(1);
    expect(single.visualMap).not.toHaveProperty('seriesIndex');
  });
});

describe('token runs for long inputs', () => {
  it('cuts positions into at most the given number of equal runs', () => {
    expect(tokenBins(5, 10)).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 5],
    ]);
    expect(tokenBins(7, 3)).toEqual([
      [0, 3],
      [3, 6],
      [6, 7],
    ]);
    expect(tokenBins(512, 128)).toHaveLength(128);
  });

  it('caps the heatmap side: a cell is what its run of queries gives its run of keys, on average', () => {
    const tokens = ['[CLS]', 'a', 'b', '[SEP]'];
    const map = [
      [0.1, 0.2, 0.3, 0.4],
      [0.5, 0.5, 0, 0],
      [0, 0, 0, 1],
      [0.25, 0.25, 0.25, 0.25],
    ];
    const option = attentionHeatmapOption({ tokens }, map, 'pooled', { maxSide: 2 });
    const data = (option.series[0] as HeatmapSeries).data;
    expect(data).toHaveLength(4);
    const cell = (x: number, y: number): number => data.find(([key, query]) => key === x && query === y)![2];
    // Queries 0–1 on keys 0–1: (0.1 + 0.2 + 0.5 + 0.5) / 2; on keys 2–3: (0.3 + 0.4 + 0 + 0) / 2.
    expect(cell(0, 0)).toBeCloseTo(0.65, 12);
    expect(cell(1, 0)).toBeCloseTo(0.35, 12);
    expect(cell(1, 1)).toBeCloseTo(0.75, 12);
    expect((option.xAxis as AxisOption).data).toEqual(['[CLS]… 0–1', 'b… 2–3']);
    expect(option.title?.subtext).toContain('2 tokens per cell');
  });

  it('leaves a map within the cap cell for cell', () => {
    const option = attentionHeatmapOption(
      { tokens: ['a', 'b'] },
      [
        [1, 0],
        [0.5, 0.5],
      ],
      't',
      { maxSide: 2 },
    );
    expect((option.series[0] as HeatmapSeries).data).toEqual([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0.5],
      [1, 1, 0.5],
    ]);
    expect(option.title?.subtext).toBe('rows: queries · columns: keys');
  });

  it('caps the thumbnails’ columns, summing the [CLS] row over each run', () => {
    const option = headGridOption([[[0.1, 0.2, 0.3, 0.4, 0]]], undefined, { maxColumns: 2 });
    const [series] = option.series as HeatmapSeries[];
    expect(series!.data.map(([x, y]) => [x, y])).toEqual([
      [0, 0],
      [1, 0],
    ]);
    expect(series!.data[0]![2]).toBeCloseTo(0.6, 12);
    expect(series!.data[1]![2]).toBeCloseTo(0.4, 12);
    expect((option.xAxis as AxisOption[])[0]!.data).toEqual(['0', '3']);
  });
});

describe('layers × heads thumbnails', () => {
  it('makes one grid and one strip per layer and head, in layer-major order', () => {
    const clsRows = [
      [
        [0.9, 0.1],
        [0.5, 0.5],
        [0.2, 0.8],
      ],
      [
        [0.6, 0.4],
        [0.3, 0.7],
        [1, 0],
      ],
    ];
    const option = headGridOption(clsRows);
    const series = option.series as HeatmapSeries[];
    expect(series).toHaveLength(6);
    expect((option.grid as GridOption[]).length).toBe(6);
    const index = thumbnailIndex(1, 2, 3);
    expect(index).toBe(5);
    expect(series[index]!.name).toBe('layer 1 · head 2');
    expect(series[index]!.data).toEqual([
      [0, 0, 1],
      [1, 0, 0],
    ]);
    expect(series[index]!.xAxisIndex).toBe(5);
    expect(option.visualMap?.max).toBe(1);
    expect(option.title?.text).toBe('First-token attention: 2 layers × 3 heads');
    expect((option.grid as GridOption[]).some((grid) => grid.show)).toBe(false);
  });

  it("names the model's own first token in the title and labels the strips' cells by token", () => {
    const row = (n: number): number[] => Array.from({ length: n }, () => 1 / n);
    const roberta = headGridOption([[row(BPE_LAYOUT.tokens.length)]], undefined, { layout: BPE_LAYOUT });
    expect(roberta.title?.text).toBe('First-token (<s>) attention: 1 layers × 1 heads');
    expect((roberta.xAxis as AxisOption[])[0]!.data).toEqual(BPE_READABLE.map((token, i) => `${token} ${i}`));
    expect(JSON.stringify(roberta)).not.toMatch(/CLS|Ġ/);
    expect(roberta.tooltip!.formatter!({ seriesName: 'layer 0 · head 0', data: [5, 0, 0.5] })).toBe(
      'layer 0 · head 0<br>look 5: 0.500',
    );
    const bert = headGridOption([[row(WORDPIECE_LAYOUT.tokens.length)]], undefined, { layout: WORDPIECE_LAYOUT });
    expect(bert.title?.text).toBe('First-token ([CLS]) attention: 1 layers × 1 heads');
  });

  it('frames the selected head', () => {
    const option = headGridOption(
      [
        [[1], [0]],
        [[0], [1]],
      ],
      { layer: 1, head: 0 },
    );
    const grids = option.grid as GridOption[];
    expect(grids.map((grid) => grid.show ?? false)).toEqual([false, false, true, false]);
    expect(grids[2]).toMatchObject({ borderWidth: 2, borderColor: '#1b9e77' });
  });
});
