/** ferret's metrics for every explanation of a results document, for the report's evaluation tables. */
import type { ResultsDocument, TextInput } from '../../shared/results.js';
import { evaluateExplanations } from '../metrics/evaluate.js';
import type { ModelBundle } from '../model/bundle.js';
import { predictTexts } from '../predict.js';

/**
 * A copy of `results` with `evaluation` filled in per sentence; the texts are re-encoded, not re-explained. A
 * sentence pair (and a zero-shot sentence: its text and the hypothesis explained) is encoded as the pair it was
 * explained as, so that the metrics remove and keep the tokens the scores are of.
 */
export async function evaluateResults(
  model: ModelBundle,
  results: ResultsDocument,
  signal?: AbortSignal,
): Promise<ResultsDocument> {
  const inputs = await predictTexts(
    model,
    results.sentences.map((sentence): TextInput =>
      sentence.textPair === undefined ? sentence.text : [sentence.text, sentence.textPair],
    ),
    { signal },
  );
  const sentences = await Promise.all(
    results.sentences.map(async (sentence, i) => ({
      ...sentence,
      evaluation: await evaluateExplanations(model, inputs[i]!, Object.values(sentence.explanations), { signal }),
    })),
  );
  return { ...results, sentences };
}
