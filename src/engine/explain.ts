/** Explaining texts with several methods: the engine call behind the CLI's `explain` and the faces' explain. */
import type { ExplainRequest } from '../shared/api.js';
import { OptionError, resolveOptions, type OptionValues } from '../shared/options.js';
import {
  RESULTS_SCHEMA,
  RESULTS_SCHEMA_VERSION,
  type ResultsDocument,
  type SentenceResult,
  type TextInput,
} from '../shared/results.js';
import type { Explainer } from './explainers/explainer.js';
import { getExplainer } from './explainers/registry.js';
import { evaluateExplanations, innerRationale } from './metrics/evaluate.js';
import type { ModelBundle } from './model/bundle.js';
import { predictTexts, type PredictedText } from './predict.js';
import { UnsupportedGraphError } from './onnx/surgery.js';
import {
  DEFAULT_HYPOTHESIS_TEMPLATE,
  hypotheses,
  nliLabels,
  zeroShotScores,
  type ZeroShotOptions,
} from './zero-shot.js';

/** What a request adds to a run beyond its texts and methods: true labels, evaluation, rationales (checked). */
export function requestRunOptions({
  texts,
  labels,
  evaluate,
  rationales,
}: Pick<ExplainRequest, 'labels' | 'evaluate' | 'rationales'> & { texts: readonly unknown[] }): Pick<
  ExplainOptions,
  'labels' | 'evaluate' | 'rationales'
> {
  const trueLabels = requestLabels(labels, texts.length);
  const given = perText('rationales', rationales, texts.length);
  if (given && !evaluate) throw new OptionError('rationales are for the plausibility metrics: they need evaluate');
  return {
    ...(trueLabels ? { labels: trueLabels } : {}),
    ...(evaluate ? { evaluate } : {}),
    ...(given ? { rationales: given } : {}),
  };
}

/**
 * A request's list with one entry per text (`labels`, `rationales`: null → none) as `ExplainOptions` takes it,
 * or an error naming both counts, since a shifted list would file every value under the wrong sentence.
 */
function perText<T>(
  name: string,
  values: readonly (T | null)[] | undefined,
  texts: number,
): (T | undefined)[] | undefined {
  if (values === undefined) return undefined;
  if (values.length !== texts) {
    throw new OptionError(`${name} has ${values.length} entries for ${texts} texts; give one per text (null for none)`);
  }
  return values.map((value) => value ?? undefined);
}

/** A request's true labels as `ExplainOptions.labels`, checked as `perText` does. */
export function requestLabels(
  labels: readonly (string | null)[] | undefined,
  texts: number,
): (string | undefined)[] | undefined {
  return perText('labels', labels, texts);
}

/** Method id → option values as given by a face (defaults filled in here). */
export type MethodRequest = Record<string, Record<string, unknown>>;

export interface MethodPlan {
  explainer: Explainer;
  options: OptionValues;
}

/**
 * Resolves every method and option and checks the model supports them, before any work: a typo or an
 * unavailable method fails at once, not an hour into a job.
 */
export async function planMethods(model: ModelBundle, methods: MethodRequest): Promise<MethodPlan[]> {
  const plan = Object.entries(methods).map(([id, given]) => {
    const explainer = getExplainer(id);
    return { explainer, options: resolveOptions(explainer.options, given, id) };
  });
  for (const { explainer } of plan) {
    for (const need of explainer.needs) {
      const reason = await model.unsupportedReason(need);
      if (reason) throw new UnsupportedGraphError(`${explainer.id} is unavailable for this model: ${reason}`);
    }
  }
  return plan;
}

export interface ExplainOptions {
  signal?: AbortSignal;
  /** Called as each sentence finishes, so a job can stream results and keep them if cancelled later. */
  onSentence?: (result: SentenceResult, index: number) => void;
  /** Each text's position in its input (a shard's texts are every n-th); 0, 1, 2… when not given. */
  indices?: readonly number[];
  /** Each text's true label from its input file (`undefined` where it gives none), recorded as `trueLabel`. */
  labels?: readonly (string | undefined)[];
  /** Run ferret's metrics on every explanation as each sentence finishes (`SentenceResult.evaluation`). */
  evaluate?: boolean;
  /** With `evaluate`: each text's human rationale (0/1 per token or word), adding the plausibility metrics. */
  rationales?: readonly (readonly number[] | undefined)[];
}

export async function explainTexts(
  model: ModelBundle,
  texts: readonly TextInput[],
  methods: MethodRequest,
  { signal, onSentence, indices, labels, evaluate, rationales }: ExplainOptions = {},
): Promise<ResultsDocument> {
  const plan = await planMethods(model, methods);
  const predicted = await predictTexts(model, texts, { signal });
  const sentences: SentenceResult[] = [];
  for (const [i, input] of predicted.entries()) {
    const result = sentenceResult(input, model, indices?.[i] ?? i, labels?.[i]);
    for (const { explainer, options } of plan) {
      result.explanations[explainer.id] = await explainer.explain(input, { model, signal }, options);
    }
    if (evaluate) await evaluateSentence(model, input, result, rationales?.[i], signal);
    sentences.push(result);
    onSentence?.(result, sentences.length - 1);
  }
  return resultsDocument(model, sentences, methodSettings(plan));
}

/**
 * ferret's metrics of every explanation of a sentence, in place. A rationale that fits none of the sentence's
 * granularities is left out with a warning on the sentence (faithfulness is still measured), so one bad row
 * does not stop a long run.
 */
async function evaluateSentence(
  model: ModelBundle,
  input: PredictedText,
  result: SentenceResult,
  rationale: readonly number[] | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  let usable = rationale;
  if (rationale) {
    try {
      innerRationale({ ...input.encoded, tokenizer: model.info.tokenizer }, rationale);
    } catch (error) {
      result.warnings.push({ code: 'rationale', message: `the rationale is left out: ${(error as Error).message}` });
      usable = undefined;
    }
  }
  result.evaluation = await evaluateExplanations(model, input, Object.values(result.explanations), {
    ...(usable ? { rationale: usable } : {}),
    signal,
  });
}

/** The methods with their target set to the NLI model's entailment: what zero-shot explains. */
export function zeroShotMethods(model: ModelBundle, methods: MethodRequest): MethodRequest {
  const { entailment } = nliLabels(model.config.labels);
  return Object.fromEntries(
    Object.entries(methods).map(([id, given]) => {
      const hasTarget = getExplainer(id).options.some((option) => option.name === 'target');
      // "predicted" (the default) is fine: it is the pair's entailment that zero-shot explains.
      if (hasTarget && given.target !== undefined && given.target !== 'predicted') {
        throw new OptionError(`${id}: zero-shot explains the entailment of the chosen label's pair; no target to set`);
      }
      return [id, hasTarget ? { ...given, target: entailment } : given];
    }),
  );
}

/**
 * Zero-shot classification of each text over an NLI model (zero-shot.ts), each explained on the pair of its
 * explained candidate (`explainLabel`, else the best scored): every method's target is that pair's entailment.
 */
export async function explainZeroShot(
  model: ModelBundle,
  texts: readonly string[],
  zeroShot: ZeroShotOptions & { explainLabel?: string },
  methods: MethodRequest,
  { signal, onSentence, indices, labels, evaluate, rationales }: ExplainOptions = {},
): Promise<ResultsDocument> {
  const candidates = zeroShot.candidateLabels;
  const hypothesisList = hypotheses(zeroShot);
  if (zeroShot.explainLabel !== undefined && !candidates.includes(zeroShot.explainLabel)) {
    throw new OptionError(
      `the label to explain, ${zeroShot.explainLabel}, is not a candidate (${candidates.join(', ')})`,
    );
  }
  const plan = await planMethods(model, zeroShotMethods(model, methods));
  const multiLabel = zeroShot.multiLabel ?? false;
  const sentences: SentenceResult[] = [];
  for (const [i, text] of texts.entries()) {
    const pairs = await predictTexts(
      model,
      hypothesisList.map((hypothesis) => [text, hypothesis] as const),
      { signal },
    );
    const scores = zeroShotScores(
      pairs.map(({ prediction }) => prediction.logits),
      model.config.labels,
      { multiLabel },
    );
    const best = scores.indexOf(Math.max(...scores));
    const chosen = zeroShot.explainLabel === undefined ? best : candidates.indexOf(zeroShot.explainLabel);
    const input = pairs[chosen]!;
    const result: SentenceResult = {
      ...sentenceResult(input, model, indices?.[i] ?? i, labels?.[i]),
      zeroShot: {
        candidateLabels: [...candidates],
        hypothesisTemplate: zeroShot.hypothesisTemplate ?? DEFAULT_HYPOTHESIS_TEMPLATE,
        multiLabel,
        scores,
        label: candidates[chosen]!,
      },
    };
    for (const { explainer, options } of plan) {
      result.explanations[explainer.id] = await explainer.explain(input, { model, signal }, options);
    }
    if (evaluate) await evaluateSentence(model, input, result, rationales?.[i], signal);
    sentences.push(result);
    onSentence?.(result, sentences.length - 1);
  }
  return resultsDocument(model, sentences, methodSettings(plan));
}

/** Method id → resolved options: what a report records and what shards of one run must share. */
export function methodSettings(plan: readonly MethodPlan[]): Record<string, Record<string, unknown>> {
  return Object.fromEntries(plan.map(({ explainer, options }) => [explainer.id, { ...options }]));
}

export function resultsDocument(
  model: ModelBundle,
  sentences: SentenceResult[],
  methods?: Record<string, Record<string, unknown>>,
): ResultsDocument {
  return {
    schema: RESULTS_SCHEMA,
    version: RESULTS_SCHEMA_VERSION,
    model: model.info,
    ...(methods ? { methods } : {}),
    sentences,
  };
}

export function sentenceResult(
  { encoded, prediction, int8Drift }: PredictedText,
  model: ModelBundle,
  index: number,
  trueLabel?: string,
): SentenceResult {
  const warnings = encoded.truncated
    ? [
        {
          code: 'truncated',
          message: `the text has ${encoded.fullLength} tokens and the model takes at most ${model.info.maxLength}; only the first ${encoded.ids.length} were used`,
        },
      ]
    : [];
  return {
    index,
    ...(trueLabel === undefined ? {} : { trueLabel }),
    text: encoded.text,
    ...(encoded.textPair === undefined ? {} : { textPair: encoded.textPair }),
    tokens: encoded.tokens,
    ids: encoded.ids,
    truncated: encoded.truncated,
    offsets: encoded.offsets,
    wordIds: encoded.wordIds,
    special: encoded.special,
    sequenceIds: encoded.sequenceIds,
    ...prediction,
    warnings,
    explanations: {},
    ...(int8Drift === undefined ? {} : { int8Drift }),
  };
}
