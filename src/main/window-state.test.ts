import { describe, expect, it } from 'vitest';
import { boundsToRestore, DEFAULT_SIZE, parseWindowState } from './window-state.js';

const screen = { x: 0, y: 0, width: 1920, height: 1080 };

describe('window state', () => {
  it('reuses saved bounds that are on a display', () => {
    const saved = parseWindowState('{"bounds":{"x":100,"y":50,"width":1200,"height":800},"maximized":true}');
    expect(saved).toEqual({ bounds: { x: 100, y: 50, width: 1200, height: 800 }, maximized: true });
    expect(boundsToRestore(saved, [screen])).toEqual({ x: 100, y: 50, width: 1200, height: 800 });
  });

  it('keeps only the size when the saved position is off every display (a monitor was unplugged)', () => {
    const saved = parseWindowState('{"bounds":{"x":2500,"y":50,"width":1200,"height":800}}');
    expect(boundsToRestore(saved, [screen])).toEqual({ width: 1200, height: 800 });
    expect(boundsToRestore(saved, [screen, { x: 1920, y: 0, width: 1920, height: 1080 }])).toMatchObject({ x: 2500 });
  });

  it('falls back to the default size without a usable saved state', () => {
    for (const text of [undefined, '', 'not json', '{"bounds":{"x":0,"y":0,"width":-5,"height":10}}', '{}']) {
      expect(boundsToRestore(parseWindowState(text), [screen])).toEqual(DEFAULT_SIZE);
    }
  });
});
