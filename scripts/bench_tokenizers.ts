/**
 * `npx tsx scripts/bench_tokenizers.ts`: the tokenizers binding against transformers.js on 1,000 sentences, for
 * each tokenizer family the text layer serves. Timings are printed, never asserted. Rows per tokenizer:
 * transformers.js `encode` one sentence at a time (sync, what the engine does today); the binding's `encodeBatch`
 * of all 1,000 (Rust threads), its `encode` awaited one at a time, and all 1,000 `encode` promises at once; the
 * ratio of transformers.js to `encodeBatch` in the same run; and each library's resident memory for the loaded
 * tokenizer, measured in a fresh process.
 *
 *     npx tsx scripts/bench_tokenizers.ts            # about a minute on 2 cores
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { Tokenizer } from 'tokenizers';
import { TOKENIZER_DIRS } from './bench/tokenizer-dirs.js';
import { alternating } from './bench/measure.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SENTENCE_COUNT = 1000;
const ROUNDS = 5;

/** 1,000 distinct sentences: the 100 bench sentences, each with its words rotated 0…9 places. */
function sentences(): string[] {
  const lines = readFileSync(join(ROOT, 'scripts/bench-sentences.txt'), 'utf8').split('\n').filter(Boolean);
  const out: string[] = [];
  for (let shift = 0; out.length < SENTENCE_COUNT; shift += 1) {
    for (const line of lines) {
      const words = line.split(' ');
      const k = shift % words.length;
      out.push([...words.slice(k), ...words.slice(0, k)].join(' '));
      if (out.length === SENTENCE_COUNT) break;
    }
  }
  return out;
}

async function loadJs(dir: string) {
  env.allowRemoteModels = false;
  env.localModelPath = '';
  return AutoTokenizer.from_pretrained(dir, { local_files_only: true });
}

/** Child mode: load one tokenizer with one library, encode once, print the resident memory it added (MiB). */
async function memoryChild(library: string, dir: string): Promise<void> {
  const before = process.memoryUsage().rss;
  if (library === 'binding') {
    const tokenizer = Tokenizer.fromFile(join(dir, 'tokenizer.json'));
    await tokenizer.encodeBatch(sentences());
  } else {
    const tokenizer = await loadJs(dir);
    for (const text of sentences()) tokenizer.encode(text);
  }
  console.log(((process.memoryUsage().rss - before) / 2 ** 20).toFixed(1));
}

function memoryOf(library: string, dir: string): string {
  const script = fileURLToPath(import.meta.url);
  const tsx = join(ROOT, 'node_modules/.bin/tsx');
  return execFileSync(tsx, [script, '--memory', library, dir], { encoding: 'utf8' }).trim();
}

async function main(): Promise<void> {
  const texts = sentences();
  console.log(`${texts.length} sentences, ${availableParallelism()} cores; milliseconds are the fastest of ${ROUNDS}`);
  const header = [
    'tokenizer',
    'js encode ×1000',
    'encodeBatch',
    'encode awaited',
    'encode all',
    'js / batch',
    'MiB js',
    'MiB binding',
  ];
  const rows: string[][] = [];
  for (const [name, dir] of Object.entries(TOKENIZER_DIRS)) {
    const js = await loadJs(dir);
    const binding = Tokenizer.fromFile(join(dir, 'tokenizer.json'));
    const time = async (work: () => Promise<unknown> | unknown) => {
      const started = performance.now();
      await work();
      return performance.now() - started;
    };
    const jsOneByOne = () => time(() => texts.forEach((text) => js.encode(text)));
    const batch = () => time(() => binding.encodeBatch(texts));
    const [jsMs, batchMs] = await alternating(ROUNDS, jsOneByOne, batch);
    const [awaitedMs, allMs] = await alternating(
      ROUNDS,
      () =>
        time(async () => {
          for (const text of texts) await binding.encode(text);
        }),
      () => time(() => Promise.all(texts.map((text) => binding.encode(text)))),
    );
    rows.push([
      name,
      jsMs.toFixed(0),
      batchMs.toFixed(0),
      awaitedMs.toFixed(0),
      allMs.toFixed(0),
      (jsMs / batchMs).toFixed(1),
      memoryOf('js', dir),
      memoryOf('binding', dir),
    ]);
  }
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
}

const memoryFlag = process.argv.indexOf('--memory');
if (memoryFlag >= 0) await memoryChild(process.argv[memoryFlag + 1]!, process.argv[memoryFlag + 2]!);
else await main();
