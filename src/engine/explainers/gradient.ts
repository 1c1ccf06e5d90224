/** Saliency: Σ_d |∂f/∂E_{i,d}|, absolute values summed over the hidden dimension (ferret "Gradient"). */
import type { Explainer } from './explainer.js';
import { normalizationOption, outputSpaceOption, targetOption } from './common.js';
import { inputGradient, tokenSums } from './embedding-gradients.js';
import { gradientExplanation, resolveSelection } from './gradient-family.js';

export const gradientExplainer: Explainer = {
  id: 'gradient',
  label: 'Gradient',
  // |gradient| without the input: gradient × input carries the same signal with a sign.
  autorun: false,
  description: 'Saliency: Σ over hidden of |∂f/∂embedding| per token (ferret "Gradient": logit, L1).',
  needs: ['gradients'],
  options: [targetOption, outputSpaceOption('logit'), normalizationOption('l1')],
  async explain({ encoded, prediction }, { model, signal }, options) {
    const started = performance.now();
    const { target, selection } = resolveSelection(options, prediction, model);
    const { gradient, dim, evaluations } = await inputGradient(model, encoded, selection, signal);
    const raw = tokenSums(encoded.ids.length, dim, (e) => Math.abs(gradient[e]!));
    return gradientExplanation('gradient', encoded, options, target, { raw, evaluations, started });
  },
};
