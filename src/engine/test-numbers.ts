/** Comparing the engine's numbers with golden ones, for the tests. */
import { expect } from 'vitest';

/** The largest |actual[i] − expected[i]|, once the lengths are checked to agree. */
export function maxDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i += 1) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst;
}
