/** The head view's option through ECharts' server-side SVG renderer, as the report draws it. */
import { describe, expect, it } from 'vitest';
import { HEAD_COLORS, headViewHeight, headViewOption } from '../../shared/charts/head-view.js';
import { chartSvg } from './render.js';

describe('head view SVG', () => {
  it('draws every token twice and one stroked line per link, in the head colours', () => {
    const tokens = ['[CLS]', 'a', '<b>', '[SEP]'];
    const diagonal = tokens.map((_, q) => tokens.map((__, k) => (q === k ? 1 : 0)));
    const toFirst = tokens.map(() => tokens.map((_, k) => (k === 0 ? 1 : 0)));
    const { option, lines } = headViewOption({ layout: { tokens }, maps: [[diagonal, toFirst]], layer: 0 });
    const svg = chartSvg(option, 480, headViewHeight(tokens.length));
    expect(lines).toBe(8);
    for (const color of HEAD_COLORS.slice(0, 2)) {
      const strokes = svg.match(new RegExp(`stroke="${color}"`, 'gi')) ?? [];
      expect(strokes.length, color).toBeGreaterThanOrEqual(4);
    }
    expect(svg.match(/>&lt;b&gt;</g)?.length).toBe(2);
    expect(svg.match(/>\[CLS\]</g)?.length).toBe(2);
  });
});
