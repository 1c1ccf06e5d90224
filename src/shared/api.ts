/**
 * The contract between a UI and the engine: every call a face (Electron IPC, web host, CLI) offers.
 * The renderer only ever talks to an object of this type (`window.workbench`).
 */
import type { OptionSpec } from './options.js';
import type { ModelInfo, ResultsDocument, SentenceResult } from './results.js';

/** What a model needs from the runtime beyond a plain forward pass. */
export type ModelCapability = 'attentions' | 'inputs_embeds';

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

export interface WorkbenchApi {
  /** `demo` for the bundled model, or a transformers.js-style folder. */
  loadModel(source: string): Promise<ModelInfo>;
  listMethods(): Promise<MethodInfo[]>;
  predict(texts: string[]): Promise<SentenceResult[]>;
  explain(request: ExplainRequest): Promise<ResultsDocument>;
}

/** The calls of `WorkbenchApi`, in one list so that IPC channels and the preload bridge are generated from it. */
export const WORKBENCH_CALLS = [
  'loadModel',
  'listMethods',
  'predict',
  'explain',
] as const satisfies readonly (keyof WorkbenchApi)[];
export type WorkbenchCall = (typeof WORKBENCH_CALLS)[number];

export function ipcChannel(call: WorkbenchCall): string {
  return `workbench:${call}`;
}
