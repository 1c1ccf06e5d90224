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
import { DEFAULT_MIN_COUNT, type CorpusSummary } from '../../shared/corpus';
import {
  RESULTS_SCHEMA,
  RESULTS_SCHEMA_VERSION,
  type Comparison,
  type Explanation,
  type ModelInfo,
  type ResultsDocument,
  type SentenceResult,
  type TextInput,
  type ZeroShotResult,
} from '../../shared/results';
import type { InputSentence } from '../../shared/sentences';
import {
  CorpusFeed,
  NO_FILTERS,
  type ChartFilter,
  type CorpusEntry,
  type TableFilters,
  type TableSort,
} from './corpus';
import type { HeadViewSettings } from './head-view';
import { entailmentIndex, settingsKey, zeroShotComparison, zeroShotRequest, type ZeroShotSettings } from './zero-shot';

/** What the engine reads of a row: its text, or its pair of texts. */
function inputOf(row: InputSentence): TextInput {
  return row.textPair === undefined ? row.text : [row.text, row.textPair];
}

export interface Row extends InputSentence {
  /** Prediction (from `predict`) or full result (from a job); kept raw, as it can hold large attention arrays. */
  result?: SentenceResult;
  /** True once a job finished this sentence. */
  explained: boolean;
  /** A what-if edit: the row it is an edited copy of (the panes show the two side by side). */
  editOf?: number;
}

export interface Pane {
  method: string;
  /** Option values this pane changes on top of the methods panel (e.g. attention layer and head). */
  overrides: OptionValues;
  /** Show the tokenizer's words (their pieces joined, scores summed) instead of subword tokens. */
  words: boolean;
  /** The attention head view: open or not, its layer and the heads switched off (unset: closed). */
  headView?: HeadViewSettings;
  /** The row this pane stays on while others are selected (unset: it shows the selected row). */
  pinned?: number;
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
  | { state: 'pending' }
  /** `sentence`: the input the explanation was made on when it is not the row's own (a zero-shot pair). */
  | { state: 'ready'; explanation: Explanation; sentence?: SentenceResult }
  | { state: 'error'; message: string };

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
  /** Run ferret's metrics on every explanation of a run (the corpus view's averaged table; rows' rationales). */
  evaluate: false,
  options: {} as Record<string, OptionValues>,
  job: undefined as JobView | undefined,
  panes: [] as Pane[],
  focusedPane: 0,
  /**
   * Zero-shot classification, on offer when the model is an NLI one: the settings in force (none: explain as
   * usual). A single-text row is then explained on its chosen candidate's pair; pair rows stay pairs.
   */
  zeroShot: undefined as ZeroShotSettings | undefined,
  /** The sentence view (panes and comparison of one sentence) or the corpus view (the whole file). */
  view: 'sentence' as 'sentence' | 'corpus',
  /** The corpus view's importance tables: the minimum count and the stop-word switch. */
  corpusOptions: { minCount: DEFAULT_MIN_COUNT, hideStopWords: false },
  theme: (window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light') as 'light' | 'dark',
});

/** Explanations by `cacheKey`; a shallow reactive Map so that views re-render when an entry lands. */
export const cache = shallowReactive(new Map<string, CacheEntry>());
/** Comparisons by `comparisonKey`, like `cache`. */
export const comparisons = shallowReactive(new Map<string, ComparisonEntry>());
/** Each row's zero-shot scores under the settings in force, by `zeroShotKey`. */
export const zeroShotScores = shallowReactive(new Map<string, ZeroShotResult>());
/** The candidate a row's panes explain, when the user picked one (else the best scored), by `zeroShotKey`. */
export const zeroShotChoices = shallowReactive(new Map<string, string>());
/**
 * The whole file at a glance, summarized here with the shared code from the results the app holds (no extra
 * engine call): the last run's results, and the predictions of rows it did not explain. `summary` is replaced,
 * never mutated; `covered` counts the rows in it, of `state.rows.length`.
 */
export const corpus = shallowReactive({ summary: undefined as CorpusSummary | undefined, covered: 0 });
/** The corpus table's filters and sort, kept while the user goes back and forth between the views. */
export const corpusTable = reactive({
  filters: { ...NO_FILTERS } as TableFilters,
  sort: { key: 'index', descending: false } as TableSort,
  /** A click on a chart: its sentences only (cleared with a new file). */
  chart: undefined as ChartFilter | undefined,
});

let bridge: WorkbenchBridge | undefined;
/** Bumped on every new input, so that answers for a previous list are dropped instead of landing on new rows. */
let generation = 0;
/** The options each method of the running job was started with, to file its results under the right key. */
let jobOptions: Record<string, OptionValues> = {};
/** Events can overtake the `startJob` answer; while it is on its way they wait here instead of being dropped. */
let starting = false;
const early: WorkbenchEvent[] = [];
/**
 * A run with zero-shot on goes sentence by sentence through `zeroShot` in this module (the engine's jobs explain
 * texts as they are); its results stay here, for a report.
 */
interface LocalJob {
  id: string;
  cancelled: boolean;
  results?: ResultsDocument;
}
const LOCAL_JOB_PREFIX = 'zero-shot-';
let localJob: LocalJob | undefined;
let localJobs = 0;
/** The last run's result for each row it explained (the engine's job or the local zero-shot one), for the corpus. */
const jobResults = new Map<number, SentenceResult>();
/** The `generation` the last job was started on: its events must not land on a newer file's rows. */
let jobGeneration = -1;
const feed = new CorpusFeed();
/** Summaries are rebuilt at most this often while results stream in (each is linear in the sentences). */
const CORPUS_THROTTLE_MS = 300;
let corpusTimer: ReturnType<typeof setTimeout> | undefined;
let corpusRefreshed = 0;

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

/**
 * Resolved options list every option in spec order, so equal settings give equal keys. A zero-shot row's
 * explanations are filed with the settings and the candidate explained as well.
 */
export function cacheKey(index: number, method: string, options: OptionValues): string {
  const key = `${index}|${method}|${JSON.stringify(options)}`;
  const zeroShot = rowZeroShot(index);
  return zeroShot ? `${key}|zero-shot:${zeroShotKey(index)}|${zeroShotChoice(index) ?? ''}` : key;
}

/** Whether the loaded model can classify zero-shot: it is an NLI model, with an entailment label. */
export function zeroShotAvailable(): boolean {
  return entailmentIndex(state.model?.labels) >= 0;
}

/** The zero-shot settings a row is explained with: a single text while zero-shot is on; none for a pair. */
export function rowZeroShot(index: number): ZeroShotSettings | undefined {
  const row = state.rows[index];
  return row && row.textPair === undefined && zeroShotAvailable() ? state.zeroShot : undefined;
}

export function zeroShotKey(index: number): string {
  return `${index}|${state.zeroShot ? settingsKey(state.zeroShot) : ''}`;
}

/** The candidate a zero-shot row explains: the one picked, else undefined (the engine's best). */
export function zeroShotChoice(index: number): string | undefined {
  return zeroShotChoices.get(zeroShotKey(index));
}

/** A row's zero-shot scores under the settings in force, once the engine has them. */
export function rowZeroShotResult(index: number): ZeroShotResult | undefined {
  return rowZeroShot(index) ? zeroShotScores.get(zeroShotKey(index)) : undefined;
}

/** The candidate a zero-shot row's panes explain: the picked one, else the best scored (once known). */
export function explainedCandidate(index: number): string | undefined {
  const chosen = zeroShotChoice(index);
  if (chosen !== undefined) return chosen;
  const result = rowZeroShotResult(index);
  return result ? result.candidateLabels[result.scores.indexOf(Math.max(...result.scores))] : undefined;
}

/** Explains `label` of a zero-shot row in every pane (one click on its bar); the best one goes back to the default. */
export function chooseCandidate(index: number, label: string): void {
  const result = rowZeroShotResult(index);
  const best = result?.candidateLabels[result.scores.indexOf(Math.max(...result.scores))];
  if (label === best) zeroShotChoices.delete(zeroShotKey(index));
  else zeroShotChoices.set(zeroShotKey(index), label);
}

/**
 * Turns zero-shot on with these settings (off with none) and scores every single-text row's candidates, a few
 * rows per call, so that the list shows each row's best candidate.
 */
export function setZeroShot(settings: ZeroShotSettings | undefined): void {
  state.zeroShot = settings;
  scheduleCorpus();
  void scoreZeroShot(generation);
}

async function scoreZeroShot(current: number): Promise<void> {
  const settings = state.zeroShot;
  if (!bridge || !settings || !zeroShotAvailable()) return;
  const key = settingsKey(settings);
  const pending = state.rows.flatMap((row, index) =>
    row.textPair === undefined && !zeroShotScores.has(zeroShotKey(index)) ? [index] : [],
  );
  for (let start = 0; start < pending.length; start += PREDICT_CHUNK) {
    const chunk = pending.slice(start, start + PREDICT_CHUNK);
    try {
      const document = await bridge.zeroShot({
        ...zeroShotRequest('', settings, {}),
        texts: chunk.map((index) => state.rows[index]!.text),
      });
      // Dropped when the list or the settings changed meanwhile.
      if (current !== generation || !state.zeroShot || settingsKey(state.zeroShot) !== key) return;
      document.sentences.forEach((sentence, i) => {
        if (sentence.zeroShot) zeroShotScores.set(zeroShotKey(chunk[i]!), markRaw(sentence.zeroShot));
      });
    } catch (error) {
      if (current === generation) state.inputError = `Zero-shot failed: ${message(error)}`;
      return;
    }
  }
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
    if (!zeroShotAvailable()) state.zeroShot = undefined;
    // Predictions and explanations belong to the previous model; a pair stays a pair.
    setRows(
      state.rows.map(({ text, textPair, label, rationale, editOf }) => ({
        text,
        ...(textPair === undefined ? {} : { textPair }),
        ...(label === undefined ? {} : { label }),
        ...(rationale ? { rationale } : {}),
        ...(editOf === undefined ? {} : { editOf }),
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

export function setRows(sentences: (InputSentence & Pick<Row, 'editOf'>)[]): void {
  generation += 1;
  // Pins name rows of the previous list.
  state.panes.forEach((pane) => delete pane.pinned);
  cache.clear();
  comparisons.clear();
  zeroShotScores.clear();
  zeroShotChoices.clear();
  jobResults.clear();
  corpusTable.chart = undefined;
  // A new array rather than splice(…spread): spreading a very long file would overflow the call stack.
  state.rows = shallowReactive(sentences.map((sentence) => ({ ...sentence, explained: false })));
  state.selected = sentences.length > 0 ? 0 : -1;
  refreshCorpus();
  void predictRows(generation, 0);
  void scoreZeroShot(generation);
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
      scheduleCorpus();
    } catch (error) {
      if (current === generation) state.inputError = `Prediction failed: ${message(error)}`;
      return;
    }
  }
}

/**
 * Appends one typed sentence, or a pair when a second text is given; the rows already there keep their
 * predictions and explanations.
 */
export function addSentence(text: string, textPair = ''): void {
  const trimmed = text.trim();
  const second = textPair.trim();
  if (!trimmed) return;
  state.inputError = '';
  state.rows.push({ text: trimmed, ...(second ? { textPair: second } : {}), explained: false });
  state.selected = state.rows.length - 1;
  void predictRows(generation, state.rows.length - 1);
  void scoreZeroShot(generation);
}

/**
 * Adds an edited copy of row `original` (a what-if edit) after the last row, linked to it, and selects it: the
 * panes then explain it with their methods and show it beside its original.
 */
export function addEdit(original: number, text: string, textPair?: string): void {
  const source = state.rows[original];
  const trimmed = text.trim();
  if (!source || !trimmed) return;
  const second = textPair?.trim();
  state.rows.push({ text: trimmed, ...(second ? { textPair: second } : {}), editOf: original, explained: false });
  state.selected = state.rows.length - 1;
  void predictRows(generation, state.rows.length - 1);
  void scoreZeroShot(generation);
}

/** One forward pass on a text the user is trying out (a token deleted or masked): its prediction, nothing kept. */
export async function predictText(text: string, textPair?: string): Promise<SentenceResult> {
  if (!bridge) throw new Error('the engine is not connected');
  const [result] = await bridge.predict([textPair === undefined ? text : [text, textPair]]);
  if (!result) throw new Error('the engine returned no prediction');
  return result;
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
  const zeroShot = rowZeroShot(index);
  const scoresKey = zeroShotKey(index);
  try {
    const methods = { [method]: options };
    const document = zeroShot
      ? await bridge.zeroShot(zeroShotRequest(row.text, zeroShot, methods, zeroShotChoice(index)))
      : await bridge.explain({ texts: [inputOf(row)], methods, ...labelsOf([row]) });
    if (current !== generation) return;
    const result = document.sentences[0]!;
    const explanation = result.explanations[method];
    if (!explanation) throw new Error(`the engine returned no ${method} explanation`);
    if (zeroShot) {
      // The explanation is of the candidate's pair, not of the row's text: the pane lays it out on that pair.
      cache.set(key, { state: 'ready', explanation: markRaw(explanation), sentence: markRaw(result) });
      if (result.zeroShot && !zeroShotScores.has(scoresKey)) zeroShotScores.set(scoresKey, markRaw(result.zeroShot));
      return;
    }
    cache.set(key, { state: 'ready', explanation: markRaw(explanation) });
    const latest = state.rows[index];
    if (latest && !latest.result) state.rows[index] = { ...latest, result: markRaw(result) };
  } catch (error) {
    if (current === generation) cache.set(key, { state: 'error', message: message(error) });
  }
}

export function comparisonKey(index: number, methods: Record<string, OptionValues>): string {
  const key = `${index}|${JSON.stringify(methods)}`;
  return rowZeroShot(index) ? `${key}|zero-shot:${zeroShotKey(index)}|${explainedCandidate(index) ?? ''}` : key;
}

/**
 * Makes sure the comparison of `methods` on a sentence is cached or on its way. Its explanations also fill the
 * explanation cache, so panes showing one of these methods do not ask the engine a second time.
 */
export async function ensureComparison(index: number, methods: Record<string, OptionValues>): Promise<void> {
  const key = comparisonKey(index, methods);
  const row = state.rows[index];
  if (!bridge || !row || comparisons.has(key) || Object.keys(methods).length === 0) return;
  const zeroShot = rowZeroShot(index);
  if (zeroShot) return ensureZeroShotComparison(index, zeroShot, methods, key);
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

/**
 * The comparison of a zero-shot row: every method on its explained candidate's pair, targeting entailment. It
 * waits for the candidates' scores when the best one is to be explained. Its explanations are the comparison's
 * own (the panes' zero-shot explanations are filed apart).
 */
async function ensureZeroShotComparison(
  index: number,
  settings: ZeroShotSettings,
  methods: Record<string, OptionValues>,
  key: string,
): Promise<void> {
  const label = explainedCandidate(index);
  const row = state.rows[index];
  if (!bridge || !row || label === undefined) return;
  const current = generation;
  comparisons.set(key, { state: 'pending' });
  try {
    const entailment = entailmentIndex(state.model?.labels);
    const request = zeroShotComparison(row.text, settings, label, methods, state.methods, entailment);
    const comparison = markRaw(await bridge.compare(request));
    if (current === generation) comparisons.set(key, { state: 'ready', comparison });
  } catch (error) {
    if (current === generation) comparisons.set(key, { state: 'error', message: message(error) });
  }
}

export async function startJob(): Promise<void> {
  if (!bridge || state.rows.length === 0) return;
  if (zeroShotAvailable() && state.zeroShot) return startZeroShotJob();
  const methods = availableMethods().filter((method) => state.enabled[method.id]);
  if (methods.length === 0) {
    state.inputError = 'Choose at least one method to run.';
    return;
  }
  state.inputError = '';
  starting = true;
  try {
    jobOptions = Object.fromEntries(methods.map((method) => [method.id, effectiveOptions(method.id)]));
    const rows = [...state.rows];
    const job = await bridge.startJob({
      texts: rows.map(inputOf),
      methods: jobOptions,
      ...labelsOf(rows),
      ...(state.evaluate ? { evaluate: true, ...rationalesOf(rows) } : {}),
    });
    state.job = { id: job.id, status: job.status, done: job.done, total: job.total };
    startCorpusJob();
  } catch (error) {
    state.inputError = `Could not start the job: ${message(error)}`;
  } finally {
    starting = false;
    early.splice(0).forEach(onEvent);
  }
}

/**
 * Runs the ticked methods on every row with zero-shot on: single texts through `zeroShot` (each on its chosen
 * candidate's pair), pairs through `explain`, one sentence per call so that progress shows and Cancel stops
 * between sentences. The results stay here for a report.
 */
async function startZeroShotJob(): Promise<void> {
  const methods = availableMethods().filter((method) => state.enabled[method.id]);
  if (!bridge || methods.length === 0) {
    state.inputError = 'Choose at least one method to run.';
    return;
  }
  state.inputError = '';
  let options: Record<string, OptionValues>;
  try {
    options = Object.fromEntries(methods.map((method) => [method.id, effectiveOptions(method.id)]));
  } catch (error) {
    state.inputError = `Could not start the job: ${message(error)}`;
    return;
  }
  const current = generation;
  const job: LocalJob = { id: `${LOCAL_JOB_PREFIX}${(localJobs += 1)}`, cancelled: false };
  localJob = job;
  const rows = [...state.rows];
  const started = Date.now();
  const sentences: SentenceResult[] = [];
  state.job = { id: job.id, status: 'running', done: 0, total: rows.length };
  startCorpusJob();
  for (const [index, row] of rows.entries()) {
    if (job.cancelled) break;
    const zeroShot = rowZeroShot(index);
    try {
      const labels = labelsOf([row]);
      const document = zeroShot
        ? await bridge.zeroShot({ ...zeroShotRequest(row.text, zeroShot, options, zeroShotChoice(index)), ...labels })
        : await bridge.explain({ texts: [inputOf(row)], methods: options, ...labels });
      if (current !== generation) return;
      // Numbered by the row, as a job's sentences are by their place in the input.
      const result = markRaw({ ...document.sentences[0]!, index });
      sentences.push(result);
      jobResults.set(index, result);
      scheduleCorpus();
      job.results = resultsOf(document.model, sentences, document.methods);
      for (const [method, explanation] of Object.entries(result.explanations)) {
        const entry = { state: 'ready' as const, explanation: markRaw(explanation) };
        cache.set(cacheKey(index, method, options[method]!), zeroShot ? { ...entry, sentence: result } : entry);
      }
      if (zeroShot && result.zeroShot) zeroShotScores.set(zeroShotKey(index), markRaw(result.zeroShot));
      const latest = state.rows[index];
      if (latest) state.rows[index] = { ...latest, ...(zeroShot ? {} : { result }), explained: true };
      const done = sentences.length;
      const elapsed = (Date.now() - started) / 1000;
      state.job = { ...state.job!, done, etaSeconds: (elapsed / done) * (rows.length - done) };
    } catch (error) {
      if (current === generation) state.job = { ...state.job!, status: 'failed', error: message(error) };
      scheduleCorpus();
      return;
    }
  }
  if (current === generation) state.job = { ...state.job!, status: job.cancelled ? 'cancelled' : 'completed' };
  scheduleCorpus();
}

function resultsOf(
  model: ModelInfo,
  sentences: SentenceResult[],
  methods: ResultsDocument['methods'],
): ResultsDocument {
  return {
    schema: RESULTS_SCHEMA,
    version: RESULTS_SCHEMA_VERSION,
    model,
    ...(methods ? { methods } : {}),
    sentences: [...sentences],
  };
}

export async function cancelJob(): Promise<void> {
  if (state.job?.id.startsWith(LOCAL_JOB_PREFIX)) {
    if (state.job.status === 'running' && localJob?.id === state.job.id) localJob.cancelled = true;
    return;
  }
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
    if (jobGeneration === generation) {
      jobResults.set(event.index, result);
      scheduleCorpus();
    }
    for (const [method, explanation] of Object.entries(result.explanations)) {
      const options = jobOptions[method];
      if (options)
        cache.set(cacheKey(event.index, method, options), { state: 'ready', explanation: markRaw(explanation) });
    }
  } else {
    state.job = { ...job, status: event.status, ...(event.error ? { error: event.error } : {}) };
    // The rows the job did not reach join the summary with their predictions.
    scheduleCorpus();
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
  if (state.job.id.startsWith(LOCAL_JOB_PREFIX)) {
    const results = localJob?.id === state.job.id ? localJob.results : undefined;
    if (!results) throw new Error('Run the methods first: a report holds a run’s results.');
    const partial = state.job.status !== 'completed';
    return bridge.saveReport({ dir, results: { ...results, ...(partial ? { partial } : {}) } });
  }
  return bridge.saveReport({ jobId: state.job.id, dir });
}

/** A request's rationales (null where a row has none), or nothing when no row has one. */
function rationalesOf(rows: readonly InputSentence[]): { rationales?: (number[] | null)[] } {
  return rows.some((row) => row.rationale !== undefined)
    ? { rationales: rows.map((row) => row.rationale ?? null) }
    : {};
}

/** A request's true labels (`labels`, null where a row has none), or nothing when no row has one. */
function labelsOf(rows: readonly InputSentence[]): { labels?: (string | null)[] } {
  return rows.some((row) => row.label !== undefined) ? { labels: rows.map((row) => row.label ?? null) } : {};
}

function startCorpusJob(): void {
  jobResults.clear();
  jobGeneration = generation;
  refreshCorpus();
}

/** Whether the last job is still explaining this file's rows: rows it has not reached wait for it. */
function jobRunning(): boolean {
  return state.job?.status === 'running' && jobGeneration === generation;
}

/**
 * What row `index` adds to the corpus summary: the last run's result; else, once no run is on its way, its
 * prediction (no explanations: a pane's own explanation of one sentence is no part of a run); null for a
 * zero-shot row no run explained (its prediction is the NLI model's, not its candidates'); undefined while it
 * waits for its prediction or the running job.
 */
function corpusEntry(index: number): CorpusEntry {
  const result = jobResults.get(index);
  const row = state.rows[index];
  // An edited copy is the user's what-if, not a sentence of the file: it would skew the file's accuracy.
  if (row?.editOf !== undefined) return null;
  if (result) return { result, label: row?.label };
  if (!row || jobRunning()) return undefined;
  if (rowZeroShot(index)) return null;
  return row.result ? { result: row.result, label: row.label, predictionOnly: true } : undefined;
}

/** Brings the corpus summary up to the rows' results now (appending what streamed in, or rebuilding). */
export function refreshCorpus(): void {
  clearTimeout(corpusTimer);
  corpusTimer = undefined;
  corpusRefreshed = Date.now();
  const model = state.model;
  if (!model) {
    corpus.summary = undefined;
    corpus.covered = 0;
    return;
  }
  // A zero-shot run's label space is its candidates: a change of settings starts the summary over.
  const space = state.zeroShot && zeroShotAvailable() ? settingsKey(state.zeroShot) : '';
  feed.update(model, space, state.rows.length, corpusEntry);
  corpus.summary = rawSummary();
  corpus.covered = feed.covered;
}

/** Raw: a summary holds every sentence's row; views read it whole and never change it. */
function rawSummary(): CorpusSummary | undefined {
  const summary = feed.summary(state.corpusOptions);
  return summary && markRaw(summary);
}

/** A refresh soon: at once after a quiet spell, else at most every CORPUS_THROTTLE_MS while results stream. */
function scheduleCorpus(): void {
  if (corpusTimer !== undefined) return;
  const wait = Math.max(0, CORPUS_THROTTLE_MS - (Date.now() - corpusRefreshed));
  corpusTimer = setTimeout(refreshCorpus, wait);
}

/** The corpus view's importance options; the summary re-ranks at once (no sentence is read again). */
export function setCorpusOptions(options: Partial<{ minCount: number; hideStopWords: boolean }>): void {
  state.corpusOptions = { ...state.corpusOptions, ...options };
  corpus.summary = state.model ? rawSummary() : undefined;
}

/** The result row `index` is summarized from (for the sentences behind a chart), if it is in the summary. */
export function corpusSentence(index: number): SentenceResult | undefined {
  return feed.sentence(index);
}

/** Opens a sentence of the corpus table in the sentence view. */
export function openSentence(index: number): void {
  select(index);
  state.view = 'sentence';
}
