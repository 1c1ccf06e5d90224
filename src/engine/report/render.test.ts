import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MAX_PNG_PIXELS, MAX_PNG_SIDE, PNG_SCALE, svgToPng } from './render.js';

function stripe(width: number, height: number): { svg: string; width: number; height: number } {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect width="${width / 2}" height="${height}" fill="#b2182b"/></svg>`;
  return { svg, width, height };
}

describe('svgToPng', () => {
  it('rasterizes at 2× the SVG’s size', async () => {
    const { width, height } = await sharp(await svgToPng(stripe(300, 120))).metadata();
    expect([width, height]).toEqual([300 * PNG_SCALE, 120 * PNG_SCALE]);
  });

  it('scales a chart too large for 2× down to a size sharp accepts, instead of failing', async () => {
    // At 2× this is 40000 px wide: sharp refuses an SVG over 32767 px a side.
    const { width, height } = await sharp(await svgToPng(stripe(20_000, 60))).metadata();
    expect(width).toBeLessThanOrEqual(MAX_PNG_SIDE);
    expect(Math.abs(height - (60 * width) / 20_000)).toBeLessThanOrEqual(1);
  });

  it('keeps a large square chart’s raster within the pixel budget', async () => {
    const { width, height } = await sharp(await svgToPng(stripe(5000, 5000))).metadata();
    expect(width * height).toBeLessThanOrEqual(MAX_PNG_PIXELS);
    expect(width).toBe(height);
  });
});
