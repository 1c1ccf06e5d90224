/** Options and result assembly shared by the gradient explainers (gradient, ×input, norm, the IG variants). */
import type { OptionSpec, OptionValues } from '../../shared/options.js';
import type { Explanation, Prediction, ResultWarning } from '../../shared/results.js';
import type { ModelBundle } from '../model/bundle.js';
import type { EncodedText } from '../model/tokenizer.js';
import { normalize, resolveTarget, type Normalization, type OutputSpace, type Target } from './common.js';
import {
  BASELINES,
  pathGradient,
  tokenSums,
  type Baseline,
  type PathOptions,
  type Selection,
} from './embedding-gradients.js';
import type { ExplainContext, ExplainInput } from './explainer.js';
import { INTEGRATION_METHODS, type IntegrationMethod } from './integration.js';

export const IG_OPTIONS: OptionSpec[] = [
  {
    name: 'n_steps',
    label: 'Steps',
    type: 'integer',
    min: 2,
    max: 1000,
    default: 50,
    help: 'Integration points along the path from the baseline to the input.',
  },
  {
    name: 'method',
    label: 'Integration method',
    type: 'choice',
    choices: INTEGRATION_METHODS,
    default: 'gausslegendre',
    help: 'Gauss–Legendre nodes (captum default) or a Riemann sum.',
  },
  {
    name: 'baseline',
    label: 'Baseline',
    type: 'choice',
    choices: BASELINES,
    default: 'pad',
    help: "pad: the specials kept, the tokenizer's pad between ([CLS] [PAD]… [SEP], <s> <pad>… </s>); zero: zero vectors; mask: the same with its mask token.",
  },
  {
    name: 'internal_batch_size',
    label: 'Batch size',
    type: 'integer',
    min: 1,
    max: 1024,
    default: 64,
    help: 'Path points per gradient call at most (fewer for long texts); results do not depend on it.',
  },
];

/**
 * The `degenerate` warning for scores that sum raw gradients over the hidden dimension: zero up to rounding
 * when a LayerNorm follows the embeddings, so the normalized scores only rank rounding noise.
 */
export async function degenerateWarnings(model: ModelBundle): Promise<ResultWarning[]> {
  if (!(await model.graphs.layerNormAfterEmbeddings())) return [];
  return [
    {
      code: 'degenerate',
      message:
        'degenerate for this model: a LayerNorm follows the embeddings, so gradients summed over the hidden ' +
        'dimension are zero up to rounding and these scores rank rounding noise',
    },
  ];
}

/**
 * The `degenerate` warning for gradient × input on models whose embeddings LayerNorm sees the word embeddings
 * alone (DeBERTa-v2/v3): LayerNorm is scale-invariant, so ∂f/∂E_i is orthogonal to E_i and Σ_d E·∂f/∂E is zero
 * up to rounding (and LayerNorm's ε).
 */
export async function scaleInvariantWarnings(model: ModelBundle): Promise<ResultWarning[]> {
  if (!(await model.graphs.scaleInvariantEmbeddings())) return [];
  return [
    {
      code: 'degenerate',
      message:
        'degenerate for this model: nothing is added to the word embeddings before the embeddings LayerNorm, which ' +
        'is scale-invariant, so the gradient is orthogonal to each embedding and gradient × input is zero up to ' +
        'rounding: these scores rank rounding noise',
    },
  ];
}

/** A convergence delta counts as large above this share of f(x) − f(x') and this floor (logit, probability). */
const GAP_SHARE = 0.1;
const GAP_FLOOR = { logit: 0.05, prob: 0.01 } as const;

/**
 * The `degenerate` warning for IG × input from a baseline with zero rows on a scale-invariant model: f(x' + α(x − x'))
 * is the same for every α > 0 in those rows, so the path's gradient is concentrated near α ≈ 0, where the nodes are
 * too sparse, and the attributions miss most of f(x) − f(x'). Given only when the delta shows it.
 */
export async function baselineGapWarnings(
  model: ModelBundle,
  encoded: EncodedText,
  options: OptionValues,
  path: { baseline: Float32Array; dim: number; delta: number },
  attributed: number,
): Promise<ResultWarning[]> {
  if (!(await model.graphs.scaleInvariantEmbeddings())) return [];
  const { baseline, dim, delta } = path;
  const zeroRow = encoded.ids.some(
    (_, i) => !encoded.special[i] && baseline.subarray(i * dim, (i + 1) * dim).every((value) => value === 0),
  );
  const change = attributed - delta; // f(x) − f(x')
  const output = options.output === 'prob' ? 'prob' : 'logit';
  if (!zeroRow || Math.abs(delta) <= GAP_FLOOR[output] + GAP_SHARE * Math.abs(change)) return [];
  const kind =
    options.baseline === 'zero' ? 'the zero baseline' : `the ${String(options.baseline)} baseline (zero rows)`;
  return [
    {
      code: 'degenerate',
      message:
        `degenerate for this model: ${kind} starts the path at zero embeddings, and nothing is added to the word ` +
        'embeddings before the scale-invariant embeddings LayerNorm, so f only changes near α ≈ 0 along the path; ' +
        `${String(options.n_steps)} ${String(options.method)} steps miss most of it: the convergence delta ` +
        `${delta.toPrecision(3)} against f(x) − f(x') = ${change.toPrecision(3)} (${output}). Use many more steps ` +
        "(Gauss–Legendre's nodes crowd near α = 0; Riemann sums converge far slower) or a baseline with non-zero " +
        'rows (pad, mask).',
    },
  ];
}

export interface GradientResult {
  raw: number[];
  evaluations: number;
  started: number;
  warnings?: ResultWarning[];
  delta?: number;
}

export function gradientExplanation(
  method: string,
  encoded: EncodedText,
  options: OptionValues,
  target: Target,
  { raw, evaluations, started, warnings = [], delta }: GradientResult,
): Explanation {
  const explanation: Explanation = {
    method,
    options: { ...options, target: target.index, targetLabel: target.label },
    tokens: encoded.tokens,
    raw,
    scores: normalize(raw, options.normalization as Normalization),
    evaluations,
    seconds: (performance.now() - started) / 1000,
    warnings,
  };
  if (delta !== undefined) explanation.delta = delta;
  return explanation;
}

/** The target class and output space an explainer's options select. */
export function resolveSelection(
  options: OptionValues,
  prediction: Prediction,
  model: ModelBundle,
): { target: Target; selection: Selection } {
  const target = resolveTarget(options.target!, prediction, model.config.labels);
  return { target, selection: { output: options.output as OutputSpace, target: target.index } };
}

/** The path options of the IG explainers. */
export function pathOptions(options: OptionValues, selection: Selection): PathOptions {
  return {
    ...selection,
    baseline: options.baseline as Baseline,
    method: options.method as IntegrationMethod,
    steps: options.n_steps as number,
    batchSize: options.internal_batch_size as number,
  };
}

/**
 * IG × input: Σ_d (E − E')_{i,d}·averaged_{i,d}, with the convergence delta. Shared by
 * `integrated_gradients_x_input` and `layer_integrated_gradients`, which differ only in their presets.
 */
export async function integratedXInput(
  method: string,
  { encoded, prediction }: ExplainInput,
  { model, signal }: ExplainContext,
  options: OptionValues,
): Promise<Explanation> {
  const started = performance.now();
  const { target, selection } = resolveSelection(options, prediction, model);
  const path = await pathGradient(model, encoded, prediction, pathOptions(options, selection), signal);
  const { input, baseline, averaged, evaluations, delta } = path;
  const raw = tokenSums(encoded.ids.length, path.dim, (e) => (input[e]! - baseline[e]!) * averaged[e]!);
  const attributed = raw.reduce((sum, value) => sum + value, 0);
  const warnings = await baselineGapWarnings(model, encoded, options, path, attributed);
  return gradientExplanation(method, encoded, options, target, { raw, evaluations, started, warnings, delta });
}
