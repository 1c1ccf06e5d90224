import { describe, expect, it } from 'vitest';
import { BPE_LAYOUT, BPE_READABLE } from '../../shared/charts/test-layouts.js';
import { escapeXml, heatTextPages, tableSvg, type TableCell } from './svg-blocks.js';

/** The `<g>` groups of an SVG: one per chip or table cell. */
function groups(svg: string): string[] {
  return [...svg.matchAll(/<g>[\s\S]*?<\/g>/g)].map(([group]) => group);
}

function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(([, text]) => text!);
}

describe('heat text', () => {
  it('keeps a short sentence on one page', () => {
    const pages = heatTextPages({ tokens: ['[CLS]', 'fine', '[SEP]'] }, [0, 1, 0]);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.tokens).toEqual([0, 3]);
    expect(texts(pages[0]!.svg)).toEqual(['[CLS]', 'fine', '[SEP]']);
  });

  it('continues a long sentence on pages of at most maxLines lines, each token once', () => {
    const n = 2000;
    const tokens = Array.from({ length: n }, (_, i) => `word${i}`);
    const pages = heatTextPages(
      { tokens },
      tokens.map((_, i) => Math.sin(i)),
      { maxWidth: 400, maxLines: 10 },
    );
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.map((page) => page.tokens[0])).toEqual([0, ...pages.slice(0, -1).map((page) => page.tokens[1])]);
    expect(pages.at(-1)!.tokens[1]).toBe(n);
    expect(pages.flatMap((page) => texts(page.svg))).toEqual(tokens);
    for (const page of pages) {
      expect(page.width).toBeLessThanOrEqual(400);
      expect(page.height).toBeLessThanOrEqual(pages[0]!.height);
      const lines = new Set([...page.svg.matchAll(/<rect x="[^"]+" y="([^"]+)"/g)].map(([, y]) => y));
      expect(lines.size).toBeLessThanOrEqual(10);
    }
  });

  it('cuts a token too long for a line, and keeps it whole in the tooltip', () => {
    const long = 'x'.repeat(500);
    const [page] = heatTextPages({ tokens: ['a', long] }, [1, -1], { maxWidth: 300 });
    expect(page!.width).toBeLessThanOrEqual(300);
    const [shown] = texts(page!.svg).slice(1);
    expect(shown!.endsWith('…')).toBe(true);
    expect(shown!.length).toBeLessThan(long.length);
    expect(page!.svg).toContain(`<title>${long}: `);
  });

  it("shows a byte-level BPE sentence's tokens as their text, the vocabulary string in the tooltip", () => {
    const [page] = heatTextPages(BPE_LAYOUT, [0, 0.1, 0.1, 0.1, 0.1, 0.5, -0.2, 0.3, 0]);
    expect(texts(page!.svg)).toEqual(BPE_READABLE.map(escapeXml));
    expect(page!.svg).toContain('<title>look (Ġlook): 0.500</title>');
  });
});

describe('tables', () => {
  const header: TableCell[] = [{ text: 'Method' }, ...Array.from({ length: 300 }, (_, i) => ({ text: `t${i}` }))];
  const rows: TableCell[][] = [
    header,
    ...['first', 'second'].map((label) => [
      { text: label, header: true },
      ...header.slice(1).map((_, i) => ({ text: `${label[0]}${i}` })),
    ]),
  ];

  it('draws a table that fits as one block with every cell', () => {
    const [page, ...rest] = tableSvg(rows.map((row) => row.slice(0, 4)));
    expect(rest).toEqual([]);
    expect(page!.columns).toEqual([1, 2, 3]);
    expect(texts(page!.svg)).toEqual([
      'Method',
      't0',
      't1',
      't2',
      'first',
      'f0',
      'f1',
      'f2',
      'second',
      's0',
      's1',
      's2',
    ]);
  });

  it('wraps a wide table into blocks that repeat the row labels, on pages of at most maxHeight', () => {
    const pages = tableSvg(rows, { maxWidth: 500, maxHeight: 300 });
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.flatMap((page) => page.columns)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    const shown = pages.flatMap((page) => texts(page.svg));
    for (const row of rows) {
      for (const cell of row.slice(1))
        expect(
          shown.filter((text) => text === cell.text),
          cell.text,
        ).toHaveLength(1);
    }
    const blocks = shown.filter((text) => text === 'Method').length;
    expect(blocks).toBeGreaterThan(pages.length);
    expect(shown.filter((text) => text === 'first')).toHaveLength(blocks);
    for (const page of pages) {
      expect(page.width).toBeLessThanOrEqual(500);
      expect(page.height).toBeLessThanOrEqual(300);
    }
  });

  it('cuts long cell text, with the whole text as its tooltip', () => {
    const long = 'y'.repeat(100);
    const [page] = tableSvg([[{ text: 'Method' }, { text: long }]], { maxCellChars: 10 });
    expect(texts(page!.svg)).toEqual(['Method', `${'y'.repeat(9)}…`]);
    expect(groups(page!.svg)[1]).toContain(`<title>${long}</title>`);
  });
});
