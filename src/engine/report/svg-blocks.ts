/**
 * The two views the app draws as HTML rather than with ECharts, heat text and tables, drawn here as SVG from
 * the same shared builders (`heatText`, `comparisonRows`) so that the report's files match the app's panes.
 * Text is monospace so that widths can be computed without a layout engine.
 */
import { heatText } from '../../shared/charts/heat-text.js';

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

/** The sentence as colored chips wrapped into lines of at most `maxWidth`, with each score as a tooltip. */
export function heatTextSvg(tokens: readonly string[], scores: readonly number[], maxWidth = 760): SvgBlock {
  const { chips } = heatText(tokens, scores);
  const gap = 4;
  const lineHeight = 26;
  const body: string[] = [];
  let x = gap;
  let y = gap;
  let widest = 0;
  for (const chip of chips) {
    const width = textWidth(chip.text) + 10;
    if (x + width > maxWidth && x > gap) {
      x = gap;
      y += lineHeight;
    }
    body.push(
      `<g><title>${escapeXml(chip.title)}</title>` +
        `<rect x="${x}" y="${y}" width="${width}" height="${lineHeight - 6}" rx="3" fill="${chip.background}" stroke="${BORDER}"/>` +
        `<text x="${x + 5}" y="${y + 15}" fill="${chip.color}">${escapeXml(chip.text)}</text></g>`,
    );
    x += width + gap;
    widest = Math.max(widest, x);
  }
  return svgDocument(widest, y + lineHeight, body);
}

export interface TableCell {
  text: string;
  background?: string;
  color?: string;
  /** Hover text. */
  title?: string;
  header?: boolean;
}

/** A grid of cells; column widths fit the widest text in the column. The first row is the header. */
export function tableSvg(rows: readonly (readonly TableCell[])[]): SvgBlock {
  const columns = Math.max(0, ...rows.map((row) => row.length));
  const widths = Array.from(
    { length: columns },
    (_, c) => Math.max(...rows.map((row) => textWidth(row[c]?.text ?? ''))) + 12,
  );
  const rowHeight = 22;
  const body: string[] = [];
  rows.forEach((row, r) => {
    let x = 0.5;
    row.forEach((cell, c) => {
      const width = widths[c]!;
      const y = 0.5 + r * rowHeight;
      const title = cell.title ? `<title>${escapeXml(cell.title)}</title>` : '';
      const weight = cell.header || r === 0 ? ' font-weight="bold"' : '';
      body.push(
        `<g>${title}<rect x="${x}" y="${y}" width="${width}" height="${rowHeight}" fill="${cell.background ?? '#ffffff'}" stroke="${BORDER}"/>` +
          `<text x="${x + 6}" y="${y + 15}" fill="${cell.color ?? '#111111'}"${weight}>${escapeXml(cell.text)}</text></g>`,
      );
      x += width;
    });
  });
  return svgDocument(
    widths.reduce((a, b) => a + b, 1),
    rows.length * rowHeight + 1,
    body,
  );
}
