/**
 * The app's state in one small module: what is loaded, what is selected, what the panes show, and the
 * explanation cache that every view reads. Components read `state` and call the actions below; only this
 * module talks to the bridge, so the UI has one place where engine calls, errors and races are handled.
 */
import { markRaw, reactive, shallowReactive } from 'vue';
import type {
  JobStatus,
  LoadModelOptions,
  MethodInfo,
  SavedReport,
  WorkbenchBridge,
  WorkbenchEvent,
} from '../../shared/api';
import { resolveOptions, type OptionValue, type OptionValues } from '../../shared/options';
import type { Comparison, Explanation, ModelInfo, SentenceResult, TextInput } from '../../shared/results';
import type { InputSentence } from '../../shared/sentences';

/** What the engine reads of a row: its text, or its pair of texts. */
function inputOf(row: InputSentence): TextInput {
  return row.textPair === undefined ? row.text : [row.text, row.textPair];
}

export interface Row extends InputSentence {
  /** Prediction (from `predict`) or full result (from a job); kept raw, as it can hold large attention arrays. */
  result?: SentenceResult;
  /** True once a job finished this sentence. */
  explained: boolean;
}

export interface Pane {
  method: string;
  /** Option values this pane changes on top of the methods panel (e.g. attention layer and head). */
  overrides: OptionValues;
  /** Show the tokenizer's words (their pieces joined, scores summed) instead of subword tokens. */
  words: boolean;
}

export interface JobView {
  id: string;
  status: JobStatus;
  done: number;
  total: number;
  etaSeconds?: number;
  error?: string;
}

export type CacheEntry =
  { state: 'pending' } | { state: 'ready'; explanation: Explanation } | { state: 'error'; message: string };

export type ComparisonEntry =
  { state: 'pending' } | { state: 'ready'; comparison: Comparison } | { state: 'error'; message: string };

export const MAX_PANES = 4;
/** Sentences per `predict` call while filling the list: small enough to keep a running job responsive. */
const PREDICT_CHUNK = 32;

export const state = reactive({
  status: 'Connecting to the engine…',
  model: undefined as ModelInfo | undefined,
  methods: [] as MethodInfo[],
  inputError: '',
  /** What the last file left out (its empty sentences), shown under the drop zone. */
  inputWarning: '',
  /** Shallow: rows are replaced, never mutated deeply, and a file can hold thousands. */
  rows: shallowReactive<Row[]>([]),
  selected: -1,
  /** Methods the Run button runs, and the options it runs them with (also the panes' defaults). */
  enabled: {} as Record<string, boolean>,
  options: {} as Record<string, OptionValues>,
  job: undefined as JobView | undefined,
  panes: [] as Pane[],
  focusedPane: 0,
  theme: (window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light') as 'light' | 'dark',
});

/** Explanations by `cacheKey`; a shallow reactive Map so that views re-render when an entry lands. */
export const cache = shallowReactive(new Map<string, CacheEntry>());
/** Comparisons by `comparisonKey`, like `cache`. */
export const comparisons = shallowReactive(new Map<string, ComparisonEntry>());

let bridge: WorkbenchBridge | undefined;
/** Bumped on every new input, so that answers for a previous list are dropped instead of landing on new rows. */
let generation = 0;
/** The options each method of the running job was started with, to file its results under the right key. */
let jobOptions: Record<string, OptionValues> = {};
/** Events can overtake the `startJob` answer; while it is on its way they wait here instead of being dropped. */
let starting = false;
const early: WorkbenchEvent[] = [];

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function methodInfo(id: string): MethodInfo | undefined {
  return state.methods.find((method) => method.id === id);
}

export function availableMethods(): MethodInfo[] {
  return state.methods.filter((method) => method.available);
}

/** The full, validated options of `method` with `overrides`; throws an OptionError for invalid values. */
function effectiveOptions(method: string, overrides: OptionValues = {}): OptionValues {
  const info = methodInfo(method);
  return resolveOptions(info?.options ?? [], { ...state.options[method], ...overrides }, info?.label ?? method);
}

/** `effectiveOptions` for views: an invalid value becomes a message to show instead of an exception. */
export function tryOptions(
  method: string,
  overrides: OptionValues = {},
): { options: OptionValues } | { error: string } {
  try {
    return { options: effectiveOptions(method, overrides) };
  } catch (error) {
    return { error: message(error) };
  }
}

/** Resolved options list every option in spec order, so equal settings give equal keys. */
export function cacheKey(index: number, method: string, options: OptionValues): string {
  return `${index}|${method}|${JSON.stringify(options)}`;
}

export async function connect(connected: WorkbenchBridge | undefined): Promise<void> {
  if (!connected) {
    state.status = 'Engine not connected: open the app in Electron or through the URL `npm run serve` prints.';
    return;
  }
  bridge = connected;
  bridge.onEvent(onEvent);
  await loadModel('demo');
}

export async function loadModel(source: string, options: LoadModelOptions = {}): Promise<void> {
  if (!bridge) return;
  state.status = `Loading ${source}…`;
  try {
    const loaded = await bridge.loadModel(source, options);
    state.model = loaded;
    state.methods = await bridge.listMethods();
    // Ticked methods run on every selected sentence: only the engine's autorun ones start ticked.
    state.enabled = Object.fromEntries(state.methods.map((method) => [method.id, method.available && method.autorun]));
    state.options = Object.fromEntries(state.methods.map((method) => [method.id, resolveOptions(method.options, {})]));
    resetPanes();
    state.status = loaded.notice ? `Ready. Note: ${loaded.notice}` : 'Ready';
    // Predictions and explanations belong to the previous model.
    setRows(
      state.rows.map(({ text, label, rationale }) => ({
        text,
        ...(label === undefined ? {} : { label }),
        ...(rationale ? { rationale } : {}),
      })),
    );
  } catch (error) {
    state.status = `Engine error: ${message(error)}`;
  }
}

/** Two panes with two different methods when the model has them; otherwise one method, two score views. */
function resetPanes(): void {
  const ids = availableMethods().map((method) => method.id);
  const first = ids[0] ?? '';
  const second = ids[1];
  const fallback: OptionValues = methodInfo(first)?.options.some((spec) => spec.name === 'view')
    ? { view: 'rollout' }
    : {};
  state.panes = [
    { method: first, overrides: {}, words: false },
    { method: second ?? first, overrides: second ? {} : fallback, words: false },
  ];
  state.focusedPane = 0;
}

export function setRows(sentences: InputSentence[]): void {
  generation += 1;
  cache.clear();
  comparisons.clear();
  // A new array rather than splice(…spread): spreading a very long file would overflow the call stack.
  state.rows = shallowReactive(sentences.map((sentence) => ({ ...sentence, explained: false })));
  state.selected = sentences.length > 0 ? 0 : -1;
  void predictRows(generation, 0);
}

async function predictRows(current: number, from: number): Promise<void> {
  for (let start = from; start < state.rows.length && bridge; start += PREDICT_CHUNK) {
    const chunk = state.rows.slice(start, start + PREDICT_CHUNK);
    try {
      const results = await bridge.predict(chunk.map(inputOf));
      if (current !== generation) return;
      results.forEach((result, i) => {
        const row = state.rows[start + i];
        if (row && !row.result) state.rows[start + i] = { ...row, result: markRaw(result) };
      });
    } catch (error) {
      if (current === generation) state.inputError = `Prediction failed: ${message(error)}`;
      return;
    }
  }
}

/** Appends one typed sentence; the rows already there keep their predictions and explanations. */
export function addSentence(text: string): void {
  const trimmed = text.trim();
  if (!trimmed) return;
  state.inputError = '';
  state.rows.push({ text: trimmed, explained: false });
  state.selected = state.rows.length - 1;
  void predictRows(generation, state.rows.length - 1);
}

export function select(index: number): void {
  if (state.rows.length === 0) return;
  state.selected = Math.min(Math.max(index, 0), state.rows.length - 1);
}

/** Makes sure the explanation of (sentence, method, options) is cached or on its way. */
export async function ensureExplanation(index: number, method: string, options: OptionValues): Promise<void> {
  const key = cacheKey(index, method, options);
  const row = state.rows[index];
  if (!bridge || !row || cache.has(key)) return;
  const current = generation;
  cache.set(key, { state: 'pending' });
  try {
    const document = await bridge.explain({ texts: [inputOf(row)], methods: { [method]: options } });
    if (current !== generation) return;
    const result = document.sentences[0]!;
    const explanation = result.explanations[method];
    if (!explanation) throw new Error(`the engine returned no ${method} explanation`);
    cache.set(key, { state: 'ready', explanation: markRaw(explanation) });
    const latest = state.rows[index];
    if (latest && !latest.result) state.rows[index] = { ...latest, result: markRaw(result) };
  } catch (error) {
    if (current === generation) cache.set(key, { state: 'error', message: message(error) });
  }
}

export function comparisonKey(index: number, methods: Record<string, OptionValues>): string {
  return `${index}|${JSON.stringify(methods)}`;
}

/**
 * Makes sure the comparison of `methods` on a sentence is cached or on its way. Its explanations also fill the
 * explanation cache, so panes showing one of these methods do not ask the engine a second time.
 */
export async function ensureComparison(index: number, methods: Record<string, OptionValues>): Promise<void> {
  const key = comparisonKey(index, methods);
  const row = state.rows[index];
  if (!bridge || !row || comparisons.has(key) || Object.keys(methods).length === 0) return;
  const current = generation;
  comparisons.set(key, { state: 'pending' });
  const claimed = Object.entries(methods)
    .map(([method, options]) => cacheKey(index, method, options))
    .filter((explanationKey) => !cache.has(explanationKey));
  claimed.forEach((explanationKey) => cache.set(explanationKey, { state: 'pending' }));
  try {
    const request = { text: inputOf(row), methods, ...(row.rationale ? { rationale: row.rationale } : {}) };
    const comparison = markRaw(await bridge.compare(request));
    if (current !== generation) return;
    comparisons.set(key, { state: 'ready', comparison });
    for (const [method, options] of Object.entries(methods)) {
      const explanation = comparison.sentence.explanations[method];
      if (explanation)
        cache.set(cacheKey(index, method, options), { state: 'ready', explanation: markRaw(explanation) });
    }
  } catch (error) {
    if (current !== generation) return;
    comparisons.set(key, { state: 'error', message: message(error) });
    // Release the claims: a pane then asks for its one method itself and shows that method's own outcome.
    claimed.forEach((explanationKey) => cache.get(explanationKey)?.state === 'pending' && cache.delete(explanationKey));
  }
}

export async function startJob(): Promise<void> {
  if (!bridge || state.rows.length === 0) return;
  const methods = availableMethods().filter((method) => state.enabled[method.id]);
  if (methods.length === 0) {
    state.inputError = 'Choose at least one method to run.';
    return;
  }
  state.inputError = '';
  starting = true;
  try {
    jobOptions = Object.fromEntries(methods.map((method) => [method.id, effectiveOptions(method.id)]));
    const job = await bridge.startJob({ texts: state.rows.map(inputOf), methods: jobOptions });
    state.job = { id: job.id, status: job.status, done: job.done, total: job.total };
  } catch (error) {
    state.inputError = `Could not start the job: ${message(error)}`;
  } finally {
    starting = false;
    early.splice(0).forEach(onEvent);
  }
}

export async function cancelJob(): Promise<void> {
  if (!bridge || state.job?.status !== 'running') return;
  try {
    const job = await bridge.cancelJob(state.job.id);
    state.job = { ...state.job, status: job.status, done: job.done };
  } catch (error) {
    state.inputError = `Could not cancel: ${message(error)}`;
  }
}

function onEvent(event: WorkbenchEvent): void {
  if (event.type === 'model-download') {
    const size = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
    const amount = event.total === undefined ? size(event.received) : `${size(event.received)} of ${size(event.total)}`;
    state.status = `Downloading ${event.source}: ${event.file}, ${amount}…`;
    return;
  }
  const job = state.job;
  if (!job || event.jobId !== job.id) {
    if (starting) early.push(event);
    return;
  }
  if (event.type === 'job-progress') {
    state.job = { ...job, done: event.done, total: event.total, etaSeconds: event.etaSeconds };
  } else if (event.type === 'sentence-done') {
    const row = state.rows[event.index];
    if (!row) return;
    const result = markRaw(event.result);
    state.rows[event.index] = { ...row, result, explained: true };
    for (const [method, explanation] of Object.entries(result.explanations)) {
      const options = jobOptions[method];
      if (options)
        cache.set(cacheKey(event.index, method, options), { state: 'ready', explanation: markRaw(explanation) });
    }
  } else {
    state.job = { ...job, status: event.status, ...(event.error ? { error: event.error } : {}) };
  }
}

export function setPaneCount(count: number): void {
  const clamped = Math.min(Math.max(count, 1), MAX_PANES);
  while (state.panes.length < clamped) {
    const used = new Set(state.panes.map((pane) => pane.method));
    const next = availableMethods().find((method) => !used.has(method.id)) ?? availableMethods()[0];
    state.panes.push({ method: next?.id ?? '', overrides: {}, words: false });
  }
  state.panes.splice(clamped);
  state.focusedPane = Math.min(state.focusedPane, clamped - 1);
}

export function setPaneOption(pane: Pane, name: string, value: OptionValue): void {
  pane.overrides = { ...pane.overrides, [name]: value };
}

/**
 * Writes the current job's results as a report folder (a cancelled job's finished sentences, marked partial).
 * Returns the folder written; the engine refuses an existing folder with a message worth showing as is.
 */
export async function saveReport(dir: string): Promise<SavedReport> {
  if (!bridge || !state.job) throw new Error('Run the methods first: a report holds a run’s results.');
  return bridge.saveReport({ jobId: state.job.id, dir });
}
