/**
 * The corpus summary of 10,000 synthetic sentence results (WordPiece tokens, 20–40 a sentence, some words in
 * pieces, three methods with a target class, ferret's three faithfulness metrics, a true label each): the time
 * to summarize them from scratch, and the time of the last `add` and `summary()` of an accumulator that took
 * the first 9,999 as they streamed, which is what a job pays when its last sentence finishes.
 */
import { CorpusAccumulator, summarizeCorpus, type CorpusModel } from '../../src/shared/corpus.js';
import type { Explanation, SentenceResult } from '../../src/shared/results.js';

export const CORPUS_SENTENCES = 10_000;
const METHODS = ['occlusion', 'gradient_x_input', 'integrated_gradients'];
const LABELS = ['NEGATIVE', 'POSITIVE'];
const MODEL: CorpusModel = {
  labels: LABELS,
  task: 'single_label_classification',
  tokenizer: 'WordPiece',
  lowercase: true,
};

/** mulberry32: the same corpus every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` sentences of 20–40 tokens drawn from a 3,000-word vocabulary (Zipf-like: a few words are common). */
export function syntheticSentences(count = CORPUS_SENTENCES): SentenceResult[] {
  const next = random(17);
  const vocabulary = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}`);
  const word = () => vocabulary[Math.floor(vocabulary.length * next() ** 3)]!;
  return Array.from({ length: count }, (_, index): SentenceResult => {
    const length = 20 + Math.floor(next() * 21);
    const tokens = ['[CLS]'];
    const wordIds: (number | null)[] = [null];
    for (let w = 0; tokens.length < length - 1; w += 1) {
      tokens.push(word());
      wordIds.push(w);
      // One word in five is split into a second piece.
      if (next() < 0.2 && tokens.length < length - 1) {
        tokens.push(`##${word()}`);
        wordIds.push(w);
      }
    }
    tokens.push('[SEP]');
    wordIds.push(null);
    const positive = next();
    const predictedIndex = positive > 0.5 ? 1 : 0;
    const explanations: Record<string, Explanation> = {};
    for (const method of METHODS) {
      const scores = tokens.map((_, i) => (i === 0 || i === tokens.length - 1 ? 0 : next() * 2 - 1));
      explanations[method] = {
        method,
        options: { target: predictedIndex, targetLabel: LABELS[predictedIndex] },
        tokens,
        raw: scores,
        scores,
        evaluations: tokens.length,
        seconds: 0.01,
        warnings: [],
      };
    }
    return {
      index,
      text: tokens.slice(1, -1).join(' ').replaceAll(' ##', ''),
      trueLabel: LABELS[next() < 0.85 ? predictedIndex : 1 - predictedIndex],
      tokens,
      ids: tokens.map((_, i) => i),
      wordIds,
      special: tokens.map((_, i) => i === 0 || i === tokens.length - 1),
      truncated: false,
      logits: [1 - positive, positive],
      probabilities: { NEGATIVE: 1 - positive, POSITIVE: positive },
      predictedIndex,
      predictedLabel: LABELS[predictedIndex]!,
      warnings: [],
      explanations,
      evaluation: Object.fromEntries(
        METHODS.map((method) => [
          method,
          { aopc_compr: next(), aopc_suff: next() - 0.5, taucorr_loo: next() < 0.05 ? null : next() * 2 - 1 },
        ]),
      ),
    };
  });
}

export interface CorpusTimings {
  sentences: number;
  tokens: number;
  /** `summarizeCorpus` of every sentence: the fastest of a few runs. */
  scratchSeconds: number;
  /** The CPU time of that run (this process's, GC threads included): steadier than the wall time on a busy machine. */
  scratchCpuSeconds: number;
  /** The last `add` and `summary()` of an accumulator holding the rest: the fastest of a few runs. */
  lastSeconds: number;
  /** Of which `summary()` alone. */
  summarySeconds: number;
  /** Tokens and words in the summary's tables (min count 3), to show the work is real. */
  entries: number;
}

const now = () => performance.now() / 1000;

export function corpusTimings(runs = 3): CorpusTimings {
  const sentences = syntheticSentences();
  const document = { model: MODEL, sentences };
  let scratchSeconds = Infinity;
  let scratchCpuSeconds = Infinity;
  let entries = 0;
  for (let run = 0; run < runs; run += 1) {
    const started = now();
    const cpu = process.cpuUsage();
    const summary = summarizeCorpus(document);
    const { user, system } = process.cpuUsage(cpu);
    const seconds = now() - started;
    if (seconds < scratchSeconds) [scratchSeconds, scratchCpuSeconds] = [seconds, (user + system) / 1e6];
    entries = summary.importance
      .flatMap(({ classes }) => classes)
      .reduce((sum, { tokens, words }) => sum + tokens.length + words.length, 0);
  }
  let lastSeconds = Infinity;
  let summarySeconds = Infinity;
  for (let run = 0; run < runs; run += 1) {
    const accumulator = new CorpusAccumulator(MODEL);
    for (const sentence of sentences.slice(0, -1)) accumulator.add(sentence);
    const started = now();
    accumulator.add(sentences.at(-1)!);
    const added = now();
    accumulator.summary();
    const ended = now();
    lastSeconds = Math.min(lastSeconds, ended - started);
    summarySeconds = Math.min(summarySeconds, ended - added);
  }
  const tokens = sentences.reduce((sum, { tokens }) => sum + tokens.length, 0);
  return {
    sentences: sentences.length,
    tokens,
    scratchSeconds,
    scratchCpuSeconds,
    lastSeconds,
    summarySeconds,
    entries,
  };
}
