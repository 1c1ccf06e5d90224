/**
 * `npm run bench`: prints one table of timings. Timings live here, never in pass/fail tests.
 * Measures the bundled demo model always, and the full-size DistilBERT when it has been generated
 * (`npm run models:export -- full`); the Speed issue extends this with every method and PyTorch side by side.
 */
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { attentionExplainer } from '../src/engine/explainers/attention.js';
import { ModelBundle } from '../src/engine/model/bundle.js';
import { predictEncoded } from '../src/engine/predict.js';
import { resolveOptions } from '../src/shared/options.js';

const SEED = 'You look terrible! Maybe you should rest?';
const FULL_MODEL = join(
  process.env.XDG_CACHE_HOME || join(homedir(), '.cache'),
  'xai-workbench/models/distilbert-full-random',
);

interface Row {
  model: string;
  measure: string;
  value: string;
}

async function timeIt(repeats: number, work: () => Promise<unknown>): Promise<number> {
  await work(); // warm-up: first runs pay for allocation and kernel selection
  const started = performance.now();
  for (let i = 0; i < repeats; i += 1) await work();
  return (performance.now() - started) / repeats / 1000;
}

async function benchModel(label: string, source: string, repeats: number): Promise<Row[]> {
  const model = await ModelBundle.load(source, { cacheDir: await mkdtemp(join(tmpdir(), 'xai-bench-')) });
  const seed = model.tokenizer.encode(SEED);
  const batch = Array.from({ length: 32 }, () => seed);
  const latency = await timeIt(repeats, () => predictEncoded(model, [seed]));
  const batched = await timeIt(Math.max(1, repeats / 8), () => predictEncoded(model, batch, { batchSize: 32 }));
  const options = resolveOptions(attentionExplainer.options);
  const prediction = (await predictEncoded(model, [seed]))[0]!;
  await model.session('attentions'); // derive and load once, outside the timing
  const attention = await timeIt(repeats, () =>
    attentionExplainer.explain({ encoded: seed, prediction }, { model }, options),
  );
  await model.dispose();
  return [
    {
      model: label,
      measure: `predict latency, batch 1 (${seed.ids.length} tokens)`,
      value: `${(latency * 1000).toFixed(2)} ms`,
    },
    { model: label, measure: 'predict throughput, batch 32', value: `${(32 / batched).toFixed(1)} sentences/s` },
    { model: label, measure: 'attention explainer, seed sentence', value: `${(attention * 1000).toFixed(2)} ms` },
  ];
}

const rows = await benchModel('demo-sst2', 'demo', 40);
if (existsSync(join(FULL_MODEL, 'onnx/model.onnx')))
  rows.push(...(await benchModel('distilbert full-size', FULL_MODEL, 8)));
else rows.push({ model: 'distilbert full-size', measure: 'not generated', value: 'npm run models:export -- full' });

const widths = [20, 44, 24];
const line = (cells: string[]): string => cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ');
console.log(line(['model', 'measure', 'value']));
console.log(widths.map((width) => '-'.repeat(width)).join('-|-'));
for (const row of rows) console.log(line([row.model, row.measure, row.value]));
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
