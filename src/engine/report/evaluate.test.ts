/**
 * The report's metrics re-encode each sentence as it was explained: a sentence pair as its two texts, so that
 * its evaluation is of the pair's tokens, as evaluating the explanation on the pair's own encoding gives.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainTexts } from '../explain.js';
import { evaluateExplanation } from '../metrics/evaluate.js';
import { ModelBundle } from '../model/bundle.js';
import { PACKAGE_ROOT } from '../paths.js';
import { predictTexts } from '../predict.js';
import { evaluateResults } from './evaluate.js';

const PREMISE = 'A man plays the guitar on stage.';
const HYPOTHESIS = 'Someone makes music.';

describe('evaluateResults', () => {
  let model: ModelBundle;
  beforeAll(async () => {
    model = await ModelBundle.load(join(PACKAGE_ROOT, 'fixtures/models/tiny-bert'), {
      cacheDir: await mkdtemp(join(tmpdir(), 'xai-evaluate-model-')),
    });
  });
  afterAll(() => model.dispose());

  it("evaluates a sentence pair on the pair's tokens, not on its first text alone", async () => {
    const results = await explainTexts(model, [[PREMISE, HYPOTHESIS], PREMISE], { occlusion: {} });
    const evaluated = await evaluateResults(model, results);
    const [pairInput, singleInput] = await predictTexts(model, [[PREMISE, HYPOTHESIS], PREMISE]);
    const [pair, single] = evaluated.sentences;
    expect(pair!.explanations.occlusion!.tokens.length).toBe(pairInput!.encoded.tokens.length);
    expect(pair!.evaluation!.occlusion).toEqual(
      await evaluateExplanation(model, pairInput!, pair!.explanations.occlusion!),
    );
    // The single text beside it keeps its own evaluation.
    expect(single!.evaluation!.occlusion).toEqual(
      await evaluateExplanation(model, singleInput!, single!.explanations.occlusion!),
    );
  });
});
