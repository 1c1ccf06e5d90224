/**
 * The contract between a UI and the engine: every call a face (Electron IPC, web host, CLI) offers.
 * The renderer only ever talks to an object of this type (`window.workbench`).
 */
import type { OptionSpec } from './options.js';
import type { Comparison, ModelInfo, Precision, ResultsDocument, SentenceResult, TextInput } from './results.js';

/** What a model needs from the runtime beyond a plain forward pass. */
export type ModelCapability = 'attentions' | 'inputs_embeds' | 'gradients';

export interface MethodInfo {
  id: string;
  label: string;
  description: string;
  needs: ModelCapability[];
  options: OptionSpec[];
  /** Ticked by default in the UI: fast, and not redundant with another default (see the explainer's `autorun`). */
  autorun: boolean;
  /** Whether the loaded model supports this method, and if not, why. */
  available: boolean;
  unavailableReason?: string;
}

/** The real SST-2 sentiment model (transformers.js export): what runs when no model is named. */
export const DEFAULT_MODEL_ID = 'Xenova/distilbert-base-uncased-finetuned-sst-2-english';

/**
 * How to load a model: which exported file (`dtype`), the arithmetic of forward-only methods (`precision`), and
 * a multi-label head's threshold.
 */
export interface LoadModelOptions {
  /** `q8` loads the model's own int8 export (`onnx/model_quantized.onnx`) instead of `onnx/model.onnx`. */
  dtype?: ModelInfo['dtype'];
  /**
   * `int8` runs SHAP, LIME, occlusion and the metrics on the engine's int8 quantization of the fp32 graph (faster,
   * with the drift from fp32 reported); predictions, gradients and attention stay fp32. Default `fp32`.
   */
  precision?: Precision;
  /**
   * Multi-label heads: the sigmoid at which a label counts as predicted, strictly between 0 and 1 (default 0.5,
   * recorded as `ModelInfo.threshold`); other heads ignore it.
   */
  threshold?: number;
}

/** The loaded model, and why it is not the one asked for when it is not (the default hub model offline). */
export interface LoadedModel extends ModelInfo {
  notice?: string;
}

export interface ExplainRequest {
  /** Texts, or sentence pairs `[text, textPair]` for a pair classifier (NLI). */
  texts: TextInput[];
  /** Method id → option values (missing values take the method's defaults). */
  methods: Record<string, Record<string, unknown>>;
  /** Each text's true label (null where none), as its file gave it: recorded as `trueLabel` for the corpus view. */
  labels?: (string | null)[];
  /** Run ferret's metrics on each explanation as its sentence finishes (`SentenceResult.evaluation`). */
  evaluate?: boolean;
  /** With `evaluate`: each text's human rationale (0/1 per token or word; null for none), for plausibility. */
  rationales?: (number[] | null)[];
}

/**
 * Zero-shot classification over an NLI model (one with an "entailment" label): each text is paired with one
 * hypothesis per candidate label, the candidates are scored as transformers' zero-shot pipeline scores them, and
 * the chosen candidate's pair is explained (every method's target is that pair's entailment).
 */
export interface ZeroShotRequest {
  /** Single texts (a zero-shot pair is the text and a candidate's hypothesis). */
  texts: string[];
  candidateLabels: string[];
  /** Where the label goes is `{}`; default `This example is {}.`. */
  hypothesisTemplate?: string;
  /** Score each candidate on its own (entailment vs contradiction) instead of a softmax across them. */
  multiLabel?: boolean;
  /** The candidate to explain; default the best scored. */
  explainLabel?: string;
  /** Each text's true label (null where none), as in `ExplainRequest`. */
  labels?: (string | null)[];
  /** Method id → option values (missing values take the method's defaults; no target: it is the entailment). */
  methods: Record<string, Record<string, unknown>>;
}

export interface CompareRequest {
  text: TextInput;
  /** Method id → option values (missing values take the method's defaults). */
  methods: Record<string, Record<string, unknown>>;
  /** Human rationale, 0/1 per token or per word: adds the plausibility metrics. */
  rationale?: number[];
}

export type JobStatus = 'running' | 'completed' | 'cancelled' | 'failed';

export interface JobState {
  id: string;
  status: JobStatus;
  total: number;
  /** Sentences finished so far; a cancelled job keeps them. */
  done: number;
  error?: string;
  results: ResultsDocument;
}

/** A report folder to write (see the engine's report/): from a job, or from results the UI already holds. */
export interface SaveReportRequest {
  /** The folder to create; an existing one is refused unless `onExisting` is `suffix` (then `dir-2`, …). */
  dir: string;
  /** A job's results; a cancelled (or still running) job saves the sentences that finished, marked partial. */
  jobId?: string;
  results?: ResultsDocument;
  onExisting?: 'refuse' | 'suffix';
  /** Also run ferret's metrics for the evaluation tables (needs the model the results came from). */
  evaluate?: boolean;
}

/** A chart left out of a report because drawing it failed; the page has a note in its place. */
export interface SkippedChart {
  /** The sentence's position in the input file (`SentenceResult.index`, from 0); absent for the corpus summary's charts. */
  sentence?: number;
  /** The chart's file name without extension, as it would have been written under `charts/`. */
  chart: string;
  title: string;
  /** The error's message. */
  reason: string;
}

export interface SavedReport {
  /** The folder written (the suffixed name, if one was taken). */
  dir: string;
  sentences: number;
  partial: boolean;
  /** Charts that could not be drawn, in report order; the data are complete all the same. */
  skippedCharts: SkippedChart[];
}

/** Pushed from the engine to every UI while jobs run. */
export type WorkbenchEvent =
  | {
      type: 'job-progress';
      jobId: string;
      done: number;
      total: number;
      elapsedSeconds: number;
      /** Estimated seconds left, from the mean time per finished sentence. */
      etaSeconds: number;
    }
  | { type: 'sentence-done'; jobId: string; index: number; result: SentenceResult }
  | { type: 'job-finished'; jobId: string; status: Exclude<JobStatus, 'running'>; error?: string }
  /** A hub model's file arriving on first use; `total` when the server gives a length. */
  | { type: 'model-download'; source: string; file: string; received: number; total?: number };

export interface WorkbenchApi {
  /**
   * `demo` or `demo-spam` for a bundled model, a transformers.js-style folder, or a Hugging Face hub id
   * (downloaded on first use, with `model-download` events).
   */
  loadModel(source: string, options?: LoadModelOptions): Promise<LoadedModel>;
  listMethods(): Promise<MethodInfo[]>;
  predict(texts: TextInput[]): Promise<SentenceResult[]>;
  /** Explains a few texts and waits for the result; long inputs go through `startJob`. */
  explain(request: ExplainRequest): Promise<ResultsDocument>;
  /**
   * Zero-shot classification of a few texts over an NLI model, each explained on its chosen candidate's pair;
   * every sentence of the result has `zeroShot` (the candidates and their scores).
   */
  zeroShot(request: ZeroShotRequest): Promise<ResultsDocument>;
  /** Every method on one sentence with ferret's evaluation, their agreement and what each cost. */
  compare(request: CompareRequest): Promise<Comparison>;
  /** Starts explaining in the background; progress and results arrive as events. */
  startJob(request: ExplainRequest): Promise<JobState>;
  /** Stops a job between model calls; what finished is kept. */
  cancelJob(jobId: string): Promise<JobState>;
  getJob(jobId: string): Promise<JobState>;
  /** Writes a report folder (index.html, charts, results.json, scores.csv); never overwrites a folder. */
  saveReport(request: SaveReportRequest): Promise<SavedReport>;
}

/*
 * What one call may carry, the same through every face (checked by `call-arguments.ts`; a call over a limit is
 * refused with the limit in its message). Far above what a user sends, low enough that one call cannot make the
 * engine hold gigabytes: together they bound a call's texts at 200 million characters.
 */
/**
 * Texts in one `predict`, `explain`, `zeroShot` or `startJob` (and sentences in the results given to `saveReport`): a UI job
 * over more would take days with the default methods; the CLI runs those (`explain --shard`).
 */
export const MAX_TEXTS_PER_CALL = 10_000;
/**
 * Characters (Unicode code points) in one text: ~8× what a 512-token model reads of English (~2,500 characters),
 * which truncates the rest anyway.
 */
export const MAX_TEXT_CHARACTERS = 20_000;
/**
 * Candidate labels in one `zeroShot`: each is one more forward pass per text (and a text's candidates are
 * scored together), far above the handful a zero-shot classifier is asked to choose among.
 */
export const MAX_CANDIDATE_LABELS = 100;

/** The calls of `WorkbenchApi`, in one list so that IPC channels, HTTP routes and bridges are generated from it. */
export const WORKBENCH_CALLS = [
  'loadModel',
  'listMethods',
  'predict',
  'explain',
  'zeroShot',
  'compare',
  'startJob',
  'cancelJob',
  'getJob',
  'saveReport',
] as const satisfies readonly (keyof WorkbenchApi)[];
export type WorkbenchCall = (typeof WORKBENCH_CALLS)[number];

/** What a UI holds: the calls plus a subscription to engine events. */
export interface WorkbenchBridge extends WorkbenchApi {
  onEvent(listener: (event: WorkbenchEvent) => void): () => void;
}

export function ipcChannel(call: WorkbenchCall): string {
  return `workbench:${call}`;
}

export const EVENT_CHANNEL = 'workbench:event';
