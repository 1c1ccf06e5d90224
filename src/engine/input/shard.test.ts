import { describe, expect, it } from 'vitest';
import { OptionError } from '../../shared/options.js';
import { inputInfo, parseShard, shardIndices } from './shard.js';

describe('parseShard', () => {
  it('reads i/n with 0 ≤ i < n', () => {
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    expect(parseShard('11/12')).toEqual({ index: 11, count: 12 });
  });

  it.each(['1/1', '0/0', '-1/3', '1', '1/', '/3', 'a/b', '1.5/3', '1/3/5'])('refuses %s', (spec) => {
    expect(() => parseShard(spec)).toThrow(OptionError);
  });
});

describe('shardIndices', () => {
  it('covers every sentence exactly once across the n shards, whatever n', () => {
    for (const total of [0, 1, 7, 100]) {
      for (const count of [1, 2, 3, 8, 150]) {
        const all = Array.from({ length: count }, (_, index) => shardIndices(total, { index, count })).flat();
        expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i));
      }
    }
  });

  it('takes every n-th sentence starting at i', () => {
    expect(shardIndices(10, { index: 1, count: 3 })).toEqual([1, 4, 7]);
  });
});

describe('inputInfo', () => {
  it('tells inputs apart by content and order, not only by count', () => {
    const a = inputInfo(['one', 'two']);
    expect(a).toEqual({ sentences: 2, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(inputInfo(['one', 'two'])).toEqual(a);
    expect(inputInfo(['two', 'one']).sha256).not.toBe(a.sha256);
  });
});
