/** Predictions for many texts: tokenized, sorted by length so batches carry little padding, run, restored. */
import type { Prediction } from '../shared/results.js';
import { forwardServiceFor } from './forward-service.js';
import type { ModelBundle } from './model/bundle.js';
import { idFeeds, logitsOf, predictionAt, run } from './model/forward.js';
import { headOutputs } from './model/head.js';
import type { TextInput } from './model/tokenizer.js';
import type { EncodedText } from './model/tokenizer.js';

export interface PredictedText {
  encoded: EncodedText;
  /** The exact model's prediction, whatever precision the forward-only methods run at. */
  prediction: Prediction;
  /** With a bundle at `precision: 'int8'`: max over classes of |p_int8 − p_fp32| on the text itself. */
  int8Drift?: number;
}

export const DEFAULT_BATCH_SIZE = 32;

export async function predictEncoded(
  bundle: ModelBundle,
  encodings: readonly EncodedText[],
  { batchSize = DEFAULT_BATCH_SIZE, signal }: { batchSize?: number; signal?: AbortSignal } = {},
): Promise<Prediction[]> {
  const session = await bundle.predictionSession();
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
    rows.forEach((original, row) => (predictions[original] = predictionAt(logits, row, bundle.head)));
  }
  return predictions;
}

/** The text quoted with its invisible characters (controls, format characters such as U+200B) spelled out. */
function visible(text: string): string {
  return `"${text.replace(/\p{C}/gu, (char) => `\\u{${char.codePointAt(0)!.toString(16).toUpperCase()}}`)}"`;
}

/** A text with nothing for the model to read: explaining it would explain the special tokens alone. */
export class EmptySentenceError extends Error {
  override name = 'EmptySentenceError';
}

export async function predictTexts(
  bundle: ModelBundle,
  texts: readonly TextInput[],
  options: { batchSize?: number; signal?: AbortSignal } = {},
): Promise<PredictedText[]> {
  const encodings = await bundle.tokenizer.encodeBatch(texts);
  // Only the specials the tokenizer adds: an [UNK] or <unk> (an emoji the vocabulary lacks) is the text's own.
  // A pair needs a token in each of its texts.
  const empty = encodings.findIndex(({ sequenceIds, textPair }) =>
    (textPair === undefined ? [0] : [0, 1]).some((text) => !sequenceIds.includes(text)),
  );
  if (empty >= 0) {
    const input = texts[empty]!;
    const quoted = typeof input === 'string' ? visible(input) : `${visible(input[0])} | ${visible(input[1])}`;
    throw new EmptySentenceError(
      `sentence ${empty + 1} (${quoted}) has ${typeof input === 'string' ? 'no token' : 'a text with no token'} ` +
        'for the model: it is empty or holds only characters the tokenizer drops, so there is nothing to predict ' +
        'or explain',
    );
  }
  const predictions = await predictEncoded(bundle, encodings, options);
  const predicted: PredictedText[] = encodings.map((encoded, i) => ({ encoded, prediction: predictions[i]! }));
  if (bundle.info.precision === 'int8') {
    for (const entry of predicted) entry.int8Drift = await int8Drift(bundle, entry, options.signal);
  }
  return predicted;
}

/**
 * Measured on the value the forward-only methods themselves use for the unperturbed text: the sentence's
 * forward service memoizes it for them. It runs alone, so it does not depend on the other texts (int8
 * activations are quantized per batch, so batch-mates shift an int8 output by about as much as the drift).
 */
async function int8Drift(bundle: ModelBundle, { encoded, prediction }: PredictedText, signal?: AbortSignal) {
  const [output] = await forwardServiceFor(bundle, encoded).run([encoded.ids], signal);
  const exact = headOutputs(bundle.config.task, prediction.logits);
  return Math.max(...exact.map((p, c) => Math.abs(output!.probabilities[c]! - p)));
}
