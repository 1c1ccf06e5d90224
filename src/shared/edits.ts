/**
 * What-if edits of a sentence, for every face: the token-level difference between an original's tokenization and
 * its edit's (an LCS over token strings), the text a deleted or masked token leaves (cut out of the text by the
 * token's character offsets, never rebuilt from tokens), and how the prediction moved. Pure.
 */
import { taskOf, type HeadInfo } from './charts/prediction.js';
import type { ModelInfo, Prediction } from './results.js';
import type { TokenLayout } from './tokens.js';

/**
 * One run of the alignment of tokens `a` (the original's) with tokens `b` (the edit's): `[start, end)` in each.
 * `same` runs are equal on both sides; between two of them, a run of `a` tokens with no counterpart is a
 * `delete` (`b` empty), a run of `b` tokens an `insert` (`a` empty), and both at once a `replace`.
 */
export interface DiffRun {
  kind: 'same' | 'delete' | 'insert' | 'replace';
  a: [number, number];
  b: [number, number];
}

/**
 * The alignment of two token sequences that keeps the most tokens in place (longest common subsequence; the
 * common prefix and suffix first, so that a small edit in a long sentence stays cheap). Runs cover both
 * sequences in order, without gaps.
 */
export function tokenDiff(a: readonly string[], b: readonly string[]): DiffRun[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix += 1;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  ) {
    suffix += 1;
  }
  const n = a.length - prefix - suffix;
  const m = b.length - prefix - suffix;
  // lcs[i * (m + 1) + j]: the LCS length of a[prefix + i …] and b[prefix + j …] (middle parts only).
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lcs[i * (m + 1) + j] =
        a[prefix + i] === b[prefix + j]
          ? lcs[(i + 1) * (m + 1) + j + 1]! + 1
          : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
    }
  }
  // Matched pairs, in order: the prefix, the middle's LCS, the suffix.
  const pairs: [number, number][] = [];
  for (let k = 0; k < prefix; k += 1) pairs.push([k, k]);
  for (let i = 0, j = 0; i < n && j < m;) {
    if (a[prefix + i] === b[prefix + j]) {
      pairs.push([prefix + i, prefix + j]);
      i += 1;
      j += 1;
    } else if (lcs[(i + 1) * (m + 1) + j]! >= lcs[i * (m + 1) + j + 1]!) i += 1;
    else j += 1;
  }
  for (let k = suffix; k > 0; k -= 1) pairs.push([a.length - k, b.length - k]);

  const runs: DiffRun[] = [];
  const push = (kind: DiffRun['kind'], a0: number, a1: number, b0: number, b1: number): void => {
    const last = runs.at(-1);
    if (last && last.kind === kind && kind === 'same') {
      last.a[1] = a1;
      last.b[1] = b1;
    } else runs.push({ kind, a: [a0, a1], b: [b0, b1] });
  };
  const gap = (a0: number, a1: number, b0: number, b1: number): void => {
    if (a1 > a0 && b1 > b0) push('replace', a0, a1, b0, b1);
    else if (a1 > a0) push('delete', a0, a1, b0, b0);
    else if (b1 > b0) push('insert', a0, a0, b0, b1);
  };
  let i = 0;
  let j = 0;
  for (const [pi, pj] of pairs) {
    gap(i, pi, j, pj);
    push('same', pi, pi + 1, pj, pj + 1);
    i = pi + 1;
    j = pj + 1;
  }
  gap(i, a.length, j, b.length);
  return runs;
}

/** How a token (or a word) of one side of an edit is marked: absent where it is unchanged. */
export type DiffMark = 'deleted' | 'inserted' | 'replaced';

/**
 * The mark of each token of one side: the original's (`a`) deleted and replaced tokens, the edit's (`b`)
 * inserted and replaced ones; `undefined` where the token is the same on both sides.
 */
export function tokenMarks(runs: readonly DiffRun[], side: 'a' | 'b'): (DiffMark | undefined)[] {
  const length = runs.at(-1)?.[side][1] ?? 0;
  const marks: (DiffMark | undefined)[] = Array.from({ length }, () => undefined);
  for (const run of runs) {
    const mark: DiffMark | undefined =
      run.kind === 'replace'
        ? 'replaced'
        : run.kind === 'delete'
          ? 'deleted'
          : run.kind === 'insert'
            ? 'inserted'
            : undefined;
    for (let k = run[side][0]; k < run[side][1]; k += 1) marks[k] = mark;
  }
  return marks;
}

/**
 * The mark of a chip covering token positions `[first, end)` (a word, or one token): that of its tokens when
 * all of them are deleted (or all inserted); `replaced` when only some of them changed or any was replaced (a
 * word that lost a piece); none when every token is unchanged.
 */
export function spanMark(
  marks: readonly (DiffMark | undefined)[],
  [first, end]: readonly [number, number],
): DiffMark | undefined {
  const inside = marks.slice(first, end);
  if (inside.every((mark) => mark === undefined)) return undefined;
  const only = inside[0];
  return only !== 'replaced' && inside.every((mark) => mark === only) ? only : 'replaced';
}

/** How many tokens the edit replaced, inserted and deleted (a replace run counts the edit's tokens). */
export function diffCounts(runs: readonly DiffRun[]): { replaced: number; inserted: number; deleted: number } {
  const counts = { replaced: 0, inserted: 0, deleted: 0 };
  for (const run of runs) {
    if (run.kind === 'replace') counts.replaced += run.b[1] - run.b[0];
    else if (run.kind === 'insert') counts.inserted += run.b[1] - run.b[0];
    else if (run.kind === 'delete') counts.deleted += run.a[1] - run.a[0];
  }
  return counts;
}

/** Where a chip's characters are: in the text (0) or a pair's second text (1), `[start, end)` in UTF-16 units. */
export interface CharSpan {
  sequence: 0 | 1;
  start: number;
  end: number;
}

/**
 * The characters the tokens `[first, end)` stand for, from the sentence's offsets; a reason instead where there
 * are none to change: a special the tokenizer added, a result without offsets, tokens that cover no text.
 */
export function tokenCharSpan(
  layout: TokenLayout,
  [first, end]: readonly [number, number],
): CharSpan | { reason: string } {
  if (layout.special?.slice(first, end).some(Boolean)) {
    return { reason: 'an added special token is the tokenizer’s, not part of the text' };
  }
  const offsets = layout.offsets;
  if (!offsets || layout.text === undefined || offsets.length !== layout.tokens.length) {
    return { reason: 'this result has no character offsets for its tokens (explain it again)' };
  }
  const sequence = layout.sequenceIds?.[first] === 1 && layout.textPair !== undefined ? 1 : 0;
  const start = offsets[first]![0]!;
  const stop = offsets[end - 1]![1]!;
  if (!(stop > start)) return { reason: 'this token covers no characters of the text' };
  return { sequence, start, end: stop };
}

const SPACE = /\s/u;

/**
 * `text` without the characters `[start, end)`. When they are a whole word (whitespace or the text's edge on
 * both sides), one whitespace character goes with them, so that the words around stay one space apart; a piece
 * of a word (`##ing`) takes only its own characters.
 */
export function deleteChars(text: string, start: number, end: number): string {
  const before = start === 0 || SPACE.test(text[start - 1]!);
  const after = end === text.length || SPACE.test(text[end]!);
  if (before && after) {
    if (end < text.length) return text.slice(0, start) + text.slice(end + 1);
    if (start > 0) return text.slice(0, start - 1) + text.slice(end);
  }
  return text.slice(0, start) + text.slice(end);
}

/** `text` with the characters `[start, end)` replaced by `replacement` (the mask token's text). */
export function replaceChars(text: string, start: number, end: number, replacement: string): string {
  return text.slice(0, start) + replacement + text.slice(end);
}

/** A sentence's texts, as a row holds them. */
export interface EditableText {
  text: string;
  textPair?: string | undefined;
}

export type TokenAction = 'delete' | 'mask';

/**
 * The texts after deleting or masking the characters of `span`: the text it is in changes, a pair's other text
 * stays. A reason instead where the action cannot be taken (no mask token, nothing left of the text).
 */
export function applyTokenAction(
  sentence: EditableText,
  span: CharSpan,
  action: TokenAction,
  maskToken: string | undefined,
): EditableText | { reason: string } {
  const source = span.sequence === 1 ? sentence.textPair : sentence.text;
  if (source === undefined) return { reason: 'the sentence has no second text' };
  let changed: string;
  if (action === 'mask') {
    if (maskToken === undefined) return { reason: NO_MASK_REASON };
    changed = replaceChars(source, span.start, span.end, maskToken);
  } else {
    changed = deleteChars(source, span.start, span.end);
    if (changed.trim() === '') return { reason: 'deleting it would leave the text empty' };
  }
  return span.sequence === 1
    ? { text: sentence.text, textPair: changed }
    : { text: changed, ...(sentence.textPair === undefined ? {} : { textPair: sentence.textPair }) };
}

export const NO_MASK_REASON =
  'this model’s tokenizer names no mask token (mask_token), so there is nothing to mask with';

/** Why masking is off for this model, or undefined when its tokenizer has a mask token. */
export function maskUnavailableReason(model: Pick<ModelInfo, 'maskToken'> | undefined): string | undefined {
  return model?.maskToken === undefined ? NO_MASK_REASON : undefined;
}

/** How an edit moved the prediction, read on one class (the one an explanation explains). */
export interface PredictionChange {
  /** The class compared (a regression head's score label). */
  label: string;
  /** `probability` (softmax), `sigmoid` (multi-label) or `score` (regression). */
  measure: 'probability' | 'sigmoid' | 'score';
  before: number;
  after: number;
  /** `after − before`. */
  delta: number;
  /** The predicted label before and after (multi-label: the labels at or above the threshold, joined). */
  predictedBefore: string;
  predictedAfter: string;
  labelChanged: boolean;
}

function predictedText(prediction: Prediction, task: ReturnType<typeof taskOf>): string {
  if (task === 'multi_label_classification') return (prediction.predictedLabels ?? []).join(', ') || 'none';
  return prediction.predictedLabel;
}

/**
 * The change from `before` to `after` of `label`'s probability (single-label), sigmoid (multi-label) or of the
 * score (regression); `label` defaults to the original's predicted label.
 */
export function predictionChange(
  before: Prediction,
  after: Prediction,
  label: string = before.predictedLabel,
  model: HeadInfo = {},
): PredictionChange {
  const task = taskOf(before, model);
  const read = (prediction: Prediction): number =>
    task === 'regression' ? (prediction.score ?? prediction.logits[0] ?? 0) : (prediction.probabilities[label] ?? 0);
  const from = read(before);
  const to = read(after);
  const predictedBefore = predictedText(before, task);
  const predictedAfter = predictedText(after, task);
  return {
    label: task === 'regression' ? before.predictedLabel : label,
    measure: task === 'regression' ? 'score' : task === 'multi_label_classification' ? 'sigmoid' : 'probability',
    before: from,
    after: to,
    delta: to - from,
    predictedBefore,
    predictedAfter,
    labelChanged: predictedBefore !== predictedAfter,
  };
}

/** A signed change with 3 decimals and a real minus sign: `+0.125`, `−0.481`, `±0.000`. */
export function formatDelta(delta: number): string {
  const fixed = Math.abs(delta).toFixed(3);
  if (Number(fixed) === 0) return `±${fixed}`;
  return `${delta > 0 ? '+' : '−'}${fixed}`;
}
