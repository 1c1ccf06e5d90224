/**
 * The classifier head as transformers reads it from config.json (`problem_type`, else one label = regression,
 * else single-label): what the model's outputs mean. Every method explains the head's output of a target,
 * and the "prob" output space is that output: the softmax probability (single-label), the label's own sigmoid
 * (multi-label, never normalized across labels), or the score itself (regression, which has no probability).
 */
import type { Prediction, Task } from '../../shared/results.js';

/** A label is predicted by a multi-label head when its sigmoid reaches this (transformers' pipelines: 0.5). */
export const DEFAULT_THRESHOLD = 0.5;

export interface Head {
  task: Task;
  labels: readonly string[];
  /** Multi-label only: the sigmoid a label must reach to be predicted. */
  threshold: number;
}

/** The head's outputs of one row of logits: softmax, per-label sigmoid, or the score. In float64. */
export function headOutputs(task: Task, logits: ArrayLike<number>): Float64Array {
  const values = Float64Array.from(logits);
  if (task === 'regression') return values;
  if (task === 'multi_label_classification') return values.map(sigmoid);
  const max = Math.max(...values);
  const exps = values.map((value) => Math.exp(value - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((value) => value / sum);
}

export function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

/** The prediction of one row of logits, as the faces show it. */
export function predictionOf(head: Head, logits: readonly number[]): Prediction {
  const outputs = Array.from(headOutputs(head.task, logits));
  const predictedIndex = argmax(outputs);
  const label = (i: number) => head.labels[i] ?? `LABEL_${i}`;
  const prediction: Prediction = {
    logits: [...logits],
    // A regression head has no probability; its score is `score`.
    probabilities: head.task === 'regression' ? {} : Object.fromEntries(outputs.map((p, i) => [label(i), p])),
    predictedIndex,
    predictedLabel: label(predictedIndex),
  };
  if (head.task === 'regression') prediction.score = logits[0]!;
  if (head.task === 'multi_label_classification') {
    prediction.predictedLabels = outputs.flatMap((p, i) => (p >= head.threshold ? [label(i)] : []));
  }
  return prediction;
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i += 1) if (values[i]! > values[best]!) best = i;
  return best;
}
