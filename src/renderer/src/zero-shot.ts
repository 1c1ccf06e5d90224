/**
 * Zero-shot classification in the app, the parts that need no DOM: when a model can do it (an NLI model, with
 * a label starting "entail"), the candidates a user typed, and the keys the store files zero-shot answers under.
 */
import type { MethodInfo, ZeroShotRequest } from '../../shared/api';
import { hypothesisFor } from '../../shared/charts/zero-shot';
import type { OptionValues } from '../../shared/options';

/** What the zero-shot field sets: the candidates, the template, and how the candidates are scored. */
export interface ZeroShotSettings {
  candidateLabels: string[];
  hypothesisTemplate: string;
  multiLabel: boolean;
}

/** The model's entailment label (the first starting "entail", as the engine reads it), or -1: no zero-shot. */
export function entailmentIndex(labels: readonly string[] | undefined): number {
  return labels?.findIndex((label) => label.toLowerCase().startsWith('entail')) ?? -1;
}

/** `sports, politics,technology` → the labels, trimmed, without empty or repeated ones. */
export function parseCandidateLabels(typed: string): string[] {
  return [
    ...new Set(
      typed
        .split(',')
        .map((label) => label.trim())
        .filter(Boolean),
    ),
  ];
}

/** Why a typed template cannot be used, or undefined. */
export function templateProblem(template: string): string | undefined {
  return template.includes('{}') ? undefined : 'the hypothesis template must hold {} where the label goes';
}

/** One string per distinct setting: zero-shot answers are filed under it beside the sentence and method. */
export function settingsKey(settings: ZeroShotSettings): string {
  return JSON.stringify([settings.candidateLabels, settings.hypothesisTemplate, settings.multiLabel]);
}

/** The request for one text's zero-shot explanation with `methods` (none: the candidates' scores alone). */
export function zeroShotRequest(
  text: string,
  settings: ZeroShotSettings,
  methods: Record<string, OptionValues>,
  explainLabel?: string,
): ZeroShotRequest {
  return { texts: [text], ...settings, ...(explainLabel === undefined ? {} : { explainLabel }), methods };
}

/**
 * A comparison of a zero-shot sentence: every method on its explained candidate's pair, with the target set to
 * entailment where the method has a target, as the engine's zero-shot explanations have it.
 */
export function zeroShotComparison(
  text: string,
  settings: ZeroShotSettings,
  label: string,
  methods: Record<string, OptionValues>,
  infos: readonly MethodInfo[],
  entailment: number,
): { text: [string, string]; methods: Record<string, OptionValues> } {
  const targeted = Object.fromEntries(
    Object.entries(methods).map(([id, options]) => {
      const hasTarget = infos.find((info) => info.id === id)?.options.some((spec) => spec.name === 'target');
      return [id, hasTarget ? { ...options, target: entailment } : options];
    }),
  );
  return { text: [text, hypothesisFor(settings.hypothesisTemplate, label)], methods: targeted };
}
