/**
 * Faithfulness as ferret defines it, on the target's probability: AOPC comprehensiveness and sufficiency over
 * the top-k rationales of the explanation, and Kendall's τ-b against leave-one-out. The model is reached only
 * through `RemovalModel`, so the definitions can be checked by hand against a stub.
 */
import { kendallTauB } from '../../shared/agreement.js';
import { descendingOrder } from './rank.js';

export interface RemovalModel {
  /** The positions never removed (the tokenizer's specials); the first and last when absent. */
  special?: readonly boolean[];
  /** p(target) of the whole sentence. */
  full(): Promise<number>;
  /** p(target) with each set of token positions deleted (decode, re-tokenize). */
  without(sets: readonly number[][]): Promise<number[]>;
  /** p(target) of only each set of positions, in sentence order. */
  only(sets: readonly number[][]): Promise<number[]>;
}

/** The positions that may be removed: all but the specials (the first and last, unless `special` says). */
export function removablePositions(n: number, special?: readonly boolean[]): number[] {
  return Array.from({ length: n }, (_, i) => i).filter((i) => (special ? !special[i] : i > 0 && i < n - 1));
}

/**
 * The rationales R_t for t = 0.1 … 1.0 over the non-special tokens: the top ⌊t·m⌋ tokens with a positive
 * score; empty sets and a set equal to the previous one are skipped.
 */
export function rationaleSets(scores: readonly number[], special?: readonly boolean[]): number[][] {
  const positions = removablePositions(scores.length, special);
  const inner = positions.map((i) => scores[i]!);
  const order = descendingOrder(inner);
  const sets: number[][] = [];
  let previous = '';
  for (let step = 0; step < 10; step += 1) {
    // numpy's arange(0.1, 1.1, 0.1) is start + i·step: 0.30000000000000004 and 0.7000000000000001 included.
    const t = 0.1 + step * 0.1;
    const k = Math.floor(t * inner.length);
    const set = order
      .slice(0, k)
      .filter((i) => inner[i]! > 0)
      .map((i) => positions[i]!)
      .sort((a, b) => a - b);
    const key = set.join(',');
    if (set.length === 0 || key === previous) continue;
    previous = key;
    sets.push(set);
  }
  return sets;
}

/** mean_t [p(x) − p(x∖R_t)]; 0 when no rationale is valid. Higher is better. */
export async function aopcComprehensiveness(scores: readonly number[], model: RemovalModel): Promise<number> {
  const sets = rationaleSets(scores, model.special);
  if (sets.length === 0) return 0;
  const [full, removed] = await Promise.all([model.full(), model.without(sets)]);
  return mean(removed.map((p) => full - p));
}

/** mean_t [p(x) − p(R_t)]; 1 when no rationale is valid. Lower is better. */
export async function aopcSufficiency(scores: readonly number[], model: RemovalModel): Promise<number> {
  const sets = rationaleSets(scores, model.special);
  if (sets.length === 0) return 1;
  const [full, kept] = await Promise.all([model.full(), model.only(sets)]);
  return mean(kept.map((p) => full - p));
}

/**
 * τ-b between the non-special scores and the leave-one-out drops p(x) − p(x∖i). Higher is better; NaN when
 * either side is constant (scipy's nan).
 */
export async function taucorrLoo(scores: readonly number[], model: RemovalModel): Promise<number> {
  const positions = removablePositions(scores.length, model.special);
  const [full, removed] = await Promise.all([model.full(), model.without(positions.map((i) => [i]))]);
  return (
    kendallTauB(
      positions.map((i) => scores[i]!),
      removed.map((p) => full - p),
    ) ?? NaN
  );
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
