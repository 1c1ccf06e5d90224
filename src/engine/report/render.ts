/**
 * Server-side chart rendering: the option objects of src/shared/charts (the ones the app draws) through
 * ECharts' SSR renderer to SVG, and SVG to PNG with sharp at 2× for documents that do not take SVG.
 */
import * as echarts from 'echarts';
import sharp from 'sharp';
import type { ChartOption } from '../../shared/charts/types.js';
import type { SvgBlock } from './svg-blocks.js';

/** Print resolution: a 2× PNG stays sharp on high-density screens and on paper. */
export const PNG_SCALE = 2;
/**
 * sharp refuses an SVG over 32767 px a side, and the raster costs 4 bytes a pixel while it is drawn: a chart
 * larger than these (none of the report's are, by design) is rasterized below 2× rather than not at all.
 */
export const MAX_PNG_SIDE = 8192;
export const MAX_PNG_PIXELS = 32 * 1024 * 1024;

// Charts are rasterized one at a time: one libvips thread is enough, and every further thread keeps its own
// malloc arena (about 80 MB more peak memory for a 512-token sentence's report). sharp is the report's alone.
sharp.concurrency(1);

export function chartSvg(option: ChartOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    // A white background, unlike the app's transparent one: a PNG has no panel behind it.
    chart.setOption({ ...option, backgroundColor: '#ffffff' });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** The PNG's scale for an SVG of `width` × `height` units: `PNG_SCALE` where the limits allow. */
export function pngScale(width: number, height: number): number {
  // A side may round up by a pixel: the largest scale s with (width·s + 1)(height·s + 1) ≤ MAX_PNG_PIXELS.
  const sum = width + height;
  const area = width * height;
  const withinPixels = (Math.sqrt(sum * sum + 4 * area * (MAX_PNG_PIXELS - 1)) - sum) / (2 * area);
  return Math.min(PNG_SCALE, (MAX_PNG_SIDE - 1) / Math.max(width, height), withinPixels);
}

/** Rasterizes at `pngScale` × the SVG's own width and height (72 dpi is librsvg's 1 px per unit). */
export async function svgToPng({ svg, width, height }: SvgBlock): Promise<Uint8Array> {
  return sharp(Buffer.from(svg), { density: 72 * pngScale(width, height) })
    .flatten({ background: '#ffffff' })
    .png()
    .toBuffer();
}
