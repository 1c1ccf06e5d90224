/**
 * Σ_d (E − E')_{i,d}·Σ_k w_k ∂f/∂E_{i,d}(x' + α_k(x − x')) (ferret "Integrated Gradient (x Input)", captum's
 * IntegratedGradients multiplying by inputs). Shares its path gradients with `integrated_gradients`.
 */
import type { Explainer } from './explainer.js';
import { normalizationOption, outputSpaceOption, targetOption } from './common.js';
import { IG_OPTIONS, integratedXInput } from './gradient-family.js';

export const integratedGradientsXInputExplainer: Explainer = {
  id: 'integrated_gradients_x_input',
  label: 'Integrated Gradients × Input',
  description:
    'Integrated gradients × (input − baseline), summed over hidden (ferret: logit, L1); with the convergence delta.',
  needs: ['gradients'],
  options: [targetOption, outputSpaceOption('logit'), normalizationOption('l1'), ...IG_OPTIONS],
  explain: (input, context, options) => integratedXInput('integrated_gradients_x_input', input, context, options),
};
