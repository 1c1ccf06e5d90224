/**
 * Truncation as Hugging Face's fast tokenizers do it (tokenizers' truncation.rs, longest-first), done by the
 * text layer itself: the binding's own truncation changed in 0.23.1. The specials the template adds are always
 * kept; each text keeps its beginning.
 */

/**
 * Tokens each text of a pair keeps within `budget` (the model's limit minus the pair's specials): the shorter
 * text keeps all it has if that leaves the longer at least as much; else both get half the budget, the longer
 * (the second, when they are as long) the odd token.
 */
export function longestFirst(n1: number, n2: number, budget: number): [number, number] {
  if (n1 + n2 <= budget) return [n1, n2];
  const shorter = Math.min(n1, n2);
  if (shorter <= budget - shorter) return n1 <= n2 ? [n1, budget - n1] : [budget - n2, n2];
  const half = Math.floor(budget / 2);
  const odd = budget % 2;
  return n1 > n2 ? [half + odd, half] : [half, half + odd];
}

/**
 * Which positions of an encoding stay within `maxLength`: every special, and the first tokens of each text
 * (one text: as many as fit; a pair: longest-first). `sequenceIds` is 0 or 1 per text token, null at specials.
 */
export function keptPositions(sequenceIds: readonly (number | null)[], maxLength: number): boolean[] {
  const counts = [0, 0];
  for (const sequence of sequenceIds) if (sequence !== null) counts[sequence]! += 1;
  const specials = sequenceIds.length - counts[0]! - counts[1]!;
  const budget = Math.max(0, maxLength - specials);
  const limits = counts[1] === 0 ? [Math.min(counts[0]!, budget), 0] : longestFirst(counts[0]!, counts[1]!, budget);
  const seen = [0, 0];
  return sequenceIds.map((sequence) => sequence === null || seen[sequence]!++ < limits[sequence]!);
}
