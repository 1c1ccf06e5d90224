/**
 * The bundled sentiment demo (`--model demo`, trained on generated reviews by scripts/train_demo.py) through the CLI,
 * against the thresholds of its model card: the seed sentence NEGATIVE with p > 0.9, and at least 85% of the
 * hand-written review sentences of examples/natural-reviews.jsonl (labelled, never trained on) right. The exported
 * graph against PyTorch: src/engine/model/golden.test.ts (fixtures/golden/demo-sst2.json).
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../engine/paths.js';
import type { ResultsDocument } from '../shared/results.js';
import { EXIT_OK } from './main.js';
import { cli } from './test-cli.js';

const SEED = 'You look terrible! Maybe you should rest?';
const NATURAL = join(PACKAGE_ROOT, 'examples/natural-reviews.jsonl');
/** The model card's (and issue 19's) thresholds. */
const SEED_PROBABILITY = 0.9;
const NATURAL_ACCURACY = 0.85;

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'xai-demo-cli-'));
  process.env.XAI_WORKBENCH_CACHE = join(folder, 'cache');
  process.env.HF_HUB_CACHE = join(folder, 'hub');
  process.env.HF_HUB_OFFLINE = '1';
});

describe('the sentiment demo through the CLI', () => {
  it(`calls the seed sentence NEGATIVE with p > ${SEED_PROBABILITY}`, async () => {
    const input = join(folder, 'seed.txt');
    await writeFile(input, `${SEED}\n`);
    const { code, out } = await cli('predict', input, '--model', 'demo', '--json');
    expect(code).toBe(EXIT_OK);
    const { sentences, model } = JSON.parse(out) as ResultsDocument;
    expect(model.source).toBe('demo');
    expect(sentences[0]!.predictedLabel).toBe('NEGATIVE');
    expect(sentences[0]!.probabilities.NEGATIVE).toBeGreaterThan(SEED_PROBABILITY);
  });

  it(`gets at least ${100 * NATURAL_ACCURACY}% of the hand-written natural review sentences right`, async () => {
    const lines = (await readFile(NATURAL, 'utf8')).split('\n').filter((line) => line.trim());
    expect(lines.length).toBeGreaterThanOrEqual(60);
    const { code, out } = await cli('predict', NATURAL, '--model', 'demo', '--json');
    expect(code).toBe(EXIT_OK);
    const { sentences } = JSON.parse(out) as ResultsDocument;
    expect(sentences.length).toBe(lines.length);
    expect(new Set(sentences.map((sentence) => sentence.trueLabel))).toEqual(new Set(['NEGATIVE', 'POSITIVE']));
    const correct = sentences.filter((sentence) => sentence.predictedLabel === sentence.trueLabel).length;
    expect(correct / sentences.length).toBeGreaterThanOrEqual(NATURAL_ACCURACY);
    // Both labels are found, not one label for everything.
    for (const label of ['NEGATIVE', 'POSITIVE']) {
      const ofLabel = sentences.filter((sentence) => sentence.trueLabel === label);
      const found = ofLabel.filter((sentence) => sentence.predictedLabel === label).length;
      expect(found / ofLabel.length, `recall of ${label}`).toBeGreaterThanOrEqual(0.75);
    }
  });
});
