import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../shared/options.js';
import { normalize, resolveTarget, targetOption } from './common.js';

const prediction = { logits: [2, 1, 0], probabilities: {}, predictedIndex: 0, predictedLabel: 'a' };
const labels = ['a', 'b', 'c'];

describe('normalize', () => {
  it('divides by the L1 norm (ferret) keeping signs', () => {
    expect(normalize([1, -3, 0, 4], 'l1')).toEqual([0.125, -0.375, 0, 0.5]);
  });
  it('divides by the L2 norm (transformers-interpret)', () => {
    expect(normalize([3, -4], 'l2')).toEqual([0.6, -0.8]);
  });
  it('keeps raw values for none and zeros for a zero vector', () => {
    expect(normalize([3, -4], 'none')).toEqual([3, -4]);
    expect(normalize([0, 0], 'l1')).toEqual([0, 0]);
  });
});

describe('resolveTarget', () => {
  it('takes the predicted class, an index or a label', () => {
    expect(resolveTarget('predicted', prediction, labels)).toEqual({ index: 0, label: 'a' });
    expect(resolveTarget(2, prediction, labels)).toEqual({ index: 2, label: 'c' });
    expect(resolveTarget('b', prediction, labels)).toEqual({ index: 1, label: 'b' });
  });
  it('parses CLI strings into an index or a label', () => {
    expect(resolveOptions([targetOption], { target: '2' })).toEqual({ target: 2 });
    expect(resolveOptions([targetOption], { target: 'POSITIVE' })).toEqual({ target: 'POSITIVE' });
  });
  it('refuses an unknown label or index', () => {
    expect(() => resolveTarget('z', prediction, labels)).toThrow(/one of a, b, c; got z/);
    expect(() => resolveTarget(3, prediction, labels)).toThrow(/0…2/);
  });
});
