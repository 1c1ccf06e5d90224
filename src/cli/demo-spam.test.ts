/**
 * The bundled spam demo through the CLI: examples/emails.jsonl holds the first ten held-out messages of each folder
 * of the SpamAssassin corpus (never trained on; scripts/train_spam.py) with their labels, and `predict` must meet
 * the model card's 95% accuracy on them and find most of each label; `models` lists it beside the sentiment demo.
 * The exported graph against PyTorch: src/engine/model/demo-spam.golden.test.ts.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT, SPAM_DEMO_MODEL_ID } from '../engine/paths.js';
import type { ResultsDocument } from '../shared/results.js';
import { EXIT_OK } from './main.js';
import { cli } from './test-cli.js';

const EXAMPLES = join(PACKAGE_ROOT, 'examples/emails.jsonl');
/** The model card's target on held-out messages. */
const ACCURACY = 0.95;

beforeAll(async () => {
  const folder = await mkdtemp(join(tmpdir(), 'xai-spam-cli-'));
  process.env.XAI_WORKBENCH_CACHE = join(folder, 'cache');
  process.env.HF_HUB_CACHE = join(folder, 'hub');
  process.env.HF_HUB_OFFLINE = '1';
});

describe('demo-spam through the CLI', () => {
  it(`predicts the held-out examples/emails.jsonl with at least ${100 * ACCURACY}% accuracy`, async () => {
    const { code, out } = await cli('predict', EXAMPLES, '--model', SPAM_DEMO_MODEL_ID, '--json');
    expect(code).toBe(EXIT_OK);
    const { sentences, model } = JSON.parse(out) as ResultsDocument;
    expect(model.source).toBe(SPAM_DEMO_MODEL_ID);
    expect(sentences.length).toBe(50);
    const correct = sentences.filter((sentence) => sentence.predictedLabel === sentence.trueLabel).length;
    expect(correct / sentences.length).toBeGreaterThanOrEqual(ACCURACY);
    for (const label of ['ham', 'spam']) {
      const ofLabel = sentences.filter((sentence) => sentence.trueLabel === label);
      const found = ofLabel.filter((sentence) => sentence.predictedLabel === label).length;
      expect(found / ofLabel.length, `recall of ${label}`).toBeGreaterThanOrEqual(0.9);
    }
    // Long inputs are the point: many messages are cut at 256 tokens, each with its warning.
    const truncated = sentences.filter((sentence) => sentence.truncated);
    expect(truncated.length).toBeGreaterThan(sentences.length / 3);
    expect(truncated.every((sentence) => sentence.warnings.some((warning) => warning.code === 'truncated'))).toBe(true);
  });

  it('is listed by `models` beside the sentiment demo', async () => {
    const { code, out } = await cli('models', '--json');
    expect(code).toBe(EXIT_OK);
    const bundled = (JSON.parse(out) as { id: string; bundled?: boolean; labels?: string[] }[]).filter(
      (model) => model.bundled,
    );
    expect(bundled.map((model) => model.id)).toEqual(['demo', SPAM_DEMO_MODEL_ID]);
    expect(bundled[1]!.labels).toEqual(['ham', 'spam']);
    const text = await cli('models');
    expect(text.out).toMatch(/^bundled \(--model <id>\):\ndemo\t.*\ndemo-spam\t\d+\.\d MB\tham, spam\t/m);
  });
});
