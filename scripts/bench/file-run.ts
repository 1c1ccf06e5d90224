/**
 * One pass of the bench's sentence file through every method with ferret's three faithfulness metrics on each
 * explanation (`compareMethods` with all methods), in a process of its own so that its peak RSS is its own:
 *
 *     tsx scripts/bench/file-run.ts MODEL_DIR SENTENCES_FILE fp32|int8
 *
 * Progress goes to stderr; the result is one JSON line (`FileRun`) on stdout.
 */
import { readFileSync } from 'node:fs';
import { compareMethods } from '../../src/engine/compare.js';
import { EXPLAINERS } from '../../src/engine/explainers/registry.js';
import { ModelBundle } from '../../src/engine/model/bundle.js';
import type { Precision } from '../../src/shared/results.js';
import { ownCpuSeconds, peakRssBytes } from './measure.js';

export interface SentenceRun {
  tokens: number;
  seconds: number;
  /** Resident set size after the sentence, in bytes. */
  rss: number;
  costs: Record<string, { seconds: number; evaluations: number }>;
  forwardEvaluations: number;
}

export interface FileRun {
  precision: Precision;
  /** Loading the model and deriving/loading its graphs, before the first sentence. */
  loadSeconds: number;
  seconds: number;
  sentences: SentenceRun[];
  maxRss: number;
  cpuSeconds: number;
}

export async function runFile(modelDir: string, texts: readonly string[], precision: Precision): Promise<FileRun> {
  const started = performance.now();
  const model = await ModelBundle.load(modelDir, { precision });
  const methods = Object.fromEntries(EXPLAINERS.map((explainer) => [explainer.id, {}]));
  // Every session a comparison uses, loaded before the clock starts, as a user's first sentence would find them.
  await Promise.all([model.session('attentions'), model.session('gradients'), model.forwardSession()]);
  const loadSeconds = (performance.now() - started) / 1000;
  const sentences: SentenceRun[] = [];
  const begin = performance.now();
  for (const [i, text] of texts.entries()) {
    const sentenceStart = performance.now();
    const comparison = await compareMethods(model, text, methods);
    const seconds = (performance.now() - sentenceStart) / 1000;
    sentences.push({
      tokens: comparison.sentence.tokens.length,
      seconds,
      rss: process.memoryUsage.rss(),
      costs: comparison.costs,
      forwardEvaluations: comparison.forwardEvaluations,
    });
    process.stderr.write(
      `  ${precision} file run: sentence ${i + 1}/${texts.length} (${comparison.sentence.tokens.length} tokens) ` +
        `${seconds.toFixed(1)} s, RSS ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MB\n`,
    );
  }
  const seconds = (performance.now() - begin) / 1000;
  await model.dispose();
  return {
    precision,
    loadSeconds,
    seconds,
    sentences,
    maxRss: peakRssBytes(),
    cpuSeconds: ownCpuSeconds(),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [modelDir, file, precision] = process.argv.slice(2) as [string, string, Precision];
  const texts = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0);
  process.stdout.write(`${JSON.stringify(await runFile(modelDir, texts, precision))}\n`);
}
