/** Explaining texts with several methods: the engine call behind the CLI's `explain` and the faces' explain. */
import { resolveOptions } from '../shared/options.js';
import {
  RESULTS_SCHEMA,
  RESULTS_SCHEMA_VERSION,
  type ResultsDocument,
  type SentenceResult,
} from '../shared/results.js';
import { getExplainer } from './explainers/registry.js';
import type { ModelBundle } from './model/bundle.js';
import { predictTexts, type PredictedText } from './predict.js';
import { UnsupportedGraphError } from './onnx/surgery.js';

/** Method id → option values as given by a face (defaults filled in here). */
export type MethodRequest = Record<string, Record<string, unknown>>;

export async function explainTexts(
  model: ModelBundle,
  texts: readonly string[],
  methods: MethodRequest,
  { signal }: { signal?: AbortSignal } = {},
): Promise<ResultsDocument> {
  // Resolve every method and option before any work, so that a typo fails at once, not after an hour.
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
  const predicted = await predictTexts(model, texts, { signal });
  const sentences: SentenceResult[] = [];
  for (const input of predicted) {
    const result = sentenceResult(input, model);
    for (const { explainer, options } of plan) {
      result.explanations[explainer.id] = await explainer.explain(input, { model, signal }, options);
    }
    sentences.push(result);
  }
  return { schema: RESULTS_SCHEMA, version: RESULTS_SCHEMA_VERSION, model: model.info, sentences };
}

export function sentenceResult({ encoded, prediction }: PredictedText, model: ModelBundle): SentenceResult {
  const warnings = encoded.truncated
    ? [
        {
          code: 'truncated',
          message: `the text has ${encoded.fullLength} tokens and the model takes at most ${model.info.maxLength}; only the first ${encoded.ids.length} were used`,
        },
      ]
    : [];
  return {
    text: encoded.text,
    tokens: encoded.tokens,
    ids: encoded.ids,
    truncated: encoded.truncated,
    ...prediction,
    warnings,
    explanations: {},
  };
}
