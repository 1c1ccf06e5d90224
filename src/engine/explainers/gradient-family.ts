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
  return gradientExplanation(method, encoded, options, target, { raw, evaluations, started, delta });
}
