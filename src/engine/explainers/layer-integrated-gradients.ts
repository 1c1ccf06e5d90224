/**
 * Layer integrated gradients on the word-embedding layer, as transformers-interpret runs captum's
 * LayerIntegratedGradients: IG × (input − baseline) of the embedding output, explaining the probability, L2.
 * On the embedding layer this is the same computation as `integrated_gradients_x_input`, with other presets.
 */
import type { Explainer } from './explainer.js';
import { normalizationOption, outputSpaceOption, targetOption } from './common.js';
import { IG_OPTIONS, integratedXInput } from './gradient-family.js';

export const layerIntegratedGradientsExplainer: Explainer = {
  id: 'layer_integrated_gradients',
  label: 'Layer Integrated Gradients',
  // The same path integral as IG × input in probability space: a second IG run for a preset few need.
  autorun: false,
  description:
    'Integrated gradients on the word-embedding layer (transformers-interpret: probability, L2); with the convergence delta.',
  needs: ['gradients'],
  options: [targetOption, outputSpaceOption('prob'), normalizationOption('l2'), ...IG_OPTIONS],
  explain: (input, context, options) => integratedXInput('layer_integrated_gradients', input, context, options),
};
