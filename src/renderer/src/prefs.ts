/**
 * The user's look preferences, remembered in localStorage: the theme (the system's `prefers-color-scheme` until
 * the user picks one, and then the pick, across reloads) and the diverging palette every heat text and chart
 * colours scores with. The theme lives in the store's `state.theme` (charts read it there); this module only
 * decides and remembers it.
 */
import { reactive } from 'vue';
import { PALETTES, type Palette } from '../../shared/charts/scale';
import { state } from './store';

export const THEME_KEY = 'xai-workbench.theme';
export const PALETTE_KEY = 'xai-workbench.palette';

type Theme = 'light' | 'dark';

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // Storage off (private mode, a file:// page): the choice lasts this session only.
  }
}

function storedPalette(): Palette {
  const saved = read(PALETTE_KEY);
  return saved !== null && saved in PALETTES ? (saved as Palette) : 'red-blue';
}

export const prefs = reactive({
  palette: storedPalette(),
  /** True once the user picked a theme: the system setting no longer applies. */
  themePicked: read(THEME_KEY) === 'light' || read(THEME_KEY) === 'dark',
});

function systemTheme(): Theme {
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Sets the theme from storage or the system, and follows the system while the user has not picked one. */
export function initTheme(): void {
  const saved = read(THEME_KEY);
  state.theme = saved === 'light' || saved === 'dark' ? saved : systemTheme();
  window.matchMedia?.('(prefers-color-scheme: dark)').addEventListener?.('change', () => {
    if (!prefs.themePicked) state.theme = systemTheme();
  });
}

export function setTheme(theme: Theme): void {
  state.theme = theme;
  prefs.themePicked = true;
  write(THEME_KEY, theme);
}

export function toggleTheme(): void {
  setTheme(state.theme === 'dark' ? 'light' : 'dark');
}

export function setPalette(palette: Palette): void {
  prefs.palette = palette;
  write(PALETTE_KEY, palette);
}
