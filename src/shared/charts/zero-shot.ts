/**
 * Zero-shot classification as every face shows it: one bar per candidate label on a fixed 0–1 scale, the
 * explained candidate highlighted. Single-label scores are the softmax of the pairs' entailment logits across
 * the candidates (they sum to 1); multi-label scores are each candidate's own entailment against contradiction
 * (independent). Plain layout data, so that the app and the report say the same thing.
 */
import type { ZeroShotResult } from '../results.js';
import { formatValue } from './prediction.js';

/** transformers' default, as the engine's. */
export const DEFAULT_HYPOTHESIS_TEMPLATE = 'This example is {}.';

export interface ZeroShotBar {
  label: string;
  value: number;
  /** % of the track: the score itself on 0–1. */
  width: number;
  /** The candidate whose pair the explanations explain. */
  explained: boolean;
  /** The best-scored candidate. */
  best: boolean;
  /** The hypothesis the candidate was scored with (`This example is sports.`). */
  hypothesis: string;
  text: string;
  title: string;
}

export interface ZeroShotView {
  multiLabel: boolean;
  /** In candidate order. */
  bars: ZeroShotBar[];
  best: string;
  explained: string;
  /** What the scores are, in a few words. */
  caption: string;
  /** Ranked, one line: `sports 0.434 · politics 0.284 · technology 0.283`. */
  summary: string;
}

/** The hypothesis of a candidate: the template with the label where `{}` is. */
export function hypothesisFor(template: string, label: string): string {
  return template.replace('{}', label);
}

export function zeroShotView(result: ZeroShotResult): ZeroShotView {
  const { candidateLabels, scores, multiLabel, label, hypothesisTemplate } = result;
  const bestIndex = scores.indexOf(Math.max(...scores));
  const best = candidateLabels[bestIndex] ?? label;
  const kind = multiLabel ? 'entailment vs contradiction, on its own' : 'softmax across the candidates';
  const bars = candidateLabels.map((candidate, i): ZeroShotBar => {
    const value = scores[i] ?? 0;
    const hypothesis = hypothesisFor(hypothesisTemplate, candidate);
    return {
      label: candidate,
      value,
      width: Math.round(Math.min(Math.max(value, 0), 1) * 10_000) / 100,
      explained: candidate === label,
      best: i === bestIndex,
      hypothesis,
      text: formatValue(value),
      title: `${candidate}: ${formatValue(value)} (${kind}) · hypothesis “${hypothesis}”${candidate === label ? ' · explained' : ''}`,
    };
  });
  const caption = multiLabel
    ? `multi-label: each candidate's own entailment vs contradiction (independent, they need not sum to 1)`
    : `softmax of the entailment logits across the ${candidateLabels.length} candidates (they sum to 1)`;
  const summary = bars
    .map((bar, i) => ({ bar, i }))
    .sort((a, b) => b.bar.value - a.bar.value || a.i - b.i)
    .map(({ bar }) => `${bar.label} ${bar.text}`)
    .join(' · ');
  return { multiLabel, bars, best, explained: label, caption, summary };
}
