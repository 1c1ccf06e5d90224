/**
 * The two views the app draws as HTML rather than with ECharts, heat text and tables, drawn here as SVG from
 * the same shared builders (`heatText`, `comparisonRows`) so that the report's files match the app's panes.
 * Text is monospace so that widths can be computed without a layout engine.
 */
import { heatText, type HeatSegment } from '../../shared/charts/heat-text.js';
import type { PairLayout } from '../../shared/charts/segments.js';

const FONT = 'ui-monospace, DejaVu Sans Mono, monospace';
const FONT_SIZE = 13;
/** Advance of one monospace character at FONT_SIZE (0.6 em holds for DejaVu Sans Mono and most others). */
const CHAR_WIDTH = FONT_SIZE * 0.6;
const BORDER = '#d0d0d7';

export interface SvgBlock {
  svg: string;
  width: number;
  height: number;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function textWidth(text: string): number {
  return [...text].length * CHAR_WIDTH;
}

function svgDocument(width: number, height: number, body: string[]): SvgBlock {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="${FONT}" font-size="${FONT_SIZE}">`,
    `<rect width="${w}" height="${h}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
  ].join('\n');
  return { svg, width: w, height: h };
}

/** Text cut to `maxChars` with an ellipsis, so that one long token or word cannot widen a chart without bound. */
function clip(text: string, maxChars: number): string {
  const chars = [...text];
  return chars.length <= maxChars ? text : `${chars.slice(0, maxChars - 1).join('')}…`;
}

export interface HeatTextLayout {
  /** Width of a line of chips. */
  maxWidth?: number;
  /** Lines per page: a longer sentence continues on the next page, so that no page grows with the input. */
  maxLines?: number;
}

/** A page of heat text with the token positions `[first, end)` it shows. */
export type HeatTextPage = SvgBlock & { tokens: [number, number] };

/** The line between a pair's two texts, and the outline of the specials a tokenizer added (dashed). */
const SEGMENT_COLOR = '#4c5fd5';
const SPECIAL_STROKE = '#5f5f66';
/** Characters of the gutter a pair's lines start after: the segment's name (`A · text pair`). */
const GUTTER_CHARS = 14;

/**
 * The sentence as colored chips of readable tokens (`look`, not `Ġlook`) wrapped into lines of at most
 * `maxWidth`, with each score (and the vocabulary string, where it reads differently) as a tooltip, on pages of
 * at most `maxLines` lines. A chip too long for a line is cut (its tooltip keeps the whole token). A sentence
 * pair's two texts each start a line with their name in a gutter (`A · text`, `B · text pair`), a line between
 * them, the specials the tokenizer added outlined dashed; a page that starts inside a text names it again.
 */
export function heatTextPages(
  layout: PairLayout,
  scores: readonly number[],
  { maxWidth = 760, maxLines = 40 }: HeatTextLayout = {},
): HeatTextPage[] {
  const { chips, segments } = heatText(layout, scores);
  const gap = 4;
  const lineHeight = 26;
  const padding = 10;
  const gutter = segments ? GUTTER_CHARS * CHAR_WIDTH + 2 * gap : 0;
  const start = gap + gutter;
  const maxChars = Math.floor((maxWidth - start - gap - padding) / CHAR_WIDTH);
  const segmentStarts = new Map(segments?.map((segment) => [segment.chips[0], segment]));
  const pages: HeatTextPage[] = [];
  let body: string[] = [];
  let first = 0;
  let x = start;
  let y = gap;
  let line = 1;
  let widest = 0;
  const endPage = (end: number): void => {
    pages.push({ ...svgDocument(widest, y + lineHeight, body), tokens: [first, end] });
    body = [];
    first = end;
    x = start;
    y = gap;
    line = 1;
    widest = 0;
  };
  const newLine = (i: number): void => {
    if (line === maxLines) endPage(i);
    else {
      x = start;
      y += lineHeight;
      line += 1;
    }
  };
  /** The segment's name in the gutter; `continued` on a page that starts inside it. */
  const label = (segment: HeatSegment, continued: boolean): void => {
    const name = clip(`${segment.mark} · ${segment.label}${continued ? ' …' : ''}`, GUTTER_CHARS);
    body.push(
      `<g data-segment="${segment.mark}"><title>${escapeXml(segment.text)}</title>` +
        `<text x="${gap}" y="${y + 15}" fill="${SEGMENT_COLOR}" font-weight="bold">${escapeXml(name)}</text></g>`,
    );
  };
  let current = segments?.[0];
  chips.forEach((chip, i) => {
    const text = clip(chip.text, maxChars);
    const width = textWidth(text) + padding;
    const opens = segmentStarts.get(i);
    if (opens && i > 0) {
      // The second text starts a line of its own, under a line across the page.
      newLine(i);
      if (y > gap)
        body.push(
          `<line x1="0" y1="${y - 2}" x2="${maxWidth}" y2="${y - 2}" stroke="${SEGMENT_COLOR}" stroke-width="2"/>`,
        );
    } else if (x + width > maxWidth && x > start) newLine(i);
    if (opens) current = opens;
    if (current && (opens || (x === start && y === gap))) label(current, !opens);
    const stroke = chip.special ? `${SPECIAL_STROKE}" stroke-dasharray="3 2` : BORDER;
    body.push(
      `<g><title>${escapeXml(chip.title)}</title>` +
        `<rect x="${x}" y="${y}" width="${width}" height="${lineHeight - 6}" rx="3" fill="${chip.background}" stroke="${stroke}"/>` +
        `<text x="${x + 5}" y="${y + 15}" fill="${chip.color}">${escapeXml(text)}</text></g>`,
    );
    x += width + gap;
    widest = Math.max(widest, x);
  });
  endPage(chips.length);
  return pages;
}

export interface TableCell {
  text: string;
  background?: string;
  color?: string;
  /** Hover text. */
  title?: string;
  header?: boolean;
  /** A line on the cell's left edge: a pair's second text starts in this column. */
  divider?: boolean;
}

export interface TableLayout {
  /** A wider table continues below in blocks of columns, each repeating the first column (the row labels). */
  maxWidth?: number;
  /** Blocks per page stop at this height, so that no page grows with the number of columns. */
  maxHeight?: number;
  /** Longer cell text is cut; its tooltip keeps the whole text. */
  maxCellChars?: number;
}

/** A page of a table, with the columns its blocks show besides column 0 (the row labels, on every block). */
export type TablePage = SvgBlock & { columns: number[] };

const ROW_HEIGHT = 22;
const BLOCK_GAP = 12;

/**
 * A grid of cells; column widths fit the widest text in the column. The first row is the header. A table wider
 * than `maxWidth` wraps, as text does, into blocks of columns under one another, on pages of at most `maxHeight`.
 */
export function tableSvg(
  rows: readonly (readonly TableCell[])[],
  { maxWidth = 1040, maxHeight = 2000, maxCellChars = 32 }: TableLayout = {},
): TablePage[] {
  const clipped = rows.map((row) =>
    row.map((cell) => {
      const text = clip(cell.text, maxCellChars);
      return text === cell.text ? cell : { ...cell, text, title: cell.title ?? cell.text };
    }),
  );
  const columns = Math.max(0, ...clipped.map((row) => row.length));
  const widths = Array.from(
    { length: columns },
    (_, c) => Math.max(...clipped.map((row) => textWidth(row[c]?.text ?? ''))) + 12,
  );
  const blocks = columnBlocks(widths, maxWidth);
  const blockHeight = clipped.length * ROW_HEIGHT + 1;
  const blocksPerPage = Math.max(1, Math.floor((maxHeight + BLOCK_GAP) / (blockHeight + BLOCK_GAP)));
  const pages: TablePage[] = [];
  for (let b = 0; b < blocks.length; b += blocksPerPage) {
    const onPage = blocks.slice(b, b + blocksPerPage);
    const body = onPage.flatMap((block, i) =>
      tableBlock(clipped, widths, [0, ...block], 0.5 + i * (blockHeight + BLOCK_GAP)),
    );
    const width = Math.max(...onPage.map((block) => [0, ...block].reduce((sum, c) => sum + widths[c]!, 1)));
    const height = onPage.length * (blockHeight + BLOCK_GAP) - BLOCK_GAP;
    pages.push({ ...svgDocument(width, height, body), columns: onPage.flat() });
  }
  return pages;
}

/** The columns after the first, cut into runs that fit `maxWidth` beside the first (at least one per run). */
function columnBlocks(widths: readonly number[], maxWidth: number): number[][] {
  const blocks: number[][] = [[]];
  let width = 1 + (widths[0] ?? 0);
  for (let c = 1; c < widths.length; c += 1) {
    const block = blocks.at(-1)!;
    if (block.length > 0 && width + widths[c]! > maxWidth) {
      blocks.push([c]);
      width = 1 + widths[0]! + widths[c]!;
    } else {
      block.push(c);
      width += widths[c]!;
    }
  }
  return blocks;
}

function tableBlock(
  rows: readonly (readonly TableCell[])[],
  widths: readonly number[],
  columns: readonly number[],
  top: number,
): string[] {
  const body: string[] = [];
  rows.forEach((row, r) => {
    let x = 0.5;
    for (const c of columns) {
      const cell = row[c];
      const width = widths[c]!;
      if (cell) {
        const y = top + r * ROW_HEIGHT;
        const title = cell.title ? `<title>${escapeXml(cell.title)}</title>` : '';
        const weight = cell.header || r === 0 ? ' font-weight="bold"' : '';
        const divider = cell.divider
          ? `<line x1="${x}" y1="${y}" x2="${x}" y2="${y + ROW_HEIGHT}" stroke="${SEGMENT_COLOR}" stroke-width="3"/>`
          : '';
        body.push(
          `<g>${title}<rect x="${x}" y="${y}" width="${width}" height="${ROW_HEIGHT}" fill="${cell.background ?? '#ffffff'}" stroke="${BORDER}"/>` +
            `<text x="${x + 6}" y="${y + 15}" fill="${cell.color ?? '#111111'}"${weight}>${escapeXml(cell.text)}</text>${divider}</g>`,
        );
      }
      x += width;
    }
  });
  return body;
}
