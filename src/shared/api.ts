/**
 * The contract between a UI and the engine: every call a face (Electron IPC, web host, CLI) offers.
 * The renderer only ever talks to an object of this type (`window.workbench`).
 */
import type { OptionSpec } from './options.js';
import type { ModelInfo, ResultsDocument, SentenceResult } from './results.js';

/** What a model needs from the runtime beyond a plain forward pass. */
export type ModelCapability = 'attentions' | 'inputs_embeds' | 'gradients';

export interface MethodInfo {
  id: string;
  label: string;
  description: string;
  needs: ModelCapability[];
  options: OptionSpec[];
  /** Whether the loaded model supports this method, and if not, why. */
  available: boolean;
  unavailableReason?: string;
}

export interface ExplainRequest {
  texts: string[];
  /** Method id → option values (missing values take the method's defaults). */
  methods: Record<string, Record<string, unknown>>;
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
  | { type: 'job-finished'; jobId: string; status: Exclude<JobStatus, 'running'>; error?: string };

export interface WorkbenchApi {
  /** `demo` for the bundled model, or a transformers.js-style folder. */
  loadModel(source: string): Promise<ModelInfo>;
  listMethods(): Promise<MethodInfo[]>;
  predict(texts: string[]): Promise<SentenceResult[]>;
  /** Explains a few texts and waits for the result; long inputs go through `startJob`. */
  explain(request: ExplainRequest): Promise<ResultsDocument>;
  /** Starts explaining in the background; progress and results arrive as events. */
  startJob(request: ExplainRequest): Promise<JobState>;
  /** Stops a job between model calls; what finished is kept. */
  cancelJob(jobId: string): Promise<JobState>;
  getJob(jobId: string): Promise<JobState>;
}

/** The calls of `WorkbenchApi`, in one list so that IPC channels, HTTP routes and bridges are generated from it. */
export const WORKBENCH_CALLS = [
  'loadModel',
  'listMethods',
  'predict',
  'explain',
  'startJob',
  'cancelJob',
  'getJob',
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
