/** Predictions for many texts: tokenized, sorted by length so batches carry little padding, run, restored. */
import type { InferenceSession } from 'onnxruntime-node';
import type { Prediction } from '../shared/results.js';
import type { ModelBundle } from './model/bundle.js';
import { idFeeds, logitsOf, predictionAt, run } from './model/forward.js';
import type { EncodedText } from './model/tokenizer.js';

export interface PredictedText {
  encoded: EncodedText;
  /** The exact model's prediction, whatever precision the forward-only methods run at. */
  prediction: Prediction;
  /** With a bundle at `precision: 'int8'`: max over classes of |p_int8 − p_fp32|. */
  int8Drift?: number;
}

export const DEFAULT_BATCH_SIZE = 32;

interface PredictOptions {
  batchSize?: number;
  signal?: AbortSignal;
}

export async function predictEncoded(
  bundle: ModelBundle,
  encodings: readonly EncodedText[],
  options: PredictOptions = {},
): Promise<Prediction[]> {
  return predictWith(await bundle.session('plain'), bundle, encodings, options);
}

async function predictWith(
  session: InferenceSession,
  bundle: ModelBundle,
  encodings: readonly EncodedText[],
  { batchSize = DEFAULT_BATCH_SIZE, signal }: PredictOptions,
): Promise<Prediction[]> {
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
  options: PredictOptions = {},
): Promise<PredictedText[]> {
  const encodings = texts.map((text) => bundle.tokenizer.encode(text));
  const predictions = await predictEncoded(bundle, encodings, options);
  const drifts =
    bundle.info.precision === 'int8'
      ? (await predictWith(await bundle.forwardSession(), bundle, encodings, options)).map((approximate, i) =>
          maxProbabilityDrift(approximate, predictions[i]!),
        )
      : undefined;
  return encodings.map((encoded, i) => ({
    encoded,
    prediction: predictions[i]!,
    ...(drifts ? { int8Drift: drifts[i]! } : {}),
  }));
}

function maxProbabilityDrift(approximate: Prediction, exact: Prediction): number {
  return Math.max(
    ...Object.entries(exact.probabilities).map(([label, p]) => Math.abs(approximate.probabilities[label]! - p)),
  );
}
