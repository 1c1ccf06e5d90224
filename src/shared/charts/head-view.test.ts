/** The head view's lines against hand-built attention maps: one per (head, query, key) above the floor. */
import { describe, expect, it } from 'vitest';
import {
  HEAD_COLORS,
  HEAD_VIEW_LABEL_WIDTH,
  HEAD_VIEW_LEGEND_HEIGHT,
  HEAD_VIEW_MIN_LABEL_WIDTH,
  headViewHeight,
  headViewLabelWidth,
  headViewOption,
} from './head-view.js';
import type { GraphSeries } from './types.js';

const layout = { tokens: ['[CLS]', 'good', '[SEP]'] };
// layer 0: head 0 looks at itself, head 1 at [CLS] (and a faint 0.005 elsewhere); layer 1 uniform.
const third = 1 / 3;
const maps = [
  [
    [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
    [
      [0.99, 0.005, 0.005],
      [0.99, 0.005, 0.005],
      [0.99, 0.005, 0.005],
    ],
  ],
  [
    [
      [third, third, third],
      [third, third, third],
      [third, third, third],
    ],
    [
      [third, third, third],
      [third, third, third],
      [third, third, third],
    ],
  ],
];

const graph = (option: { series: unknown[] }) => option.series[0] as GraphSeries;

describe('headViewOption', () => {
  it('draws queries left, keys right, and one line per weight at or above the floor, in its head colour', () => {
    const view = headViewOption({ layout, maps, layer: 0 });
    const series = graph(view.option);
    expect(series.data.map((node) => node.value)).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
      [1, 2],
    ]);
    expect(series.data.map((node) => node.label!.formatter!())).toEqual([
      '[CLS]',
      'good',
      '[SEP]',
      '[CLS]',
      'good',
      '[SEP]',
    ]);
    // Head 0: the diagonal (3 lines); head 1: every query → [CLS] (3 lines); 0 and 0.005 are under 0.01.
    expect(series.links.map(({ source, target, head, value }) => [head, source, target - 3, value])).toEqual([
      [0, 0, 0, 1],
      [0, 1, 1, 1],
      [0, 2, 2, 1],
      [1, 0, 0, 0.99],
      [1, 1, 0, 0.99],
      [1, 2, 0, 0.99],
    ]);
    expect(series.links.map((link) => link.lineStyle.color)).toEqual([
      ...Array(3).fill(HEAD_COLORS[0]),
      ...Array(3).fill(HEAD_COLORS[1]),
    ]);
    expect(series.links.map((link) => link.lineStyle.opacity)).toEqual([1, 1, 1, 0.99, 0.99, 0.99]);
    expect([view.lines, view.omitted]).toEqual([6, 12]);
    expect(series.emphasis!.focus).toBe('adjacency');
  });

  it('draws only the heads asked for, and keeps the strongest lines under a cap', () => {
    const one = headViewOption({ layout, maps, layer: 0, heads: [1] });
    expect(graph(one.option).links.every((link) => link.head === 1)).toBe(true);
    // Layers and heads count from 0, as the pane's options and the layers × heads grid do.
    expect(one.option.title!.text).toBe('Head view · layer 0 · head 1');
    expect(headViewOption({ layout, maps, layer: 1, heads: [0, 1] }).option.title!.text).toBe(
      'Head view · layer 1 · all heads',
    );
    const none = headViewOption({ layout, maps, layer: 0, heads: [] });
    expect([none.lines, none.option.title!.text]).toEqual([0, 'Head view · layer 0 · no heads']);
    const capped = headViewOption({ layout, maps, layer: 0, maxLines: 4 });
    expect(graph(capped.option).links.map((link) => link.value)).toEqual([1, 1, 1, 0.99]);
    expect(capped.omitted).toBe(14);
    expect(capped.option.title!.subtext).toContain('14 of 18 lines');
  });

  it('gives a uniform layer every line at opacity 1/n', () => {
    const view = headViewOption({ layout, maps, layer: 1 });
    expect(view.lines).toBe(18);
    expect(graph(view.option).links.every((link) => Math.abs(link.lineStyle.opacity - third) < 1e-12)).toBe(true);
  });

  it('cuts long tokens to the label width and names them whole in the tooltip, escaped', () => {
    const long = { tokens: ['[CLS]', 'internationalization<b>', '[SEP]'] };
    const view = headViewOption({ layout: long, maps, layer: 0 });
    const series = graph(view.option);
    for (const node of series.data) {
      expect(node.label).toMatchObject({ width: HEAD_VIEW_LABEL_WIDTH, overflow: 'truncate', ellipsis: '…' });
    }
    const tooltip = view.option.tooltip!.formatter!;
    expect(tooltip({ data: series.data[1] })).toBe('query internationalization&#60;b&#62;');
    expect(tooltip({ data: series.data[4] })).toBe('key internationalization&#60;b&#62;');
    expect(tooltip({ data: series.links[3] })).toBe('head 1: [CLS] → [CLS] 0.990');
    const grid = view.option.grid as { left: number; right: number };
    expect(grid.left).toBeGreaterThan(HEAD_VIEW_LABEL_WIDTH);
    expect(grid.right).toBeGreaterThan(HEAD_VIEW_LABEL_WIDTH);
  });

  it('cuts labels and titles shorter in a narrow chart, keeping room for the lines', () => {
    expect(headViewLabelWidth()).toBe(HEAD_VIEW_LABEL_WIDTH);
    expect(headViewLabelWidth(1200)).toBe(HEAD_VIEW_LABEL_WIDTH);
    expect(headViewLabelWidth(60)).toBe(HEAD_VIEW_MIN_LABEL_WIDTH);
    // A margin outside the labels comes out of their room in a narrow chart, and widens the grid's sides.
    expect(headViewLabelWidth(240, 10)).toBe(headViewLabelWidth(240) - 10);
    const roomy = headViewOption({ layout, maps, layer: 0, width: 560, margin: 24 }).option.grid as { left: number };
    expect(roomy.left).toBe(24 + HEAD_VIEW_LABEL_WIDTH + 16);
    for (const width of [190, 240, 260]) {
      const { option } = headViewOption({ layout, maps, layer: 0, width });
      const labelWidth = graph(option).data[0]!.label!.width!;
      expect(labelWidth).toBeLessThan(HEAD_VIEW_LABEL_WIDTH);
      const { left, right } = option.grid as { left: number; right: number };
      expect(width - left - right, `${width}`).toBeGreaterThanOrEqual(80);
      expect(left).toBeGreaterThan(labelWidth);
      expect(option.title!.textStyle).toMatchObject({ width: width - 16, overflow: 'truncate' });
      expect(option.title!.subtextStyle).toMatchObject({ width: width - 16, overflow: 'truncate' });
    }
  });

  it("carries a key of the shown heads' colours under the title when asked, and is that much taller", () => {
    const plain = headViewOption({ layout, maps, layer: 0 }).option;
    expect(plain.title!.subtext).not.toContain('━━');
    const keyed = headViewOption({ layout, maps, layer: 0, heads: [0, 1], legend: true }).option;
    expect(keyed.title!.subtext!.split('\n')[1]).toBe('{h0|━━ 0}   {h1|━━ 1}');
    expect(keyed.title!.subtextStyle!.rich).toEqual({
      h0: { color: HEAD_COLORS[0], fontWeight: 'bold', fontSize: 12 },
      h1: { color: HEAD_COLORS[1], fontWeight: 'bold', fontSize: 12 },
    });
    const top = (option: typeof plain) => (option.grid as { top: number }).top;
    expect(top(keyed) - top(plain)).toBe(HEAD_VIEW_LEGEND_HEIGHT);
    expect(headViewHeight(3, { legend: true }) - headViewHeight(3)).toBe(HEAD_VIEW_LEGEND_HEIGHT);
  });

  it('names a layer or head the maps do not have', () => {
    expect(() => headViewOption({ layout, maps, layer: 2 })).toThrow(
      'the head view needs layer 2; the maps have 2 layers',
    );
    expect(() => headViewOption({ layout, maps, layer: 0, heads: [5] })).toThrow(
      'the head view needs head 5; layer 0 has 2 heads',
    );
  });
});
