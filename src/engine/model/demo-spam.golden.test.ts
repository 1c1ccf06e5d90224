/**
 * The bundled spam demo (`--model demo-spam`: resources/models/demo-spam, trained by scripts/train_spam.py on the
 * SpamAssassin public corpus) against PyTorch: fixtures/golden/demo-spam.json, written by the training script after
 * its last epoch, holds held-out messages (two of each corpus folder, most longer than the model's 256 tokens) with
 * PyTorch's tokens, ids, logits and, for the shortest, its attention maps. The exported graph must tokenize,
 * truncate and predict as PyTorch did. The CLI on the shipped held-out examples: src/cli/demo-spam.test.ts.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionMaps } from '../explainers/attention.js';
import { PACKAGE_ROOT, SPAM_DEMO_MODEL_ID } from '../paths.js';
import { predictEncoded } from '../predict.js';
import { maxDifference } from '../test-numbers.js';
import { ModelBundle } from './bundle.js';

interface GoldenMessage {
  folder: string;
  label: string;
  text: string;
  tokens: string[];
  ids: number[];
  truncated: boolean;
  logits: number[];
  probabilities: number[];
  attentions?: number[][][][];
}

const golden = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'fixtures/golden/demo-spam.json'), 'utf8')) as {
  max_length: number;
  labels: string[];
  held_out_metrics: Record<string, { accuracy: number }>;
  sentences: GoldenMessage[];
};
const TOLERANCE = 1e-5;
/** The model card's target on held-out messages. */
const ACCURACY = 0.95;

describe('demo-spam against PyTorch', () => {
  let model: ModelBundle;

  beforeAll(async () => {
    model = await ModelBundle.load(SPAM_DEMO_MODEL_ID, { cacheDir: await mkdtemp(join(tmpdir(), 'xai-spam-')) });
  });
  afterAll(() => model.dispose());

  it('is the bundled spam filter: ham and spam, 256 tokens', () => {
    expect(model.info.name).toBe('demo-spam (bundled demo)');
    expect(model.info.labels).toEqual(golden.labels);
    expect(golden.labels).toEqual(['ham', 'spam']);
    expect(model.info.maxLength).toBe(256);
    expect(golden.held_out_metrics['all held-out']!.accuracy).toBeGreaterThanOrEqual(ACCURACY);
  });

  it('tokenizes held-out messages as the training tokenizer did, truncation at 256 tokens included', async () => {
    for (const message of golden.sentences) {
      const encoded = await model.tokenizer.encode(message.text);
      expect(encoded.ids, message.text.slice(0, 60)).toEqual(message.ids);
      expect(encoded.tokens, message.text.slice(0, 60)).toEqual(message.tokens);
      expect(encoded.truncated, message.text.slice(0, 60)).toBe(message.truncated);
    }
    expect(golden.sentences.filter((message) => message.truncated).length).toBeGreaterThan(1);
  });

  it("predicts PyTorch's logits and probabilities in one padded batch", async () => {
    const encodings = await model.tokenizer.encodeBatch(golden.sentences.map((message) => message.text));
    const predictions = await predictEncoded(model, encodings, { batchSize: golden.sentences.length });
    predictions.forEach((prediction, i) => {
      const expected = golden.sentences[i]!;
      const what = `${expected.folder}: ${expected.text.slice(0, 60)}`;
      expect(maxDifference(prediction.logits, expected.logits), `${what}: logits`).toBeLessThanOrEqual(TOLERANCE);
      const probabilities = golden.labels.map((label) => prediction.probabilities[label]!);
      expect(maxDifference(probabilities, expected.probabilities), `${what}: probabilities`).toBeLessThanOrEqual(
        TOLERANCE,
      );
    });
  });

  it("exposes PyTorch's attention maps", async () => {
    const withMaps = golden.sentences.filter((message) => message.attentions);
    expect(withMaps.length).toBe(1);
    for (const message of withMaps) {
      const { maps } = await attentionMaps(model, await model.tokenizer.encode(message.text));
      expect(maps.length).toBe(message.attentions!.length);
      maps.forEach((heads, layer) =>
        heads.forEach((map, head) =>
          expect(
            maxDifference(map, message.attentions![layer]![head]!.flat()),
            `layer ${layer} head ${head}`,
          ).toBeLessThanOrEqual(TOLERANCE),
        ),
      );
    }
  });
});
