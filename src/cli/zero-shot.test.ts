/**
 * `explain --zero-shot` over an NLI model: candidates scored as transformers.js's zero-shot pipeline does
 * (tiny-bert's golden case, scripts/task_goldens.py), the best one explained as its pair's entailment.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../engine/paths.js';
import type { ResultsDocument } from '../shared/results.js';
import { EXIT_OK, EXIT_USAGE } from './main.js';
import { cli } from './test-cli.js';

const { zero_shot: golden } = JSON.parse(
  readFileSync(join(PACKAGE_ROOT, 'fixtures/golden/tiny-bert.pairs.json'), 'utf8'),
) as {
  zero_shot: {
    text: string;
    candidate_labels: string[];
    single_label: { scores: number[] };
    multi_label: { scores: number[] };
  };
};
const model = join(PACKAGE_ROOT, 'fixtures/models/tiny-bert');
let file: string;
beforeAll(async () => {
  file = join(await mkdtemp(join(tmpdir(), 'xai-zero-shot-')), 'texts.txt');
  await writeFile(file, `${golden.text}\n`);
});

const run = async (...extra: string[]) => {
  const labels = golden.candidate_labels.join(',');
  const result = await cli(
    'explain',
    file,
    '--model',
    model,
    '--methods',
    'occlusion',
    '--zero-shot',
    labels,
    ...extra,
  );
  return result;
};

describe('explain --zero-shot', () => {
  it("scores every candidate as the pipeline does and explains the best one's entailment", async () => {
    const result = await run('--json');
    expect(result.code, result.err).toBe(EXIT_OK);
    const [sentence] = (JSON.parse(result.out) as ResultsDocument).sentences;
    const { zeroShot } = sentence!;
    zeroShot!.scores.forEach((score, k) => expect(Math.abs(score - golden.single_label.scores[k]!)).toBeLessThan(1e-6));
    expect(zeroShot!.label).toBe('sports');
    expect(sentence!.textPair).toBe('This example is sports.');
    expect(sentence!.explanations.occlusion!.options).toMatchObject({ target: 0, targetLabel: 'entailment' });
  });

  it('scores labels on their own with --zero-shot-multi-label, and explains the label asked for', async () => {
    const result = await run('--json', '--zero-shot-multi-label', '--zero-shot-label', 'politics');
    expect(result.code, result.err).toBe(EXIT_OK);
    const [sentence] = (JSON.parse(result.out) as ResultsDocument).sentences;
    sentence!.zeroShot!.scores.forEach((score, k) =>
      expect(Math.abs(score - golden.multi_label.scores[k]!)).toBeLessThan(1e-6),
    );
    expect(sentence!.textPair).toBe('This example is politics.');
  });

  it('prints the ranked candidates, and refuses a label that is not one or a target of its own', async () => {
    const table = await run();
    expect(table.out.split('\n')[0]).toMatch(
      /^sports\tsports 0\.4337 · politics 0\.2835 · technology 0\.2828 \(zero-shot\)\t/,
    );
    const wrong = await run('--zero-shot-label', 'music');
    expect(wrong.err).toContain('the label to explain, music, is not a candidate (sports, politics, technology)');
    const target = await run('--target', 'neutral');
    expect(target.code).not.toBe(EXIT_OK);
    expect(target.err).toContain("zero-shot explains the entailment of the chosen label's pair");
    expect([EXIT_USAGE, 1]).toContain(target.code);
  });
});
