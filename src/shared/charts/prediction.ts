/**
 * A prediction as every face shows it, by the model's head: a single-label head's softmax (bars that share one
 * unit), a multi-label head's per-label sigmoids (independent bars on a fixed 0–1 scale with the threshold
 * marked, never renormalized), a regression head's score (a number: no bars and no "probability"). Plain layout
 * data, so that the app, the report and the CLI say the same thing.
 */
import type { ModelInfo, Prediction, Task } from '../results.js';

/** transformers' pipelines' threshold; the engine records the one it used as `ModelInfo.threshold`. */
export const DEFAULT_THRESHOLD = 0.5;

/** What a face needs to know of the model to read a prediction (older results have neither: single-label). */
export type HeadInfo = Partial<Pick<ModelInfo, 'task' | 'threshold'>>;

export interface PredictionBar {
  label: string;
  value: number;
  /** The bar's length in % of its track: the value itself on a fixed 0–1 scale. */
  width: number;
  /** The top label (single-label), or a label at or above the threshold (multi-label). */
  predicted: boolean;
  /** The value as faces print it (3 decimals). */
  text: string;
  title: string;
}

export type PredictionView =
  | {
      task: 'single_label_classification';
      /** Softmax by label, in the model's label order: they sum to 1. */
      bars: PredictionBar[];
      label: string;
      probability: number;
      /** One line: `NEGATIVE (0.993)`. */
      summary: string;
    }
  | {
      task: 'multi_label_classification';
      /** Each label's own sigmoid, in the model's label order: independent, they need not sum to 1. */
      bars: PredictionBar[];
      threshold: number;
      /** Where the threshold sits on the bars' track, in %. */
      thresholdAt: number;
      /** Every label at or above the threshold (possibly none), in label order. */
      predictedLabels: string[];
      /** One line: `joy 0.912, anger 0.634`, or `none ≥ 0.5`. */
      summary: string;
    }
  | {
      task: 'regression';
      score: number;
      /** The score's label from config.json (often `LABEL_0`). */
      label: string;
      /** One line: `score 0.734`. */
      summary: string;
    };

/** The head a prediction came from: the model's word for it, else what the prediction carries. */
export function taskOf(prediction: Prediction, model: HeadInfo = {}): Task {
  if (model.task) return model.task;
  if (prediction.score !== undefined) return 'regression';
  if (prediction.predictedLabels !== undefined) return 'multi_label_classification';
  return 'single_label_classification';
}

/** The multi-label threshold the prediction was made with. */
export function thresholdOf(model: HeadInfo = {}): number {
  return model.threshold ?? DEFAULT_THRESHOLD;
}

export function formatValue(value: number): string {
  return value.toFixed(3);
}

export function predictionView(prediction: Prediction, model: HeadInfo = {}): PredictionView {
  const task = taskOf(prediction, model);
  if (task === 'regression') {
    const score = prediction.score ?? prediction.logits[0] ?? 0;
    return { task, score, label: prediction.predictedLabel, summary: `score ${formatValue(score)}` };
  }
  const entries = Object.entries(prediction.probabilities);
  if (task === 'multi_label_classification') {
    const threshold = thresholdOf(model);
    const chosen = new Set(
      prediction.predictedLabels ?? entries.filter(([, value]) => value >= threshold).map(([label]) => label),
    );
    const bars = entries.map(([label, value]) => {
      const predicted = chosen.has(label);
      const verdict = predicted ? `≥ ${threshold}: predicted` : `< ${threshold}: not predicted`;
      return bar(label, value, predicted, `${label}: sigmoid ${formatValue(value)} (${verdict})`);
    });
    const predictedLabels = bars.filter((b) => b.predicted).map((b) => b.label);
    const summary =
      predictedLabels.length === 0
        ? `none ≥ ${threshold}`
        : bars
            .filter((b) => b.predicted)
            .map((b) => `${b.label} ${b.text}`)
            .join(', ');
    return { task, bars, threshold, thresholdAt: clampPercent(threshold), predictedLabels, summary };
  }
  const bars = entries.map(([label, value], i) =>
    bar(label, value, i === prediction.predictedIndex, `${label}: probability ${formatValue(value)}`),
  );
  const probability = prediction.probabilities[prediction.predictedLabel] ?? 0;
  return {
    task,
    bars,
    label: prediction.predictedLabel,
    probability,
    summary: `${prediction.predictedLabel} (${formatValue(probability)})`,
  };
}

/** The head in a few words, for a model summary: `multi-label · 4 labels`, `single-label · 2 labels`, `regression`. */
export function headSummary(model: HeadInfo & Pick<ModelInfo, 'labels'>): string {
  const task = model.task ?? 'single_label_classification';
  if (task === 'regression') return 'regression';
  const labels = `${model.labels.length} label${model.labels.length === 1 ? '' : 's'}`;
  return `${task === 'multi_label_classification' ? 'multi-label' : 'single-label'} · ${labels}`;
}

/** The head in a sentence, for a report: what the model's outputs mean. */
export function headDescription(model: HeadInfo & Pick<ModelInfo, 'labels'>): string {
  const task = model.task ?? 'single_label_classification';
  const count = model.labels.length;
  if (task === 'regression') return `regression: one score (${model.labels[0] ?? 'LABEL_0'})`;
  if (task === 'multi_label_classification') {
    return (
      `multi-label classification: each of the ${count} labels has its own sigmoid (they need not sum to 1); ` +
      `a label is predicted at sigmoid ≥ ${thresholdOf(model)}`
    );
  }
  return `single-label classification: softmax over the ${count} labels`;
}

/** What a method's "prob" output space is for this head, and what the metrics measure: in a few words. */
export function outputName(model: HeadInfo = {}): string {
  const task = model.task ?? 'single_label_classification';
  if (task === 'regression') return 'the score';
  return task === 'multi_label_classification' ? "the target label's sigmoid" : "the target class's probability";
}

function bar(label: string, value: number, predicted: boolean, title: string): PredictionBar {
  return { label, value, width: clampPercent(value), predicted, text: formatValue(value), title };
}

/** 0–1 as a percentage, to 0.01 % (a pixel is about 0.3 % of a bar). */
function clampPercent(value: number): number {
  return Math.round(Math.min(Math.max(value, 0), 1) * 10_000) / 100;
}
