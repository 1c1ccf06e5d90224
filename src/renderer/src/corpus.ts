/**
 * The corpus view's logic, apart from Vue and the bridge: the summary kept current as results stream in (an
 * accumulator fed the rows in order, appended to while what it holds stays the same, rebuilt when a row it
 * holds changed), and the table's filters and sort, including the sentences behind a chart's bar or cell,
 * found with the summary's own keys (src/shared/corpus.ts).
 */
import {
  CorpusAccumulator,
  importanceClass,
  matchTrueLabel,
  sentenceKeys,
  type CorpusModel,
  type CorpusOptions,
  type CorpusSummary,
  type PredictionRow,
  type SentenceKeys,
} from '../../shared/corpus';
import type { SentenceResult } from '../../shared/results';

/**
 * What a row adds to the summary: a result (with the file's label; `predictionOnly`: its explanations left
 * out), null to leave the row out, or undefined while it waits (it and every later row are not summarized yet).
 */
export type CorpusEntry =
  { result: SentenceResult; label?: string | undefined; predictionOnly?: boolean } | null | undefined;

/** A result as the summary reads it: numbered by its row, with the file's true label, explanations as asked. */
const prepared = new WeakMap<SentenceResult, SentenceResult>();
function prepare(index: number, entry: NonNullable<CorpusEntry>): SentenceResult {
  const { result, label, predictionOnly } = entry;
  const cached = prepared.get(result);
  const trueLabel = result.trueLabel ?? label;
  const fresh = (sentence: SentenceResult) =>
    sentence.index === index &&
    sentence.trueLabel === trueLabel &&
    (predictionOnly ? Object.keys(sentence.explanations).length === 0 : sentence.explanations === result.explanations);
  if (cached && fresh(cached)) return cached;
  const { evaluation, ...rest } = result;
  const sentence: SentenceResult = {
    ...rest,
    index,
    ...(trueLabel === undefined ? {} : { trueLabel }),
    ...(predictionOnly ? { explanations: {} } : evaluation ? { evaluation } : {}),
  };
  prepared.set(result, sentence);
  return sentence;
}

export class CorpusFeed {
  private accumulator: CorpusAccumulator | undefined;
  private model: CorpusModel | undefined;
  private space = '';
  /** The results given to the accumulator, by row (null: a row left out), a prefix of the rows. */
  private fed: (SentenceResult | null)[] = [];
  /** `fed` before `prepare`, to see at a glance (identity) whether a row changed. */
  private sources: (NonNullable<CorpusEntry>['result'] | null)[] = [];

  /** Rows in the summary (the prefix fed; rows left out count as covered). */
  get covered(): number {
    return this.fed.length;
  }

  /**
   * Brings the summary up to the rows' entries: appends the rows after the prefix already fed while every row
   * of it is unchanged, else starts over. `space` names the label space (a zero-shot run's settings): a new one
   * starts over too. Linear in the rows, and in the new rows' tokens.
   */
  update(model: CorpusModel, space: string, rows: number, entryOf: (index: number) => CorpusEntry): void {
    const entries: CorpusEntry[] = [];
    for (let i = 0; i < rows; i++) {
      const entry = entryOf(i);
      if (entry === undefined) break;
      entries.push(entry);
    }
    const unchanged =
      this.accumulator !== undefined &&
      model === this.model &&
      space === this.space &&
      this.fed.length <= entries.length &&
      this.fed.every((sentence, i) => {
        const entry = entries[i];
        return entry === null
          ? sentence === null
          : sentence !== null &&
              entry !== undefined &&
              entry.result === this.sources[i] &&
              prepare(i, entry) === sentence;
      });
    if (!unchanged) {
      this.accumulator = new CorpusAccumulator(model);
      this.model = model;
      this.space = space;
      this.fed = [];
      this.sources = [];
    }
    for (let i = this.fed.length; i < entries.length; i++) {
      const entry = entries[i]!;
      const sentence = entry === null ? null : prepare(i, entry);
      if (sentence) this.accumulator!.add(sentence);
      this.fed.push(sentence);
      this.sources.push(entry === null ? null : entry.result);
    }
  }

  summary(options: CorpusOptions): CorpusSummary | undefined {
    return this.accumulator?.summary(options);
  }

  /** The result row `index` was summarized from, if it is in the summary. */
  sentence(index: number): SentenceResult | undefined {
    return this.fed[index] ?? undefined;
  }
}

/** The table's own filters (each empty or full range means: any). */
export interface TableFilters {
  /** A true label as the file gives it; '' any. */
  trueLabel: string;
  /** A predicted label; '' any. */
  predicted: string;
  outcome: 'any' | 'correct' | 'wrong' | 'unlabelled';
  /** The predicted label's probability, inclusive; rows without one (regression) pass only the full range. */
  minConfidence: number;
  maxConfidence: number;
  /** Case-insensitive, in the text or its pair. */
  search: string;
  /** Wrong predictions on top, the sort applying within each group. */
  errorsFirst: boolean;
}

export const NO_FILTERS: TableFilters = {
  trueLabel: '',
  predicted: '',
  outcome: 'any',
  minConfidence: 0,
  maxConfidence: 1,
  search: '',
  errorsFirst: false,
};

/** A click on a chart: the sentences of a confusion-matrix cell, or those behind a global token or word. */
export type ChartFilter =
  | { kind: 'cell'; truth: string; predicted: string }
  | { kind: 'tokens' | 'words'; key: string; method: string; label: string };

export type SortKey =
  'index' | 'text' | 'trueLabel' | 'predictedLabel' | 'confidence' | 'correct' | 'int8Drift' | 'truncated';

export interface TableSort {
  key: SortKey;
  descending: boolean;
}

/** What the chart filter reads of the rows: the summary's labels, the model, and each row's result. */
export interface ChartContext {
  labels: readonly string[];
  model: CorpusModel;
  sentence: (index: number) => SentenceResult | undefined;
}

/** Each sentence's keys, per model (the model decides case folding), computed once. */
const keysByModel = new WeakMap<CorpusModel, WeakMap<SentenceResult, SentenceKeys>>();

/** Whether a row is behind a chart's bar or cell, by the rules the summary counted it with. */
export function behindChart(row: PredictionRow, filter: ChartFilter, context: ChartContext): boolean {
  if (filter.kind === 'cell') {
    if (row.correct === undefined || row.trueLabel === undefined || row.predictedLabel !== filter.predicted)
      return false;
    return matchTrueLabel(row.trueLabel, context.labels).label === filter.truth;
  }
  const sentence = context.sentence(row.index);
  if (!sentence || importanceClass(sentence, filter.method) !== filter.label) return false;
  let cache = keysByModel.get(context.model);
  if (!cache) keysByModel.set(context.model, (cache = new WeakMap()));
  let keys = cache.get(sentence);
  if (!keys) cache.set(sentence, (keys = sentenceKeys(sentence, context.model)));
  return keys[filter.kind].has(filter.key);
}

function passes(row: PredictionRow, filters: TableFilters): boolean {
  if (filters.trueLabel && row.trueLabel !== filters.trueLabel) return false;
  if (filters.predicted && row.predictedLabel !== filters.predicted) return false;
  if (filters.outcome === 'correct' && row.correct !== true) return false;
  if (filters.outcome === 'wrong' && row.correct !== false) return false;
  if (filters.outcome === 'unlabelled' && row.trueLabel !== undefined) return false;
  if (filters.minConfidence > 0 || filters.maxConfidence < 1) {
    const p = row.confidence;
    if (p === undefined || p < filters.minConfidence || p > filters.maxConfidence) return false;
  }
  if (filters.search) {
    const needle = filters.search.toLowerCase();
    const haystack = row.textPair === undefined ? row.text : `${row.text}\n${row.textPair}`;
    if (!haystack.toLowerCase().includes(needle)) return false;
  }
  return true;
}

/** Sort value of a row; undefined sorts last either way. */
function sortValue(row: PredictionRow, key: SortKey): string | number | undefined {
  switch (key) {
    case 'correct':
      return row.correct === undefined ? undefined : row.correct ? 1 : 0;
    case 'truncated':
      return row.truncated ? 1 : 0;
    case 'confidence':
      return row.confidence ?? row.score;
    case 'text':
      return row.text.toLowerCase();
    default:
      return row[key];
  }
}

/** The rows the table shows: filtered, sorted (index breaks ties), wrong ones first on request. */
export function tableRows(
  rows: readonly PredictionRow[],
  filters: TableFilters,
  sort: TableSort,
  chart?: { filter: ChartFilter; context: ChartContext },
): PredictionRow[] {
  const shown = rows.filter((row) => passes(row, filters) && (!chart || behindChart(row, chart.filter, chart.context)));
  const direction = sort.descending ? -1 : 1;
  return shown.sort((a, b) => {
    if (filters.errorsFirst) {
      const wrong = Number(b.correct === false) - Number(a.correct === false);
      if (wrong !== 0) return wrong;
    }
    const [x, y] = [sortValue(a, sort.key), sortValue(b, sort.key)];
    if (x !== y) {
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      return (x < y ? -1 : 1) * direction;
    }
    return a.index - b.index;
  });
}
