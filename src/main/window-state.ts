/**
 * Remembering where the window was. Pure functions over plain rectangles (no Electron import), so the rules
 * are unit-tested: saved bounds are reused only when they still fit on a connected display.
 */

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Rectangle;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1400, height: 900 } as const;
const MIN_VISIBLE = 100;

/** Parses a saved state; anything malformed counts as no state. */
export function parseWindowState(text: string | undefined): WindowState | undefined {
  if (!text) return undefined;
  try {
    const state = JSON.parse(text) as Partial<WindowState>;
    const bounds = state.bounds;
    const valid =
      bounds !== undefined &&
      [bounds.x, bounds.y, bounds.width, bounds.height].every((value) => Number.isFinite(value)) &&
      bounds.width > 0 &&
      bounds.height > 0;
    return valid ? { bounds, maximized: state.maximized === true } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The bounds to open with: the saved ones if at least a corner of the title bar area is visible on one of the
 * displays' work areas (a monitor may have been unplugged), otherwise the default size, centered by Electron.
 */
export function boundsToRestore(saved: WindowState | undefined, workAreas: readonly Rectangle[]): Partial<Rectangle> {
  if (!saved) return { ...DEFAULT_SIZE };
  const { x, y, width } = saved.bounds;
  const visible = workAreas.some(
    (area) =>
      x + width - MIN_VISIBLE >= area.x &&
      x + MIN_VISIBLE <= area.x + area.width &&
      y >= area.y &&
      y + MIN_VISIBLE <= area.y + area.height,
  );
  return visible ? { ...saved.bounds } : { width: saved.bounds.width, height: saved.bounds.height };
}
