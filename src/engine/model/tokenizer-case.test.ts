/**
 * `lowercases` (what the corpus view folds its keys by) read from tokenizer.json's normalizer, against the
 * tokenizer's own behaviour: a tokenizer folds case exactly when "Good GOOD" and "good good" get the same ids.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../paths.js';
import { TextTokenizer } from './tokenizer.js';

const FOLDERS = [
  'resources/models/demo-sst2',
  'fixtures/models/tiny-bert-cased',
  'fixtures/models/tiny-roberta',
  'fixtures/models/tiny-xlmr',
  'fixtures/models/tiny-albert',
  'fixtures/models/tiny-deberta',
];

describe('TextTokenizer.lowercases', () => {
  it.each(FOLDERS)('%s: folds case exactly when its encodings do', async (folder) => {
    const tokenizer = await TextTokenizer.load(join(PACKAGE_ROOT, folder), 512);
    const [mixed, lower] = await tokenizer.encodeBatch(['Good GOOD Film', 'good good film']);
    expect(tokenizer.lowercases).toBe(JSON.stringify(mixed!.ids) === JSON.stringify(lower!.ids));
  });

  it('covers both answers', async () => {
    const answers = await Promise.all(
      FOLDERS.map(async (folder) => (await TextTokenizer.load(join(PACKAGE_ROOT, folder), 512)).lowercases),
    );
    expect(new Set(answers)).toEqual(new Set([true, false]));
  });
});
