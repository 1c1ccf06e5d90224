import { describe, expect, it } from 'vitest';
import { fullExpansionCost, nodeLeaves, owenValues, partitionTree, type Merge } from './shap-partition.js';

const rows = (merges: Merge[]) => merges.map(({ left, right, size }) => [left, right, size]);

describe('partitionTree (derived by hand from shap merge_score)', () => {
  it('keeps "!" and "?" for late merges and the sentences apart', () => {
    // Specials are "" in shap's clustering tokens. Derivation: all single pairs score −2 (first wins) except
    // before "!"/"?" (−3) and after them (−22); then sizes decide.
    const tokens = ['', 'You', 'look', 'terrible', '!', 'Maybe', 'you', 'should', 'rest', '?', ''];
    expect(rows(partitionTree(tokens, ['[SEP]']))).toEqual([
      [0, 1, 2],
      [2, 3, 2],
      [5, 6, 2],
      [7, 8, 2],
      [11, 12, 4],
      [13, 14, 4],
      [15, 4, 5],
      [16, 9, 5],
      [18, 10, 6],
      [17, 19, 11],
    ]);
  });

  it('reaches across a comma (−10) and "but" (−2) last', () => {
    const tokens = ['', 'It', 'is', 'good', ',', 'but', 'slow', ''];
    // (',' , 'but') = −10 −2 −2 = −14 stays the worst pair to the end; 'but' joins 'slow ""' (−5) before the
    // comma joins the left clause (−6).
    expect(rows(partitionTree(tokens))).toEqual([
      [0, 1, 2],
      [2, 3, 2],
      [6, 7, 2],
      [8, 9, 4],
      [5, 10, 3],
      [11, 4, 5],
      [13, 12, 8],
    ]);
  });

  it("joins ## pieces first (+20), then 's endings (+15)", () => {
    const tokens = ['', 'The', 'film', "'", 's', 'un', '##real', ''];
    // un+##real = 18; film+' = 13 (first of the two 13s); [film '] + s = 15 − 3 = 12; then sizes.
    expect(rows(partitionTree(tokens))).toEqual([
      [5, 6, 2],
      [2, 3, 2],
      [9, 4, 3],
      [0, 1, 2],
      [8, 7, 3],
      [11, 10, 5],
      [13, 12, 8],
    ]);
  });

  it('penalizes crossing a sentence end (−20)', () => {
    const tokens = ['', 'Good', '.', 'Bad', '.', ''];
    expect(rows(partitionTree(tokens))).toEqual([
      [0, 1, 2],
      [3, 4, 2],
      [6, 2, 3],
      [7, 5, 3],
      [8, 9, 6],
    ]);
  });

  it('keeps an unbalanced bracket apart (−100) until its group closes', () => {
    // (a,() = −100 −2; ((,b) = −2 (opener first) −2; (b,)) = −2; (),c) = −100 −2 → b+) first.
    // Then ((, b)) = −2 −3 beats a+( (−102) and [b )]+c (−100 −3); the group "( b )" is now balanced, so
    // a + "( b )" = −4 beats "( b )" + c = −2 (opener first) −4.
    expect(rows(partitionTree(['a', '(', 'b', ')', 'c']))).toEqual([
      [2, 3, 2],
      [1, 5, 3],
      [0, 6, 4],
      [7, 4, 5],
    ]);
  });
});

/**
 * The exact Owen value of a binary hierarchy: at every level on the path from the root to leaf i, the sibling
 * group is either all present or all absent, each with probability ½ (Shapley weights of a two-player game).
 */
function bruteForceOwen(merges: Merge[], leaves: number, f: (mask: Uint8Array) => Float64Array): Float64Array[] {
  const masks = nodeLeaves(merges, leaves);
  const parent = new Map<number, [number, number]>(); // child → [parent, sibling]
  merges.forEach(({ left, right }, k) => {
    parent.set(left, [leaves + k, right]);
    parent.set(right, [leaves + k, left]);
  });
  return Array.from({ length: leaves }, (_, leaf) => {
    const siblings: number[] = [];
    for (let node = leaf; parent.has(node); node = parent.get(node)![0]) siblings.push(parent.get(node)![1]);
    const d = siblings.length;
    const value = new Float64Array(f(new Uint8Array(leaves)).length);
    for (let subset = 0; subset < 1 << d; subset += 1) {
      const context = new Uint8Array(leaves);
      siblings.forEach((sibling, k) => {
        if (subset & (1 << k)) masks[sibling]!.forEach((bit, i) => (context[i] ||= bit));
      });
      const withLeaf = Uint8Array.from(context);
      withLeaf[leaf] = 1;
      const on = f(withLeaf);
      const off = f(context);
      for (let c = 0; c < value.length; c += 1) value[c]! += (on[c]! - off[c]!) / 2 ** d;
    }
    return value;
  });
}

/** A two-output game with interactions, so every context matters. */
function game(mask: Uint8Array): Float64Array {
  const w = [0.3, -0.5, 0.8, 0.1, -0.2, 0.6, 0.25, -0.4];
  let z = 0;
  mask.forEach((bit, i) => (z += bit * w[i]!));
  z += 1.5 * mask[1]! * mask[2]! - 0.7 * mask[4]! * mask[5]! * mask[6]!;
  const p = 1 / (1 + Math.exp(-z));
  return Float64Array.of(p, 1 - p);
}

describe('owenValues', () => {
  const merges = partitionTree(['', 'It', 'is', 'good', ',', 'but', 'slow', '']);
  const model = async (masks: readonly Uint8Array[]) => masks.map(game);

  it('equals the brute-force Owen values when the budget allows full expansion', async () => {
    const result = await owenValues(merges, 8, model, { maxEvals: 100_000 });
    const exact = bruteForceOwen(merges, 8, game);
    result.values.forEach((values, i) => {
      for (let c = 0; c < 2; c += 1) expect(Math.abs(values[c]! - exact[i]![c]!)).toBeLessThanOrEqual(1e-12);
    });
  });

  it('costs 2 rows per node per context when fully expanded', async () => {
    // "Good . Bad .": root (depth 0) 2 rows; its two children 2·2 each; one grandchild each 2·4 → 26.
    const small = partitionTree(['', 'Good', '.', 'Bad', '.', '']);
    expect(fullExpansionCost(small, 6)).toBe(26);
    const result = await owenValues(small, 6, async (masks) => masks.map(game), { maxEvals: 1000 });
    expect(result.rows).toBe(26 + 2);
  });

  it('stays efficient under a tight budget and counts rows as shap does', async () => {
    const result = await owenValues(merges, 8, model, { maxEvals: 12 });
    expect(result.rows).toBeLessThanOrEqual(12);
    // Unexpanded nodes keep their credit in the hierarchical values; all of it is f(x) − base.
    const credited = result.hierarchical.reduce((total, values) => total + values[0]!, 0);
    expect(credited).toBeCloseTo(result.full[0]! - result.base[0]!, 12);
    expect(result.hierarchical.slice(8).some((values) => values[0] !== 0)).toBe(true);
    for (let c = 0; c < 2; c += 1) {
      const sum = result.values.reduce((total, values) => total + values[c]!, 0);
      expect(sum).toBeCloseTo(result.full[c]! - result.base[c]!, 12);
    }
  });
});
