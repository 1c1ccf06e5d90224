/** ‖∂f/∂E_i‖₂ per token, divided by the sum over tokens (LIT "Grad L2 Norm"). */
import type { Explainer } from './explainer.js';
import { normalizationOption, outputSpaceOption, targetOption } from './common.js';
import { inputGradient, tokenSums } from './embedding-gradients.js';
import { gradientExplanation, resolveSelection } from './gradient-family.js';

export const gradientNormExplainer: Explainer = {
  id: 'gradient_norm',
  label: 'Gradient L2 norm',
  // Unsigned, and close to plain |gradient|: gradient × input is the default of the family.
  autorun: false,
  description: 'L2 norm of ∂f/∂embedding per token, divided by the sum over tokens (LIT "Grad L2 Norm").',
  needs: ['gradients'],
  // The norms are non-negative, so L1 normalization is LIT's division by their sum.
  options: [targetOption, outputSpaceOption('logit'), normalizationOption('l1')],
  async explain({ encoded, prediction }, { model, signal }, options) {
    const started = performance.now();
    const { target, selection } = resolveSelection(options, prediction, model);
    const { gradient, dim, evaluations } = await inputGradient(model, encoded, selection, signal);
    const raw = tokenSums(encoded.ids.length, dim, (e) => gradient[e]! * gradient[e]!).map(Math.sqrt);
    return gradientExplanation('gradient_norm', encoded, options, target, { raw, evaluations, started });
  },
};
