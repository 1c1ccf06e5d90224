/** The one list of methods: UI pickers, CLI flags and report sections are all generated from it. */
import type { MethodInfo } from '../../shared/api.js';
import type { ModelBundle } from '../model/bundle.js';
import { attentionExplainer } from './attention.js';
import type { Explainer } from './explainer.js';
import { gradientExplainer } from './gradient.js';
import { gradientNormExplainer } from './gradient-norm.js';
import { gradientXInputExplainer } from './gradient-x-input.js';
import { integratedGradientsExplainer } from './integrated-gradients.js';
import { integratedGradientsXInputExplainer } from './integrated-gradients-x-input.js';
import { layerIntegratedGradientsExplainer } from './layer-integrated-gradients.js';
import { limeExplainer } from './lime.js';
import { occlusionExplainer } from './occlusion.js';
import { shapExplainer } from './shap.js';

export const EXPLAINERS: readonly Explainer[] = [
  attentionExplainer,
  occlusionExplainer,
  shapExplainer,
  limeExplainer,
  gradientExplainer,
  gradientNormExplainer,
  gradientXInputExplainer,
  integratedGradientsExplainer,
  integratedGradientsXInputExplainer,
  layerIntegratedGradientsExplainer,
];

export class UnknownMethodError extends Error {
  override name = 'UnknownMethodError';
}

export function getExplainer(id: string): Explainer {
  const explainer = EXPLAINERS.find((candidate) => candidate.id === id);
  if (!explainer) {
    throw new UnknownMethodError(`unknown method "${id}" (methods: ${EXPLAINERS.map((e) => e.id).join(', ')})`);
  }
  return explainer;
}

/** Every method with its option schema; with a model, also whether that model supports it and why not. */
export async function describeMethods(model?: ModelBundle): Promise<MethodInfo[]> {
  return Promise.all(
    EXPLAINERS.map(async ({ id, label, description, needs, options, autorun = true }) => {
      const reasons = model
        ? (await Promise.all(needs.map((need) => model.unsupportedReason(need)))).filter(Boolean)
        : [];
      const info: MethodInfo = {
        id,
        label,
        description,
        needs,
        options,
        autorun,
        available: reasons.length === 0,
      };
      if (reasons.length > 0) info.unavailableReason = reasons.join('; ');
      return info;
    }),
  );
}
