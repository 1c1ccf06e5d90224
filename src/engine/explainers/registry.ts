/** The one list of methods: UI pickers, CLI flags and report sections are all generated from it. */
import type { MethodInfo } from '../../shared/api.js';
import type { ModelBundle } from '../model/bundle.js';
import { attentionExplainer } from './attention.js';
import type { Explainer } from './explainer.js';

export const EXPLAINERS: readonly Explainer[] = [attentionExplainer];

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
    EXPLAINERS.map(async ({ id, label, description, needs, options }) => {
      const reasons = model
        ? (await Promise.all(needs.map((need) => model.unsupportedReason(need)))).filter(Boolean)
        : [];
      const info: MethodInfo = { id, label, description, needs, options, available: reasons.length === 0 };
      if (reasons.length > 0) info.unavailableReason = reasons.join('; ');
      return info;
    }),
  );
}
