/**
 * Sentence pairs against PyTorch (fixtures/golden/<model>.pairs.json, scripts/task_goldens.py): the pair as
 * the tokenizer encodes it (template, type ids, longest-first truncation), logits and every attention map;
 * and tiny-bert's zero-shot case, scored as transformers.js's zero-shot pipeline scores it.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionMaps } from '../explainers/attention.js';
import { PACKAGE_ROOT } from '../paths.js';
import { predictTexts, type PredictedText } from '../predict.js';
import { hypotheses, zeroShotScores } from '../zero-shot.js';
import { ModelBundle } from './bundle.js';
import { maxDifference } from '../test-numbers.js';

interface GoldenPair {
  text: string;
  text_pair: string;
  ids: number[];
  tokens: string[];
  token_type_ids?: number[];
  sequence_ids: (number | null)[];
  truncated: boolean;
  logits: number[];
  attentions: number[][][][];
}

interface ZeroShot {
  text: string;
  candidate_labels: string[];
  hypothesis_template: string;
  hypotheses: string[];
  logits: number[][];
  single_label: { scores: number[] };
  multi_label: { scores: number[] };
}

const TOLERANCE = 1e-5;

describe.each(['tiny-bert', 'tiny-distilbert', 'tiny-roberta'])('%s on sentence pairs against PyTorch', (name) => {
  const golden = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'fixtures/golden', `${name}.pairs.json`), 'utf8')) as {
    pairs: GoldenPair[];
    zero_shot?: ZeroShot;
  };
  let model: ModelBundle;
  let predicted: PredictedText[];
  beforeAll(async () => {
    model = await ModelBundle.load(join(PACKAGE_ROOT, 'fixtures/models', name), {
      cacheDir: await mkdtemp(join(tmpdir(), 'xai-pairs-')),
    });
    predicted = await predictTexts(
      model,
      golden.pairs.map((pair) => [pair.text, pair.text_pair] as const),
    );
  });
  afterAll(() => model.dispose());

  it('encodes each pair as the tokenizer does, truncating longest first', () => {
    golden.pairs.forEach((pair, i) => {
      const { encoded } = predicted[i]!;
      expect(encoded.ids, pair.text).toEqual(pair.ids);
      expect(encoded.tokens).toEqual(pair.tokens);
      expect(encoded.sequenceIds).toEqual(pair.sequence_ids);
      expect(encoded.truncated).toBe(pair.truncated);
      if (pair.token_type_ids) expect(encoded.tokenTypeIds).toEqual(pair.token_type_ids);
      expect(encoded.textPair).toBe(pair.text_pair);
    });
    expect(golden.pairs.filter((pair) => pair.truncated).length).toBeGreaterThanOrEqual(2);
  });

  it(`predicts PyTorch's logits (≤ ${TOLERANCE}), the second text read with its own type ids`, () => {
    golden.pairs.forEach((pair, i) => {
      expect(maxDifference(predicted[i]!.prediction.logits, pair.logits), pair.text).toBeLessThanOrEqual(TOLERANCE);
    });
  });

  it(`exposes every attention map (≤ ${TOLERANCE})`, async () => {
    for (const [i, pair] of golden.pairs.entries()) {
      const { maps } = await attentionMaps(model, predicted[i]!.encoded);
      maps.forEach((heads, layer) =>
        heads.forEach((map, head) =>
          expect(
            maxDifference(map, pair.attentions[layer]![head]!.flat()),
            `${pair.text} ${layer}/${head}`,
          ).toBeLessThanOrEqual(TOLERANCE),
        ),
      );
    }
  });

  it.runIf(golden.zero_shot !== undefined)('scores zero-shot candidates as the pipeline does', async () => {
    const zeroShot = golden.zero_shot!;
    const options = { candidateLabels: zeroShot.candidate_labels, hypothesisTemplate: zeroShot.hypothesis_template };
    expect(hypotheses(options)).toEqual(zeroShot.hypotheses);
    const pairs = await predictTexts(
      model,
      zeroShot.hypotheses.map((hypothesis) => [zeroShot.text, hypothesis] as const),
    );
    const logits = pairs.map(({ prediction }) => prediction.logits);
    logits.forEach((row, k) => expect(maxDifference(row, zeroShot.logits[k]!)).toBeLessThanOrEqual(TOLERANCE));
    // From the model's own logits, so that the check is of the formula, not of the logits again.
    expect(
      maxDifference(zeroShotScores(logits, model.config.labels), zeroShot.single_label.scores),
    ).toBeLessThanOrEqual(1e-6);
    expect(
      maxDifference(zeroShotScores(logits, model.config.labels, { multiLabel: true }), zeroShot.multi_label.scores),
    ).toBeLessThanOrEqual(1e-6);
  });
});
