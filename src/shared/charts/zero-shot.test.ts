import { describe, expect, it } from 'vitest';
import { hypothesisFor, zeroShotView } from './zero-shot.js';

const RESULT = {
  candidateLabels: ['sports', 'politics', 'technology'],
  hypothesisTemplate: 'This example is {}.',
  multiLabel: false,
  scores: [0.4336713, 0.2835004, 0.2828283],
  label: 'politics',
};

describe('zero-shot view', () => {
  it('gives one bar per candidate on 0–1, the best and the explained one marked', () => {
    const view = zeroShotView(RESULT);
    expect(view.bars.map((bar) => [bar.label, bar.width, bar.best, bar.explained])).toEqual([
      ['sports', 43.37, true, false],
      ['politics', 28.35, false, true],
      ['technology', 28.28, false, false],
    ]);
    expect(view.best).toBe('sports');
    expect(view.explained).toBe('politics');
    expect(view.bars[1]!.hypothesis).toBe('This example is politics.');
    expect(view.bars[1]!.title).toBe(
      'politics: 0.284 (softmax across the candidates) · hypothesis “This example is politics.” · explained',
    );
    expect(view.caption).toBe('softmax of the entailment logits across the 3 candidates (they sum to 1)');
    expect(view.summary).toBe('sports 0.434 · politics 0.284 · technology 0.283');
  });

  it('says multi-label scores are independent', () => {
    const view = zeroShotView({ ...RESULT, multiLabel: true, scores: [0.919, 0.887, 0.876] });
    expect(view.caption).toContain('independent');
    expect(view.bars[0]!.title).toContain('entailment vs contradiction, on its own');
  });

  it('fills the template', () => {
    expect(hypothesisFor('It is about {}!', 'art')).toBe('It is about art!');
  });
});
