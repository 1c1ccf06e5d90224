/**
 * Zero-shot classification over an NLI model, as transformers.js's (and transformers') zero-shot pipeline
 * scores it: each candidate label becomes a hypothesis (`template` with the label), paired with the text;
 * single-label scores are the softmax of the pairs' entailment logits across the candidates, multi-label
 * scores each pair's softmax over [contradiction, entailment]. Explaining a candidate is explaining the
 * entailment output of its pair.
 */
import { headOutputs } from './model/head.js';

export const DEFAULT_HYPOTHESIS_TEMPLATE = 'This example is {}.';

export interface ZeroShotOptions {
  candidateLabels: readonly string[];
  hypothesisTemplate?: string;
  /** Score each label on its own (entailment vs contradiction) rather than across the candidates. */
  multiLabel?: boolean;
}

/** The NLI labels zero-shot reads: entailment (a label starting "entail"), and contradiction as the pipeline takes it. */
export function nliLabels(labels: readonly string[]): { entailment: number; contradiction: number } {
  const entailment = labels.findIndex((label) => label.toLowerCase().startsWith('entail'));
  if (entailment < 0) {
    throw new Error(
      `zero-shot classification needs an NLI model with an "entailment" label; this model's labels are ${labels.join(', ')}`,
    );
  }
  // transformers: the first label, or the last when the first is entailment.
  return { entailment, contradiction: entailment === 0 ? labels.length - 1 : 0 };
}

export function hypotheses({ candidateLabels, hypothesisTemplate = DEFAULT_HYPOTHESIS_TEMPLATE }: ZeroShotOptions) {
  if (candidateLabels.length === 0) throw new Error('zero-shot classification needs at least one candidate label');
  if (!hypothesisTemplate.includes('{}')) {
    throw new Error(
      `the hypothesis template must hold {} where the label goes; got ${JSON.stringify(hypothesisTemplate)}`,
    );
  }
  return candidateLabels.map((label) => hypothesisTemplate.replace('{}', label));
}

/** Each candidate's score from its pair's logits (`logits[k]` of candidate k). */
export function zeroShotScores(
  logits: readonly (readonly number[])[],
  labels: readonly string[],
  { multiLabel = false }: { multiLabel?: boolean } = {},
): number[] {
  const { entailment, contradiction } = nliLabels(labels);
  // One candidate is scored on its own, as the pipeline does.
  if (multiLabel || logits.length === 1) {
    return logits.map((row) => headOutputs('single_label_classification', [row[contradiction]!, row[entailment]!])[1]!);
  }
  return Array.from(
    headOutputs(
      'single_label_classification',
      logits.map((row) => row[entailment]!),
    ),
  );
}
