/**
 * Partition SHAP on every encoder family, against oracles that share nothing with shap-partition.ts's recursion
 * but the tree it is given:
 * - exact Owen values of that tree, by brute force over the coalitions of sibling groups, with the real model
 *   (full expansion, which the default budget of 500 reaches on these short sentences);
 * - shap's row count for that tree and `max_evals`, derived here from shap's `PartitionExplainer` (0.46–0.52)
 *   as methods.md describes it, in closed form and by a walk of its `owen` loop that also gives shap's values
 *   when the budget binds;
 * - the rows our run asks of the model, counted by the sentence's forward service, not by our own counter.
 * The tree is shap's Text masker's (shap-partition.test.ts derives it by hand from `merge_score`, shap-text.test.ts
 * the masked strings from shap's examples); each sentence is short enough to brute-force.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveOptions } from '../../shared/options.js';
import { ForwardService, forwardServiceFor } from '../forward-service.js';
import { ModelBundle } from '../model/bundle.js';
import { PACKAGE_ROOT } from '../paths.js';
import { predictTexts, type PredictedText } from '../predict.js';
import { partitionTree, type Merge } from './shap-partition.js';
import { maskedString, maskerSegments, partitionTokens } from './shap-text.js';
import { shapExplainer } from './shap.js';

const FAMILIES = [
  // SentencePiece pieces continue a word ("b a d."); "'" then "s" earns shap's +15.
  { fixture: 'tiny-albert', family: 'ALBERT (SentencePiece)', text: "It's not bad." },
  // A lone "▁" token whose segment is empty, a comma (−10) and a sentence end.
  { fixture: 'tiny-deberta', family: 'DeBERTa-v3 (Unigram)', text: 'Great film, truly!' },
  { fixture: 'tiny-electra', family: 'ELECTRA (WordPiece)', text: 'I loved it, truly.' },
  // Unbalanced brackets (−100) until "( really )" closes; `<mask>` as the mask token.
  { fixture: 'tiny-mpnet', family: 'MPNet', text: 'Not bad (really).' },
  // Unigram with an <unk> piece, an accented piece, a lone "▁" and `<mask>`.
  { fixture: 'tiny-xlmr', family: 'XLM-R (Unigram)', text: "C'est très bien." },
  { fixture: 'tiny-bert-cased', family: 'BERT cased', text: "It's not BAD." },
  // Byte-level BPE: an emoji split over two byte tokens, the second never masked (a dummy, value 0).
  { fixture: 'tiny-roberta', family: 'RoBERTa (byte-level BPE)', text: 'I loved it 😊, truly.' },
  { fixture: 'tiny-distilbert', family: 'DistilBERT', text: "It's not bad, really." },
  // Cased multilingual WordPiece: each CJK ideograph is a word of its own.
  { fixture: 'tiny-bert-multilingual', family: 'multilingual BERT', text: 'Sehr gut, 很好!' },
  { fixture: 'tiny-deberta-v2', family: 'DeBERTa-v2 (absolute positions, token types)', text: 'Not great, truly.' },
  { fixture: 'tiny-minilm', family: 'MiniLM (BERT, 12 heads of 4)', text: "It's fine, really." },
];

/** Budgets that bind on every sentence above: an even one, and an odd one (shap then asks for one row more). */
const TIGHT_BUDGETS = [24, 41];
const DEFAULT_MAX_EVALS = 500;
/** shap's Text masker's `default_batch_size`, the `batch_size` of `PartitionExplainer` when "auto". */
const SHAP_BATCH_SIZE = 5;

type Model = (masks: Uint8Array[]) => Promise<Float64Array[]>;

/** The leaves under each node (leaves 0…n−1, then one node per merge), found by walking down the tree. */
function leafSets(merges: readonly Merge[], leaves: number): Uint8Array[] {
  const sets: Uint8Array[] = [];
  const collect = (node: number, into: Uint8Array): void => {
    if (node < leaves) into[node] = 1;
    else {
      collect(merges[node - leaves]!.left, into);
      collect(merges[node - leaves]!.right, into);
    }
  };
  for (let node = 0; node < leaves + merges.length; node += 1) {
    const set = new Uint8Array(leaves);
    collect(node, set);
    sets.push(set);
  }
  return sets;
}

const union = (a: Uint8Array, b: Uint8Array) => a.map((bit, i) => bit | b[i]!);

/**
 * Exact Owen values of a binary hierarchy: on the path from the root down to leaf i, each sibling group is all
 * present or all absent, with probability ½ each (the Shapley weights of a two-player game at every level).
 */
async function bruteForceOwen(merges: readonly Merge[], leaves: number, f: Model): Promise<number[][]> {
  const sets = leafSets(merges, leaves);
  const parentOf = new Map<number, { parent: number; sibling: number }>();
  merges.forEach(({ left, right }, k) => {
    parentOf.set(left, { parent: leaves + k, sibling: right });
    parentOf.set(right, { parent: leaves + k, sibling: left });
  });
  const values: number[][] = [];
  for (let leaf = 0; leaf < leaves; leaf += 1) {
    const siblings: number[] = [];
    for (let node = leaf; parentOf.has(node); node = parentOf.get(node)!.parent) {
      siblings.push(parentOf.get(node)!.sibling);
    }
    const masks: Uint8Array[] = [];
    for (let subset = 0; subset < 2 ** siblings.length; subset += 1) {
      let context = new Uint8Array(leaves);
      siblings.forEach((sibling, k) => {
        if (subset & (1 << k)) context = union(context, sets[sibling]!);
      });
      const withLeaf = Uint8Array.from(context);
      withLeaf[leaf] = 1;
      masks.push(withLeaf, context);
    }
    const outputs = await f(masks);
    const value = Array.from(outputs[0]!, () => 0);
    for (let p = 0; p < outputs.length; p += 2) {
      value.forEach((_, c) => (value[c]! += (outputs[p]![c]! - outputs[p + 1]![c]!) / 2 ** siblings.length));
    }
    values.push(value);
  }
  return values;
}

/**
 * shap's row count in closed form. `explain_row` evaluates the empty and the full mask (2 rows) and calls
 * `owen(…, max_evals − 2, …)`. There, expanding an internal node costs 2 rows (left on, right on in its
 * context) and queues both children twice (sibling off, sibling on), so at full expansion a node at depth k is
 * expanded in 2^k contexts: Σ over internal nodes of 2·2^depth. A row is added to a batch only while
 * `eval_count + len(batch_masks) < B` (B = max_evals − 2), and every node still unexpanded waits in the queue,
 * so the count stops at the first even number ≥ B, or at full expansion if that comes first.
 */
function shapRowCount(merges: readonly Merge[], leaves: number, maxEvals: number): number {
  let full = 0;
  const visit = (node: number, depth: number): void => {
    if (node < leaves) return;
    full += 2 * 2 ** depth;
    visit(merges[node - leaves]!.left, depth + 1);
    visit(merges[node - leaves]!.right, depth + 1);
  };
  visit(leaves + merges.length - 1, 0);
  const budget = maxEvals - 2;
  return 2 + Math.min(full, budget + (budget % 2));
}

/**
 * shap's `PartitionExplainer.explain_row` → `owen` (fixed_context None) → `lower_credit`, line by line: a
 * priority queue of (−max|Δ|·w, tie-break, (m00, f00, f11, ind, w)), batches of up to `batch_size` masks, the
 * budget check before each mask, the credit left on queued nodes when the budget is spent, then each node's
 * credit lowered to its children by size. shap breaks ties with `np.random.randn()`; here the earlier entry
 * wins, one of the orders shap may draw.
 */
async function shapPartitionWalk(
  merges: readonly Merge[],
  leaves: number,
  f: Model,
  maxEvals: number,
): Promise<{ values: number[][]; rows: number }> {
  const sets = leafSets(merges, leaves);
  const m00 = new Uint8Array(leaves);
  const [base, full] = await f([m00, new Uint8Array(leaves).fill(1)]);
  const root = leaves + merges.length - 1;
  const dvalues = Array.from({ length: root + 1 }, () => Array.from(base!, () => 0));
  interface Args {
    m00: Uint8Array;
    f00: Float64Array;
    f11: Float64Array;
    ind: number;
    weight: number;
  }
  const queue: { priority: number; tie: number; args: Args }[] = [];
  let tie = 0;
  const put = (priority: number, args: Args) => queue.push({ priority, tie: tie++, args });
  const get = (): Args => {
    let best = 0;
    queue.forEach((entry, k) => {
      const current = queue[best]!;
      if (entry.priority < current.priority || (entry.priority === current.priority && entry.tie < current.tie)) {
        best = k;
      }
    });
    return queue.splice(best, 1)[0]!.args;
  };
  const credit = ({ f00, f11, ind, weight }: Args) =>
    dvalues[ind]!.forEach((_, c) => (dvalues[ind]![c]! += (f11[c]! - f00[c]!) * weight));
  const maxAbsDifference = (a: Float64Array, b: Float64Array) =>
    a.reduce((largest, value, c) => Math.max(largest, Math.abs(value - b[c]!)), 0);
  const budget = maxEvals - 2;
  put(0, { m00, f00: base!, f11: full!, ind: root, weight: 1 });
  let evalCount = 0;
  while (queue.length > 0) {
    if (evalCount >= budget) {
      while (queue.length > 0) credit(get());
      break;
    }
    const batchArgs: { args: Args; m10: Uint8Array; m01: Uint8Array; lind: number; rind: number }[] = [];
    const batchMasks: Uint8Array[] = [];
    while (queue.length > 0 && batchMasks.length < SHAP_BATCH_SIZE && evalCount + batchMasks.length < budget) {
      const args = get();
      // Leaves have distance −1: their credit stays.
      if (args.ind < leaves) {
        credit(args);
        continue;
      }
      const { left: lind, right: rind } = merges[args.ind - leaves]!;
      const m10 = union(args.m00, sets[lind]!);
      const m01 = union(args.m00, sets[rind]!);
      batchArgs.push({ args, m10, m01, lind, rind });
      batchMasks.push(m10, m01);
    }
    if (batchArgs.length === 0) continue;
    const fout = await f(batchMasks);
    evalCount += batchMasks.length;
    batchArgs.forEach(({ args, m10, m01, lind, rind }, i) => {
      const [f10, f01] = [fout[2 * i]!, fout[2 * i + 1]!];
      const weight = args.weight / 2;
      put(-maxAbsDifference(f10, args.f00) * weight, { m00: args.m00, f00: args.f00, f11: f10, ind: lind, weight });
      put(-maxAbsDifference(f01, args.f00) * weight, { m00: args.m00, f00: args.f00, f11: f01, ind: rind, weight });
      put(-maxAbsDifference(args.f11, f01) * weight, { m00: m01, f00: f01, f11: args.f11, ind: lind, weight });
      put(-maxAbsDifference(args.f11, f10) * weight, { m00: m10, f00: f10, f11: args.f11, ind: rind, weight });
    });
  }
  const values = dvalues.map((row) => [...row]);
  const sizeOf = (node: number) => (node < leaves ? 1 : merges[node - leaves]!.size);
  const lowerCredit = (node: number, value: number[]): void => {
    values[node]!.forEach((_, c) => (values[node]![c]! += value[c]!));
    if (node < leaves) return;
    const { left, right, size } = merges[node - leaves]!;
    expect(sizeOf(left) + sizeOf(right)).toBe(size);
    lowerCredit(
      left,
      values[node]!.map((v) => (v * sizeOf(left)) / size),
    );
    lowerCredit(
      right,
      values[node]!.map((v) => (v * sizeOf(right)) / size),
    );
  };
  lowerCredit(
    root,
    Array.from(base!, () => 0),
  );
  return { values: values.slice(0, leaves), rows: evalCount + 2 };
}

const TOLERANCE = 1e-6;

function expectValues(actual: readonly (readonly number[])[], expected: readonly (readonly number[])[], what: string) {
  expect(actual.length, what).toBe(expected.length);
  expected.forEach((values, i) =>
    values.forEach((value, c) =>
      expect(Math.abs(actual[i]![c]! - value), `${what}: token ${i} class ${c}`).toBeLessThanOrEqual(TOLERANCE),
    ),
  );
}

describe.each(FAMILIES)('Partition SHAP on $family ($fixture)', ({ fixture, text }) => {
  let model: ModelBundle;
  let input: PredictedText;
  let merges: Merge[];
  let leaves: number;
  /** The model on masks, through a forward service of the oracle's own. */
  let f: Model;

  beforeAll(async () => {
    model = await ModelBundle.load(join(PACKAGE_ROOT, 'fixtures/models', fixture), {
      cacheDir: await mkdtemp(join(tmpdir(), 'xai-shap-families-')),
    });
    input = (await predictTexts(model, [text]))[0]!;
    const { encoded } = input;
    leaves = encoded.ids.length;
    const { segments, fixed } = maskerSegments(text, encoded.offsets, encoded.special);
    const sep = model.tokenizer.specials.sep!.token;
    merges = partitionTree(partitionTokens(segments), [sep]);
    const maskToken = model.tokenizer.specials.mask!.token;
    const oracle = new ForwardService(model);
    f = async (masks) =>
      (await oracle.runTexts(masks.map((mask) => maskedString(segments, mask, fixed, maskToken, sep)))).map(
        (output) => output.probabilities,
      );
  });
  afterAll(() => model?.dispose());

  /** Our explainer at `maxEvals`, with the rows it asked the sentence's forward service for. */
  async function explain(maxEvals: number) {
    const service = forwardServiceFor(model, input.encoded);
    const before = service.requests;
    const explanation = await shapExplainer.explain(
      input,
      { model },
      resolveOptions(shapExplainer.options, { max_evals: maxEvals }),
    );
    expect(explanation.warnings, text).toEqual(
      fixture === 'tiny-roberta' ? [expect.objectContaining({ code: 'shared-character' })] : [],
    );
    expect(explanation.shap!.clustering).toEqual(merges.map(({ left, right, size }) => [left, right, size]));
    return { shap: explanation.shap!, requested: service.requests - before };
  }

  it('equals exact Owen values by brute force over the same tree, in shap’s rows, at the default budget', async () => {
    const { shap, requested } = await explain(DEFAULT_MAX_EVALS);
    const rows = shapRowCount(merges, leaves, DEFAULT_MAX_EVALS);
    // Fully expanded within the budget, so the values are the exact Owen values whatever the order.
    expect(rows).toBeLessThan(DEFAULT_MAX_EVALS);
    expect(requested).toBe(rows);
    expect(shap.rows).toBe(rows);
    const exact = await bruteForceOwen(merges, leaves, f);
    expectValues(shap.values, exact, 'brute force');
    // The walk of shap's loop agrees with both: the oracles check each other.
    const walk = await shapPartitionWalk(merges, leaves, f, DEFAULT_MAX_EVALS);
    expect(walk.rows).toBe(rows);
    expectValues(walk.values, exact, 'shap walk vs brute force');
  });

  it.each(TIGHT_BUDGETS)('asks for shap’s rows and gives shap’s values when max_evals %i binds', async (maxEvals) => {
    const { shap, requested } = await explain(maxEvals);
    const walk = await shapPartitionWalk(merges, leaves, f, maxEvals);
    const rows = shapRowCount(merges, leaves, maxEvals);
    expect(rows).toBe(maxEvals + (maxEvals % 2));
    expect(walk.rows).toBe(rows);
    expect(requested).toBe(rows);
    expect(shap.rows).toBe(rows);
    expectValues(shap.values, walk.values, `walk of shap's owen at max_evals ${maxEvals}`);
    // Efficiency, per class.
    shap.baseValues.forEach((base, c) => {
      const sum = shap.values.reduce((total, values) => total + values[c]!, 0);
      expect(Math.abs(sum - (shap.outputs[c]! - base))).toBeLessThanOrEqual(TOLERANCE);
    });
  });
});
