/**
 * tiny-roberta with its byte-level BPE tokenizer, loaded as a user's RoBERTa folder would be: what works
 * already (predictions, attention, gradients on the RoBERTa graph surgery) and what is refused with its
 * reason until the text layer derives BPE offsets (SHAP's masker; the CLI's --words in src/cli/faults.test.ts), never a silent number.
 */
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainTexts } from '../explain.js';
import { describeMethods } from '../explainers/registry.js';
import { PACKAGE_ROOT } from '../paths.js';
import { ModelBundle } from './bundle.js';

const folder = mkdtempSync(join(tmpdir(), 'xai-roberta-'));
const modelDir = join(folder, 'tiny-roberta');
cpSync(join(PACKAGE_ROOT, 'fixtures/models/tiny-roberta'), modelDir, { recursive: true });
cpSync(join(PACKAGE_ROOT, 'fixtures/tokenizers/roberta-bpe'), modelDir, { recursive: true });

let model: ModelBundle;
beforeAll(async () => {
  model = await ModelBundle.load(modelDir, { cacheDir: join(folder, 'cache') });
});
afterAll(() => model.dispose());

describe('a RoBERTa folder with a byte-level BPE tokenizer', () => {
  it('says which tokenizer it has, and keeps to the positions the graph can number', () => {
    expect(model.info.modelType).toBe('roberta');
    expect(model.info.tokenizer).toBe('BPE');
    expect(model.info.maxLength).toBe(64); // 66 positions, numbered from padding_idx + 1 = 2
  });

  it('offers SHAP only once BPE offsets are derived, and says why not now', async () => {
    const methods = await describeMethods(model);
    const shap = methods.find((method) => method.id === 'shap')!;
    expect(shap.available).toBe(false);
    expect(shap.unavailableReason).toBe(
      "token offsets and words are only derived for WordPiece tokenizers so far; this model's tokenizer is BPE",
    );
    expect(methods.filter((method) => !method.available).map((method) => method.id)).toEqual(['shap']);
    await expect(explainTexts(model, ['a fine film'], { shap: {} })).rejects.toThrow(
      /shap is unavailable for this model: .*this model's tokenizer is BPE/,
    );
  });

  it('explains with the methods that do not depend on token offsets', async () => {
    const long = Array.from({ length: 100 }, () => 'word').join(' ');
    const document = await explainTexts(model, ['What a wonderful film!', long], {
      attention: {},
      occlusion: {},
      integrated_gradients_x_input: {},
    });
    const [sentence, truncated] = document.sentences;
    expect(sentence!.tokens[0]).toBe('<s>');
    expect(sentence!.tokens.at(-1)).toBe('</s>');
    expect(truncated!.ids).toHaveLength(64);
    expect(truncated!.ids.at(-1)).toBe(2);
    for (const explanation of Object.values(sentence!.explanations)) {
      expect(explanation.scores).toHaveLength(sentence!.tokens.length);
      expect(explanation.scores.every(Number.isFinite)).toBe(true);
    }
  });
});
