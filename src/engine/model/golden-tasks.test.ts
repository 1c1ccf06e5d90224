/**
 * Other classifier heads against PyTorch: tiny-distilbert-multilabel (problem_type multi_label_classification,
 * a sigmoid per label) and tiny-bert-regression (one output, the score), whose golden files
 * scripts/task_fixtures.py writes from its PyTorch models: token ids, logits, the head's outputs and every
 * attention map for export_models.py's sentences.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../shared/results.js';
import { attentionMaps } from '../explainers/attention.js';
import { PACKAGE_ROOT } from '../paths.js';
import { predictEncoded } from '../predict.js';
import { ModelBundle } from './bundle.js';
import { maxDifference } from '../test-numbers.js';

interface GoldenSentence {
  text: string;
  tokens: string[];
  ids: number[];
  truncated: boolean;
  logits: number[];
  /** Multi-label: each label's sigmoid; regression: the score itself. */
  probabilities: number[];
  predicted_labels?: string[];
  score?: number;
  attentions: number[][][][];
}

interface Golden {
  labels: string[];
  problem_type: Task;
  sentences: GoldenSentence[];
}

const TOLERANCE = 1e-5;
/** The Tasks issue's bound for a multi-label head's sigmoids (σ' ≤ ¼ keeps them tighter than the logits). */
const SIGMOID_TOLERANCE = 1e-6;

function expectClose(
  actual: ArrayLike<number>,
  expected: readonly number[],
  what: string,
  tolerance = TOLERANCE,
): void {
  expect(maxDifference(actual, expected), `${what}: max abs difference`).toBeLessThanOrEqual(tolerance);
}

describe.each(['tiny-distilbert-multilabel', 'tiny-bert-regression'])('%s against PyTorch', (name) => {
  const golden = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'fixtures/golden', `${name}.json`), 'utf8')) as Golden;
  let model: ModelBundle;

  beforeAll(async () => {
    model = await ModelBundle.load(join(PACKAGE_ROOT, 'fixtures/models', name), {
      cacheDir: await mkdtemp(join(tmpdir(), 'xai-golden-tasks-')),
    });
  });
  afterAll(() => model.dispose());

  it('reads the head from config.json', () => {
    expect(model.info.labels).toEqual(golden.labels);
    expect(model.info.task).toBe(golden.problem_type);
  });

  it('tokenizes as the reference tokenizer', async () => {
    for (const sentence of golden.sentences) {
      const encoded = await model.tokenizer.encode(sentence.text);
      expect(encoded.ids, sentence.text).toEqual(sentence.ids);
      expect(encoded.truncated, sentence.text).toBe(sentence.truncated);
    }
  });

  it('predicts the same logits and head outputs in one padded batch', async () => {
    const encodings = await model.tokenizer.encodeBatch(golden.sentences.map((sentence) => sentence.text));
    const predictions = await predictEncoded(model, encodings, { batchSize: golden.sentences.length });
    predictions.forEach((prediction, i) => {
      const expected = golden.sentences[i]!;
      expectClose(prediction.logits, expected.logits, `${expected.text}: logits`);
      if (golden.problem_type === 'regression') {
        expectClose([prediction.score!], [expected.score!], `${expected.text}: score`);
      } else {
        expectClose(
          golden.labels.map((label) => prediction.probabilities[label]!),
          expected.probabilities,
          `${expected.text}: sigmoids`,
          SIGMOID_TOLERANCE,
        );
        expect(prediction.predictedLabels, expected.text).toEqual(expected.predicted_labels);
      }
    });
  });

  it('exposes every attention map', async () => {
    for (const sentence of golden.sentences) {
      const { maps } = await attentionMaps(model, await model.tokenizer.encode(sentence.text));
      expect(maps.length).toBe(model.config.layers);
      maps.forEach((heads, layer) =>
        heads.forEach((map, head) =>
          expectClose(map, sentence.attentions[layer]![head]!.flat(), `${sentence.text}: layer ${layer} head ${head}`),
        ),
      );
    }
  });
});
