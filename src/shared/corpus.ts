/**
 * The corpus summary: a whole file of explained sentences at a glance. Where the model is wrong (prediction
 * table, accuracy, macro-F1, confusion matrix), which tokens and words push it to each class across the file
 * (shap's global mean-|value| bars, for every method), whether the methods agree (Kendall τ-b, as the sentence
 * comparison computes it) and which is the most faithful on average (ferret's dataset-level table).
 *
 * Incremental: `CorpusAccumulator.add` costs one sentence's own work (its tokens, its methods' τ), so a job can
 * keep a summary current as sentences stream; `summary()` only filters and sorts what was gathered. Pure, for
 * every face: the engine's report and CLI and the app's corpus view all summarize with this code.
 */
import { eng as englishStopWords } from 'stopword';
import { agreementMatrix, isSpecialToken } from './agreement.js';
import type { Explanation, MetricId, ModelInfo, SentenceResult } from './results.js';
import { readableTokens } from './tokens.js';
import { mergeWords, wordsUnsupportedReason } from './words.js';

export interface CorpusOptions {
  /** Tokens and words seen fewer times than this are left out of the importance tables (default 3). */
  minCount?: number;
  /** Leave English stop words ("the", "is", …; negations are kept) out of the importance tables. */
  hideStopWords?: boolean;
}

export const DEFAULT_MIN_COUNT = 3;

/** One sentence of the prediction table. */
export interface PredictionRow {
  index: number;
  text: string;
  textPair?: string;
  /** The true label as the file gave it. */
  trueLabel?: string;
  predictedLabel: string;
  /** The predicted label's probability (its sigmoid for multi-label, the candidate's score for zero-shot). */
  confidence?: number;
  /** A regression head's score. */
  score?: number;
  /** Whether the prediction is the true label; absent when there is no (usable) true label. */
  correct?: boolean;
  int8Drift?: number;
  truncated: boolean;
}

export interface LabelMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Sentences whose true label this is. */
  support: number;
}

/** Accuracy and F1 over the sentences whose true label is one of the labels (as scikit-learn computes them). */
export interface Classification {
  /** Sentences counted: those with a true label matched to one of `labels`. */
  sentences: number;
  accuracy: number;
  /** Unweighted mean of F1 over the labels that occur as true or predicted (`f1_score(average='macro')`). */
  macroF1: number;
  perLabel: LabelMetrics[];
  /** `confusion[t][p]`: sentences of true label `labels[t]` predicted as `labels[p]`. */
  confusion: number[][];
}

/** A token or word over every occurrence of it in explanations for one class. */
export interface ImportanceEntry {
  key: string;
  count: number;
  /** Mean score: positive pushes toward the class. */
  meanSigned: number;
  /** Mean |score|: how much it matters either way (shap's global bar plot). */
  meanAbsolute: number;
}

export interface ClassImportance {
  /** The class the scores are for: the explained target (the predicted label for attention, which has none). */
  label: string;
  /** Explanations aggregated. */
  sentences: number;
  /** At least `minCount` occurrences, ranked by mean |score|. */
  tokens: ImportanceEntry[];
  words: ImportanceEntry[];
}

export interface MethodImportance {
  method: string;
  classes: ClassImportance[];
}

/** Kendall τ-b between every pair of methods, over the sentences where both ran and τ is defined. */
export interface AgreementSummary {
  methods: string[];
  mean: (number | null)[][];
  /** Population standard deviation. */
  spread: (number | null)[][];
  sentences: number[][];
}

export interface MetricSummary {
  mean: number;
  /** Population standard deviation. */
  spread: number;
  /** Sentences whose value is defined (ferret's metrics can be undefined, e.g. τ of constant scores). */
  sentences: number;
}

export interface MethodTotals {
  method: string;
  sentences: number;
  seconds: number;
  evaluations: number;
}

export interface CorpusSummary {
  sentences: number;
  /** The label space of the predictions: the model's labels, or a zero-shot run's candidates. */
  labels: string[];
  predictedCounts: Record<string, number>;
  /** True labels, as the file gave them (before matching to the model's labels). */
  trueCounts: Record<string, number>;
  labelled: number;
  predictions: PredictionRow[];
  /** Present when some sentences have a true label that matches a label, and the head is single-label. */
  classification?: Classification;
  importance: MethodImportance[];
  agreement: AgreementSummary;
  /** Method id → metric id → its mean over the file. */
  evaluation: Record<string, Partial<Record<MetricId, MetricSummary>>>;
  totals: MethodTotals[];
  /** What was left out or read in a particular way, and why: every face shows these. */
  notes: string[];
  options: Required<CorpusOptions>;
}

/** What of the model a summary reads. */
export type CorpusModel = Pick<ModelInfo, 'labels' | 'task' | 'tokenizer' | 'lowercase'>;

/** Negations decide sentiment and NLI; a stop-word list that hides "never" hides the point. */
const NEGATIONS = new Set(['never', 'neither', 'no', 'nobody', 'none', 'nor', 'not', 'nothing', 'nowhere']);
const STOP_WORDS = new Set(englishStopWords.filter((word) => !NEGATIONS.has(word)));

interface Moments {
  count: number;
  sum: number;
  sumOfSquares: number;
}

interface Occurrences {
  count: number;
  sum: number;
  sumAbsolute: number;
}

interface ClassTally {
  sentences: number;
  tokens: Map<string, Occurrences>;
  words: Map<string, Occurrences>;
}

const addMoment = (moments: Moments | undefined, value: number): Moments => ({
  count: (moments?.count ?? 0) + 1,
  sum: (moments?.sum ?? 0) + value,
  sumOfSquares: (moments?.sumOfSquares ?? 0) + value * value,
});

function meanAndSpread({ count, sum, sumOfSquares }: Moments): { mean: number; spread: number } {
  const mean = sum / count;
  return { mean, spread: Math.sqrt(Math.max(0, sumOfSquares / count - mean * mean)) };
}

function tally(map: Map<string, Occurrences>, key: string, score: number): void {
  const entry = map.get(key);
  if (entry === undefined) map.set(key, { count: 1, sum: score, sumAbsolute: Math.abs(score) });
  else {
    entry.count += 1;
    entry.sum += score;
    entry.sumAbsolute += Math.abs(score);
  }
}

export class CorpusAccumulator {
  private readonly rows: PredictionRow[] = [];
  private labelSpace: string[];
  private readonly predictedCounts = new Map<string, number>();
  private readonly trueCounts = new Map<string, number>();
  /** Method → class → occurrences, in the order methods and classes were first seen. */
  private readonly importance = new Map<string, Map<string, ClassTally>>();
  private readonly methods: string[] = [];
  private readonly agreement = new Map<string, Moments>();
  private readonly evaluation = new Map<string, Map<MetricId, Moments>>();
  private readonly totals = new Map<string, MethodTotals>();
  private readonly notes = new Set<string>();
  /** True label as given → the model label it was read as (or null: none). */
  private readonly labelMatches = new Map<string, string | null>();

  constructor(private readonly model: CorpusModel) {
    this.labelSpace = [...model.labels];
  }

  add(sentence: SentenceResult): void {
    // A zero-shot run's predictions are its candidates, not the NLI model's labels.
    if (sentence.zeroShot && this.rows.length === 0) this.labelSpace = [...sentence.zeroShot.candidateLabels];
    const row = this.predictionRow(sentence);
    this.rows.push(row);
    this.predictedCounts.set(row.predictedLabel, (this.predictedCounts.get(row.predictedLabel) ?? 0) + 1);
    if (row.trueLabel !== undefined) this.trueCounts.set(row.trueLabel, (this.trueCounts.get(row.trueLabel) ?? 0) + 1);

    const explanations = Object.values(sentence.explanations);
    let keys: OccurrenceKeys | undefined;
    for (const explanation of explanations) {
      if (!this.methods.includes(explanation.method)) this.methods.push(explanation.method);
      const total = this.totals.get(explanation.method) ?? {
        method: explanation.method,
        sentences: 0,
        seconds: 0,
        evaluations: 0,
      };
      total.sentences += 1;
      total.seconds += explanation.seconds;
      total.evaluations += explanation.evaluations;
      this.totals.set(explanation.method, total);
      if (fits(sentence, explanation)) {
        // The sentence's keys are the same for every method: found once, each method's scores read at them.
        keys ??= sentenceOccurrenceKeys(sentence, this.model);
        this.addImportance(sentence, explanation.method, explanation.scores, keys);
      } else {
        this.notes.add(
          `${explanation.method}'s explanation of sentence ${sentence.index + 1} has ${explanation.scores.length} scores ` +
            `for ${sentence.tokens.length} tokens: it is left out of importance and agreement`,
        );
      }
    }
    this.addAgreement(sentence);
    for (const [method, values] of Object.entries(sentence.evaluation ?? {})) {
      const metrics = this.evaluation.get(method) ?? new Map<MetricId, Moments>();
      for (const [metric, value] of Object.entries(values) as [MetricId, number | null][]) {
        if (typeof value === 'number' && Number.isFinite(value))
          metrics.set(metric, addMoment(metrics.get(metric), value));
      }
      this.evaluation.set(method, metrics);
    }
  }

  summary(options: CorpusOptions = {}): CorpusSummary {
    const resolved = { minCount: options.minCount ?? DEFAULT_MIN_COUNT, hideStopWords: options.hideStopWords ?? false };
    const classification = this.classification();
    return {
      sentences: this.rows.length,
      labels: [...this.labelSpace],
      predictedCounts: Object.fromEntries(this.predictedCounts),
      trueCounts: Object.fromEntries(this.trueCounts),
      labelled: [...this.trueCounts.values()].reduce((a, b) => a + b, 0),
      predictions: this.rows.map((row) => ({ ...row })),
      ...(classification ? { classification } : {}),
      importance: [...this.importance].map(([method, classes]) => ({
        method,
        classes: [...classes].map(([label, counts]) => ({
          label,
          sentences: counts.sentences,
          tokens: rankedEntries(counts.tokens, resolved),
          words: rankedEntries(counts.words, resolved),
        })),
      })),
      agreement: this.agreementSummary(),
      evaluation: Object.fromEntries(
        [...this.evaluation].map(([method, metrics]) => [
          method,
          Object.fromEntries(
            [...metrics].map(([metric, moments]) => [metric, { ...meanAndSpread(moments), sentences: moments.count }]),
          ),
        ]),
      ),
      totals: this.methods.map((method) => ({ ...this.totals.get(method)! })),
      notes: [...this.notes],
      options: resolved,
    };
  }

  private predictionRow(sentence: SentenceResult): PredictionRow {
    const row: PredictionRow = {
      index: sentence.index,
      text: sentence.text,
      ...(sentence.textPair === undefined ? {} : { textPair: sentence.textPair }),
      ...(sentence.trueLabel === undefined ? {} : { trueLabel: sentence.trueLabel }),
      predictedLabel: sentence.predictedLabel,
      truncated: sentence.truncated,
      ...(sentence.int8Drift === undefined ? {} : { int8Drift: sentence.int8Drift }),
    };
    if (sentence.zeroShot) {
      // The pair's own prediction is an NLI label (entailment…); the sentence's is the best scored candidate.
      const { scores, candidateLabels } = sentence.zeroShot;
      const best = scores.indexOf(Math.max(...scores));
      row.predictedLabel = candidateLabels[best]!;
      row.confidence = scores[best]!;
    } else if (this.model.task === 'regression') row.score = sentence.score ?? sentence.logits[0]!;
    else row.confidence = sentence.probabilities[sentence.predictedLabel]!;
    if (row.trueLabel === undefined) return row;
    if (this.model.task === 'multi_label_classification') {
      this.notes.add('accuracy and the confusion matrix are for single-label heads; this model is multi-label');
    } else if (this.model.task === 'regression') {
      this.notes.add('accuracy and the confusion matrix are for classifiers; this model has a regression head');
    } else {
      const matched = this.matchLabel(row.trueLabel);
      if (matched !== null) row.correct = matched === row.predictedLabel;
    }
    return row;
  }

  /** `matchTrueLabel`, once per distinct true label, its reading noted. */
  private matchLabel(given: string): string | null {
    const known = this.labelMatches.get(given);
    if (known !== undefined) return known;
    const { label, note } = matchTrueLabel(given, this.labelSpace);
    if (note) this.notes.add(note);
    this.labelMatches.set(given, label);
    return label;
  }

  private classification(): Classification | undefined {
    if (this.model.task === 'regression' || this.model.task === 'multi_label_classification') return undefined;
    const labels = this.labelSpace;
    const confusion = labels.map(() => labels.map(() => 0));
    let sentences = 0;
    for (const row of this.rows) {
      if (row.correct === undefined) continue;
      const truth = labels.indexOf(this.labelMatches.get(row.trueLabel!)!);
      confusion[truth]![labels.indexOf(row.predictedLabel)]! += 1;
      sentences += 1;
    }
    if (sentences === 0) return undefined;
    const perLabel = labels.map((label, k) => {
      const truePositives = confusion[k]![k]!;
      const support = confusion[k]!.reduce((a, b) => a + b, 0);
      const predicted = confusion.reduce((sum, row) => sum + row[k]!, 0);
      return {
        label,
        precision: predicted > 0 ? truePositives / predicted : 0,
        recall: support > 0 ? truePositives / support : 0,
        // 2tp / (2tp + fp + fn), as scikit-learn's f1_score.
        f1: support + predicted > 0 ? (2 * truePositives) / (support + predicted) : 0,
        support,
      };
    });
    const present = perLabel.filter(({ support }, k) => support > 0 || confusion.some((row) => row[k]! > 0));
    const correct = labels.reduce((sum, _, k) => sum + confusion[k]![k]!, 0);
    return {
      sentences,
      accuracy: correct / sentences,
      macroF1: present.reduce((sum, { f1 }) => sum + f1, 0) / present.length,
      perLabel,
      confusion,
    };
  }

  private addImportance(
    sentence: SentenceResult,
    method: string,
    scores: readonly number[],
    keys: OccurrenceKeys,
  ): void {
    const label = importanceClass(sentence, method)!;
    if (!sentence.zeroShot && typeof sentence.explanations[method]?.options.targetLabel !== 'string') {
      this.notes.add(`${method} has no target class: its tokens are counted under each sentence's predicted label`);
    }
    const classes = this.importance.get(method) ?? new Map<string, ClassTally>();
    this.importance.set(method, classes);
    const counts = classes.get(label) ?? { sentences: 0, tokens: new Map(), words: new Map() };
    classes.set(label, counts);
    counts.sentences += 1;

    for (const { key, index } of keys.tokens) tally(counts.tokens, key, scores[index]!);
    if (keys.wordsReason) this.notes.add(`words are left out for some sentences: ${keys.wordsReason}`);
    for (const { key, span } of keys.words) tally(counts.words, key, wordScore(scores, span));
  }

  private addAgreement(sentence: SentenceResult): void {
    const explanations = Object.values(sentence.explanations).filter((explanation) => fits(sentence, explanation));
    if (explanations.length < 2) return;
    const tau = agreementMatrix(
      sentence.tokens,
      explanations.map((explanation) => explanation.scores),
      sentence.special,
    );
    explanations.forEach((a, i) => {
      explanations.forEach((b, j) => {
        const value = tau[i]![j];
        if (i === j || value === undefined) return;
        const pair = `${a.method}\t${b.method}`;
        this.agreement.set(pair, addMoment(this.agreement.get(pair), value));
      });
    });
  }

  private agreementSummary(): AgreementSummary {
    const methods = this.methods;
    const cell = (a: string, b: string) => (a === b ? undefined : this.agreement.get(`${a}\t${b}`));
    return {
      methods: [...methods],
      mean: methods.map((a) =>
        methods.map((b) => {
          const moments = cell(a, b);
          return a === b ? 1 : moments ? meanAndSpread(moments).mean : null;
        }),
      ),
      spread: methods.map((a) =>
        methods.map((b) => {
          const moments = cell(a, b);
          return a === b ? 0 : moments ? meanAndSpread(moments).spread : null;
        }),
      ),
      sentences: methods.map((a) =>
        methods.map((b) => (a === b ? (this.totals.get(a)?.sentences ?? 0) : (cell(a, b)?.count ?? 0))),
      ),
    };
  }
}

/**
 * The label a file's true label stands for among `labels`: itself, the one label equal to it ignoring case
 * ("positive" for POSITIVE), or a class index ("1") when no label is named so; each reading comes with a note,
 * and a label matching none is null (left out of accuracy, never counted as wrong). A face finds the sentences
 * behind a confusion-matrix cell with it.
 */
export function matchTrueLabel(given: string, labels: readonly string[]): { label: string | null; note?: string } {
  if (labels.includes(given)) return { label: given };
  const folded = labels.filter((label) => label.toLowerCase() === given.toLowerCase());
  if (folded.length === 1) {
    return {
      label: folded[0]!,
      note: `true labels were matched to the model's labels ignoring case (${given} → ${folded[0]!})`,
    };
  }
  const index = /^\d+$/.test(given) ? Number(given) : -1;
  if (index >= 0 && index < labels.length) {
    return {
      label: labels[index]!,
      note: `true labels given as numbers were read as class indices (${given} → ${labels[index]!})`,
    };
  }
  return {
    label: null,
    note: `the true label ${JSON.stringify(given)} is none of the labels (${labels.join(', ')}): its sentences are left out of accuracy`,
  };
}

/**
 * The class a sentence's explanation by `method` is counted under in the importance tables: a zero-shot
 * sentence's explained candidate, the method's target, or (a method with no target, such as attention) the
 * predicted label; undefined when the sentence has no explanation by `method`.
 */
export function importanceClass(sentence: SentenceResult, method: string): string | undefined {
  const explanation = sentence.explanations[method];
  if (!explanation) return undefined;
  if (sentence.zeroShot) return sentence.zeroShot.label;
  const target = explanation.options.targetLabel;
  return typeof target === 'string' ? target : sentence.predictedLabel;
}

/** The key a token or word is counted under: its text as the panes show it, case-folded where the tokenizer folds. */
export function importanceKey(text: string, model: Pick<CorpusModel, 'lowercase'>): string {
  return model.lowercase ? text.toLowerCase() : text;
}

/** Where a sentence's counted tokens and words are, and the key each is counted under. */
interface OccurrenceKeys {
  tokens: { key: string; index: number }[];
  /** Each word's token span `[first, end)`: its score is the sum of its tokens' (`mergeWords`). */
  words: { key: string; span: [number, number] }[];
  wordsReason?: string;
}

/**
 * Every counted token and word of a sentence with its key: specials and a zero-shot hypothesis (our template,
 * not the user's data) are left out; words are missing, with the reason, where a result cannot be grouped into
 * words. The same for every method of the sentence: only the scores read at them differ.
 */
function sentenceOccurrenceKeys(sentence: SentenceResult, model: CorpusModel): OccurrenceKeys {
  const layout = { ...sentence, tokenizer: model.tokenizer };
  const counted = (i: number): boolean =>
    !sentence.special?.[i] && !(sentence.zeroShot && sentence.sequenceIds?.[i] === 1);
  const tokens: OccurrenceKeys['tokens'] = [];
  readableTokens(layout).forEach((token, index) => {
    if (counted(index) && !isSpecialToken(token)) tokens.push({ key: importanceKey(token, model), index });
  });
  const reason = wordsUnsupportedReason(layout);
  if (reason) return { tokens, words: [], wordsReason: reason };
  const merged = mergeWords(layout, new Array<number>(sentence.tokens.length).fill(0));
  const words: OccurrenceKeys['words'] = [];
  merged.spans.forEach((span, w) => {
    if (counted(span[0]) && !isSpecialToken(merged.words[w]!))
      words.push({ key: importanceKey(merged.words[w]!, model), span });
  });
  return { tokens, words };
}

/** A word's score as `mergeWords` sums it: its tokens' scores from 0, in order (so the sums agree to the bit). */
function wordScore(scores: readonly number[], [first, end]: [number, number]): number {
  let sum = 0;
  for (let i = first; i < end; i += 1) sum += scores[i]!;
  return sum;
}

/** The distinct keys a sentence is counted under in the importance tables (every method shares its tokens). */
export interface SentenceKeys {
  tokens: Set<string>;
  words: Set<string>;
}

/**
 * The keys of `sentence`, the same the summary counts it under, so that a face can find the sentences behind
 * a global token or word (with `importanceClass` for the class it was counted in).
 */
export function sentenceKeys(sentence: SentenceResult, model: CorpusModel): SentenceKeys {
  const { tokens, words } = sentenceOccurrenceKeys(sentence, model);
  return { tokens: new Set(tokens.map(({ key }) => key)), words: new Set(words.map(({ key }) => key)) };
}

/**
 * Whether an explanation has one score per token of the sentence: importance and agreement read the scores by
 * the sentence's positions, where a damaged explanation's would be misread.
 */
function fits(sentence: SentenceResult, explanation: Explanation): boolean {
  return explanation.scores.length === sentence.tokens.length;
}

function rankedEntries(
  map: Map<string, Occurrences>,
  { minCount, hideStopWords }: Required<CorpusOptions>,
): ImportanceEntry[] {
  const entries: ImportanceEntry[] = [];
  for (const [key, { count, sum, sumAbsolute }] of map) {
    if (count < minCount || (hideStopWords && STOP_WORDS.has(key.toLowerCase()))) continue;
    entries.push({ key, count, meanSigned: sum / count, meanAbsolute: sumAbsolute / count });
  }
  return entries.sort((a, b) => b.meanAbsolute - a.meanAbsolute || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * The summary of a results document, its sentences taken in input order: a run, its shards merged, or a
 * saved report all give the same summary (the sums are added in the same order).
 */
export function summarizeCorpus(
  document: { model: CorpusModel; sentences: readonly SentenceResult[] },
  options: CorpusOptions = {},
): CorpusSummary {
  const accumulator = new CorpusAccumulator(document.model);
  for (const sentence of [...document.sentences].sort((a, b) => a.index - b.index)) accumulator.add(sentence);
  return accumulator.summary(options);
}
