/**
 * Σ_d E_{i,d}·∂f/∂E_{i,d} (ferret "Gradient (x Input)"): shares its gradient evaluation with `gradient`.
 * Degenerate for models whose embeddings LayerNorm sees the word embeddings alone (DeBERTa-v2/v3).
 */
import type { Explainer } from './explainer.js';
import { normalizationOption, outputSpaceOption, targetOption } from './common.js';
import { inputGradient, tokenSums } from './embedding-gradients.js';
import { gradientExplanation, resolveSelection, scaleInvariantWarnings } from './gradient-family.js';

export const gradientXInputExplainer: Explainer = {
  id: 'gradient_x_input',
  label: 'Gradient × Input',
  description: 'Σ over hidden of embedding × ∂f/∂embedding per token (ferret "Gradient (x Input)": logit, L1).',
  needs: ['gradients'],
  options: [targetOption, outputSpaceOption('logit'), normalizationOption('l1')],
  async explain({ encoded, prediction }, { model, signal }, options) {
    const started = performance.now();
    const { target, selection } = resolveSelection(options, prediction, model);
    const { input, gradient, dim, evaluations } = await inputGradient(model, encoded, selection, signal);
    const raw = tokenSums(encoded.ids.length, dim, (e) => input[e]! * gradient[e]!);
    const warnings = await scaleInvariantWarnings(model);
    return gradientExplanation('gradient_x_input', encoded, options, target, { raw, evaluations, started, warnings });
  },
};
