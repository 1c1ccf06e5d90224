/**
 * shap's Partition explainer (0.46–0.52) for text: the heuristic partition tree of `maskers._text` and the
 * Owen-value recursion of `PartitionExplainer.owen`, with its priority queue, batches and `max_evals` budget.
 */

/**
 * One merge per row, as shap's clustering matrix: children (leaves are 0…M−1, merged groups M, M+1, …), and
 * the number of leaves under the new node. shap overwrites the distance column with the rescaled size, so
 * every internal node is positive and gets split.
 */
export interface Merge {
  left: number;
  right: number;
  size: number;
}

const OPENERS: Record<string, string> = { '(': ')' };
const CLOSERS: Record<string, string> = { ')': '(' };
const CONNECTORS = new Set(['but', 'and', 'or']);
const SENTENCE_ENDS = new Set(['.', '?', '!']);

interface Token {
  s: string;
  /** Brackets start unbalanced and become balanced once their group closes. */
  balanced: boolean;
}

/** shap's `merge_score` for joining adjacent groups `a` and `b`. */
function mergeScore(a: readonly Token[], b: readonly Token[], specialTokens: readonly string[]): number {
  let score = 0;
  const aLast = a[a.length - 1]!;
  const bFirst = b[0]!;
  if (specialTokens.includes(aLast.s) && specialTokens.includes(bFirst.s)) score -= Infinity;
  if (bFirst.s.startsWith('##')) score += 20;
  if (bFirst.s === "'" && (b.length === 1 || (b.length === 2 && ['t', 's'].includes(b[1]!.s)))) score += 15;
  if (aLast.s === "'" && ['t', 's'].includes(bFirst.s)) score += 15;
  const startCtrl = a[0]!.s.startsWith('[') && a[0]!.s.endsWith(']');
  const endCtrl = b[b.length - 1]!.s.startsWith('[') && b[b.length - 1]!.s.endsWith(']');
  if (startCtrl !== endCtrl) score -= 1000;
  if (bFirst.s in OPENERS && !bFirst.balanced) score -= 100;
  if (aLast.s in CLOSERS && !aLast.balanced) score -= 100;
  // shap tests `group2[-1] not in closers` on a Token object, which is never a dict key: always true.
  if (a[0]!.s in OPENERS) score -= 2;
  if (CONNECTORS.has(aLast.s) || CONNECTORS.has(bFirst.s)) score -= 2;
  if (aLast.s === ',') score -= 10;
  if (bFirst.s === ',') score -= b.length > 1 ? 10 : 1;
  if (SENTENCE_ENDS.has(aLast.s)) score -= 20;
  if (SENTENCE_ENDS.has(bFirst.s)) score -= b.length > 1 ? 20 : 1;
  return score - (a.length + b.length);
}

/**
 * Two trees side by side under one root: the first over leaves 0…m−1, the second over the next ones. A pair's
 * texts each get shap's tree and meet only at the root, so no group ever spans the separator.
 */
export function joinTrees(
  first: readonly Merge[],
  firstLeaves: number,
  second: readonly Merge[],
  secondLeaves: number,
): Merge[] {
  const leaves = firstLeaves + secondLeaves;
  const node = (index: number, own: number, offset: number, mergesBefore: number) =>
    index < own ? index + offset : leaves + mergesBefore + (index - own);
  const merges: Merge[] = [
    ...first.map(({ left, right, size }) => ({
      left: node(left, firstLeaves, 0, 0),
      right: node(right, firstLeaves, 0, 0),
      size,
    })),
    ...second.map(({ left, right, size }) => ({
      left: node(left, secondLeaves, firstLeaves, first.length),
      right: node(right, secondLeaves, firstLeaves, first.length),
      size,
    })),
  ];
  // A tree of one leaf has no merge: its root is the leaf.
  const root = (tree: readonly Merge[], offset: number, before: number) =>
    tree.length === 0 ? offset : leaves + before + tree.length - 1;
  merges.push({ left: root(first, 0, 0), right: root(second, firstLeaves, first.length), size: leaves });
  return merges;
}

/** Greedy agglomerative merging of adjacent groups, best score first (first of equals, as `np.argmax`). */
export function partitionTree(tokens: readonly string[], specialTokens: readonly string[] = []): Merge[] {
  const groups = tokens.map((s, index) => ({ tokens: [{ s, balanced: !(s in OPENERS || s in CLOSERS) }], index }));
  const merges: Merge[] = [];
  const sizeOf = (index: number) => (index < tokens.length ? 1 : merges[index - tokens.length]!.size);
  while (groups.length > 1) {
    let best = 0;
    let bestScore = -Infinity;
    for (let i = 0; i + 1 < groups.length; i += 1) {
      const score = mergeScore(groups[i]!.tokens, groups[i + 1]!.tokens, specialTokens);
      if (score > bestScore || i === 0) {
        best = i;
        bestScore = score;
      }
    }
    const left = groups[best]!;
    const right = groups[best + 1]!;
    merges.push({ left: left.index, right: right.index, size: sizeOf(left.index) + sizeOf(right.index) });
    const opener = left.tokens[0]!;
    const closer = right.tokens[right.tokens.length - 1]!;
    if (opener.s in OPENERS && closer.s === OPENERS[opener.s]) {
      opener.balanced = true;
      closer.balanced = true;
    }
    groups.splice(best, 2, { tokens: [...left.tokens, ...right.tokens], index: tokens.length + merges.length - 1 });
  }
  return merges;
}

/** The leaves under every node (leaves first, then merges), as shap's `make_masks`. */
export function nodeLeaves(merges: readonly Merge[], leaves: number): Uint8Array[] {
  const masks: Uint8Array[] = [];
  for (let i = 0; i < leaves; i += 1) {
    const mask = new Uint8Array(leaves);
    mask[i] = 1;
    masks.push(mask);
  }
  for (const { left, right } of merges) {
    const mask = Uint8Array.from(masks[left]!);
    masks[right]!.forEach((bit, i) => (mask[i] ||= bit));
    masks.push(mask);
  }
  return masks;
}

/** The model on a batch of masks (1 = feature present): one output vector per mask. */
export type MaskedModel = (masks: readonly Uint8Array[]) => Promise<Float64Array[]>;

export interface OwenResult {
  /** `[leaf][output]` Owen values. */
  values: Float64Array[];
  /** Credit left on every node (leaves, then merges) before it is pushed down: shap's hierarchical values. */
  hierarchical: Float64Array[];
  base: Float64Array;
  full: Float64Array;
  /** Masks evaluated, as shap counts them (with the two for the base and the full input). */
  rows: number;
}

export interface OwenOptions {
  /** shap's budget of model rows, including the base and full evaluations. */
  maxEvals: number;
  /** shap's `batch_size`: masks per batch before a node is no longer added (Text masker: 5). */
  batchSize?: number;
}

interface QueueEntry {
  priority: number;
  order: number;
  mask: Uint8Array;
  without: Float64Array;
  with: Float64Array;
  node: number;
  weight: number;
}

/**
 * Owen values over the binary tree, as `PartitionExplainer.owen` with `fixed_context=None`: a node is expanded
 * by evaluating "left on" and "right on" in its context, and its four children (each half in the off and on
 * context of its sibling) are queued with half the weight, largest `max|Δ|·w` first. When the budget runs
 * out, every queued node keeps `(f_with − f_without)·w`, which `lowerCredit` shares among its leaves by size.
 * shap breaks priority ties at random; here they go first-in first-out, so runs are reproducible.
 */
export async function owenValues(
  merges: readonly Merge[],
  leaves: number,
  model: MaskedModel,
  { maxEvals, batchSize = 5 }: OwenOptions,
): Promise<OwenResult> {
  const none = new Uint8Array(leaves);
  const [base, full] = await model([none, new Uint8Array(leaves).fill(1)]);
  const outputs = base!.length;
  const nodes = leaves + merges.length;
  const credit = Array.from({ length: nodes }, () => new Float64Array(outputs));
  const addCredit = (node: number, withValue: Float64Array, without: Float64Array, weight: number) => {
    const target = credit[node]!;
    for (let k = 0; k < outputs; k += 1) target[k]! += (withValue[k]! - without[k]!) * weight;
  };
  const masks = nodeLeaves(merges, leaves);
  const budget = maxEvals - 2;
  // When the whole tree fits the budget every node gets expanded whatever the order, so the values cannot
  // depend on it: then batch everything that is queued (a few large batches instead of many of 6 rows).
  const perBatch = fullExpansionCost(merges, leaves) <= budget ? Infinity : batchSize;
  const queue = new MaxHeap();
  let order = 0;
  const push = (mask: Uint8Array, without: Float64Array, withValue: Float64Array, node: number, weight: number) => {
    let largest = 0;
    for (let k = 0; k < outputs; k += 1) largest = Math.max(largest, Math.abs(withValue[k]! - without[k]!));
    queue.push({ priority: largest * weight, order: order++, mask, without, with: withValue, node, weight });
  };
  queue.push({ priority: 0, order: order++, mask: none, without: base!, with: full!, node: nodes - 1, weight: 1 });
  let evaluated = 0;
  while (queue.size > 0) {
    if (evaluated >= budget) {
      for (let entry = queue.pop(); entry; entry = queue.pop())
        addCredit(entry.node, entry.with, entry.without, entry.weight);
      break;
    }
    const batch: { entry: QueueEntry; left: number; right: number; leftOn: Uint8Array; rightOn: Uint8Array }[] = [];
    while (queue.size > 0 && batch.length * 2 < perBatch && evaluated + batch.length * 2 < budget) {
      const entry = queue.pop()!;
      if (entry.node < leaves) {
        addCredit(entry.node, entry.with, entry.without, entry.weight);
        continue;
      }
      const { left, right } = merges[entry.node - leaves]!;
      batch.push({ entry, left, right, leftOn: or(entry.mask, masks[left]!), rightOn: or(entry.mask, masks[right]!) });
    }
    if (batch.length === 0) continue;
    const out = await model(batch.flatMap(({ leftOn, rightOn }) => [leftOn, rightOn]));
    evaluated += out.length;
    batch.forEach(({ entry, left, right, leftOn, rightOn }, i) => {
      const f10 = out[2 * i]!;
      const f01 = out[2 * i + 1]!;
      const weight = entry.weight / 2;
      push(entry.mask, entry.without, f10, left, weight);
      push(entry.mask, entry.without, f01, right, weight);
      push(rightOn, f01, entry.with, left, weight);
      push(leftOn, f10, entry.with, right, weight);
    });
  }
  const hierarchical = credit.map((values) => Float64Array.from(values));
  lowerCredit(credit, merges, leaves);
  return { values: credit.slice(0, leaves), hierarchical, base: base!, full: full!, rows: evaluated + 2 };
}

/**
 * Rows a complete expansion costs: a node at depth k is reached in 2^k contexts (each expansion queues every
 * child twice, with its sibling off and on), and expanding costs 2 rows.
 */
export function fullExpansionCost(merges: readonly Merge[], leaves: number): number {
  if (merges.length === 0) return 0;
  const depth = new Int32Array(leaves + merges.length);
  let cost = 0;
  for (let node = leaves + merges.length - 1; node >= leaves; node -= 1) {
    const { left, right } = merges[node - leaves]!;
    depth[left] = depth[node]! + 1;
    depth[right] = depth[node]! + 1;
    cost += 2 * 2 ** depth[node]!;
  }
  return cost;
}

/** shap's `lower_credit`: each node's credit goes down to its children in proportion to their sizes. */
function lowerCredit(credit: Float64Array[], merges: readonly Merge[], leaves: number): void {
  const sizeOf = (node: number) => (node < leaves ? 1 : merges[node - leaves]!.size);
  for (let node = credit.length - 1; node >= leaves; node -= 1) {
    const { left, right, size } = merges[node - leaves]!;
    const own = credit[node]!;
    for (const child of [left, right]) {
      const share = sizeOf(child) / size;
      const target = credit[child]!;
      for (let k = 0; k < own.length; k += 1) target[k]! += own[k]! * share;
    }
  }
}

function or(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = Uint8Array.from(a);
  for (let i = 0; i < out.length; i += 1) out[i] ||= b[i]!;
  return out;
}

/** Highest priority first; equal priorities in insertion order. */
class MaxHeap {
  private readonly items: QueueEntry[] = [];

  get size(): number {
    return this.items.length;
  }

  push(entry: QueueEntry): void {
    const items = this.items;
    items.push(entry);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): QueueEntry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < items.length && before(items[l]!, items[best]!)) best = l;
        if (r < items.length && before(items[r]!, items[best]!)) best = r;
        if (best === i) break;
        [items[i], items[best]] = [items[best]!, items[i]!];
        i = best;
      }
    }
    return top;
  }
}

function before(a: QueueEntry, b: QueueEntry): boolean {
  return a.priority > b.priority || (a.priority === b.priority && a.order < b.order);
}
