import { describe, expect, it } from 'vitest';
import {
  DIVERGING_STOPS,
  PALETTES,
  SEQUENTIAL_STOPS,
  divergingColor,
  divergingStops,
  maxAbs,
  sequentialStops,
  textColorOn,
} from './scale.js';

const rgb = (hex: string) => [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)) as [number, number, number];

describe('the diverging scale', () => {
  it('maps the extremes and zero to the end and middle stops', () => {
    expect(divergingColor(-2, 2)).toBe('#2166ac');
    expect(divergingColor(0, 2)).toBe('#f7f7f7');
    expect(divergingColor(2, 2)).toBe('#b2182b');
    expect(divergingColor(1, 2)).toBe(DIVERGING_STOPS[3]);
  });

  it('is blue-ish below zero and red-ish above, and saturates beyond the limit', () => {
    const [r1, , b1] = rgb(divergingColor(-0.3, 1));
    expect(b1).toBeGreaterThan(r1);
    const [r2, , b2] = rgb(divergingColor(0.3, 1));
    expect(r2).toBeGreaterThan(b2);
    expect(divergingColor(5, 1)).toBe(divergingColor(1, 1));
    expect(divergingColor(Number.NaN, 1)).toBe('#f7f7f7');
  });

  it('interpolates between stops', () => {
    // Halfway between #f7f7f7 and #ef8a62 is (243, 192.5, 172.5) → rounded.
    expect(divergingColor(0.25, 1)).toBe('#f3c1ad');
  });

  it('has a sequential half from neutral to red, for unsigned values', () => {
    expect(SEQUENTIAL_STOPS).toEqual(['#f7f7f7', '#ef8a62', '#b2182b']);
  });

  it('takes the largest |value| as the limit, 1 when all are zero', () => {
    expect(maxAbs([0.5, -3, 2])).toBe(3);
    expect(maxAbs([0, 0])).toBe(1);
    expect(maxAbs([])).toBe(1);
  });

  it('picks readable text on light and dark backgrounds', () => {
    expect(textColorOn('#f7f7f7')).toBe('#000000');
    expect(textColorOn('#2166ac')).toBe('#ffffff');
    expect(textColorOn('#b2182b')).toBe('#ffffff');
  });
});

describe('the blue–orange palette', () => {
  it('keeps the default red–blue scale unless asked', () => {
    expect(divergingStops()).toEqual(DIVERGING_STOPS);
    expect(divergingColor(1, 1)).toBe(divergingColor(1, 1, 'red-blue'));
  });

  it('runs blue → neutral → orange, with the same neutral as red–blue', () => {
    const stops = PALETTES['blue-orange'];
    expect(divergingColor(-1, 1, 'blue-orange')).toBe(stops[0]);
    expect(divergingColor(0, 1, 'blue-orange')).toBe(DIVERGING_STOPS[2]);
    expect(divergingColor(1, 1, 'blue-orange')).toBe(stops[4]);
    const [r1, , b1] = rgb(divergingColor(-0.5, 1, 'blue-orange'));
    expect(b1).toBeGreaterThan(r1);
    const [r2, g2, b2] = rgb(divergingColor(0.5, 1, 'blue-orange'));
    expect(r2).toBeGreaterThan(g2);
    expect(g2).toBeGreaterThan(b2);
    expect(sequentialStops('blue-orange')).toEqual(stops.slice(2));
  });

  it('tells its ends apart by lightness too (greyscale, any colour vision)', () => {
    const luminance = (hex: string) => {
      const [r, g, b] = rgb(hex);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    for (const stops of Object.values(PALETTES)) {
      expect(luminance(stops[1]!)).toBeGreaterThan(luminance(stops[0]!));
      expect(luminance(stops[2]!)).toBeGreaterThan(luminance(stops[1]!));
      expect(luminance(stops[2]!)).toBeGreaterThan(luminance(stops[3]!));
      expect(luminance(stops[3]!)).toBeGreaterThan(luminance(stops[4]!));
    }
  });
});
