/**
 * `ModelInfo.maskToken`: the text a face puts in place of a token to mask it (the app's what-if "mask"), the
 * tokenizer's own mask token as its folder names it; absent when the folder names none.
 */
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../paths.js';
import { ModelBundle } from './bundle.js';

async function maskTokenOf(folder: string): Promise<string | undefined> {
  const model = await ModelBundle.load(folder, { cacheDir: await mkdtemp(join(tmpdir(), 'xai-mask-')) });
  try {
    return model.info.maskToken;
  } finally {
    await model.dispose();
  }
}

describe('ModelInfo.maskToken', () => {
  it.each([
    ['tiny-distilbert', '[MASK]'],
    ['tiny-roberta', '<mask>'],
  ])('%s names %s', async (name, mask) => {
    expect(await maskTokenOf(join(PACKAGE_ROOT, 'fixtures/models', name))).toBe(mask);
  });

  it('is absent for a tokenizer that names no mask token', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'xai-no-mask-'));
    await cp(join(PACKAGE_ROOT, 'fixtures/models/tiny-distilbert'), folder, { recursive: true });
    for (const file of ['tokenizer_config.json', 'special_tokens_map.json']) {
      const json = JSON.parse(await readFile(join(folder, file), 'utf8')) as Record<string, unknown>;
      delete json.mask_token;
      await writeFile(join(folder, file), JSON.stringify(json));
    }
    expect(await maskTokenOf(folder)).toBeUndefined();
  });
});
