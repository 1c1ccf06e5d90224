import { describe, expect, it } from 'vitest';
import { headDescription, headSummary, outputName, predictionView, taskOf } from './prediction.js';
import {
  MULTI_LABEL_MODEL,
  MULTI_LABEL_NONE_RESULT,
  MULTI_LABEL_RESULT,
  REGRESSION_MODEL,
  REGRESSION_RESULT,
  SINGLE_LABEL_MODEL,
  SINGLE_LABEL_RESULT,
} from './test-heads.js';

describe('predictionView', () => {
  it('draws a single-label softmax as bars that share one unit, the top class highlighted', () => {
    const view = predictionView(SINGLE_LABEL_RESULT, SINGLE_LABEL_MODEL);
    expect(view.task).toBe('single_label_classification');
    if (view.task !== 'single_label_classification') return;
    expect(view.bars.map((b) => [b.label, b.width, b.predicted])).toEqual([
      ['NEGATIVE', 0.67, false],
      ['POSITIVE', 99.33, true],
    ]);
    expect(view.summary).toBe('POSITIVE (0.993)');
  });

  it('draws each multi-label sigmoid as its own bar on 0–1, never renormalized, with the threshold', () => {
    const view = predictionView(MULTI_LABEL_RESULT, MULTI_LABEL_MODEL);
    expect(view.task).toBe('multi_label_classification');
    if (view.task !== 'multi_label_classification') return;
    // The widths are the sigmoids themselves: they sum to 230.7 %, not 100 %.
    expect(view.bars.map((b) => [b.label, b.width, b.predicted])).toEqual([
      ['joy', 45.02, false],
      ['anger', 90.02, true],
      ['sadness', 15.44, false],
      ['surprise', 80.22, true],
    ]);
    expect(view.threshold).toBe(0.5);
    expect(view.thresholdAt).toBe(50);
    expect(view.predictedLabels).toEqual(['anger', 'surprise']);
    expect(view.summary).toBe('anger 0.900, surprise 0.802');
    expect(view.bars[0]!.title).toBe('joy: sigmoid 0.450 (< 0.5: not predicted)');
    expect(view.bars[1]!.title).toBe('anger: sigmoid 0.900 (≥ 0.5: predicted)');
  });

  it('says so when no label reaches the threshold, and marks the threshold the model used', () => {
    const view = predictionView(MULTI_LABEL_NONE_RESULT, { ...MULTI_LABEL_MODEL, threshold: 0.4 });
    if (view.task !== 'multi_label_classification') throw new Error(view.task);
    expect(view.thresholdAt).toBe(40);
    // The engine's predictedLabels decide (made at the model's threshold), not a recount here.
    expect(view.predictedLabels).toEqual([]);
    expect(view.summary).toBe('none ≥ 0.4');
  });

  it('shows a regression score as a number, with no bars', () => {
    const view = predictionView(REGRESSION_RESULT, REGRESSION_MODEL);
    expect(view).toEqual({ task: 'regression', score: 0.7342, label: 'LABEL_0', summary: 'score 0.734' });
  });

  it('reads the head from the prediction when the model does not name it (older results: single-label)', () => {
    expect(taskOf(REGRESSION_RESULT)).toBe('regression');
    expect(taskOf(MULTI_LABEL_RESULT)).toBe('multi_label_classification');
    expect(taskOf(SINGLE_LABEL_RESULT)).toBe('single_label_classification');
  });
});

describe('the head in words', () => {
  it('summarizes and describes each head', () => {
    expect(headSummary(SINGLE_LABEL_MODEL)).toBe('single-label · 2 labels');
    expect(headSummary(MULTI_LABEL_MODEL)).toBe('multi-label · 4 labels');
    expect(headSummary(REGRESSION_MODEL)).toBe('regression');
    expect(headDescription(MULTI_LABEL_MODEL)).toContain('own sigmoid');
    expect(headDescription(MULTI_LABEL_MODEL)).toContain('≥ 0.5');
    expect(headDescription(REGRESSION_MODEL)).toBe('regression: one score (LABEL_0)');
    expect(outputName(REGRESSION_MODEL)).toBe('the score');
    expect(outputName(MULTI_LABEL_MODEL)).toBe("the target label's sigmoid");
  });
});
