/**
 * The full-size models of the bench's IG comparison with PyTorch, each written by scripts/bench_torch.py
 * --model <name> --export on first use, and the check that the engine's IG × input and PyTorch's computed the same
 * thing:
 *
 * - RoBERTa-base-sized: random weights (12 layers, hidden 768, 12 heads, FFN 3072, roberta-base's 50,265 ids and
 *   514 positions, 3 labels) with the byte-level BPE fixture tokenizer (about 500 MB, ~20 s to export);
 * - DeBERTa-v3-small-sized: random weights (6 layers, hidden 768, 12 heads, FFN 3072, 256 position buckets,
 *   deberta-v3-small's 128,100 embedding rows, 3 labels; opset 12) with the deberta-unigram fixture tokenizer.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface IgModel {
  /** The flag value naming it (`--only roberta`, `--no-deberta`). */
  key: 'roberta' | 'deberta';
  /** Its name in the table. */
  label: string;
  folder: string;
  /** bench_torch.py's name for it. */
  torchModel: string;
}

const CACHE = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'xai-workbench/models');

export const IG_MODELS: IgModel[] = [
  { key: 'roberta', label: 'RoBERTa-base', folder: join(CACHE, 'roberta-base-random'), torchModel: 'roberta-base' },
  {
    key: 'deberta',
    label: 'DeBERTa-v3-small',
    folder: join(CACHE, 'deberta-v3-small-random'),
    torchModel: 'deberta-v3-small',
  },
];

export interface Generated {
  seconds: number;
  cpuSeconds: number;
}

/** Exports the model unless it is there; how long that took (undefined when it was there). */
export function ensureIgModel(model: IgModel, progress: (message: string) => void): Generated | undefined {
  if (existsSync(join(model.folder, 'onnx/model.onnx'))) return undefined;
  progress(`generating the ${model.label}-sized model in ${model.folder} (scripts/bench_torch.py --export)`);
  const started = performance.now();
  const result = spawnSync(
    '/usr/bin/python3',
    ['scripts/bench_torch.py', model.folder, '--model', model.torchModel, '--export'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (result.status !== 0) {
    throw new Error(
      `could not generate the ${model.label}-sized model (needs apt-get install -y python3-torch python3-onnx); ` +
        `skip it with --no-${model.key}`,
    );
  }
  const { cpu_seconds: cpuSeconds } = JSON.parse(result.stdout) as { cpu_seconds: number };
  return { seconds: (performance.now() - started) / 1000, cpuSeconds };
}

/** bench_torch.py's `ig_values`: IG × input's token attributions (not normalized), f(x), f(x') and delta. */
export interface TorchIgValues {
  raw: number[];
  f_x: number;
  f_baseline: number;
  delta: number;
}

export interface IgCheck {
  /** max_i |raw_i(engine) − raw_i(PyTorch)|, and max_i |raw_i(PyTorch)| for its scale. */
  maxDifference: number;
  maxAttribution: number;
  ok: boolean;
  text: string;
}

/**
 * Both sides computed the same attributions: per token within 1e-3 of the largest attribution, f(x) within
 * 1e-4 (the engine's from its prediction graph, PyTorch's from its own forward pass), and the same delta to
 * within 1e-3 of the largest attribution (float32 sums over 12 layers and 51 path points differ in their last
 * digits; a wrong baseline, target, position ids or model shows up orders of magnitude above that).
 */
export function checkIg(engine: { raw: readonly number[]; fx: number; delta: number }, torch: TorchIgValues): IgCheck {
  const sameLength = engine.raw.length === torch.raw.length;
  const maxAttribution = Math.max(...torch.raw.map(Math.abs));
  const maxDifference = sameLength
    ? Math.max(...torch.raw.map((value, i) => Math.abs(engine.raw[i]! - value)))
    : Infinity;
  const fxDifference = Math.abs(engine.fx - torch.f_x);
  const deltaDifference = Math.abs(engine.delta - torch.delta);
  const ok = maxDifference <= 1e-3 * maxAttribution && fxDifference <= 1e-4 && deltaDifference <= 1e-3 * maxAttribution;
  const e = (value: number) => value.toExponential(1);
  const text =
    `${ok ? 'agree' : 'MISMATCH'}: max |Δ attribution| ${e(maxDifference)} (largest ${e(maxAttribution)}), ` +
    `f(x) ${engine.fx.toFixed(5)} / ${torch.f_x.toFixed(5)}, delta ${e(engine.delta)} / ${e(torch.delta)}`;
  return { maxDifference, maxAttribution, ok, text };
}
