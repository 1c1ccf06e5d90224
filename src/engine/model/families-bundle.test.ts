/**
 * The RoBERTa-family fixtures (byte-level BPE and SentencePiece tokenizers) loaded as a user's folder would be,
 * through every method: each is available, runs with the model's own specials (`<s>`, `</s>`, `<pad>`,
 * `<mask>`), and truncation keeps `</s>`. And the fixtures whose graph takes `token_type_ids` with specials of
 * their own (multilingual BERT's `[CLS]` 101), every method on a pair whose second text has type id 1.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainTexts } from '../explain.js';
import { describeMethods, EXPLAINERS } from '../explainers/registry.js';
import { evaluateExplanation } from '../metrics/evaluate.js';
import { PACKAGE_ROOT } from '../paths.js';
import { predictTexts } from '../predict.js';
import { ModelBundle } from './bundle.js';

describe.each([
  { name: 'tiny-roberta', modelType: 'roberta', tokenizer: 'BPE' },
  { name: 'tiny-xlmr', modelType: 'xlm-roberta', tokenizer: 'Unigram' },
])('$name, a $modelType folder with a $tokenizer tokenizer', ({ name, modelType, tokenizer }) => {
  let model: ModelBundle;
  beforeAll(async () => {
    model = await ModelBundle.load(join(PACKAGE_ROOT, 'fixtures/models', name), {
      cacheDir: await mkdtemp(join(tmpdir(), 'xai-families-')),
    });
  });
  afterAll(() => model.dispose());

  it('says which family and tokenizer it has, and keeps to the positions the graph can number', () => {
    expect(model.info.modelType).toBe(modelType);
    expect(model.info.tokenizer).toBe(tokenizer);
    expect(model.info.maxLength).toBe(64); // 66 positions, numbered from padding_idx + 1 = 2
    expect(model.tokenizer.specials).toMatchObject({
      pad: { token: '<pad>', id: 1 },
      cls: { token: '<s>', id: 0 },
      sep: { token: '</s>', id: 2 },
      mask: { token: '<mask>' },
    });
  });

  it('offers every method', async () => {
    const methods = await describeMethods(model);
    expect(methods.filter((method) => !method.available)).toEqual([]);
    expect(methods.map((method) => method.id)).toEqual(EXPLAINERS.map((explainer) => explainer.id));
  });

  it('explains with every method and the metrics, scoring the specials 0 where the method does', async () => {
    const long = Array.from({ length: 100 }, () => 'word').join(' ');
    const methods = Object.fromEntries(EXPLAINERS.map((explainer) => [explainer.id, {}]));
    const document = await explainTexts(model, ['What a wonderful film!', long], methods);
    const [sentence, truncated] = document.sentences;
    expect(sentence!.tokens[0]).toBe('<s>');
    expect(sentence!.tokens.at(-1)).toBe('</s>');
    expect(sentence!.special).toEqual(sentence!.tokens.map((_, i) => i === 0 || i === sentence!.tokens.length - 1));
    expect(truncated!.ids).toHaveLength(64);
    expect(truncated!.ids.at(-1)).toBe(2);
    expect(truncated!.warnings.map((warning) => warning.code)).toEqual(['truncated']);
    for (const explanation of Object.values(sentence!.explanations)) {
      expect(explanation.scores, explanation.method).toHaveLength(sentence!.tokens.length);
      expect(explanation.scores.every(Number.isFinite), explanation.method).toBe(true);
    }
    for (const method of ['lime', 'occlusion', 'shap']) {
      const { raw } = sentence!.explanations[method]!;
      expect([raw[0], raw.at(-1)], method).toEqual([0, 0]);
    }
    expect(sentence!.explanations.shap!.options.maskToken).toBe('<mask>');
    expect(sentence!.explanations.lime!.options.maskToken).toBe('<mask>');
    const [input] = await predictTexts(model, ['What a wonderful film!']);
    const metrics = await evaluateExplanation(model, input!, sentence!.explanations.occlusion!);
    expect(Object.values(metrics).every((value) => value === null || Number.isFinite(value))).toBe(true);
  });
});

describe.each([
  {
    name: 'tiny-bert-multilingual',
    modelType: 'bert',
    tokenizer: 'WordPiece',
    specials: { pad: 0, unk: 100, cls: 101, sep: 102, mask: 103 },
  },
  {
    name: 'tiny-deberta-v2',
    modelType: 'deberta-v2',
    tokenizer: 'Unigram',
    specials: { pad: 0, cls: 1, sep: 2, unk: 3 },
  },
])(
  '$name, a $modelType folder with token types and a $tokenizer tokenizer',
  ({ name, modelType, tokenizer, specials }) => {
    let model: ModelBundle;
    beforeAll(async () => {
      model = await ModelBundle.load(join(PACKAGE_ROOT, 'fixtures/models', name), {
        cacheDir: await mkdtemp(join(tmpdir(), 'xai-families-')),
      });
    });
    afterAll(() => model.dispose());

    it('says which family and tokenizer it has, with the specials its files name', () => {
      expect(model.info.modelType).toBe(modelType);
      expect(model.info.tokenizer).toBe(tokenizer);
      expect(model.info.maxLength).toBe(64);
      const ids = Object.fromEntries(
        Object.entries(model.tokenizer.specials).map(([role, token]) => [role, (token as { id: number }).id]),
      );
      expect(ids).toMatchObject(specials);
    });

    it('offers every method', async () => {
      const methods = await describeMethods(model);
      expect(methods.filter((method) => !method.available)).toEqual([]);
    });

    it('explains a pair with every method, the second text read with type id 1', async () => {
      const methods = Object.fromEntries(EXPLAINERS.map((explainer) => [explainer.id, {}]));
      const pair = ['Der Film war großartig.', 'The film was great.'] as const;
      const [predicted] = await predictTexts(model, [pair]);
      const { sequenceIds, tokenTypeIds } = predicted!.encoded;
      const second = sequenceIds.indexOf(1);
      expect(tokenTypeIds).toEqual(sequenceIds.map((_, i) => (i >= second ? 1 : 0)));
      const [sentence] = (await explainTexts(model, [pair], methods)).sentences;
      expect(sentence!.textPair).toBe(pair[1]);
      for (const explanation of Object.values(sentence!.explanations)) {
        expect(explanation.scores, explanation.method).toHaveLength(sentence!.tokens.length);
        expect(explanation.scores.every(Number.isFinite), explanation.method).toBe(true);
        // Plain IG sums over the hidden axis in front of a LayerNorm: degenerate for every BERT (methods.md).
        const codes = (explanation.warnings ?? []).map((warning) => warning.code);
        expect(codes, explanation.method).toEqual(explanation.method === 'integrated_gradients' ? ['degenerate'] : []);
      }
    });
  },
);

describe('a text only of characters the vocabulary lacks', () => {
  it.each([
    { name: 'tiny-bert-cased', unknown: '[UNK]' },
    { name: 'tiny-bert-multilingual', unknown: '[UNK]' },
    { name: 'tiny-xlmr', unknown: '<unk>' },
  ])('is explained on $name, as its $unknown; a text of only what the tokenizer drops is refused', async (fixture) => {
    const model = await ModelBundle.load(join(PACKAGE_ROOT, 'fixtures/models', fixture.name), {
      cacheDir: await mkdtemp(join(tmpdir(), 'xai-families-')),
    });
    try {
      const [parrot] = await predictTexts(model, ['\u{1F99C}']);
      expect(parrot!.encoded.tokens.slice(1, -1)).toContain(fixture.unknown);
      // BERT's normalizer drops format characters such as U+200B (Metaspace keeps it as a piece).
      if (fixture.unknown === '[UNK]') {
        await expect(predictTexts(model, ['\u200b'])).rejects.toThrow(/has no token for the model/);
      }
    } finally {
      await model.dispose();
    }
  });
});
