/**
 * The batched forward service every perturbation method (SHAP, LIME, occlusion) and every faithfulness metric
 * submits its token-id sequences to. Perturbation methods ask for the same sequence again and again (SHAP's
 * masked strings re-tokenize alike, metrics re-run leave-one-out), so the service de-duplicates and memoizes
 * per sentence; requests made in the same tick by methods running concurrently are pooled into shared
 * batches. Sequences are sorted by length so that a batch carries little padding. With a bundle loaded at
 * `precision: 'int8'` every row runs on the int8 graph.
 */
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { INPUT_IDS } from './onnx/surgery.js';
import type { ModelBundle } from './model/bundle.js';
import { ATTENTION_MASK, logitsOf, TOKEN_TYPE_IDS } from './model/forward.js';
import { headOutputs } from './model/head.js';
import type { EncodedText } from './model/tokenizer.js';

export interface ForwardOutput {
  logits: Float32Array;
  /** The head's outputs (softmax, per-label sigmoid, or the score itself), in float64: what "prob" explains. */
  probabilities: Float64Array;
}

export interface ForwardServiceOptions {
  /** Most sequences per batch. */
  batchSize?: number;
  /** Most `rows × padded length` per batch, so that long sentences run in smaller batches. */
  maxBatchTokens?: number;
}

/**
 * Measured on the full-size DistilBERT with 2 cores: 11-token rows run at 34/s alone, 121/s in batches of 32
 * and 127/s in 64; 44-token rows peak at 16–32 per batch (~1.4k tokens) and slow down beyond that.
 */
export const DEFAULT_BATCH_SIZE = 64;
export const DEFAULT_MAX_BATCH_TOKENS = 1536;

interface PendingRow {
  key: string;
  ids: readonly number[];
  signal: AbortSignal | undefined;
  resolve: (output: ForwardOutput) => void;
  reject: (error: unknown) => void;
}

/** Counts the distinct sequences one method asked for: what that method would cost run alone. */
export interface ForwardView {
  run(sequences: readonly (readonly number[])[]): Promise<ForwardOutput[]>;
  runTexts(texts: readonly string[]): Promise<ForwardOutput[]>;
  readonly evaluations: number;
}

export class ForwardService {
  /** Sequences actually run through the model, after de-duplication and memoization. */
  evaluations = 0;
  /** Sequences asked for, duplicates included. */
  requests = 0;
  private readonly memo = new Map<string, Promise<ForwardOutput>>();
  private pending: PendingRow[] = [];
  private flushScheduled = false;
  /** Batches run one after another: one session, and the cores are already busy inside it. */
  private running: Promise<void> = Promise.resolve();
  private readonly batchSize: number;
  private readonly maxBatchTokens: number;

  constructor(
    readonly model: ModelBundle,
    { batchSize = DEFAULT_BATCH_SIZE, maxBatchTokens = DEFAULT_MAX_BATCH_TOKENS }: ForwardServiceOptions = {},
  ) {
    this.batchSize = batchSize;
    this.maxBatchTokens = maxBatchTokens;
  }

  /** Outputs in the order of `sequences`; an aborted `signal` rejects the rows not yet run. */
  run(sequences: readonly (readonly number[])[], signal?: AbortSignal): Promise<ForwardOutput[]> {
    signal?.throwIfAborted();
    this.requests += sequences.length;
    return Promise.all(sequences.map((ids) => this.request(ids, signal)));
  }

  /** Tokenizes (with the model's truncation) and runs. */
  async runTexts(texts: readonly string[], signal?: AbortSignal): Promise<ForwardOutput[]> {
    return this.run(await this.sequencesOf(texts), signal);
  }

  private async sequencesOf(texts: readonly string[]): Promise<number[][]> {
    return (await this.model.tokenizer.encodeBatch(texts)).map((encoded) => encoded.ids);
  }

  /** A view that shares this service's batches and memo but counts one method's distinct sequences. */
  view(signal?: AbortSignal): ForwardView {
    const seen = new Set<string>();
    const count = (sequences: readonly (readonly number[])[]) => {
      for (const ids of sequences) seen.add(keyOf(ids));
    };
    return {
      run: (sequences) => {
        count(sequences);
        return this.run(sequences, signal);
      },
      runTexts: async (texts) => {
        const sequences = await this.sequencesOf(texts);
        count(sequences);
        return this.run(sequences, signal);
      },
      get evaluations() {
        return seen.size;
      },
    };
  }

  private request(ids: readonly number[], signal: AbortSignal | undefined): Promise<ForwardOutput> {
    if (ids.length === 0) return Promise.reject(new Error('the forward service got an empty sequence'));
    const key = keyOf(ids);
    const known = this.memo.get(key);
    if (known) return known;
    const promise = new Promise<ForwardOutput>((resolve, reject) => {
      this.pending.push({ key, ids, signal, resolve, reject });
    });
    this.memo.set(key, promise);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // Wait one macrotask so that concurrent callers' requests land in the same batches.
      setImmediate(() => {
        this.flushScheduled = false;
        const rows = this.pending;
        this.pending = [];
        this.running = this.running.then(() => this.flush(rows));
      });
    }
    return promise;
  }

  private async flush(rows: PendingRow[]): Promise<void> {
    rows.sort((a, b) => a.ids.length - b.ids.length);
    let session: InferenceSession;
    try {
      session = await this.model.forwardSession();
    } catch (error) {
      this.fail(rows, error);
      return;
    }
    let start = 0;
    while (start < rows.length) {
      let end = start + 1;
      // Sorted by length, so the last row of a batch sets its padded length.
      while (
        end < rows.length &&
        end - start < this.batchSize &&
        (end - start + 1) * rows[end]!.ids.length <= this.maxBatchTokens
      ) {
        end += 1;
      }
      const batch = rows.slice(start, end).filter((row) => {
        if (!row.signal?.aborted) return true;
        this.fail([row], row.signal.reason);
        return false;
      });
      start = end;
      if (batch.length === 0) continue;
      try {
        const outputs = await session.run(sequenceFeeds(this.model, batch));
        this.evaluations += batch.length;
        const logits = logitsOf(outputs);
        const classes = logits.dims[1] ?? 0;
        const data = logits.data as Float32Array;
        batch.forEach((row, i) => {
          const rowLogits = data.slice(i * classes, (i + 1) * classes);
          row.resolve({ logits: rowLogits, probabilities: headOutputs(this.model.config.task, rowLogits) });
        });
      } catch (error) {
        this.fail(batch, error);
      }
    }
  }

  /** A failed or cancelled row is forgotten, so that a later request runs it afresh. */
  private fail(rows: readonly PendingRow[], error: unknown): void {
    for (const row of rows) {
      this.memo.delete(row.key);
      row.reject(error);
    }
  }
}

const services = new WeakMap<EncodedText, ForwardService>();

/**
 * The service for one sentence job: every explainer and metric given the same encoded sentence shares its
 * memo, which is dropped with the sentence.
 */
export function forwardServiceFor(model: ModelBundle, sentence: EncodedText): ForwardService {
  let service = services.get(sentence);
  if (!service || service.model !== model) {
    service = new ForwardService(model);
    services.set(sentence, service);
  }
  return service;
}

function keyOf(ids: readonly number[]): string {
  return ids.join(',');
}

/** Right-padded ids, mask and (for BERT) all-zero token types of single-sentence inputs. */
function sequenceFeeds(model: ModelBundle, batch: readonly PendingRow[]): Record<string, Tensor> {
  const length = batch[batch.length - 1]!.ids.length;
  const size = batch.length * length;
  const ids = new BigInt64Array(size).fill(BigInt(model.tokenizer.padId));
  const mask = new BigInt64Array(size);
  batch.forEach((row, r) => {
    const offset = r * length;
    for (let i = 0; i < row.ids.length; i += 1) ids[offset + i] = BigInt(row.ids[i]!);
    mask.fill(1n, offset, offset + row.ids.length);
  });
  const shape = [batch.length, length];
  const feeds: Record<string, Tensor> = {
    [INPUT_IDS]: new Tensor('int64', ids, shape),
    [ATTENTION_MASK]: new Tensor('int64', mask, shape),
  };
  if (model.takesTokenTypes) feeds[TOKEN_TYPE_IDS] = new Tensor('int64', new BigInt64Array(size), shape);
  return feeds;
}
