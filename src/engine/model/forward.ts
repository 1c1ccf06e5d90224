/** Running token-id batches through an onnxruntime session: padding, masks, and reading logits back. */
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import type { Prediction } from '../../shared/results.js';
import { INPUT_IDS, INPUTS_EMBEDS, type WordEmbeddings } from '../onnx/surgery.js';
import type { ModelBundle } from './bundle.js';
import { predictionOf, type Head } from './head.js';
import type { EncodedText } from './tokenizer.js';

export const ATTENTION_MASK = 'attention_mask';
export const TOKEN_TYPE_IDS = 'token_type_ids';
export const LOGITS = 'logits';

/**
 * Feeds for a batch of encodings, right-padded to the longest with the pad id and a zero mask. It needs only
 * the tokenizer and the graph's inputs, so that a load can probe the model before its bundle exists.
 */
export function idFeeds(
  bundle: Pick<ModelBundle, 'tokenizer' | 'takesTokenTypes'>,
  batch: readonly EncodedText[],
): Record<string, Tensor> {
  const length = Math.max(...batch.map((encoded) => encoded.ids.length));
  const shape = [batch.length, length];
  const ids = new BigInt64Array(batch.length * length).fill(BigInt(bundle.tokenizer.padId));
  const mask = new BigInt64Array(batch.length * length);
  const types = new BigInt64Array(batch.length * length);
  batch.forEach((encoded, row) => {
    const offset = row * length;
    encoded.ids.forEach((id, i) => {
      ids[offset + i] = BigInt(id);
      mask[offset + i] = 1n;
      types[offset + i] = BigInt(encoded.tokenTypeIds[i] ?? 0);
    });
  });
  const feeds: Record<string, Tensor> = {
    [INPUT_IDS]: new Tensor('int64', ids, shape),
    [ATTENTION_MASK]: new Tensor('int64', mask, shape),
  };
  if (bundle.takesTokenTypes) feeds[TOKEN_TYPE_IDS] = new Tensor('int64', types, shape);
  return feeds;
}

/**
 * Feeds for the `inputs_embeds` graph: each id's row of the embedding matrix (padding gets the pad id's row,
 * exactly what the ids graph looks up), with the same mask and token types as `idFeeds`, and the ids themselves
 * where the graph still reads them (RoBERTa numbers its positions from them). `inputNames` are the session's.
 */
export function embedFeeds(
  bundle: Pick<ModelBundle, 'tokenizer' | 'takesTokenTypes'>,
  batch: readonly EncodedText[],
  { matrix, dim }: WordEmbeddings,
  inputNames: readonly string[],
): Record<string, Tensor> {
  const feeds = idFeeds(bundle, batch);
  const ids = feeds[INPUT_IDS]!;
  const [rows, length] = ids.dims as [number, number];
  const embeds = new Float32Array(rows * length * dim);
  (ids.data as BigInt64Array).forEach((id, position) => {
    const row = Number(id) * dim;
    embeds.set(matrix.subarray(row, row + dim), position * dim);
  });
  feeds[INPUTS_EMBEDS] = new Tensor('float32', embeds, [rows, length, dim]);
  return declaredFeeds(inputNames, feeds);
}

/**
 * Exactly the inputs a graph declares, out of the feeds a caller can build: derived graphs differ in which of
 * ids, mask and token types they still take. A declared input the caller cannot build is refused by name.
 */
export function declaredFeeds(
  inputNames: readonly string[],
  available: Record<string, Tensor>,
): Record<string, Tensor> {
  const missing = inputNames.filter((name) => !(name in available));
  if (missing.length > 0) throw new Error(`the graph takes ${missing.join(', ')}, which the engine does not feed`);
  return Object.fromEntries(inputNames.map((name) => [name, available[name]!]));
}

export async function run(
  session: InferenceSession,
  feeds: Record<string, Tensor>,
  signal?: AbortSignal,
): Promise<InferenceSession.OnnxValueMapType> {
  signal?.throwIfAborted();
  return session.run(feeds);
}

/** Row `row` of a `batch × classes` logits tensor as the head's prediction. */
export function predictionAt(logits: Tensor, row: number, head: Head): Prediction {
  const classes = logits.dims[1] ?? 0;
  return predictionOf(head, Array.from((logits.data as Float32Array).subarray(row * classes, (row + 1) * classes)));
}

export function logitsOf(outputs: InferenceSession.OnnxValueMapType): Tensor {
  const logits = outputs[LOGITS];
  if (!logits) throw new Error(`the model returned no ${LOGITS}`);
  return logits as Tensor;
}
