/**
 * The result schema: what every face (CLI `--json`, IPC, web host, `results.json` in reports) exchanges.
 * Plain JSON data only, so it crosses process and worker boundaries unchanged.
 */
import type { WordScores } from './words.js';

/** A problem that did not stop the work but changes how a number should be read. */
export interface ResultWarning {
  /** Stable machine-readable code, e.g. `truncated`, `degenerate`. */
  code: string;
  message: string;
}

export type Precision = 'fp32' | 'int8';

/**
 * The classifier head, with transformers' `problem_type` names: softmax over the labels, one sigmoid per label,
 * or one score.
 */
export type Task = 'single_label_classification' | 'multi_label_classification' | 'regression';

export interface ModelInfo {
  /** What the user asked for: `demo`, a folder path or a hub id. */
  source: string;
  name: string;
  /** Architecture family from config.json (`distilbert`, `bert`, …). */
  modelType: string;
  /** The tokenizer's model type from tokenizer.json (`WordPiece`, `BPE`, `Unigram`); absent in older results. */
  tokenizer?: string;
  /** The tokenizer folds case (its normalizer lowercases); absent in older results. */
  lowercase?: boolean;
  /** The tokenizer's mask token (`[MASK]`, `<mask>`), absent when it names none (and in older results). */
  maskToken?: string;
  labels: string[];
  /** The head (absent in older results, which were all single-label). */
  task?: Task;
  /** Multi-label heads: the sigmoid at which a label counts as predicted. */
  threshold?: number;
  layers: number;
  heads: number;
  hiddenSize: number;
  maxLength: number;
  vocabSize: number;
  /** `fp32` (the exported model) or `q8` (its int8-quantized export). */
  dtype: 'fp32' | 'q8';
  /**
   * What the forward-only methods (SHAP, LIME, occlusion, metrics) ran on: the model itself (`fp32`, also when
   * absent) or the engine's dynamically quantized copy of it (`int8`). Predictions, gradients and attention
   * always use the model itself.
   */
  precision?: Precision;
  /** sha256 of the ONNX file: identifies the exact weights an explanation was computed on. */
  sha256: string;
}

export interface Prediction {
  logits: number[];
  /**
   * By label: the softmax of the logits (single-label), each label's own sigmoid (multi-label: they do not sum
   * to 1); empty for a regression head, which has `score` instead.
   */
  probabilities: Record<string, number>;
  /** The most probable label (the highest sigmoid for multi-label; the score's own label for regression). */
  predictedIndex: number;
  predictedLabel: string;
  /** Multi-label: every label whose sigmoid reaches the threshold (possibly none). */
  predictedLabels?: string[];
  /** Regression: the model's score. */
  score?: number;
}

/** A text, or a pair of texts as a sentence-pair classifier reads them (premise, hypothesis). */
export type TextInput = string | readonly [text: string, textPair: string];

/** One tokenized input as the model saw it (after truncation). */
export interface TokenizedText {
  text: string;
  /** The second text of a sentence pair (a hypothesis, a question), when the input is a pair. */
  textPair?: string;
  tokens: string[];
  ids: number[];
  /** True when the text had more tokens than the model accepts and was cut. */
  truncated: boolean;
  /**
   * `[start, end)` of each token in `text`, in UTF-16 units (`text.slice(start, end)`), as a fast tokenizer's
   * `offset_mapping`; `[0, 0]` for the specials the tokenizer added. Absent in older results.
   */
  offsets?: [number, number][];
  /** The tokenizer's pre-tokenizer word of each token (its `word_ids`); `null` for added specials. */
  wordIds?: (number | null)[];
  /** True at the specials the tokenizer added around the text (`[CLS]`…`[SEP]`, `<s>`…`</s>`). */
  special?: boolean[];
  /**
   * Which text each token belongs to, 0 or 1 (`textPair`), and null at added specials. A token's `offsets` are
   * in its own text.
   */
  sequenceIds?: (number | null)[];
}

/** Attention-specific data carried by the `attention` explainer. */
export interface AttentionData {
  layers: number;
  heads: number;
  /** The map after aggregation over the selected layers and heads (`n×n`, rows = queries). */
  aggregated: number[][];
  /** Attention rollout (Abnar & Zuidema 2020) over all layers (`n×n`). */
  rollout: number[][];
  /** The `[CLS]` (first-token) row of every map: `[layer][head][n]`, for layer × head overviews. */
  clsRows: number[][][];
  /** Every attention map `[layer][head][n][n]`, only when asked for (it grows with n²). */
  maps?: number[][][][];
}

/** Partition SHAP's per-class data (shap's `Explanation`: values, base values, clustering). */
export interface ShapData {
  /** Owen values `[token][class]`; each class sums to its output minus its base value. */
  values: number[][];
  /** The output with every non-special token masked, per class. */
  baseValues: number[];
  /** The output of the unmasked input, per class. */
  outputs: number[];
  /** The partition tree, one merge per row: `[left, right, leaves under it]`; leaves are 0…n−1. */
  clustering: [number, number, number][];
  /** Credit on every node (tokens, then merges) before it is shared down: shap's hierarchical values. */
  hierarchicalValues: number[][];
  maxEvals: number;
  /** Masked inputs shap's recursion asked for (before our de-duplication). */
  rows: number;
}

export interface Explanation {
  method: string;
  /** Everything needed to reproduce the numbers: target, output space, normalization, steps, seed… */
  options: Record<string, unknown>;
  tokens: string[];
  /** Token scores before normalization. */
  raw: number[];
  /** Token scores after the preset's normalization. */
  scores: number[];
  /** Model evaluations (forward or gradient passes over one sequence) spent. */
  evaluations: number;
  seconds: number;
  warnings: ResultWarning[];
  /** Integrated-gradients convergence delta: Σ attributions − (f(x) − f(x')). */
  delta?: number;
  attention?: AttentionData;
  shap?: ShapData;
  /** Word-level scores (`##` pieces merged, scores summed), when a face asked for words (CLI `--words`). */
  words?: WordScores;
}

/** ferret's faithfulness (`aopc_*`, `taucorr_loo`) and plausibility (`*_plau`) metrics; see methods.md. */
export type MetricId = 'aopc_compr' | 'aopc_suff' | 'taucorr_loo' | 'auprc_plau' | 'token_f1_plau' | 'token_iou_plau';

/** Metric id → value; `null` where the value is undefined (τ of constant scores, a rationale with no 1). */
export type MetricValues = Partial<Record<MetricId, number | null>>;

export interface SentenceResult extends TokenizedText, Prediction {
  /** Position of the sentence in its input (0-based, blank lines skipped): keeps its place across shards. */
  index: number;
  /** The true label the input file gave (its `label` column), as written there. */
  trueLabel?: string;
  warnings: ResultWarning[];
  explanations: Record<string, Explanation>;
  /** Method id → ferret's metrics, present when the explanations were evaluated (e.g. for a report). */
  evaluation?: Record<string, MetricValues>;
  /** With `precision: 'int8'`: max over classes of |p_int8 − p_fp32| for this sentence. */
  int8Drift?: number;
  /**
   * Zero-shot classification over an NLI model: the sentence is the pair (text, hypothesis of `label`), and its
   * explanations explain that pair's entailment.
   */
  zeroShot?: ZeroShotResult;
}

export interface ZeroShotResult {
  candidateLabels: string[];
  hypothesisTemplate: string;
  multiLabel: boolean;
  /** Per candidate, as the zero-shot pipeline scores it. */
  scores: number[];
  /** The candidate explained (the best scored unless one was asked for). */
  label: string;
}

/** A side-by-side comparison of methods on one sentence (the engine's `compareMethods`). */
export interface Comparison {
  sentence: SentenceResult;
  /** Method id → metric values. */
  evaluation: Record<string, MetricValues>;
  /** Kendall τ-b between the methods' scores on the non-special tokens; `null` where undefined. */
  agreement: { methods: string[]; tau: (number | null)[][] };
  /** Method id → wall time and model evaluations of the explanation itself. */
  costs: Record<string, { seconds: number; evaluations: number }>;
  /** Distinct sequences the model ran for the whole comparison (explanations and metrics, shared). */
  forwardEvaluations: number;
}

export const RESULTS_SCHEMA = 'xai-workbench/results';
export const RESULTS_SCHEMA_VERSION = 1;

/** Which input a run read: what shards of one run must share. */
export interface InputInfo {
  /** Sentences in the whole input, before sharding. */
  sentences: number;
  /** sha256 of the input's sentences joined by newlines. */
  sha256: string;
}

/** One of `count` slices of a run: the sentences whose index ≡ `index` (mod `count`). */
export interface ShardInfo {
  index: number;
  count: number;
}

export interface ResultsDocument {
  schema: typeof RESULTS_SCHEMA;
  version: typeof RESULTS_SCHEMA_VERSION;
  model: ModelInfo;
  /** Method id → its resolved settings (defaults filled in), as the run asked for them. */
  methods?: Record<string, Record<string, unknown>>;
  input?: InputInfo;
  /** Present on a shard's results; a merged or unsharded run has none. */
  shard?: ShardInfo;
  sentences: SentenceResult[];
  /** Set when the run was cancelled or interrupted: `sentences` holds only those that finished. */
  partial?: boolean;
}
