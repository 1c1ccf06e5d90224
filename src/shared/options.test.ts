import { describe, expect, it } from 'vitest';
import { OptionError, resolveOptions, type OptionSpec } from './options.js';

const specs: OptionSpec[] = [
  { name: 'aggregation', label: '', help: '', type: 'choice', choices: ['median', 'mean'], default: 'median' },
  { name: 'n_steps', label: '', help: '', type: 'integer', min: 1, max: 500, default: 50 },
  { name: 'include_maps', label: '', help: '', type: 'boolean', default: false },
  { name: 'layer', label: '', help: '', type: 'index-or-all', default: 'all' },
];

describe('resolveOptions', () => {
  it('fills every default when nothing is given', () => {
    expect(resolveOptions(specs)).toEqual({ aggregation: 'median', n_steps: 50, include_maps: false, layer: 'all' });
  });

  it('accepts strings for numbers and booleans, as CLI flags give them', () => {
    expect(resolveOptions(specs, { n_steps: '20', include_maps: 'true', layer: '3' })).toMatchObject({
      n_steps: 20,
      include_maps: true,
      layer: 3,
    });
  });

  it.each([
    [{ aggregation: 'mode' }, /must be one of median, mean; got mode/],
    [{ n_steps: 0 }, /integer from 1 to 500; got 0/],
    [{ n_steps: '2.5' }, /integer from 1 to 500; got 2.5/],
    [{ include_maps: 'yes' }, /true or false; got yes/],
    [{ layer: -1 }, /"all" or an index ≥ 0; got -1/],
    [{ stesp: 3 }, /has no option "stesp"/],
  ])('rejects %o with a specific message', (given, message) => {
    expect(() => resolveOptions(specs, given, 'demo')).toThrow(OptionError);
    expect(() => resolveOptions(specs, given, 'demo')).toThrow(message);
  });
});
