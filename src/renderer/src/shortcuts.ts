/**
 * The workbench's keyboard shortcuts, one table for the handler in App.vue and the `?` overlay that lists
 * them. Keys act only when focus is not in a text field (and never with Ctrl, Alt or ⌘, left to the browser).
 */
export interface Shortcut {
  /** `KeyboardEvent.key` values that trigger it. */
  keys: readonly string[];
  /** As the overlay shows it. */
  label: string;
  description: string;
}

export const SHORTCUTS = {
  help: { keys: ['?'], label: '?', description: 'Show or hide this list of shortcuts' },
  next: { keys: ['ArrowDown', 'j'], label: '↓ or j', description: 'Next sentence' },
  previous: { keys: ['ArrowUp', 'k'], label: '↑ or k', description: 'Previous sentence' },
  pane: { keys: ['1', '2', '3', '4'], label: '1–4', description: 'Focus a pane (sentence view)' },
  run: { keys: ['r'], label: 'r', description: 'Run the ticked methods on every sentence' },
  cancel: {
    keys: ['Escape', 'x'],
    label: 'Esc or x',
    description: 'Cancel the running job (Esc also closes this list)',
  },
  view: { keys: ['v'], label: 'v', description: 'Switch between the sentence and the corpus view' },
  theme: { keys: ['t'], label: 't', description: 'Toggle light and dark theme' },
  palette: { keys: ['p'], label: 'p', description: 'Switch the colour palette (red–blue / blue–orange)' },
} as const satisfies Record<string, Shortcut>;

export type ShortcutName = keyof typeof SHORTCUTS;

/** Which shortcut `key` triggers, if any. */
export function shortcutFor(key: string): ShortcutName | undefined {
  return (Object.keys(SHORTCUTS) as ShortcutName[]).find((name) =>
    (SHORTCUTS[name].keys as readonly string[]).includes(key),
  );
}
