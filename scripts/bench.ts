/**
 * `npm run bench`: prints one table of timings. Timings live here, never in pass/fail tests.
 * Measures the bundled demo model always, and the full-size DistilBERT when it has been generated
 * (`npm run models:export -- full`); the Speed issue extends this with every method and PyTorch side by side.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { attentionExplainer } from '../src/engine/explainers/attention.js';
import { integratedGradientsXInputExplainer } from '../src/engine/explainers/integrated-gradients-x-input.js';
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

/** The fastest of `repeats` runs after two warm-ups (onnxruntime grows its memory arena on the first runs). */
async function fastest(repeats: number, work: () => Promise<unknown>): Promise<number> {
  await work();
  await work();
  let best = Infinity;
  for (let i = 0; i < repeats; i += 1) {
    const started = performance.now();
    await work();
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return best;
}

/**
 * Integrated gradients (50 Gauss–Legendre steps, one batch) on the seed sentence: our gradient graph in
 * onnxruntime against PyTorch autograd on the same weights (scripts/bench_ig.py), side by side.
 */
async function benchIntegratedGradients(label: string, source: string): Promise<Row[]> {
  const model = await ModelBundle.load(source, { cacheDir: await mkdtemp(join(tmpdir(), 'xai-bench-')) });
  const prediction = (await predictEncoded(model, [model.tokenizer.encode(SEED)]))[0]!;
  const options = resolveOptions(integratedGradientsXInputExplainer.options, { n_steps: 50 });
  // A fresh encoding per run: results are memoized per sentence object.
  const ours = await fastest(5, () =>
    integratedGradientsXInputExplainer.explain(
      { encoded: model.tokenizer.encode(SEED), prediction },
      { model },
      options,
    ),
  );
  const ids = model.tokenizer.encode(SEED).ids;
  await model.dispose();
  const rows: Row[] = [{ model: label, measure: 'IG 50 steps, seed sentence: engine', value: `${ours.toFixed(3)} s` }];
  const python = spawnSync('/usr/bin/python3', ['scripts/bench_ig.py', source, JSON.stringify(ids), '50'], {
    encoding: 'utf8',
  });
  if (python.status !== 0) {
    rows.push({ model: label, measure: 'IG 50 steps: PyTorch', value: 'failed (see stderr)' });
    process.stderr.write(python.stderr);
    return rows;
  }
  const torch = JSON.parse(python.stdout) as { seconds: number; threads: number };
  rows.push(
    {
      model: label,
      measure: `IG 50 steps: PyTorch autograd (${torch.threads} thread(s))`,
      value: `${torch.seconds.toFixed(3)} s`,
    },
    { model: label, measure: 'IG 50 steps: engine / PyTorch', value: `${(ours / torch.seconds).toFixed(2)}×` },
  );
  return rows;
}

const rows = await benchModel('demo-sst2', 'demo', 40);
if (existsSync(join(FULL_MODEL, 'onnx/model.onnx'))) {
  rows.push(...(await benchModel('distilbert full-size', FULL_MODEL, 8)));
  rows.push(...(await benchIntegratedGradients('distilbert full-size', FULL_MODEL)));
} else rows.push({ model: 'distilbert full-size', measure: 'not generated', value: 'npm run models:export -- full' });

const widths = [20, 44, 24];
const line = (cells: string[]): string => cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ');
console.log(line(['model', 'measure', 'value']));
console.log(widths.map((width) => '-'.repeat(width)).join('-|-'));
for (const row of rows) console.log(line([row.model, row.measure, row.value]));
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
