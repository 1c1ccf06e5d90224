/**
 * The RoBERTa-base-sized model of the bench's IG comparison: random weights (12 layers, hidden 768, 12 heads,
 * FFN 3072, roberta-base's 50,265 ids and 514 positions, 3 labels) with the byte-level BPE fixture tokenizer,
 * written by scripts/bench_torch.py --model roberta-base --export on first use (about 500 MB, ~20 s), and the
 * check that the engine's IG × input and PyTorch's computed the same thing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const ROBERTA_MODEL = join(
  process.env.XDG_CACHE_HOME || join(homedir(), '.cache'),
  'xai-workbench/models/roberta-base-random',
);
/** bench_torch.py's name for it. */
export const ROBERTA_TORCH_MODEL = 'roberta-base';

export interface Generated {
  seconds: number;
  cpuSeconds: number;
}

/** Exports the model unless it is there; how long that took (undefined when it was there). */
export function ensureRobertaModel(progress: (message: string) => void): Generated | undefined {
  if (existsSync(join(ROBERTA_MODEL, 'onnx/model.onnx'))) return undefined;
  progress(`generating the RoBERTa-base-sized model in ${ROBERTA_MODEL} (scripts/bench_torch.py --export)`);
  const started = performance.now();
  const result = spawnSync(
    '/usr/bin/python3',
    ['scripts/bench_torch.py', ROBERTA_MODEL, '--model', ROBERTA_TORCH_MODEL, '--export'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (result.status !== 0) {
    throw new Error(
      'could not generate the RoBERTa-base-sized model (needs apt-get install -y python3-torch python3-onnx); ' +
        'skip it with --no-roberta',
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
