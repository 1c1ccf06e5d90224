/**
 * `npm run bench`: one table of timings for the full-size DistilBERT (random weights, real uncased vocabulary),
 * which is generated on first use. Timings live here, never in pass/fail tests. Rows: the fp32 matrix-product
 * peak (onnxruntime and torch.mm), prediction latency and throughput with their share of that peak, every
 * explainer on the seed sentence, integrated gradients beside PyTorch autograd, IG's steps to a small
 * convergence delta, the same IG comparison on a RoBERTa-base-sized and a DeBERTa-v3-small-sized model (random
 * weights, byte-level BPE resp. SentencePiece Unigram; also generated on first use, scripts/bench/ig-models.ts)
 * with a check that both sides computed the same attributions,
 * the full comparison, int8 against fp32, a 2,000-word sentence through every method into a report with the CLI's
 * peak RSS, and the 100-sentence file (scripts/bench-sentences.txt) through every method with its memory over the
 * run.
 *
 *     npm run bench                    # about 12 minutes on 2 cores
 *     npm run bench -- --fp32-file     # also the file through every method at fp32 (about half an hour more)
 *     npm run bench -- --no-file       # everything but the file through every method (about 5 minutes)
 *     npm run bench -- --no-roberta    # without the RoBERTa-base rows (and its first-use export); --no-deberta too
 *     npm run bench -- --only roberta  # the machine and RoBERTa-base rows alone (2–3 minutes); --only deberta too
 *     npm run bench -- --only corpus   # the corpus summary of 10,000 synthetic sentence results alone (seconds)
 *     npm run bench -- --no-corpus     # without it
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { env } from 'onnxruntime-node';
import { compareMethods } from '../src/engine/compare.js';
import { EXPLAINERS, getExplainer } from '../src/engine/explainers/registry.js';
import { evaluateExplanation } from '../src/engine/metrics/evaluate.js';
import { ModelBundle, sessionOptions } from '../src/engine/model/bundle.js';
import { exactInt8WeightMax } from '../src/engine/onnx/int8-kernel.js';
import { FULL_INT8_WEIGHT_MAX } from '../src/engine/onnx/quantize.js';
import { idFeeds } from '../src/engine/model/forward.js';
import { predictEncoded, predictTexts } from '../src/engine/predict.js';
import { resolveOptions } from '../src/shared/options.js';
import type { Explanation, Precision } from '../src/shared/results.js';
import type { FileRun } from './bench/file-run.js';
import {
  FLOPS_FORMULA,
  forwardFlops,
  POOLED_ROW_FORMULA,
  pooledRowFlops,
  readArchitecture,
  type Architecture,
} from './bench/flops.js';
import { alternating, fastest, machineCpuSeconds, ownCpuSeconds, peakRssBytes } from './bench/measure.js';
import { onnxruntimeMatMul } from './bench/peak.js';
import {
  checkIg,
  ensureIgModel,
  IG_MODELS,
  type Generated,
  type IgModel,
  type TorchIgValues,
} from './bench/ig-models.js';
import { TorchBench, type TorchInfo, type TorchTiming } from './bench/torch.js';
import { CORPUS_SENTENCES, corpusTimings } from './bench/corpus.js';

const SEED = 'You look terrible! Maybe you should rest?';
const SENTENCES_FILE = 'scripts/bench-sentences.txt';
/** ferret's six explainers, which its `evaluate_explanations` runs with its three faithfulness metrics. */
const FERRET_METHODS = [
  'gradient',
  'gradient_x_input',
  'integrated_gradients',
  'integrated_gradients_x_input',
  'shap',
  'lime',
];
const BATCH_SIZES = [1, 16, 32, 64, 128];
/** Square and model-shaped (1024 tokens × d × f) products: the peak is the faster. */
const PEAK_SHAPES: [number, number, number][] = [
  [2048, 2048, 2048],
  [1024, 768, 3072],
];
const DELTA_TOLERANCE = 1e-3;
const FULL_MODEL = join(
  process.env.XDG_CACHE_HOME || join(homedir(), '.cache'),
  'xai-workbench/models/distilbert-full-random',
);

interface Row {
  section: string;
  measure: string;
  value: string;
}

const rows: Row[] = [];
const row = (section: string, measure: string, value: string) => rows.push({ section, measure, value });
const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);
const ms = (seconds: number) => `${(seconds * 1000).toFixed(1)} ms`;
const s = (seconds: number) => `${seconds.toFixed(3)} s`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const gflops = (flops: number, seconds: number) => flops / seconds / 1e9;

function ensureFullModel(): void {
  if (existsSync(join(FULL_MODEL, 'onnx/model.onnx'))) return;
  progress(`generating the full-size model in ${FULL_MODEL} (scripts/export_models.py full)`);
  const result = spawnSync('/usr/bin/python3', ['scripts/export_models.py', 'full'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) {
    throw new Error('could not generate the full-size model: needs apt-get install -y python3-torch python3-onnx');
  }
}

/**
 * One explainer run on `text`, the prediction made beforehand (untimed). A fresh encoding per run: explainers
 * and the forward service memoize per encoding object.
 */
async function explainOnce(model: ModelBundle, text: string, method: string, given: Record<string, unknown> = {}) {
  const explainer = getExplainer(method);
  const options = resolveOptions(explainer.options, given);
  const [prediction] = await predictEncoded(model, [await model.tokenizer.encode(text)]);
  // A fresh encoding per run, so that no run reuses another's forward-service memo.
  return async (): Promise<Explanation> =>
    explainer.explain({ encoded: await model.tokenizer.encode(text), prediction: prediction! }, { model }, options);
}

interface Peaks {
  /** The higher of the two. */
  peak: number;
  onnxruntime: number;
}

async function peakRows(torch: TorchBench | undefined): Promise<Peaks> {
  progress('fp32 matrix-product peak');
  let ours = { gflops: 0, shape: '' };
  let theirs = { gflops: 0, shape: '' };
  for (const [m, k, n] of PEAK_SHAPES) {
    const shape = `${m}×${k}×${n}`;
    const [a, b] = await alternating(
      2,
      async () => -(await onnxruntimeMatMul(m, k, n, 5)),
      async () =>
        -(torch
          ? (await torch.request<{ gflops: number }>({ cmd: 'matmul', shape: [m, k, n], repeats: 5 })).gflops
          : 0),
    );
    if (-a > ours.gflops) ours = { gflops: -a, shape };
    if (-b > theirs.gflops) theirs = { gflops: -b, shape };
  }
  row('peak fp32', `onnxruntime MatMul (${ours.shape})`, `${ours.gflops.toFixed(0)} GFLOP/s`);
  if (torch) row('peak fp32', `torch.mm, OpenBLAS (${theirs.shape})`, `${theirs.gflops.toFixed(0)} GFLOP/s`);
  const peak = Math.max(ours.gflops, theirs.gflops);
  row('peak fp32', 'peak = the higher', `${peak.toFixed(0)} GFLOP/s`);
  return { peak, onnxruntime: ours.gflops };
}

async function forwardRows(
  model: ModelBundle,
  architecture: Architecture,
  { peak, onnxruntime }: Peaks,
  torch: TorchBench | undefined,
  texts: readonly string[],
): Promise<void> {
  progress('forward: seed sentence');
  const seed = await model.tokenizer.encode(SEED);
  const n = seed.ids.length;
  // Predictions run on the pooled-row graph, PyTorch and the exported graph compute every row: each rate is
  // turned into GFLOP/s with the products its own graph executes, so skipped work never counts as done.
  const perSentence = pooledRowFlops(architecture, n);
  const perSentenceAllRows = forwardFlops(architecture, n);
  // The share of the onnxruntime MatMul's own peak too: how close the model comes to the GEMM it runs on.
  const share = (rate: number, flops = perSentence) => {
    const achieved = gflops(rate * flops, 1);
    return `${((100 * achieved) / peak).toFixed(0)}% of peak (${((100 * achieved) / onnxruntime).toFixed(0)}% of onnxruntime's)`;
  };
  const latency = await fastest(() => predictEncoded(model, [seed]), 20, 3);
  row('forward, seed', `prediction latency, batch 1 (${n} tokens)`, ms(latency.seconds));
  const rates = new Map<number, { ours: number; torch: TorchTiming | undefined }>();
  for (const size of BATCH_SIZES) {
    const batch = Array.from({ length: size }, () => seed);
    let torchBest: TorchTiming | undefined;
    const [ours] = await alternating(
      2,
      async () =>
        (await fastest(() => predictEncoded(model, batch, { batchSize: size }), Math.max(5, Math.round(64 / size))))
          .seconds,
      async () => {
        if (!torch) return Infinity;
        const timing = await torch.request<TorchTiming>({ cmd: 'forward', ids: seed.ids, batch: size, repeats: 5 });
        if (!torchBest || timing.seconds < torchBest.seconds) torchBest = timing;
        return timing.seconds;
      },
    );
    rates.set(size, { ours: size / ours, torch: torchBest && { ...torchBest, seconds: size / torchBest.seconds } });
  }
  const best = [...rates].reduce((a, b) => (b[1].ours > a[1].ours ? b : a));
  const one = rates.get(1)!.ours;
  row(
    'forward, seed',
    'throughput, batch 1',
    `${one.toFixed(0)} sentences/s = ${gflops(one * perSentence, 1).toFixed(0)} GFLOP/s, ${share(one)}`,
  );
  row(
    'forward, seed',
    `throughput, best batch (${best[0]})`,
    `${best[1].ours.toFixed(0)} sentences/s = ${gflops(best[1].ours * perSentence, 1).toFixed(0)} GFLOP/s, ${share(best[1].ours)}`,
  );
  const exported = await model.session('plain');
  const seedBatch = idFeeds(
    model,
    Array.from({ length: best[0] }, () => seed),
  );
  const allRows = await fastest(() => exported.run(seedBatch), Math.max(5, Math.round(64 / best[0])));
  const allRowsRate = best[0] / allRows.seconds;
  row(
    'forward, seed',
    `exported graph (every row of the last layer), batch ${best[0]}`,
    `${allRowsRate.toFixed(0)} sentences/s = ${gflops(allRowsRate * perSentenceAllRows, 1).toFixed(0)} GFLOP/s, ` +
      `${share(allRowsRate, perSentenceAllRows)}`,
  );
  if (torch) {
    const torchBest = [...rates].reduce((a, b) => ((b[1].torch?.seconds ?? 0) > (a[1].torch?.seconds ?? 0) ? b : a));
    const torchRate = torchBest[1].torch!.seconds; // sentences/s
    row('forward, seed', 'PyTorch eager, batch 1', `${rates.get(1)!.torch!.seconds.toFixed(0)} sentences/s`);
    row(
      'forward, seed',
      `PyTorch eager, best batch (${torchBest[0]}, ${torchBest[1].torch!.threads} thread(s))`,
      `${torchRate.toFixed(0)} sentences/s = ${gflops(torchRate * perSentenceAllRows, 1).toFixed(0)} GFLOP/s, ` +
        `${share(torchRate, perSentenceAllRows)}`,
    );
    row('forward, seed', 'engine / PyTorch time, best batches', `${(torchRate / best[1].ours).toFixed(2)}×`);
  }

  progress('forward: sentence file');
  const encodings = await model.tokenizer.encodeBatch(texts);
  const usefulFlops = encodings.reduce((sum, encoded) => sum + pooledRowFlops(architecture, encoded.ids.length), 0);
  const alone: number[] = encodings.map(() => Infinity);
  for (let pass = 0; pass < 2; pass += 1) {
    for (const [i, encoded] of encodings.entries()) {
      const started = performance.now();
      await predictEncoded(model, [encoded]);
      alone[i] = Math.min(alone[i]!, (performance.now() - started) / 1000);
    }
  }
  const meanLatency = alone.reduce((a, b) => a + b, 0) / alone.length;
  row('forward, file', `prediction latency, batch 1, mean of ${texts.length}`, ms(meanLatency));
  const batched = await fastest(() => predictEncoded(model, encodings), 3);
  const rate = texts.length / batched.seconds;
  row(
    'forward, file',
    'throughput, batches of 32 sorted by length',
    `${rate.toFixed(0)} sentences/s = ${gflops(usefulFlops, batched.seconds).toFixed(0)} GFLOP/s, ` +
      `${((100 * gflops(usefulFlops, batched.seconds)) / peak).toFixed(0)}% of peak`,
  );
}

async function explainerRows(model: ModelBundle): Promise<void> {
  progress('every explainer on the seed sentence');
  for (const { id } of EXPLAINERS) {
    const { seconds, result } = await fastest(await explainOnce(model, SEED, id), 3);
    row('explainers, seed', id, `${s(seconds)}, ${result.evaluations} evals`);
  }
}

async function integratedGradientRows(model: ModelBundle, torch: TorchBench | undefined): Promise<void> {
  progress('integrated gradients: engine and PyTorch');
  const ig = await explainOnce(model, SEED, 'integrated_gradients_x_input', { n_steps: 50 });
  const { ids } = await model.tokenizer.encode(SEED);
  let threads = 0;
  const [ours, theirs] = await alternating(
    3,
    async () => (await fastest(ig, 3)).seconds,
    async () => {
      if (!torch) return Infinity;
      const timing = await torch.request<TorchTiming>({ cmd: 'ig', ids, steps: 50, repeats: 3 });
      threads = timing.threads;
      return timing.seconds;
    },
  );
  row('IG, seed', 'IG × input, 50 steps: engine', s(ours));
  if (torch) {
    row('IG, seed', `IG × input, 50 steps: PyTorch autograd (${threads} thread(s))`, s(theirs));
    row('IG, seed', 'engine / PyTorch', `${(ours / theirs).toFixed(2)}×`);
  }

  progress(`integrated gradients: fewest steps to |delta| < ${DELTA_TOLERANCE}`);
  for (let steps = 2; steps <= 50; steps += 1) {
    const run = await explainOnce(model, SEED, 'integrated_gradients_x_input', { n_steps: steps });
    const delta = (await run()).delta!;
    if (Math.abs(delta) >= DELTA_TOLERANCE) continue;
    const { seconds } = await fastest(run, 5);
    row(
      'IG, seed',
      `time to |delta| < ${DELTA_TOLERANCE} (Gauss–Legendre)`,
      `${s(seconds)} at ${steps} steps (delta ${delta.toExponential(1)})`,
    );
    return;
  }
  row('IG, seed', `time to |delta| < ${DELTA_TOLERANCE}`, 'not reached within 50 steps');
}

/**
 * IG × input, 50 steps, on a full-size model of another family beside PyTorch autograd on the same ids and target
 * (its own PyTorch process: the DistilBERT one is closed by then), and whether both computed the same
 * attributions. Returns the CPU seconds of that PyTorch process.
 */
async function igModelRows(spec: IgModel, generated: Generated | undefined, withMachineRows: boolean): Promise<number> {
  const section = `IG, seed, ${spec.label}`;
  progress(`${spec.label}: loading the model and its gradient graph, PyTorch alongside`);
  const loading = performance.now();
  const [model, torch] = await Promise.all([
    ModelBundle.load(spec.folder).then(async (bundle) => {
      await bundle.session('gradients');
      return { bundle, seconds: (performance.now() - loading) / 1000 };
    }),
    TorchBench.start(spec.folder, spec.torchModel),
  ]);
  try {
    if (withMachineRows) machineRows(await torch?.request<TorchInfo>({ cmd: 'info' }));
    const { layers, hidden } = readArchitecture(spec.folder);
    const { vocabSize, tokenizer } = model.bundle.info;
    row(
      section,
      `model: random weights, ${layers} layers, hidden ${hidden}, ${vocabSize} embedding rows, ${tokenizer ?? '?'}`,
      `${generated ? `exported in ${generated.seconds.toFixed(0)} s (first use), ` : ''}` +
        `loaded with its gradient graph in ${model.seconds.toFixed(0)} s`,
    );
    progress(`${spec.label}: integrated gradients, engine and PyTorch`);
    const ig = await explainOnce(model.bundle, SEED, 'integrated_gradients_x_input', { n_steps: 50 });
    const { ids } = await model.bundle.tokenizer.encode(SEED);
    const explanation = await ig();
    const target = explanation.options.target as number;
    let threads = 0;
    const [ours, theirs] = await alternating(
      3,
      async () => (await fastest(ig, 3)).seconds,
      async () => {
        if (!torch) return Infinity;
        const timing = await torch.request<TorchTiming>({ cmd: 'ig', ids, steps: 50, repeats: 3, target });
        threads = timing.threads;
        return timing.seconds;
      },
    );
    row(section, `IG × input, 50 steps: engine (${ids.length} tokens)`, s(ours));
    if (!torch) return 0;
    row(section, `IG × input, 50 steps: PyTorch autograd (${threads} thread(s))`, s(theirs));
    row(section, 'engine / PyTorch', `${(ours / theirs).toFixed(2)}×`);
    const [prediction] = await predictEncoded(model.bundle, [await model.bundle.tokenizer.encode(SEED)]);
    const check = checkIg(
      { raw: explanation.raw, fx: prediction!.logits[target]!, delta: explanation.delta! },
      await torch.request<TorchIgValues>({ cmd: 'ig_values', ids, steps: 50, target }),
    );
    row(section, `engine vs PyTorch: attributions, f(x), delta (target ${target})`, check.text);
    if (!check.ok) {
      // Both sides rebuild the weights from bench_torch.py's seed: a folder exported by another version differs.
      progress(`${spec.label}: engine and PyTorch disagree; if bench_torch.py changed, delete ${spec.folder}`);
      process.exitCode = 1;
    }
    return torch.cpuSeconds();
  } finally {
    await torch?.close();
    await model.bundle.dispose();
  }
}

async function comparisonRow(model: ModelBundle): Promise<void> {
  progress('full comparison on the seed sentence');
  const methods = Object.fromEntries(FERRET_METHODS.map((method) => [method, {}]));
  const { seconds, result } = await fastest(() => compareMethods(model, SEED, methods), 3);
  row(
    'comparison, seed',
    'six ferret explainers + three faithfulness metrics',
    `${s(seconds)}, ${result.forwardEvaluations} forward rows`,
  );
}

/** SHAP, LIME, occlusion and the faithfulness metrics (of a LIME explanation) on fp32 and int8 bundles. */
async function int8Rows(model: ModelBundle, int8: ModelBundle, texts: readonly string[]): Promise<void> {
  const weightMax = await exactInt8WeightMax(sessionOptions());
  row(
    'int8',
    'weight range',
    weightMax === FULL_INT8_WEIGHT_MAX
      ? `8-bit (±${weightMax}): this CPU's int8 kernels do not saturate`
      : `7-bit (±${weightMax}, reduce_range): this CPU's int8 kernels saturate 8-bit weights`,
  );
  const lengths = new Map(
    (await model.tokenizer.encodeBatch(texts)).map((encoded) => [encoded.text, encoded.ids.length] as const),
  );
  const median = [...texts].sort((a, b) => lengths.get(a)! - lengths.get(b)!)[Math.floor(texts.length / 2)]!;
  for (const [label, text, runs] of [
    ['seed', SEED, 3],
    [`file's median (${lengths.get(median)!} tokens)`, median, 1],
  ] as const) {
    progress(`int8 against fp32: ${label}`);
    for (const method of ['shap', 'lime', 'occlusion']) {
      const fp32 = await fastest(await explainOnce(model, text, method), runs);
      const quantized = await fastest(await explainOnce(int8, text, method), runs);
      row(
        `int8, ${label}`,
        `${method}: fp32 → int8`,
        `${s(fp32.seconds)} → ${s(quantized.seconds)}, ${(fp32.seconds / quantized.seconds).toFixed(1)}×`,
      );
    }
    const metrics = async (bundle: ModelBundle) => {
      const explanation = await (await explainOnce(bundle, text, 'lime'))();
      const [prediction] = await predictEncoded(bundle, [await bundle.tokenizer.encode(text)]);
      return fastest(
        async () =>
          evaluateExplanation(
            bundle,
            { encoded: await bundle.tokenizer.encode(text), prediction: prediction! },
            explanation,
          ),
        runs,
      );
    };
    const [fp32, quantized] = [await metrics(model), await metrics(int8)];
    row(
      `int8, ${label}`,
      '3 faithfulness metrics: fp32 → int8',
      `${s(fp32.seconds)} → ${s(quantized.seconds)}, ${(fp32.seconds / quantized.seconds).toFixed(1)}×`,
    );
  }
  const drifts = (await predictTexts(int8, texts)).map((predicted) => predicted.int8Drift ?? NaN);
  row('int8, file', `max |Δp| int8 − fp32 over the ${texts.length} sentences`, Math.max(...drifts).toExponential(2));
}

interface ReportRun {
  code: number;
  seconds: number;
  maxRss: number;
  cpuSeconds: number;
}

/**
 * `explain --methods all --out` on one 2,000-word line of the sentence file's words, as a user runs it, on the
 * demo model (which truncates it to 512 tokens): the CLI in a child process, so that the peak RSS is the run's
 * own. A 512-token report draws the largest charts there are.
 */
async function longReportRow(texts: readonly string[]): Promise<ReportRun> {
  progress('a 2,000-word sentence through every method into a report, demo model');
  const words = texts.join(' ').split(/\s+/);
  const dir = mkdtempSync(join(tmpdir(), 'xai-bench-report-'));
  const input = join(dir, 'long.txt');
  writeFileSync(input, `${Array.from({ length: 2000 }, (_, i) => words[i % words.length]).join(' ')}\n`);
  const args = ['explain', input, '--model', 'demo', '--methods', 'all', '--out', join(dir, 'report')];
  const script = `import { main } from ${JSON.stringify(resolve('src/cli/main.ts'))};
    import { peakRssBytes } from ${JSON.stringify(resolve('scripts/bench/measure.ts'))};
    const started = performance.now();
    const code = await main(['node', 'xai-workbench', ...${JSON.stringify(args)}], {
      out: () => undefined,
      err: (text) => process.stderr.write(text),
    });
    const { user, system } = process.cpuUsage();
    process.stdout.write(JSON.stringify({
      code,
      seconds: (performance.now() - started) / 1000,
      maxRss: peakRssBytes(),
      cpuSeconds: (user + system) / 1e6,
    }));`;
  try {
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const run = JSON.parse(child.stdout) as ReportRun;
    if (run.code !== 0) throw new Error(`the report run exited with ${run.code}`);
    row('report, 512 tokens', 'explain --methods all --out, 2,000 words: time', `${run.seconds.toFixed(1)} s`);
    row('report, 512 tokens', 'peak RSS of the CLI', mb(run.maxRss));
    return run;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the file through every method in a child process (so that its RSS is its own); also its CPU time. */
function fileRun(precision: Precision): Promise<FileRun> {
  progress(`sentence file through every method at ${precision} (progress below)`);
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, 'scripts/bench/file-run.ts', FULL_MODEL, SENTENCES_FILE, precision],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(output) as FileRun) : reject(new Error(`file run exited with ${code}`)),
    );
  });
}

function fileRunRows(run: FileRun, architecture: Architecture, peak: number): void {
  const section = `file, all methods, ${run.precision}`;
  const { sentences } = run;
  const perSentence = sentences.map((sentence) => sentence.seconds);
  row(
    section,
    `total, ${sentences.length} sentences (${EXPLAINERS.length} methods + 3 metrics each)`,
    `${(run.seconds / 60).toFixed(1)} min (+ ${run.loadSeconds.toFixed(0)} s loading)`,
  );
  row(section, 'per sentence: mean / max', `${s(run.seconds / sentences.length)} / ${s(Math.max(...perSentence))}`);
  for (const { id } of EXPLAINERS) {
    const seconds = sentences.reduce((sum, sentence) => sum + sentence.costs[id]!.seconds, 0);
    const evaluations = sentences.reduce((sum, sentence) => sum + sentence.costs[id]!.evaluations, 0);
    row(section, `${id}: total time, evals`, `${seconds.toFixed(1)} s, ${evaluations} evals`);
  }
  // LIME's rows all have the sentence's length: a floor on the fp32 time no kernel can beat.
  const limeFlops = sentences.reduce(
    (sum, sentence) => sum + sentence.costs.lime!.evaluations * pooledRowFlops(architecture, sentence.tokens),
    0,
  );
  row(
    section,
    'LIME rows alone at the fp32 peak (a floor)',
    `${(limeFlops / 1e12).toFixed(0)} TFLOP → ≥ ${(limeFlops / (peak * 1e9) / 60).toFixed(1)} min`,
  );
  row(section, 'peak RSS of the run', mb(run.maxRss));
  const at = (k: number) => sentences[Math.min(k, sentences.length) - 1]!.rss;
  const tail = sentences.slice(9);
  row(section, `RSS after sentence 10 / ${sentences.length}`, `${mb(at(10))} / ${mb(at(sentences.length))}`);
  row(
    section,
    'RSS slope over sentences 10…end (least squares)',
    `${(slope(tail.map((sentence) => sentence.rss)) / 2 ** 20).toFixed(2)} MB/sentence`,
  );
}

function slope(values: readonly number[]): number {
  const n = values.length;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return den === 0 ? 0 : num / den;
}

function machineRows(torchInfo: TorchInfo | undefined): void {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
  row('machine', 'CPU', `${cpu}, ${availableParallelism()} cores`);
  row('machine', 'onnxruntime', `${env.versions.node}, ${availableParallelism()} intra-op threads`);
  if (torchInfo) {
    row(
      'machine',
      'PyTorch',
      // "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH …": name and version are what matter.
      `${torchInfo.torch}, ${torchInfo.openblas?.split(' ').slice(0, 2).join(' ') ?? (torchInfo.libraries.join(', ') || torchInfo.torch_blas)}` +
        `${torchInfo.core ? ` (${torchInfo.core} kernels)` : ''}, ${torchInfo.blas_threads ?? '?'} BLAS threads, ` +
        `${torchInfo.default_threads} torch thread(s) by default`,
    );
  } else row('machine', 'PyTorch', 'unavailable: apt-get install -y python3-torch libopenblas0-pthread');
}

/**
 * The corpus summary (src/shared/corpus.ts) of 10,000 synthetic sentence results: from scratch, as `summarize`
 * and a report make it, and the last sentence's share of an incremental one, which is what a job streaming
 * its sentences pays when the last one finishes (the issue's target: under 1 s).
 */
function corpusRows(): void {
  progress(`corpus summary of ${CORPUS_SENTENCES.toLocaleString('en')} synthetic sentences`);
  const timing = corpusTimings();
  const what =
    `${timing.sentences.toLocaleString('en')} sentences, ${timing.tokens.toLocaleString('en')} tokens (20–40 each), ` +
    `3 methods, 3 metrics`;
  row(
    'corpus',
    `summary from scratch (summarizeCorpus): ${what}`,
    `${s(timing.scratchSeconds)} (${s(timing.scratchCpuSeconds)} CPU), ${timing.entries.toLocaleString('en')} table entries`,
  );
  row(
    'corpus',
    `last add + summary() of an incremental accumulator holding the other ${(timing.sentences - 1).toLocaleString('en')}`,
    `${ms(timing.lastSeconds)} (summary() alone ${ms(timing.summarySeconds)}); target < 1 s`,
  );
}

function printTable(): void {
  const widths = (['section', 'measure', 'value'] as const).map((key) =>
    Math.max(key.length, ...rows.map((entry) => entry[key].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd();
  console.log(line(['section', 'measure', 'value']));
  console.log(widths.map((width) => '-'.repeat(width)).join('-|-'));
  for (const entry of rows) console.log(line([entry.section, entry.measure, entry.value]));
}

function readSentences(): string[] {
  return readFileSync(SENTENCES_FILE, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0);
}

function flagValue(flag: string): string | undefined {
  const at = process.argv.indexOf(flag);
  if (at >= 0) return process.argv[at + 1];
  return process.argv.find((arg) => arg.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

const only = flagValue('--only');
const ONLY_KEYS = [...IG_MODELS.map((model) => model.key), 'corpus'];
if (only !== undefined && !ONLY_KEYS.includes(only)) {
  throw new Error(`--only takes ${ONLY_KEYS.join(' or ')}, not ${only}`);
}
const withCorpus = only === undefined ? !process.argv.includes('--no-corpus') : only === 'corpus';
const withDistilbert = only === undefined;
const igModels = IG_MODELS.filter((model) =>
  only === undefined ? !process.argv.includes(`--no-${model.key}`) : model.key === only,
);

const started = performance.now();
const cpuAtStart = machineCpuSeconds();
let distilbert: { architecture: Architecture; peaks: Peaks; torchCpu: number; benchRss: number } | undefined;
/** Where the other families' IG rows go: after DistilBERT's. */
let igRowsEnd: number | undefined;
if (withDistilbert) {
  ensureFullModel();
  const texts = readSentences();
  const architecture = readArchitecture(FULL_MODEL);
  progress('loading the model, PyTorch alongside');
  const [model, torch] = await Promise.all([ModelBundle.load(FULL_MODEL), TorchBench.start(FULL_MODEL)]);
  await Promise.all([model.session('attentions'), model.session('gradients')]);
  const torchInfo = await torch?.request<TorchInfo>({ cmd: 'info' });
  machineRows(torchInfo);
  const peaks = await peakRows(torch);
  await forwardRows(model, architecture, peaks, torch, texts);
  await explainerRows(model);
  await integratedGradientRows(model, torch);
  igRowsEnd = rows.length;
  await comparisonRow(model);
  const int8 = await ModelBundle.load(FULL_MODEL, { precision: 'int8' });
  await int8Rows(model, int8, texts);
  const torchCpu = torch?.cpuSeconds() ?? 0;
  await torch?.close();
  await Promise.all([model.dispose(), int8.dispose()]);
  distilbert = { architecture, peaks, torchCpu, benchRss: process.resourceUsage().maxRSS * 1024 };
}
let igModelsCpu = 0;
for (const [k, spec] of igModels.entries()) {
  const generated = ensureIgModel(spec, progress);
  const first = rows.length;
  igModelsCpu += (await igModelRows(spec, generated, !withDistilbert && k === 0)) + (generated?.cpuSeconds ?? 0);
  if (igRowsEnd !== undefined) {
    const moved = rows.splice(first);
    rows.splice(igRowsEnd, 0, ...moved);
    igRowsEnd += moved.length;
  }
}
if (withCorpus) corpusRows();
let childCpu = 0;
if (distilbert) {
  const report = await longReportRow(readSentences());
  const runs: FileRun[] = [];
  if (!process.argv.includes('--no-file')) runs.push(await fileRun('int8'));
  if (process.argv.includes('--fp32-file')) runs.push(await fileRun('fp32'));
  for (const run of runs) fileRunRows(run, distilbert.architecture, distilbert.peaks.peak);
  childCpu = distilbert.torchCpu + report.cpuSeconds + runs.reduce((sum, run) => sum + run.cpuSeconds, 0);
}

const wall = (performance.now() - started) / 1000;
const cpuAtEnd = machineCpuSeconds();
if (cpuAtStart !== undefined && cpuAtEnd !== undefined) {
  const mine = ownCpuSeconds() + childCpu + igModelsCpu;
  const others = Math.max(0, cpuAtEnd - cpuAtStart - mine);
  row(
    'machine',
    'CPU used by other processes during the bench',
    `${((100 * others) / (wall * availableParallelism())).toFixed(0)}% of the cores`,
  );
}
printTable();
if (!distilbert) {
  console.log(`\nbench: ${(wall / 60).toFixed(1)} min; peak RSS of the bench process ${mb(peakRssBytes())}`);
} else {
  const { architecture } = distilbert;
  console.log(
    `\nbench: ${(wall / 60).toFixed(1)} min; peak RSS of the bench process (DistilBERT rows, without the ` +
      `other families' rows and the file runs) ${mb(distilbert.benchRss)}`,
  );
  console.log(
    `FLOPs of one forward pass of n tokens = ${FLOPS_FORMULA} (matrix products; L=${architecture.layers}, ` +
      `d=${architecture.hidden}, f=${architecture.intermediate}, c=${architecture.classes}): ` +
      `${(forwardFlops(architecture, 11) / 1e9).toFixed(3)} GFLOP for the seed's 11 tokens; the pooled-row graph ` +
      `skips ${POOLED_ROW_FORMULA} of them: ${(pooledRowFlops(architecture, 11) / 1e9).toFixed(3)} GFLOP.`,
  );
}
