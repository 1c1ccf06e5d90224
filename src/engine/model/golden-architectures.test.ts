/**
 * More encoder families and exporter variants against PyTorch (scripts/export_models.py): ids, labels, logits
 * and probabilities of one padded batch, and every attention map. The exporter variants are tiny-bert's and
 * tiny-distilbert's own weights exported another way (opset 17 with native LayerNormalization, attention in
 * torch 2.x's scaled-dot-product form, opset 12), so they are held to their base model's golden file. A family
 * with `derived` also has every derived graph checked here (at its own opset; the logits of the exported, the
 * inputs_embeds and the int8 graph), as golden-variants.test.ts checks the others. A golden entry with a
 * `text_pair` is a sentence pair, encoded as one (its type ids checked where the golden has them).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionMaps } from '../explainers/attention.js';
import { opsetVersion, readModel } from '../onnx/proto.js';
import type { TextInput } from '../../shared/results.js';
import { PACKAGE_ROOT } from '../paths.js';
import { predictTexts } from '../predict.js';
import { ModelBundle } from './bundle.js';
import type { GraphVariant } from './derived-graphs.js';
import { embedFeeds, idFeeds, logitsOf, run } from './forward.js';
import { maxDifference } from '../test-numbers.js';

interface GoldenSentence {
  text: string;
  text_pair?: string;
  tokens: string[];
  token_type_ids?: number[];
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

type Check = 'tokens' | 'logits' | 'attentions' | 'derived';

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
/** int8 against the exact logits: far beyond int8 drift, well below what a wrong graph gives. */
const INT8_DRIFT = 0.5;
const GRAPH_VARIANTS: GraphVariant[] = ['attentions', 'embeds', 'gradients', 'forward', 'int8'];

const FIXTURES: Fixture[] = [
  // Exporter variants, on their base model's goldens.
  { name: 'tiny-bert-opset17', golden: 'tiny-bert', logitTolerance: 1e-5, checks: ALL },
  { name: 'tiny-bert-sdpa', golden: 'tiny-bert', logitTolerance: 1e-5, checks: ALL },
  { name: 'tiny-distilbert-opset12', golden: 'tiny-distilbert', logitTolerance: 1e-5, checks: ALL },
  { name: 'tiny-distilbert-opset17', golden: 'tiny-distilbert', logitTolerance: 1e-5, checks: ALL },
  { name: 'tiny-distilbert-sdpa', golden: 'tiny-distilbert', logitTolerance: 1e-5, checks: ALL },
  // More encoder families, on their own goldens.
  { name: 'tiny-electra', golden: 'tiny-electra', logitTolerance: 1e-5, checks: ALL },
  { name: 'tiny-mpnet', golden: 'tiny-mpnet', logitTolerance: 1e-5, checks: ALL },
  // ALBERT: its logits too, now that the pooled-row graph reads the flatten(2) reshape's target by element.
  { name: 'tiny-albert', golden: 'tiny-albert', logitTolerance: 1e-5, checks: ALL },
  // DeBERTa-v3 at opset 12: disentangled attention (c2p and p2c GatherElements over log-bucketed relative
  // positions), XSoftmax's Where(mask, 0, p) before the [batch·heads, n, n] bmm, ContextPooler.
  { name: 'tiny-deberta', golden: 'tiny-deberta', logitTolerance: 1e-5, checks: [...ALL, 'derived'] },
  // MiniLM's head layout: hidden 48 over 12 heads of 4 (model_type bert), 32 positions.
  { name: 'tiny-minilm', golden: 'tiny-minilm', logitTolerance: 1e-5, checks: [...ALL, 'derived'] },
  // DeBERTa-v2 with absolute positions and token types (token_type_ids an input; two NLI pairs with type id 1).
  { name: 'tiny-deberta-v2', golden: 'tiny-deberta-v2', logitTolerance: 1e-5, checks: [...ALL, 'derived'] },
  // bert-base-multilingual-cased's tokenizer (cased, accents kept, CJK ideographs split; [CLS] 101) on ten
  // languages, and two pairs with their type ids.
  {
    name: 'tiny-bert-multilingual',
    golden: 'tiny-bert-multilingual',
    logitTolerance: 1e-5,
    checks: [...ALL, 'derived'],
  },
];

/** What the tokenizer is given for a golden entry: its text, or its pair. */
const input = (sentence: GoldenSentence): TextInput =>
  sentence.text_pair === undefined ? sentence.text : [sentence.text, sentence.text_pair];

function readGolden(name: string): Golden {
  return JSON.parse(readFileSync(join(PACKAGE_ROOT, 'fixtures/golden', `${name}.json`), 'utf8')) as Golden;
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number, what: string) {
  expect(maxDifference(actual, expected), `${what}: max abs difference`).toBeLessThanOrEqual(tolerance);
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
        const encoded = await model.tokenizer.encode(input(sentence));
        expect(encoded.ids, sentence.text).toEqual(sentence.ids);
        expect(encoded.tokens, sentence.text).toEqual(sentence.tokens);
        expect(encoded.truncated, sentence.text).toBe(sentence.truncated);
        if (sentence.token_type_ids) expect(encoded.tokenTypeIds, sentence.text).toEqual(sentence.token_type_ids);
      }
      expect(golden.sentences.some((sentence) => sentence.truncated)).toBe(true);
    });

    check('logits', 'predicts the same logits and probabilities in one padded batch', async () => {
      const predicted = await predictTexts(model, golden.sentences.map(input), { batchSize: golden.sentences.length });
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

    check(
      'derived',
      'derives every graph at the model’s own opset; exported, inputs_embeds and int8 logits',
      async () => {
        const opset = opsetVersion(await readModel(join(PACKAGE_ROOT, 'fixtures/models', name, 'onnx/model.onnx')));
        for (const graph of GRAPH_VARIANTS) {
          expect(await model.graphs.unsupportedReason(graph), graph).toBeUndefined();
          expect(opsetVersion(await readModel(await model.graphs.path(graph))), graph).toBe(opset);
          await model.session(graph); // onnxruntime checks every node against its opset's schema
        }
        const encodings = await model.tokenizer.encodeBatch(golden.sentences.map(input));
        const classes = golden.labels.length;
        const embeds = await model.session('embeds');
        const logits = {
          plain: logitsOf(await run(await model.session('plain'), idFeeds(model, encodings))),
          embeds: logitsOf(
            await run(embeds, embedFeeds(model, encodings, await model.graphs.wordEmbeddings(), embeds.inputNames)),
          ),
          int8: logitsOf(await run(await model.session('int8'), idFeeds(model, encodings))),
        };
        golden.sentences.forEach((sentence, i) => {
          for (const [graph, tensor] of Object.entries(logits)) {
            const row = (tensor.data as Float32Array).subarray(i * classes, (i + 1) * classes);
            const tolerance = graph === 'int8' ? INT8_DRIFT : logitTolerance;
            expectClose(row, sentence.logits, tolerance, `${sentence.text}: ${graph} logits`);
          }
        });
      },
    );

    check('attentions', 'exposes every attention map', async () => {
      for (const sentence of golden.sentences) {
        const { maps } = await attentionMaps(model, await model.tokenizer.encode(input(sentence)));
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
