/**
 * LIME as ferret runs it on transformers: features are the token positions (specials included, then set to 0),
 * a sample keeps the sentence length and turns its inactive tokens into the mask token, `min(n², 5000)` samples, each
 * with a uniform number 1…n of inactive tokens; weighted ridge (α = 1) on the target's probability. Seeded
 * with numpy's generator, so a seed draws the same samples as lime's `random_state=seed`.
 */
import type { OptionValues } from '../../shared/options.js';
import { forwardServiceFor } from '../forward-service.js';
import { outputValue } from '../metrics/removal.js';
import type { Explainer } from './explainer.js';
import {
  normalizationOption,
  normalize,
  outputSpaceOption,
  resolveTarget,
  targetOption,
  type Normalization,
  type OutputSpace,
} from './common.js';
import { kernel, sampleDistance, weightedRidge } from './lime-regression.js';
import { NumpyRandomState } from './lime-random.js';

const DEFAULT_MAX_SAMPLES = 5000;
const DEFAULT_SEED = 42;
const RIDGE_ALPHA = 1;

/**
 * lime's sampling (`LimeTextExplainer.__data_labels_distances`): row 0 is the sentence itself; then all the
 * sizes `randint(1, d + 1, count − 1)` are drawn first, and each row deactivates `choice(d, size)` features.
 */
export function limeSamples(features: number, count: number, random: NumpyRandomState): Uint8Array[] {
  const sizes = Array.from({ length: count - 1 }, () => random.randint(1, features + 1));
  const rows = [new Uint8Array(features).fill(1)];
  for (const size of sizes) {
    const row = new Uint8Array(features).fill(1);
    for (const feature of random.choice(features, size)) row[feature] = 0;
    rows.push(row);
  }
  return rows;
}

export const limeExplainer: Explainer = {
  id: 'lime',
  label: 'LIME',
  // min(n², 5000) samples: the slowest forward-only method on long sentences.
  autorun: false,
  description:
    'Weighted ridge regression on random mask-token ([MASK], <mask>) perturbations of the tokens (ferret preset), seeded.',
  needs: [],
  options: [
    targetOption,
    outputSpaceOption('prob'),
    normalizationOption('l1'),
    {
      name: 'max_samples',
      label: 'Most samples',
      type: 'integer',
      min: 2,
      max: 100_000,
      default: DEFAULT_MAX_SAMPLES,
      help: 'Samples are min(n², this), n = tokens including the specials ([CLS]/[SEP], <s>/</s>) (ferret: 5000).',
    },
    {
      name: 'seed',
      label: 'Seed',
      type: 'integer',
      min: 0,
      max: 0xffffffff,
      default: DEFAULT_SEED,
      help: 'Seed of the sampling (recorded with the result).',
    },
  ],
  async explain({ encoded, prediction }, { model, signal }, options: OptionValues) {
    const started = performance.now();
    const target = resolveTarget(options.target!, prediction, model.config.labels);
    const { ids } = encoded;
    const n = ids.length;
    const count = Math.min(n * n, options.max_samples as number);
    const samples = limeSamples(n, count, new NumpyRandomState(options.seed as number));
    const mask = model.tokenizer.mask('LIME');
    const forward = forwardServiceFor(model, encoded).view(signal);
    // ferret masks a single text's specials like any token; a pair's separators are never masked.
    const fixed = encoded.textPair === undefined ? [] : encoded.special;
    const outputs = await forward.run(
      samples.map((sample) => ({
        ids: ids.map((id, i) => (sample[i] || fixed[i] ? id : mask.id)),
        typeIds: encoded.tokenTypeIds,
      })),
    );
    const y = Float64Array.from(outputs, (output) => outputValue(output, target.index, options.output as OutputSpace));
    const weights = Float64Array.from(samples, (sample) =>
      kernel(
        sampleDistance(
          sample.reduce((a, b) => a + b, 0),
          n,
        ),
      ),
    );
    const { coefficients } = weightedRidge(samples, y, weights, RIDGE_ALPHA);
    const raw = ids.map((_, i) => (encoded.special[i] ? 0 : coefficients[i]!));
    return {
      method: 'lime',
      options: { ...options, target: target.index, targetLabel: target.label, samples: count, maskToken: mask.token },
      tokens: encoded.tokens,
      raw,
      scores: normalize(raw, options.normalization as Normalization),
      evaluations: forward.evaluations,
      seconds: (performance.now() - started) / 1000,
      warnings: [],
    };
  },
};
