/**
 * Server-side chart rendering: the option objects of src/shared/charts (the ones the app draws) through
 * ECharts' SSR renderer to SVG, and SVG to PNG with sharp at 2× for documents that do not take SVG.
 */
import * as echarts from 'echarts';
import sharp from 'sharp';
import type { ChartOption } from '../../shared/charts/types.js';

/** Print resolution: a 2× PNG stays sharp on high-density screens and on paper. */
export const PNG_SCALE = 2;

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

/** Rasterizes at `PNG_SCALE` × the SVG's own width and height (72 dpi is librsvg's 1 px per unit). */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  return sharp(Buffer.from(svg), { density: 72 * PNG_SCALE })
    .flatten({ background: '#ffffff' })
    .png()
    .toBuffer();
}
