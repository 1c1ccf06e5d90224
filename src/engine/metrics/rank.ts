/** Ranking tokens by score the way ferret's numpy code does, so that top-k rationales pick the same tokens. */

/**
 * Positions of `scores` from the highest to the lowest. Ties put the later position first, as ferret's
 * `argsort()[::-1]` does (numpy sorts short arrays stably, and the reversal flips tied runs).
 */
export function descendingOrder(scores: readonly number[]): number[] {
  return scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]! || b - a);
}
