/**
 * The runtime against PyTorch: golden files written by scripts/export_models.py from its own PyTorch
 * implementation hold token ids, logits, probabilities and every attention map for a fixed list of sentences.
 * The ids are our WordPiece's, or, for the models with a tokenizer fixture (tiny-roberta, tiny-xlmr,
 * tiny-bert-cased), those of Hugging Face's `tokenizers` binding (scripts/encode_golden_texts.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attentionMaps } from '../explainers/attention.js';
import { PACKAGE_ROOT } from '../paths.js';
import { predictEncoded } from '../predict.js';
import { ModelBundle } from './bundle.js';
import { embedFeeds, logitsOf, run } from './forward.js';
import { maxDifference } from '../test-numbers.js';

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
  model: string;
  labels: string[];
  sentences: GoldenSentence[];
}

const TOLERANCE = 1e-5;

const FIXTURES: { name: string; dir: string }[] = [
  { name: 'tiny-distilbert', dir: join(PACKAGE_ROOT, 'fixtures/models/tiny-distilbert') },
  { name: 'tiny-bert', dir: join(PACKAGE_ROOT, 'fixtures/models/tiny-bert') },
  { name: 'demo-sst2', dir: join(PACKAGE_ROOT, 'resources/models/demo-sst2') },
  // Byte-level BPE, Unigram (SentencePiece-style) and cased WordPiece, from fixtures/tokenizers/.
  { name: 'tiny-roberta', dir: join(PACKAGE_ROOT, 'fixtures/models/tiny-roberta') },
  { name: 'tiny-xlmr', dir: join(PACKAGE_ROOT, 'fixtures/models/tiny-xlmr') },
  { name: 'tiny-bert-cased', dir: join(PACKAGE_ROOT, 'fixtures/models/tiny-bert-cased') },
];

function readGolden(name: string): Golden {
  return JSON.parse(readFileSync(join(PACKAGE_ROOT, 'fixtures/golden', `${name}.json`), 'utf8')) as Golden;
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  expect(maxDifference(actual, expected), `${what}: max abs difference`).toBeLessThanOrEqual(TOLERANCE);
}

describe.each(FIXTURES)('$name against PyTorch', ({ name, dir }) => {
  const golden = readGolden(name);
  let model: ModelBundle;

  beforeAll(async () => {
    model = await ModelBundle.load(dir, { cacheDir: await mkdtemp(join(tmpdir(), 'xai-golden-')) });
  });
  afterAll(() => model.dispose());

  it('has the labels PyTorch used', () => {
    expect(model.info.labels).toEqual(golden.labels);
  });

  it('tokenizes exactly as the reference tokenizer, truncation included', async () => {
    for (const sentence of golden.sentences) {
      const encoded = await model.tokenizer.encode(sentence.text);
      expect(encoded.ids, sentence.text).toEqual(sentence.ids);
      expect(encoded.tokens, sentence.text).toEqual(sentence.tokens);
      expect(encoded.truncated, sentence.text).toBe(sentence.truncated);
    }
    expect(golden.sentences.some((sentence) => sentence.truncated) || name === 'demo-sst2').toBe(true);
  });

  it('predicts the same logits and probabilities in one padded batch', async () => {
    const encodings = await model.tokenizer.encodeBatch(golden.sentences.map((sentence) => sentence.text));
    const predictions = await predictEncoded(model, encodings, { batchSize: golden.sentences.length });
    predictions.forEach((prediction, i) => {
      const expected = golden.sentences[i]!;
      expectClose(prediction.logits, expected.logits, `${expected.text}: logits`);
      expectClose(
        golden.labels.map((label) => prediction.probabilities[label]!),
        expected.probabilities,
        `${expected.text}: probabilities`,
      );
    });
  });

  it('exposes every attention map', async () => {
    for (const sentence of golden.sentences) {
      const { maps } = await attentionMaps(model, await model.tokenizer.encode(sentence.text));
      expect(maps.length).toBe(model.config.layers);
      maps.forEach((heads, layer) => {
        expect(heads.length).toBe(model.config.heads);
        heads.forEach((map, head) =>
          expectClose(map, sentence.attentions[layer]![head]!.flat(), `${sentence.text}: layer ${layer} head ${head}`),
        );
      });
    }
  });

  it('gives the same logits from inputs_embeds as from ids', async () => {
    const encodings = await model.tokenizer.encodeBatch(golden.sentences.map((sentence) => sentence.text));
    const embeddings = await model.graphs.wordEmbeddings();
    expect(embeddings.vocabSize).toBe(model.config.vocabSize);
    const session = await model.session('embeds');
    const logits = logitsOf(await run(session, embedFeeds(model, encodings, embeddings, session.inputNames)));
    const classes = golden.labels.length;
    golden.sentences.forEach((sentence, i) => {
      expectClose(
        (logits.data as Float32Array).subarray(i * classes, (i + 1) * classes),
        sentence.logits,
        `${sentence.text}: embeds logits`,
      );
    });
  });
});

const sharedTokenizer = join(PACKAGE_ROOT, '../shared/models/distilbert-sst2-tokenizer');
const fullModel = join(
  process.env.XDG_CACHE_HOME || join(process.env.HOME ?? '', '.cache'),
  'xai-workbench/models/distilbert-full-random',
);

describe('full-size DistilBERT (benchmark model)', () => {
  it.skipIf(!existsSync(join(fullModel, 'onnx/model.onnx')))(
    `has 72 attention maps that match PyTorch (skipped unless generated: npm run models:export -- full)`,
    async () => {
      const golden = JSON.parse(readFileSync(join(fullModel, 'golden.json'), 'utf8')) as Golden;
      const model = await ModelBundle.load(fullModel, { cacheDir: await mkdtemp(join(tmpdir(), 'xai-full-')) });
      try {
        const seed = golden.sentences[0]!;
        const encoded = await model.tokenizer.encode(seed.text);
        expect(encoded.ids).toEqual(seed.ids);
        const { maps } = await attentionMaps(model, encoded);
        expect(maps.flat().length).toBe(72);
        maps.forEach((heads, layer) =>
          heads.forEach((map, head) =>
            expectClose(map, seed.attentions[layer]![head]!.flat(), `layer ${layer} head ${head}`),
          ),
        );
        const [prediction] = await predictEncoded(model, [encoded]);
        expectClose(prediction!.logits, seed.logits, 'logits');
      } finally {
        await model.dispose();
      }
    },
    300_000,
  );
});

describe('the real DistilBERT SST-2 tokenizer', () => {
  it.skipIf(!existsSync(sharedTokenizer))(
    `tokenizes the seed sentence as the published model does (skipped when ${sharedTokenizer} is absent)`,
    async () => {
      const { TextTokenizer } = await import('./tokenizer.js');
      const tokenizer = await TextTokenizer.load(sharedTokenizer, 512);
      const { ids, tokens } = await tokenizer.encode('You look terrible! Maybe you should rest?');
      expect(ids.slice(0, 2)).toEqual([101, 2017]);
      expect(ids.at(-1)).toBe(102);
      expect(tokens).toEqual(['[CLS]', 'you', 'look', 'terrible', '!', 'maybe', 'you', 'should', 'rest', '?', '[SEP]']);
    },
  );
});
