/** Pieces every attribution method shares: the target class, the output space, normalization. */
import { OptionError, type OptionSpec, type OptionValue } from '../../shared/options.js';
import type { Prediction } from '../../shared/results.js';

export const OUTPUT_SPACES = ['logit', 'prob'] as const;
export type OutputSpace = (typeof OUTPUT_SPACES)[number];

export const NORMALIZATIONS = ['l1', 'l2', 'none'] as const;
export type Normalization = (typeof NORMALIZATIONS)[number];

export const targetOption: OptionSpec = {
  name: 'target',
  label: 'Target class',
  type: 'class',
  default: 'predicted',
  help: 'Class to explain: "predicted", a class index or a label name.',
};

export function outputSpaceOption(preset: OutputSpace): OptionSpec {
  return {
    name: 'output',
    label: 'Output space',
    type: 'choice',
    choices: OUTPUT_SPACES,
    default: preset,
    help: "Explain the target's logit or its probability: the softmax (single-label) or the label's own sigmoid (multi-label); a regression head's score either way.",
  };
}

export function normalizationOption(preset: Normalization): OptionSpec {
  return {
    name: 'normalization',
    label: 'Normalization',
    type: 'choice',
    choices: NORMALIZATIONS,
    default: preset,
    help: 'l1: divide by Σ|s| (ferret); l2: divide by √Σs² (transformers-interpret); none: raw.',
  };
}

export interface Target {
  index: number;
  label: string;
}

/** Resolves a `target` option value against the model's labels and the prediction. */
export function resolveTarget(value: OptionValue, prediction: Prediction, labels: readonly string[]): Target {
  if (value === 'predicted') return { index: prediction.predictedIndex, label: prediction.predictedLabel };
  const index = typeof value === 'number' ? value : labels.indexOf(String(value));
  if (index < 0 || index >= labels.length) {
    throw new OptionError(
      `target must be "predicted", 0…${labels.length - 1} or one of ${labels.join(', ')}; got ${String(value)}`,
    );
  }
  return { index, label: labels[index]! };
}

/** Signs are kept; an all-zero vector stays zero rather than becoming NaN. */
export function normalize(raw: readonly number[], how: Normalization): number[] {
  if (how === 'none') return [...raw];
  const norm =
    how === 'l1' ? raw.reduce((sum, s) => sum + Math.abs(s), 0) : Math.sqrt(raw.reduce((sum, s) => sum + s * s, 0));
  return norm === 0 ? raw.map(() => 0) : raw.map((s) => s / norm);
}
