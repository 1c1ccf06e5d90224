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
import type { EncodedText, TextInput } from './model/tokenizer.js';

/**
 * What the service runs: token ids, with their token type ids where a pair's second text has type 1 (BERT);
 * bare ids are one text, type 0 throughout.
 */
export type TokenSequence =
  readonly number[] | { readonly ids: readonly number[]; readonly typeIds: readonly number[] };

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
  /** Undefined when every type id is 0 (or the graph takes none). */
  typeIds: readonly number[] | undefined;
  signal: AbortSignal | undefined;
  resolve: (output: ForwardOutput) => void;
  reject: (error: unknown) => void;
}

/** Counts the distinct sequences one method asked for: what that method would cost run alone. */
export interface ForwardView {
  run(sequences: readonly TokenSequence[]): Promise<ForwardOutput[]>;
  runTexts(inputs: readonly TextInput[]): Promise<ForwardOutput[]>;
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
  run(sequences: readonly TokenSequence[], signal?: AbortSignal): Promise<ForwardOutput[]> {
    signal?.throwIfAborted();
    this.requests += sequences.length;
    return Promise.all(sequences.map((sequence) => this.request(sequence, signal)));
  }

  /** Tokenizes (with the model's truncation) and runs. */
  async runTexts(inputs: readonly TextInput[], signal?: AbortSignal): Promise<ForwardOutput[]> {
    return this.run(await this.sequencesOf(inputs), signal);
  }

  private async sequencesOf(inputs: readonly TextInput[]): Promise<TokenSequence[]> {
    return (await this.model.tokenizer.encodeIds(inputs)).map(sequenceOf);
  }

  /** A view that shares this service's batches and memo but counts one method's distinct sequences. */
  view(signal?: AbortSignal): ForwardView {
    const seen = new Set<string>();
    const count = (sequences: readonly TokenSequence[]) => {
      for (const sequence of sequences) seen.add(this.keyOf(sequence));
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

  /** The memo key: the ids, and the type ids when the graph reads them and some are not 0. */
  private keyOf(sequence: TokenSequence): string {
    return this.parts(sequence).key;
  }

  /** The ids, the type ids that matter (undefined when all are 0 or the graph takes none), and the memo key. */
  private parts(sequence: TokenSequence): {
    ids: readonly number[];
    typeIds: readonly number[] | undefined;
    key: string;
  } {
    const ids = 'ids' in sequence ? sequence.ids : (sequence as readonly number[]);
    const typed = 'ids' in sequence && this.model.takesTokenTypes && sequence.typeIds.some((type) => type !== 0);
    const typeIds = typed ? sequence.typeIds : undefined;
    return { ids, typeIds, key: typeIds ? `${ids.join(',')}|${typeIds.join(',')}` : ids.join(',') };
  }

  private request(sequence: TokenSequence, signal: AbortSignal | undefined): Promise<ForwardOutput> {
    const { ids, typeIds, key } = this.parts(sequence);
    if (ids.length === 0) return Promise.reject(new Error('the forward service got an empty sequence'));
    const known = this.memo.get(key);
    if (known) return known;
    const promise = new Promise<ForwardOutput>((resolve, reject) => {
      this.pending.push({ key, ids, typeIds, signal, resolve, reject });
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

/** An encoding as the service runs it: its ids, and its type ids. */
export function sequenceOf(encoded: Pick<EncodedText, 'ids' | 'tokenTypeIds'>): TokenSequence {
  return { ids: encoded.ids, typeIds: encoded.tokenTypeIds };
}

/** Right-padded ids, mask and (for BERT) token types: 0 for one text, a pair's own for the second text. */
function sequenceFeeds(model: ModelBundle, batch: readonly PendingRow[]): Record<string, Tensor> {
  const length = batch[batch.length - 1]!.ids.length;
  const size = batch.length * length;
  const ids = new BigInt64Array(size).fill(BigInt(model.tokenizer.padId));
  const mask = new BigInt64Array(size);
  const types = new BigInt64Array(size);
  batch.forEach((row, r) => {
    const offset = r * length;
    for (let i = 0; i < row.ids.length; i += 1) ids[offset + i] = BigInt(row.ids[i]!);
    row.typeIds?.forEach((type, i) => (types[offset + i] = BigInt(type)));
    mask.fill(1n, offset, offset + row.ids.length);
  });
  const shape = [batch.length, length];
  const feeds: Record<string, Tensor> = {
    [INPUT_IDS]: new Tensor('int64', ids, shape),
    [ATTENTION_MASK]: new Tensor('int64', mask, shape),
  };
  if (model.takesTokenTypes) feeds[TOKEN_TYPE_IDS] = new Tensor('int64', types, shape);
  return feeds;
}
