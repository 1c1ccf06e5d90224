import { describe, expect, it } from 'vitest';
import type { MethodInfo } from '../../shared/api';
import { entailmentIndex, parseCandidateLabels, settingsKey, templateProblem, zeroShotComparison } from './zero-shot';

describe('zero-shot in the app', () => {
  it('is on offer for a model with a label starting "entail", as the engine reads it', () => {
    expect(entailmentIndex(['entailment', 'neutral', 'contradiction'])).toBe(0);
    expect(entailmentIndex(['CONTRADICTION', 'NEUTRAL', 'ENTAILMENT'])).toBe(2);
    expect(entailmentIndex(['NEGATIVE', 'POSITIVE'])).toBe(-1);
    expect(entailmentIndex(undefined)).toBe(-1);
  });

  it('reads typed candidates: trimmed, no empty or repeated ones', () => {
    expect(parseCandidateLabels(' sports, politics,,technology , sports ')).toEqual([
      'sports',
      'politics',
      'technology',
    ]);
    expect(parseCandidateLabels(' , ')).toEqual([]);
    expect(templateProblem('This is about {}.')).toBeUndefined();
    expect(templateProblem('This is about it.')).toContain('{}');
  });

  it('files answers by every setting', () => {
    const settings = { candidateLabels: ['a', 'b'], hypothesisTemplate: '{}', multiLabel: false };
    expect(settingsKey(settings)).not.toBe(settingsKey({ ...settings, multiLabel: true }));
    expect(settingsKey(settings)).not.toBe(settingsKey({ ...settings, candidateLabels: ['b', 'a'] }));
  });

  it("compares on the explained candidate's pair, targeting entailment where a method has a target", () => {
    const infos = [
      { id: 'occlusion', options: [{ name: 'target', type: 'class' }] },
      { id: 'attention', options: [{ name: 'layer', type: 'int' }] },
    ] as unknown as MethodInfo[];
    const settings = { candidateLabels: ['sports'], hypothesisTemplate: 'It is {}.', multiLabel: false };
    const request = zeroShotComparison(
      'We won.',
      settings,
      'sports',
      { occlusion: {}, attention: { layer: 1 } },
      infos,
      0,
    );
    expect(request).toEqual({
      text: ['We won.', 'It is sports.'],
      methods: { occlusion: { target: 0 }, attention: { layer: 1 } },
    });
  });
});
