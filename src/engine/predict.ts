/** Predictions for many texts: tokenized, sorted by length so batches carry little padding, run, restored. */
import type { Prediction } from '../shared/results.js';
import type { ModelBundle } from './model/bundle.js';
import { idFeeds, logitsOf, predictionAt, run } from './model/forward.js';
import type { EncodedText } from './model/tokenizer.js';

export interface PredictedText {
  encoded: EncodedText;
  prediction: Prediction;
}

export const DEFAULT_BATCH_SIZE = 32;

export async function predictEncoded(
  bundle: ModelBundle,
  encodings: readonly EncodedText[],
  { batchSize = DEFAULT_BATCH_SIZE, signal }: { batchSize?: number; signal?: AbortSignal } = {},
): Promise<Prediction[]> {
  const session = await bundle.session('plain');
  const order = encodings.map((_, i) => i).sort((a, b) => encodings[a]!.ids.length - encodings[b]!.ids.length);
  const predictions: Prediction[] = new Array<Prediction>(encodings.length);
  for (let start = 0; start < order.length; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    const outputs = await run(
      session,
      idFeeds(
        bundle,
        rows.map((i) => encodings[i]!),
      ),
      signal,
    );
    const logits = logitsOf(outputs);
    rows.forEach((original, row) => (predictions[original] = predictionAt(logits, row, bundle.config.labels)));
  }
  return predictions;
}

export async function predictTexts(
  bundle: ModelBundle,
  texts: readonly string[],
  options: { batchSize?: number; signal?: AbortSignal } = {},
): Promise<PredictedText[]> {
  const encodings = texts.map((text) => bundle.tokenizer.encode(text));
  const predictions = await predictEncoded(bundle, encodings, options);
  return encodings.map((encoded, i) => ({ encoded, prediction: predictions[i]! }));
}
