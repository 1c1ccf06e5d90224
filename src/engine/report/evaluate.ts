/** ferret's metrics for every explanation of a results document, for the report's evaluation tables. */
import type { ResultsDocument } from '../../shared/results.js';
import { evaluateExplanation } from '../metrics/evaluate.js';
import type { ModelBundle } from '../model/bundle.js';
import { predictTexts } from '../predict.js';

/** A copy of `results` with `evaluation` filled in per sentence; the texts are re-encoded, not re-explained. */
export async function evaluateResults(
  model: ModelBundle,
  results: ResultsDocument,
  signal?: AbortSignal,
): Promise<ResultsDocument> {
  const inputs = await predictTexts(
    model,
    results.sentences.map((sentence) => sentence.text),
    { signal },
  );
  const sentences = await Promise.all(
    results.sentences.map(async (sentence, i) => {
      const explanations = Object.values(sentence.explanations);
      const values = await Promise.all(
        explanations.map((explanation) => evaluateExplanation(model, inputs[i]!, explanation, { signal })),
      );
      return { ...sentence, evaluation: Object.fromEntries(explanations.map((e, j) => [e.method, values[j]!])) };
    }),
  );
  return { ...results, sentences };
}
