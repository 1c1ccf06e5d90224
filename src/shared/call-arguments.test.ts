/** The contract's argument checks: every call's shapes and limits, with the path of what is wrong. */
import { describe, expect, it } from 'vitest';
import { MAX_CANDIDATE_LABELS, MAX_TEXT_CHARACTERS, MAX_TEXTS_PER_CALL, type WorkbenchCall } from './api.js';
import { CallArgumentError, CallLimitError, checkCallArguments } from './call-arguments.js';

function refusal(call: WorkbenchCall, args: unknown[]): Error {
  try {
    checkCallArguments(call, args);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`${call} accepted ${JSON.stringify(args).slice(0, 80)}`);
}

describe('checkCallArguments', () => {
  it('accepts what the UI sends', () => {
    const methods = { attention: { aggregation: 'mean', layer: 3, include_maps: false } };
    expect(() => checkCallArguments('loadModel', ['demo'])).not.toThrow();
    expect(() => checkCallArguments('loadModel', ['demo', { dtype: 'q8', precision: 'int8' }])).not.toThrow();
    expect(() => checkCallArguments('loadModel', ['demo', { threshold: 0.3 }])).not.toThrow();
    expect(() => checkCallArguments('listMethods', [])).not.toThrow();
    expect(() => checkCallArguments('predict', [['great', 'awful']])).not.toThrow();
    expect(() => checkCallArguments('explain', [{ texts: ['great'], methods }])).not.toThrow();
    expect(() => checkCallArguments('compare', [{ text: 'great', methods, rationale: [0, 1, 0] }])).not.toThrow();
    expect(() => checkCallArguments('startJob', [{ texts: ['great'], methods }])).not.toThrow();
    expect(() => checkCallArguments('getJob', ['4f1c'])).not.toThrow();
    expect(() =>
      checkCallArguments('saveReport', [{ dir: '/tmp/r', jobId: '4f1c', onExisting: 'suffix' }]),
    ).not.toThrow();
  });

  it('names the argument path and what it should be', () => {
    expect(refusal('predict', [[1, 2, {}]])).toEqual(
      new CallArgumentError('predict: texts[0] must be a string, not a number'),
    );
    expect(refusal('predict', [['a', 'b', {}]]).message).toBe('predict: texts[2] must be a string, not an object');
    expect(refusal('explain', [{ texts: ['a'] }]).message).toBe('explain: request.methods is missing');
    expect(refusal('startJob', [{ texts: ['a'], methods: { shap: { max_evals: [64] } } }]).message).toBe(
      'startJob: request.methods.shap.max_evals must be a string, a number or a boolean, not an array',
    );
    expect(refusal('loadModel', ['demo', { dtype: 'int4' }]).message).toBe(
      'loadModel: options.dtype must be one of "fp32", "q8", not "int4"',
    );
    expect(refusal('loadModel', ['demo', { threshold: 1 }]).message).toBe(
      'loadModel: options.threshold must be < 1, not 1',
    );
    expect(refusal('loadModel', ['demo', { threshold: 0 }]).message).toBe(
      'loadModel: options.threshold must be > 0, not 0',
    );
    expect(refusal('loadModel', ['demo', { threshold: '0.5' }]).message).toBe(
      'loadModel: options.threshold must be a number, not a string',
    );
    expect(refusal('compare', [{ text: 'a', methods: {}, rationale: [0, 2] }]).message).toBe(
      'compare: request.rationale[1] must be one of 0, 1, not 2',
    );
    expect(refusal('saveReport', [{ dir: '' }]).message).toBe('saveReport: request.dir must not be empty');
    expect(refusal('cancelJob', [null]).message).toBe('cancelJob: jobId must be a string, not null');
  });

  it('refuses unknown properties, so that a misspelt one does not silently take a default', () => {
    expect(refusal('saveReport', [{ dir: '/tmp/r', onExisiting: 'suffix' }]).message).toBe(
      'saveReport: request has an unknown property "onExisiting" (known: dir, jobId, results, onExisting, evaluate)',
    );
  });

  it('checks the results given to saveReport against the results schema', () => {
    const results = { schema: 'xai-workbench/results', version: 1, model: {}, sentences: [] };
    expect(refusal('saveReport', [{ dir: '/tmp/r', results }]).message).toBe(
      'saveReport: request.results.model.source is missing',
    );
  });

  it('counts the arguments', () => {
    expect(refusal('predict', [])).toEqual(new CallArgumentError('predict takes 1 argument (texts), got 0'));
    expect(refusal('listMethods', ['x']).message).toBe('listMethods takes no arguments, got 1');
    expect(refusal('loadModel', ['demo', {}, {}]).message).toBe(
      'loadModel takes 1 or 2 arguments (source, options?), got 3',
    );
  });

  it('refuses a call over the limits with the limits', () => {
    const limits = `a call takes at most ${MAX_TEXTS_PER_CALL} texts of at most ${MAX_TEXT_CHARACTERS} characters each`;
    expect(refusal('predict', [Array.from({ length: MAX_TEXTS_PER_CALL + 1 }, () => 'a')])).toEqual(
      new CallLimitError(`predict: texts has ${MAX_TEXTS_PER_CALL + 1} items; ${limits}`),
    );
    expect(refusal('compare', [{ text: 'a'.repeat(MAX_TEXT_CHARACTERS + 1), methods: {} }])).toEqual(
      new CallLimitError(`compare: request.text has ${MAX_TEXT_CHARACTERS + 1} characters; ${limits}`),
    );
    // Characters are code points: a text of emoji at the limit is accepted.
    expect(() => checkCallArguments('predict', [['😀'.repeat(MAX_TEXT_CHARACTERS)]])).not.toThrow();
  });

  it('checks a zero-shot call: single texts, distinct candidates, a template with {}', () => {
    const methods = { occlusion: {} };
    const request = { texts: ['The team won.'], candidateLabels: ['sports', 'politics'], methods };
    expect(() => checkCallArguments('zeroShot', [request])).not.toThrow();
    expect(() =>
      checkCallArguments('zeroShot', [
        { ...request, hypothesisTemplate: 'This text is about {}.', multiLabel: true, explainLabel: 'politics' },
      ]),
    ).not.toThrow();
    expect(refusal('zeroShot', [{ texts: ['a'], methods }]).message).toBe(
      'zeroShot: request.candidateLabels is missing',
    );
    expect(refusal('zeroShot', [{ ...request, candidateLabels: [] }]).message).toBe(
      'zeroShot: request.candidateLabels must have at least 1 item',
    );
    expect(refusal('zeroShot', [{ ...request, candidateLabels: ['sports', ''] }]).message).toBe(
      'zeroShot: request.candidateLabels[1] must not be empty',
    );
    expect(refusal('zeroShot', [{ ...request, candidateLabels: ['sports', 'art', 'sports'] }]).message).toBe(
      'zeroShot: request.candidateLabels has "sports" twice',
    );
    expect(refusal('zeroShot', [{ ...request, hypothesisTemplate: 'This is about' }]).message).toBe(
      'zeroShot: request.hypothesisTemplate must hold {} where the label goes, not "This is about"',
    );
    // A zero-shot text is one text: the pair is made with each candidate's hypothesis.
    expect(refusal('zeroShot', [{ ...request, texts: [['a', 'b']] }]).message).toBe(
      'zeroShot: request.texts[0] must be a string, not an array',
    );
    expect(refusal('zeroShot', [{ ...request, multiLabel: 'yes' }]).message).toBe(
      'zeroShot: request.multiLabel must be a boolean, not a string',
    );
    expect(refusal('zeroShot', [{ ...request, explainlabel: 'sports' }]).message).toBe(
      'zeroShot: request has an unknown property "explainlabel" (known: texts, candidateLabels, hypothesisTemplate, multiLabel, explainLabel, methods, labels)',
    );
    const many = Array.from({ length: MAX_CANDIDATE_LABELS + 1 }, (_, i) => `label ${i}`);
    expect(refusal('zeroShot', [{ ...request, candidateLabels: many }])).toEqual(
      new CallLimitError(
        `zeroShot: request.candidateLabels has ${MAX_CANDIDATE_LABELS + 1} items; a zero-shot call takes at most ${MAX_CANDIDATE_LABELS} candidate labels`,
      ),
    );
    expect(
      refusal('zeroShot', [{ ...request, texts: Array.from({ length: MAX_TEXTS_PER_CALL + 1 }, () => 'a') }]),
    ).toBeInstanceOf(CallLimitError);
  });

  it('does not echo a huge value back in the message', () => {
    const { message } = refusal('loadModel', ['demo', { dtype: 'x'.repeat(100_000) }]);
    expect(message.length).toBeLessThan(200);
  });
});
