/**
 * Gradients of the target's logit or probability with respect to the word embeddings, from the gradient graph
 * (src/engine/autodiff). Results are memoized per sentence, so that methods sharing an evaluation share it:
 * Gradient and Gradient×Input one gradient, IG and IG×Input (same baseline, steps, method) one set of path
 * gradients. The path points of IG run as batches (`internal_batch_size` rows at most, fewer for long texts).
 */
import { Tensor } from 'onnxruntime-node';
import type { Prediction } from '../../shared/results.js';
import { INPUTS_EMBEDS_GRAD, LOGIT_WEIGHTS, PROB_WEIGHTS, SELECTED } from '../autodiff/gradient-graph.js';
import type { ModelBundle } from '../model/bundle.js';
import { ATTENTION_MASK, declaredFeeds, LOGITS, run, TOKEN_TYPE_IDS } from '../model/forward.js';
import { headOutputs, sigmoid } from '../model/head.js';
import type { EncodedText } from '../model/tokenizer.js';
import { INPUT_IDS, INPUTS_EMBEDS } from '../onnx/surgery.js';
import type { OutputSpace } from './common.js';
import { integrationPoints, type IntegrationMethod } from './integration.js';

/**
 * What the gradient computations read of a model: its derived graphs and sessions, labels and the baselines'
 * filler ids. A `ModelBundle` is one; naming only this lets a model be run before its bundle can load.
 */
export interface GradientModel {
  info: Pick<ModelBundle['info'], 'sha256'>;
  config: Pick<ModelBundle['config'], 'labels' | 'task'>;
  tokenizer: Pick<ModelBundle['tokenizer'], 'padId' | 'mask'>;
  graphs: Pick<ModelBundle['graphs'], 'wordEmbeddings'>;
  session: ModelBundle['session'];
  predictionSession: ModelBundle['predictionSession'];
}

export const BASELINES = ['pad', 'zero', 'mask'] as const;
export type Baseline = (typeof BASELINES)[number];

export interface Selection {
  output: OutputSpace;
  target: number;
}

export interface InputGradient {
  /** The sentence's word embeddings and ∂f/∂E, both `n × dim` row-major. */
  input: Float32Array;
  gradient: Float32Array;
  dim: number;
  evaluations: number;
}

export interface PathOptions extends Selection {
  baseline: Baseline;
  method: IntegrationMethod;
  steps: number;
  batchSize: number;
}

export interface PathGradient {
  input: Float32Array;
  baseline: Float32Array;
  /** Σ_k w_k ∂f/∂E at x' + α_k(x − x'), `n × dim`, in float64. */
  averaged: Float64Array;
  dim: number;
  /** Σ_{i,d} (x − x')·averaged − (f(x) − f(x')). */
  delta: number;
  evaluations: number;
}

const memo = new WeakMap<EncodedText, Map<string, Promise<unknown>>>();

/** Computes once per sentence and key; a failed (e.g. cancelled) computation is forgotten, not cached. */
function memoized<T>(encoded: EncodedText, key: string, compute: () => Promise<T>): Promise<T> {
  const entries = memo.get(encoded) ?? new Map<string, Promise<unknown>>();
  memo.set(encoded, entries);
  let result = entries.get(key) as Promise<T> | undefined;
  if (!result) {
    result = compute();
    entries.set(key, result);
    result.catch(() => entries.delete(key));
  }
  return result;
}

export function inputGradient(
  model: GradientModel,
  encoded: EncodedText,
  selection: Selection,
  signal?: AbortSignal,
): Promise<InputGradient> {
  const key = `${model.info.sha256}:gradient:${selection.output}:${selection.target}`;
  return memoized(encoded, key, async () => {
    const { matrix, dim } = await model.graphs.wordEmbeddings();
    const input = lookup(matrix, dim, encoded.ids);
    const { gradients } = await gradientRows(model, encoded, input, 1, selection, 1, signal);
    return { input, gradient: gradients, dim, evaluations: 1 };
  });
}

export function pathGradient(
  model: GradientModel,
  encoded: EncodedText,
  prediction: Prediction,
  options: PathOptions,
  signal?: AbortSignal,
): Promise<PathGradient> {
  const { output, target, baseline: kind, method, steps, batchSize } = options;
  const key = `${model.info.sha256}:path:${output}:${target}:${kind}:${method}:${steps}`;
  return memoized(encoded, key, async () => {
    const { matrix, dim } = await model.graphs.wordEmbeddings();
    const input = lookup(matrix, dim, encoded.ids);
    const baselineIds = kind === 'zero' ? undefined : baselineTokens(model, encoded, kind);
    const baseline = baselineIds ? lookup(matrix, dim, baselineIds) : new Float32Array(input.length);
    const size = input.length;
    const { alphas, weights } = integrationPoints(method, steps);
    // One row per path point, then the baseline itself for f(x') (f(x) is the prediction's).
    const rows = new Float32Array((steps + 1) * size);
    alphas.forEach((alpha, k) => {
      const offset = k * size;
      for (let e = 0; e < size; e += 1) rows[offset + e] = baseline[e]! + alpha * (input[e]! - baseline[e]!);
    });
    rows.set(baseline, steps * size);
    const { gradients, selected } = await gradientRows(model, encoded, rows, steps + 1, options, batchSize, signal);
    const averaged = new Float64Array(size);
    weights.forEach((weight, k) => {
      const step = gradients.subarray(k * size, (k + 1) * size);
      for (let e = 0; e < size; e += 1) averaged[e]! += weight * step[e]!;
    });
    let total = 0;
    for (let e = 0; e < size; e += 1) total += (input[e]! - baseline[e]!) * averaged[e]!;
    const selectedOf = (logits: readonly number[]) =>
      output === 'logit' ? logits[target]! : headOutputs(model.config.task, logits)[target]!;
    // captum's delta runs the model on the baseline ids themselves: a graph that numbers positions from the
    // ids (RoBERTa, MPNet; its gradient graph reads them) then gives the baseline's <pad> ids position 1
    // (2, 1, …, 1, 3), where the path kept the input's. Elsewhere that is the path's last row, which keeps the
    // float rounding of both ends alike; a zero baseline has no ids.
    const positionsFromIds = (await model.session('gradients')).inputNames.includes(INPUT_IDS);
    const atBaseline =
      baselineIds && positionsFromIds
        ? selectedOf(await logitsOfIds(model, encoded, baselineIds, signal))
        : selected[steps]!;
    const delta = total - (selectedOf(prediction.logits) - atBaseline);
    return { input, baseline, averaged, dim, delta, evaluations: steps + 1 };
  });
}

/**
 * The baseline ids of IG, as transformers-interpret builds them: the specials the tokenizer added kept
 * (`[CLS]`…`[SEP]`, `<s>`…`</s>`, and a pair's separators, as its pairwise explainer does) and the rest the
 * tokenizer's pad (`[PAD]`, `<pad>`) or its mask token. (The third baseline is zero vectors, which no ids give.)
 */
function baselineTokens(model: GradientModel, encoded: EncodedText, kind: 'pad' | 'mask'): number[] {
  const filler = kind === 'pad' ? model.tokenizer.padId : model.tokenizer.mask('the mask baseline').id;
  return encoded.ids.map((id, i) => (encoded.special[i] ? id : filler));
}

/** The model's logits for `ids` with the sentence's mask and type ids, on the prediction's graph. */
async function logitsOfIds(
  model: GradientModel,
  encoded: EncodedText,
  ids: readonly number[],
  signal?: AbortSignal,
): Promise<number[]> {
  const session = await model.predictionSession();
  const shape = [1, ids.length];
  const feeds = declaredFeeds(session.inputNames, {
    [INPUT_IDS]: new Tensor('int64', BigInt64Array.from(ids, BigInt), shape),
    [ATTENTION_MASK]: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), shape),
    [TOKEN_TYPE_IDS]: new Tensor('int64', BigInt64Array.from(encoded.tokenTypeIds, BigInt), shape),
  });
  const outputs = await run(session, feeds, signal);
  return Array.from(outputs[LOGITS]!.data as Float32Array);
}

function lookup(matrix: Float32Array, dim: number, ids: readonly number[]): Float32Array {
  const out = new Float32Array(ids.length * dim);
  ids.forEach((id, i) => out.set(matrix.subarray(id * dim, (id + 1) * dim), i * dim));
  return out;
}

/**
 * Tokens per gradient call at most: the backward pass keeps the forward activations alive (~1.3 MB per token
 * for a full-size DistilBERT) and onnxruntime's arena keeps the largest call's memory, so long sentences run
 * in fewer rows per call. Measured on 2 cores, IG's 51 rows of 60 tokens take 2.36 s in calls of 8 rows, 2.26 s
 * of 17 and 2.46 s of 26, and 51 × 11 tokens 485 ms as 26 + 25 against 470 ms in one call; with 512 instead of
 * 2048 a comparison with every method peaks at 1.8 GB instead of 2.5 GB. Results do not depend on the split.
 */
export const TOKENS_PER_CALL = 512;

/**
 * Which of the gradient graph's two selections computes the head's output: `logit_weights` for the logit, and
 * for "prob" `prob_weights` (the graph's softmax) only on a single-label head. A regression head's "prob" is its
 * score, the logit itself; a multi-label head's is the label's sigmoid, whose gradient is the logit's times
 * σ(z)(1 − σ(z)) (`sigmoidRows`).
 */
function graphSelection(task: GradientModel['config']['task'], output: Selection['output']) {
  const viaLogit = output === 'logit' || task !== 'single_label_classification';
  return { viaLogit, sigmoidRows: output === 'prob' && task === 'multi_label_classification' };
}

/** Runs `count` rows of `n × dim` embeddings through the gradient graph, at most `batchSize` rows per call. */
async function gradientRows(
  model: GradientModel,
  encoded: EncodedText,
  embeds: Float32Array,
  count: number,
  { output, target }: Selection,
  batchSize: number,
  signal?: AbortSignal,
): Promise<{ gradients: Float32Array; selected: Float32Array }> {
  const session = await model.session('gradients');
  const n = encoded.ids.length;
  const size = embeds.length / count;
  const classes = model.config.labels.length;
  const selection = graphSelection(model.config.task, output);
  const gradients = new Float32Array(embeds.length);
  const selected = new Float32Array(count);
  // Up to a fifth over the token budget rather than a second call (51 × 11 tokens in one call: 3% faster than
  // 26 + 25, for 10% more memory), else equal calls (51 rows as 26 + 25, not 46 + 5: small calls run slower per row).
  const byTokens = Math.max(1, Math.floor(TOKENS_PER_CALL / n));
  const most = count <= Math.min(batchSize, byTokens * 1.2) ? count : Math.min(batchSize, byTokens);
  const perCall = Math.ceil(count / Math.ceil(count / most));
  for (let start = 0; start < count; start += perCall) {
    const rows = Math.min(perCall, count - start);
    const weights = new Float32Array(rows * classes);
    for (let row = 0; row < rows; row += 1) weights[row * classes + target] = 1;
    const zeros = new Float32Array(rows * classes);
    const types = new BigInt64Array(rows * n);
    const ids = new BigInt64Array(rows * n);
    for (let row = 0; row < rows; row += 1) {
      encoded.tokenTypeIds.forEach((t, i) => (types[row * n + i] = BigInt(t)));
      encoded.ids.forEach((id, i) => (ids[row * n + i] = BigInt(id)));
    }
    const feeds = declaredFeeds(session.inputNames, {
      [INPUTS_EMBEDS]: new Tensor('float32', embeds.slice(start * size, (start + rows) * size), [rows, n, size / n]),
      // The reference tools explain the sentence alone, every token attended: the mask is all ones.
      [ATTENTION_MASK]: new Tensor('int64', new BigInt64Array(rows * n).fill(1n), [rows, n]),
      [LOGIT_WEIGHTS]: new Tensor('float32', selection.viaLogit ? weights : zeros, [rows, classes]),
      [PROB_WEIGHTS]: new Tensor('float32', selection.viaLogit ? zeros : weights, [rows, classes]),
      [TOKEN_TYPE_IDS]: new Tensor('int64', types, [rows, n]),
      // Graphs that number positions from the ids (RoBERTa) read the sentence's own ids at every path point,
      // as captum's LayerIntegratedGradients on the word embeddings does: only the word vectors move.
      [INPUT_IDS]: new Tensor('int64', ids, [rows, n]),
    });
    const outputs = await run(session, feeds, signal);
    const rowGradients = outputs[INPUTS_EMBEDS_GRAD]!.data as Float32Array;
    const rowSelected = outputs[SELECTED]!.data as Float32Array;
    if (selection.sigmoidRows) {
      for (let row = 0; row < rows; row += 1) {
        const s = sigmoid(rowSelected[row]!);
        rowSelected[row] = s;
        const slope = s * (1 - s);
        for (let e = row * size; e < (row + 1) * size; e += 1) rowGradients[e]! *= slope;
      }
    }
    gradients.set(rowGradients, start * size);
    selected.set(rowSelected, start);
  }
  return { gradients, selected };
}

/** Per-token sums over the hidden dimension of `term(e)`, e the flat `n × dim` index. */
export function tokenSums(n: number, dim: number, term: (e: number) => number): number[] {
  const sums = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i += 1) {
    let sum = 0;
    for (let e = i * dim; e < (i + 1) * dim; e += 1) sum += term(e);
    sums[i] = sum;
  }
  return sums;
}
