/**
 * Plausibility: agreement of token scores with a human rationale (0/1 per token), as ferret defines it.
 * Inputs are aligned arrays of the tokens to judge (specials already dropped).
 */
import { descendingOrder } from './rank.js';

/** ferret's hard rationale size for token F1 and IoU. */
export const DEFAULT_TOP_K = 5;

/**
 * Area under the precision–recall curve, as `sklearn.metrics.auc(recall, precision)` over
 * `precision_recall_curve(rationale, max(scores, 0))`: one point per distinct threshold, stopping at the first
 * threshold that reaches full recall, plus the (recall 0, precision 1) end point. NaN without a positive.
 */
export function auprc(scores: readonly number[], rationale: readonly number[]): number {
  checkAligned(scores, rationale);
  const clipped = scores.map((s) => Math.max(s, 0));
  const positives = rationale.filter((r) => r > 0).length;
  if (positives === 0) return NaN;
  const order = descendingOrder(clipped);
  const points: [recall: number, precision: number][] = [[0, 1]];
  let truePositives = 0;
  for (let rank = 0; rank < order.length; rank += 1) {
    if (rationale[order[rank]!]! > 0) truePositives += 1;
    // A threshold takes in every tied score at once.
    if (rank + 1 < order.length && clipped[order[rank + 1]!] === clipped[order[rank]!]) continue;
    points.push([truePositives / positives, truePositives / (rank + 1)]);
    if (truePositives === positives) break;
  }
  let area = 0;
  for (let i = 1; i < points.length; i += 1) {
    area += ((points[i]![0] - points[i - 1]![0]) * (points[i]![1] + points[i - 1]![1])) / 2;
  }
  return area;
}

/** Positions of the `k` highest scores that are positive (ferret's `only_pos` hard rationale). */
export function topKPositive(scores: readonly number[], k: number): number[] {
  return descendingOrder(scores)
    .slice(0, k)
    .filter((i) => scores[i]! > 0);
}

export function tokenF1(scores: readonly number[], rationale: readonly number[], k = DEFAULT_TOP_K): number {
  const { hits, predicted, actual } = overlap(scores, rationale, k);
  if (hits === 0) return 0;
  const precision = hits / predicted;
  const recall = hits / actual;
  return (2 * precision * recall) / (precision + recall);
}

export function tokenIoU(scores: readonly number[], rationale: readonly number[], k = DEFAULT_TOP_K): number {
  const { hits, predicted, actual } = overlap(scores, rationale, k);
  const union = predicted + actual - hits;
  return union === 0 ? 0 : hits / union;
}

function overlap(scores: readonly number[], rationale: readonly number[], k: number) {
  checkAligned(scores, rationale);
  const predicted = topKPositive(scores, k);
  const hits = predicted.filter((i) => rationale[i]! > 0).length;
  return { hits, predicted: predicted.length, actual: rationale.filter((r) => r > 0).length };
}

function checkAligned(scores: readonly number[], rationale: readonly number[]): void {
  if (scores.length !== rationale.length) {
    throw new Error(`the rationale has ${rationale.length} values for ${scores.length} tokens`);
  }
}
