/** The pane's head-view state: what it requests, which layer and heads it draws, and its chips' text colour. */
import { describe, expect, it } from 'vitest';
import { HEAD_COLORS } from '../../shared/charts/head-view';
import type { OptionSpec } from '../../shared/options';
import {
  CLOSED,
  MAPS_OPTION,
  chipTextColor,
  contrastRatio,
  headViewLayer,
  hideAllHeads,
  offersMaps,
  requestedOptions,
  showAllHeads,
  shownHeads,
  toggleHead,
} from './head-view';

describe('head view state', () => {
  it('asks for every map only while open, keeping the other options and their order', () => {
    const resolved = { options: { aggregation: 'median', layer: 'all', [MAPS_OPTION]: false, view: 'aggregated' } };
    expect(requestedOptions(resolved, false)).toBe(resolved);
    const open = requestedOptions(resolved, true);
    expect(open.options).toEqual({ ...resolved.options, [MAPS_OPTION]: true });
    expect(Object.keys(open.options)).toEqual(Object.keys(resolved.options));
    const already = { options: { [MAPS_OPTION]: true } };
    expect(requestedOptions(already, true)).toBe(already);
    const invalid = { error: 'attention option "layer" must be below 2; got 5' };
    expect(requestedOptions(invalid, true)).toBe(invalid);
  });

  it('is offered for methods with the maps option only', () => {
    const maps = { name: MAPS_OPTION, label: '', help: '', type: 'boolean', default: false } as OptionSpec;
    const other = { name: 'n_steps', label: '', help: '', type: 'integer', default: 50 } as OptionSpec;
    expect(offersMaps([other, maps])).toBe(true);
    expect(offersMaps([other])).toBe(false);
    expect(offersMaps(undefined)).toBe(false);
  });

  it('shows the last layer until one is chosen, and falls back to it when the model has fewer', () => {
    expect(headViewLayer(CLOSED, 12)).toBe(11);
    expect(headViewLayer({ ...CLOSED, layer: 3 }, 12)).toBe(3);
    expect(headViewLayer({ ...CLOSED, layer: 3 }, 2)).toBe(1);
    expect(headViewLayer(CLOSED, 0)).toBe(0);
  });

  it('toggles heads one by one, all and none', () => {
    let settings = toggleHead(toggleHead(CLOSED, 2), 0);
    expect(settings.hidden).toEqual([0, 2]);
    expect(shownHeads(settings, 4)).toEqual([1, 3]);
    settings = toggleHead(settings, 2);
    expect(shownHeads(settings, 4)).toEqual([1, 2, 3]);
    expect(shownHeads(hideAllHeads(settings, 4), 4)).toEqual([]);
    expect(shownHeads(showAllHeads(hideAllHeads(settings, 4)), 4)).toEqual([0, 1, 2, 3]);
    // Off heads a model does not have are ignored: "all" holds for any head count.
    expect(shownHeads({ ...CLOSED, hidden: [7] }, 2)).toEqual([0, 1]);
  });

  it('labels every head chip in its colour readably (WCAG AA, 4.5:1)', () => {
    for (const color of HEAD_COLORS) {
      expect(contrastRatio(color, chipTextColor(color)), color).toBeGreaterThanOrEqual(4.5);
    }
    expect(chipTextColor('#1f77b4')).toBe('#ffffff');
    expect(chipTextColor('#bcbd22')).toBe('#000000');
  });
});
