/**
 * Sentence pairs from a file through the CLI: a tab-separated .txt line is a pair, encoded with the pair
 * template and type ids, predicted as PyTorch did (fixtures/golden/tiny-bert.pairs.json) and explained.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../engine/paths.js';
import type { ResultsDocument } from '../shared/results.js';
import { EXIT_OK } from './main.js';
import { cli } from './test-cli.js';

const golden = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'fixtures/golden/tiny-bert.pairs.json'), 'utf8')) as {
  pairs: { text: string; text_pair: string; ids: number[]; logits: number[] }[];
};

describe('explain on a file of sentence pairs', () => {
  it('encodes each tab-separated line as a pair, predicts as PyTorch did and explains both texts', async () => {
    const pairs = golden.pairs.slice(0, 3);
    const file = join(await mkdtemp(join(tmpdir(), 'xai-pairs-')), 'pairs.txt');
    await writeFile(file, pairs.map((pair) => `${pair.text}\t${pair.text_pair}\n`).join(''));
    const model = join(PACKAGE_ROOT, 'fixtures/models/tiny-bert');
    const result = await cli('explain', file, '--model', model, '--methods', 'occlusion,shap', '--json');
    expect(result.code, result.err).toBe(EXIT_OK);
    const { sentences } = JSON.parse(result.out) as ResultsDocument;
    sentences.forEach((sentence, i) => {
      expect(sentence.textPair).toBe(pairs[i]!.text_pair);
      expect(sentence.ids).toEqual(pairs[i]!.ids);
      sentence.logits.forEach((logit, c) => expect(Math.abs(logit - pairs[i]!.logits[c]!)).toBeLessThan(1e-5));
      // Both texts get scores; the specials (the separator too) get none from occlusion.
      const { raw } = sentence.explanations.occlusion!;
      expect(raw.filter((_, t) => sentence.special![t])).toEqual([0, 0, 0]);
      for (const text of [0, 1])
        expect(raw.some((value, t) => sentence.sequenceIds![t] === text && value !== 0)).toBe(true);
    });
    const table = await cli('predict', file, '--model', model);
    expect(table.out.split('\n')[0]).toContain(`${pairs[0]!.text} │ ${pairs[0]!.text_pair}`);
  });
});
