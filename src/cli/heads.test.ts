/** The CLI's prediction lines for every head, and `--threshold`. */
import { cpSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MULTI_LABEL_MODEL,
  MULTI_LABEL_NONE_RESULT,
  MULTI_LABEL_RESULT,
  REGRESSION_MODEL,
  REGRESSION_RESULT,
  SINGLE_LABEL_MODEL,
  SINGLE_LABEL_RESULT,
} from '../shared/charts/test-heads.js';
import type { ResultsDocument } from '../shared/results.js';
import { PACKAGE_ROOT } from '../engine/paths.js';
import { EXIT_OK, EXIT_USAGE, formatPrediction } from './main.js';
import { cli } from './test-cli.js';

const TEXT = MULTI_LABEL_RESULT.text;

describe('formatPrediction', () => {
  it('prints a single-label prediction as label and probability', () => {
    expect(formatPrediction(SINGLE_LABEL_RESULT, SINGLE_LABEL_MODEL)).toBe(`POSITIVE\t0.9933\t${TEXT}\n`);
  });

  it("prints a multi-label prediction as the set of predicted labels with every label's own sigmoid", () => {
    expect(formatPrediction(MULTI_LABEL_RESULT, MULTI_LABEL_MODEL)).toBe(
      `anger, surprise\tanger 0.9002 · surprise 0.8022 · joy 0.4502 · sadness 0.1544 (multi-label, threshold 0.5)\t${TEXT}\n`,
    );
  });

  it('says (none) when no label reaches the threshold, and names the threshold used', () => {
    expect(formatPrediction(MULTI_LABEL_NONE_RESULT, { ...MULTI_LABEL_MODEL, threshold: 0.45 })).toBe(
      '(none)\tjoy 0.4256 · surprise 0.2891 · anger 0.2689 · sadness 0.1192 (multi-label, threshold 0.45)\tFine.\n',
    );
  });

  it('prints a regression prediction as its score, with no probability', () => {
    expect(formatPrediction(REGRESSION_RESULT, REGRESSION_MODEL)).toBe(`score 0.7342\t${TEXT}\n`);
    expect(formatPrediction({ ...REGRESSION_RESULT, int8Drift: 0.0012 }, REGRESSION_MODEL)).toBe(
      `score 0.7342\t${TEXT}\n  int8 drift from fp32: max |Δscore| 1.20e-3\n`,
    );
  });
});

describe('a multi-label model through the command line', () => {
  let folder: string;
  let model: string;
  let input: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'xai-cli-heads-'));
    process.env.HF_HUB_OFFLINE = '1';
    // The demo model read as multi-label: its two logits become two independent sigmoids.
    model = join(folder, 'multi-label');
    cpSync(join(PACKAGE_ROOT, 'resources/models/demo-sst2'), model, { recursive: true });
    const config = JSON.parse(await readFile(join(model, 'config.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(
      join(model, 'config.json'),
      JSON.stringify({ ...config, problem_type: 'multi_label_classification' }),
    );
    input = join(folder, 'in.txt');
    await writeFile(input, 'You look terrible! Maybe you should rest?\n');
  });

  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('prints the predicted labels and sigmoids, and passes --threshold to the model', async () => {
    const plain = await cli('predict', input, '--model', model);
    expect(plain.code).toBe(EXIT_OK);
    expect(plain.out).toMatch(
      /^NEGATIVE\tNEGATIVE 0\.\d{4} · POSITIVE 0\.\d{4} \(multi-label, threshold 0\.5\)\tYou look terrible/,
    );
    const json = await cli('predict', input, '--model', model, '--threshold', '0.999', '--json');
    expect(json.code).toBe(EXIT_OK);
    const document = JSON.parse(json.out) as ResultsDocument;
    expect(document.model).toMatchObject({ task: 'multi_label_classification', threshold: 0.999 });
    expect(document.sentences[0]!.predictedLabels).toEqual([]);
    const strict = await cli('explain', input, '--model', model, '--threshold', '0.999', '--methods', 'occlusion');
    expect(strict.code).toBe(EXIT_OK);
    expect(strict.out).toMatch(/^\(none\)\tNEGATIVE 0\.\d{4} · POSITIVE 0\.\d{4} \(multi-label, threshold 0\.999\)\t/);
  });

  it('refuses a threshold outside (0, 1), and warns that a single-label model ignores it', async () => {
    for (const value of ['0', '1', '1.5', 'half', '']) {
      const wrong = await cli('predict', input, '--model', model, '--threshold', value);
      expect(wrong.code, value).toBe(EXIT_USAGE);
      expect(wrong.err, value).toBe(`error: --threshold must be a number between 0 and 1 (exclusive); got ${value}\n`);
    }
    const ignored = await cli('predict', input, '--model', 'demo', '--threshold', '0.3');
    expect(ignored.code).toBe(EXIT_OK);
    expect(ignored.err).toContain('warning: --threshold is ignored: demo-sst2 (bundled demo) has a single-label head');
    expect(ignored.out).toMatch(/^NEGATIVE\t0\.\d{4}\t/);
  });
});
