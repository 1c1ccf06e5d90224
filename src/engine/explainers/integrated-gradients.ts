/**
 * Σ_d Σ_k w_k ∂f/∂E_{i,d}(x' + α_k(x − x')): the path-averaged gradient summed over hidden, NOT multiplied by
 * the input (ferret "Integrated Gradient"). Degenerate for models with a LayerNorm after the embeddings.
 */
import type { Explainer } from './explainer.js';
import { normalizationOption, outputSpaceOption, targetOption } from './common.js';
import { pathGradient, tokenSums } from './embedding-gradients.js';
import {
  degenerateWarnings,
  gradientExplanation,
  IG_OPTIONS,
  pathOptions,
  resolveSelection,
} from './gradient-family.js';

export const integratedGradientsExplainer: Explainer = {
  id: 'integrated_gradients',
  label: 'Integrated Gradients',
  // Degenerate (zero up to rounding) on BERT-family models, see methods.md: kept for ferret compatibility only.
  autorun: false,
  description:
    'Path-averaged gradient summed over hidden, not × input (ferret "Integrated Gradient": logit, L1). ' +
    'Degenerate when a LayerNorm follows the embeddings.',
  needs: ['gradients'],
  options: [targetOption, outputSpaceOption('logit'), normalizationOption('l1'), ...IG_OPTIONS],
  async explain({ encoded, prediction }, { model, signal }, options) {
    const started = performance.now();
    const { target, selection } = resolveSelection(options, prediction, model);
    const path = await pathGradient(model, encoded, prediction, pathOptions(options, selection), signal);
    const raw = tokenSums(encoded.ids.length, path.dim, (e) => path.averaged[e]!);
    const warnings = await degenerateWarnings(model);
    const { evaluations, delta } = path;
    return gradientExplanation('integrated_gradients', encoded, options, target, {
      raw,
      evaluations,
      started,
      warnings,
      delta,
    });
  },
};
