import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveOptions } from '../../shared/options.js';
import { ForwardService } from '../forward-service.js';
import { ModelBundle } from '../model/bundle.js';
import { PACKAGE_ROOT } from '../paths.js';
import { predictTexts } from '../predict.js';
import { joinTrees, nodeLeaves, partitionTree, type Merge } from './shap-partition.js';
import { maskedString, maskerBlocks, maskerSegments, partitionTokens, tokenSegments } from './shap-text.js';
import { shapExplainer } from './shap.js';

const FIXTURES = [
  { name: 'tiny-distilbert', dir: 'fixtures/models/tiny-distilbert' },
  { name: 'tiny-bert', dir: 'fixtures/models/tiny-bert' },
  { name: 'demo-sst2', dir: 'resources/models/demo-sst2' },
  { name: 'tiny-bert-cased', dir: 'fixtures/models/tiny-bert-cased' },
  { name: 'tiny-roberta', dir: 'fixtures/models/tiny-roberta' },
  { name: 'tiny-xlmr', dir: 'fixtures/models/tiny-xlmr' },
  { name: 'tiny-electra', dir: 'fixtures/models/tiny-electra' },
  { name: 'tiny-mpnet', dir: 'fixtures/models/tiny-mpnet' },
  { name: 'tiny-albert', dir: 'fixtures/models/tiny-albert' },
  { name: 'tiny-deberta', dir: 'fixtures/models/tiny-deberta' },
  { name: 'tiny-distilbert-multilabel', dir: 'fixtures/models/tiny-distilbert-multilabel' },
  { name: 'tiny-bert-multilingual', dir: 'fixtures/models/tiny-bert-multilingual' },
  { name: 'tiny-deberta-v2', dir: 'fixtures/models/tiny-deberta-v2' },
  { name: 'tiny-minilm', dir: 'fixtures/models/tiny-minilm' },
];

const SEED = 'You look terrible! Maybe you should rest?';

function goldenTexts(name: string): string[] {
  const golden = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'fixtures/golden', `${name}.json`), 'utf8')) as {
    sentences: { text: string }[];
  };
  return golden.sentences.map((sentence) => sentence.text);
}

async function load(dir: string): Promise<ModelBundle> {
  return ModelBundle.load(join(PACKAGE_ROOT, dir), { cacheDir: await mkdtemp(join(tmpdir(), 'xai-shap-')) });
}

describe.each(FIXTURES)('shap on $name', ({ name, dir }) => {
  let model: ModelBundle;
  beforeAll(async () => {
    model = await load(dir);
  });
  afterAll(() => model.dispose());

  it('is efficient for every class on every fixture sentence: Σφ = f(x) − base (≤ 1e-5)', async () => {
    const inputs = await predictTexts(model, goldenTexts(name));
    const options = resolveOptions(shapExplainer.options, {});
    for (const input of inputs) {
      const { shap, raw, evaluations, warnings } = await shapExplainer.explain(input, { model }, options);
      const labels = model.config.labels;
      // shap collapses whitespace runs: a tokenizer that keeps spaces then sees another text, which is said.
      const rebuilt = input.encoded.text.replace(/\s+/gu, ' ').trim();
      const [reread] = await model.tokenizer.encodeBatch([rebuilt]);
      const same = reread!.ids.join() === input.encoded.ids.join();
      expect(
        warnings.some((warning) => warning.code === 'masker-text'),
        input.encoded.text,
      ).toBe(!same);
      labels.forEach((label, c) => {
        // f(x) from the predict path, not from the recursion itself.
        const predicted = input.prediction.probabilities[label]!;
        if (same) expect(shap!.outputs[c], `${input.encoded.text}: f(x)`).toBeCloseTo(predicted, 5);
        else expect(Math.abs(shap!.outputs[c]! - predicted), input.encoded.text).toBeGreaterThan(0);
        const sum = shap!.values.reduce((total, values) => total + values[c]!, 0);
        expect(Math.abs(sum - (shap!.outputs[c]! - shap!.baseValues[c]!)), input.encoded.text).toBeLessThanOrEqual(
          1e-5,
        );
      });
      expect(raw).toEqual(shap!.values.map((values) => values[input.prediction.predictedIndex]));
      expect(shap!.rows).toBeLessThanOrEqual(500);
      expect(evaluations).toBeLessThanOrEqual(shap!.rows);
    }
  });
});

/** Exact Owen values of a binary hierarchy: every sibling group on the path all in or all out, weight ½ each. */
async function bruteForceOwen(
  merges: Merge[],
  leaves: number,
  f: (masks: Uint8Array[]) => Promise<Float64Array[]>,
): Promise<number[][]> {
  const masks = nodeLeaves(merges, leaves);
  const parent = new Map<number, [number, number]>();
  merges.forEach(({ left, right }, k) => {
    parent.set(left, [leaves + k, right]);
    parent.set(right, [leaves + k, left]);
  });
  const values: number[][] = [];
  for (let leaf = 0; leaf < leaves; leaf += 1) {
    const siblings: number[] = [];
    for (let node = leaf; parent.has(node); node = parent.get(node)![0]) siblings.push(parent.get(node)![1]);
    const pairs: Uint8Array[] = [];
    for (let subset = 0; subset < 1 << siblings.length; subset += 1) {
      const context = new Uint8Array(leaves);
      siblings.forEach((sibling, k) => {
        if (subset & (1 << k)) masks[sibling]!.forEach((bit, i) => (context[i] ||= bit));
      });
      const withLeaf = Uint8Array.from(context);
      withLeaf[leaf] = 1;
      pairs.push(withLeaf, context);
    }
    const outputs = await f(pairs);
    const value = Array.from(outputs[0]!, () => 0);
    for (let p = 0; p < outputs.length; p += 2) {
      value.forEach((_, c) => (value[c]! += (outputs[p]![c]! - outputs[p + 1]![c]!) / 2 ** siblings.length));
    }
    values.push(value);
  }
  return values;
}

describe('shap against brute force and on the demo model', () => {
  let demo: ModelBundle;
  let bert: ModelBundle;
  let roberta: ModelBundle;
  beforeAll(async () => {
    [demo, bert, roberta] = await Promise.all([
      load('resources/models/demo-sst2'),
      load('fixtures/models/tiny-bert'),
      load('fixtures/models/tiny-roberta'),
    ]);
  });
  afterAll(async () => {
    await Promise.all([demo.dispose(), bert.dispose(), roberta.dispose()]);
  });

  it.each([
    { family: 'BERT', text: 'I love this movie, it is great.', model: () => bert },
    // Byte-level BPE: Ġ spans, a byte-split emoji (its second byte token masked with the first) and `<mask>`.
    { family: 'RoBERTa', text: "It's great 😊, isn't it?", model: () => roberta },
  ])('equals exact Owen values over coalitions for a short $family sentence (≤ 1e-6, 3 classes)', async (fixture) => {
    const model = fixture.model();
    const [input] = await predictTexts(model, [fixture.text]);
    const { encoded } = input!;
    const explanation = await shapExplainer.explain(
      input!,
      { model },
      resolveOptions(shapExplainer.options, { max_evals: 100_000 }),
    );
    const { segments, fixed } = maskerSegments(fixture.text, encoded.offsets, encoded.special);
    const sep = model.tokenizer.specials.sep!.token;
    const merges = partitionTree(partitionTokens(segments), [sep]);
    const maskToken = model.tokenizer.specials.mask!.token;
    const forward = new ForwardService(model);
    const exact = await bruteForceOwen(merges, encoded.ids.length, async (masks) =>
      (await forward.runTexts(masks.map((mask) => maskedString(segments, mask, fixed, maskToken)))).map(
        (output) => output.probabilities,
      ),
    );
    exact.forEach((values, i) =>
      values.forEach((value, c) =>
        expect(Math.abs(explanation.shap!.values[i]![c]! - value), `token ${i} class ${c}`).toBeLessThanOrEqual(1e-6),
      ),
    );
  });

  it('explains a sentence pair with one tree per text joined at the root, equal to exact Owen values', async () => {
    const pair = ['A man plays a guitar.', 'A man plays music.'] as const;
    const [input] = await predictTexts(bert, [pair]);
    const { encoded } = input!;
    const explanation = await shapExplainer.explain(
      input!,
      { model: bert },
      resolveOptions(shapExplainer.options, { max_evals: 100_000 }),
    );
    const blocks = maskerBlocks(encoded);
    expect(blocks.map(({ from, size }) => [from, size])).toEqual([
      [0, encoded.sequenceIds.indexOf(1)],
      [encoded.sequenceIds.indexOf(1), encoded.ids.length - encoded.sequenceIds.indexOf(1)],
    ]);
    const trees = blocks.map((block) => partitionTree(partitionTokens(block.segments), ['[SEP]']));
    const merges = joinTrees(trees[0]!, blocks[0]!.size, trees[1]!, blocks[1]!.size);
    // The root joins the two texts: no group below it holds tokens of both.
    expect(merges.at(-1)!.size).toBe(encoded.ids.length);
    expect(explanation.shap!.clustering).toEqual(merges.map(({ left, right, size }) => [left, right, size]));
    const forward = new ForwardService(bert);
    const masked = (mask: Uint8Array) =>
      blocks.map((block) =>
        maskedString(block.segments, mask.subarray(block.from, block.from + block.size), block.fixed, '[MASK]'),
      ) as [string, string];
    // Everything masked: one [MASK] per token of each text, the separator never masked, the texts apart.
    const perText = [0, 1].map((text) => encoded.sequenceIds.filter((sequence) => sequence === text).length);
    expect(masked(new Uint8Array(encoded.ids.length))).toEqual(
      perText.map((count) => Array(count).fill('[MASK]').join(' ')),
    );
    const exact = await bruteForceOwen(merges, encoded.ids.length, async (masks) =>
      (await forward.runTexts(masks.map(masked))).map((output) => output.probabilities),
    );
    exact.forEach((values, i) =>
      values.forEach((value, c) =>
        expect(Math.abs(explanation.shap!.values[i]![c]! - value), `token ${i} class ${c}`).toBeLessThanOrEqual(1e-6),
      ),
    );
    bert.config.labels.forEach((label, c) => {
      expect(explanation.shap!.outputs[c]).toBeCloseTo(input!.prediction.probabilities[label]!, 5);
    });
  });

  it('gives "terrible" the largest NEGATIVE attribution in the seed sentence', async () => {
    const [input] = await predictTexts(demo, [SEED]);
    const explanation = await shapExplainer.explain(input!, { model: demo }, resolveOptions(shapExplainer.options, {}));
    expect(explanation.options).toMatchObject({ targetLabel: 'NEGATIVE', maskToken: '[MASK]', max_evals: 500 });
    // The shap library asks for 140 rows on this sentence (issue #4's measurement): same tree, full expansion.
    expect(explanation.shap!.rows).toBe(140);
    const terrible = explanation.tokens.indexOf('terrible');
    expect(explanation.raw.indexOf(Math.max(...explanation.raw))).toBe(terrible);
    // Base: f of the text with every token masked, as shap's masker writes it (its definition) ...
    const [block] = maskerBlocks(input!.encoded);
    const allMasked = maskedString(block!.segments, new Uint8Array(block!.size), block!.fixed, '[MASK]');
    const [masked] = await predictTexts(demo, [allMasked]);
    expect(explanation.shap!.baseValues[0]).toBeCloseTo(masked!.prediction.probabilities.NEGATIVE!, 6);
    // ... and near 0.5: the demo was trained to put texts whose opinion words are all masked at p = 0.5
    // (scripts/train_demo.py), not set to it by hand.
    expect(Math.abs(explanation.shap!.baseValues[0]! - 0.5)).toBeLessThan(0.1);
    const positive = explanation.shap!.values.map((values) => values[1]!);
    expect(positive.indexOf(Math.min(...positive))).toBe(terrible);
  });

  it("asks RoBERTa for shap's 140 rows on the seed sentence: its segments, and so its tree, are BERT's", async () => {
    const [input] = await predictTexts(roberta, [SEED]);
    const [bertInput] = await predictTexts(demo, [SEED]);
    const segmentsOf = ({ encoded }: typeof input & {}) => tokenSegments(SEED, encoded.offsets);
    expect(segmentsOf(input!)).toEqual(segmentsOf(bertInput!));
    const explanation = await shapExplainer.explain(
      input!,
      { model: roberta },
      resolveOptions(shapExplainer.options, {}),
    );
    expect(explanation.options).toMatchObject({ maskToken: '<mask>' });
    expect(explanation.shap!.rows).toBe(140);
    expect(explanation.warnings).toEqual([]);
  });

  it('says where a character split over byte tokens departs from shap, and gives the later tokens 0', async () => {
    const [input] = await predictTexts(roberta, ['smile 😊 so']);
    const explanation = await shapExplainer.explain(
      input!,
      { model: roberta },
      resolveOptions(shapExplainer.options, {}),
    );
    expect(input!.encoded.tokens).toEqual(['<s>', 'sm', 'ile', 'ĠðŁĺ', 'Ĭ', 'Ġso', '</s>']);
    expect(explanation.warnings.map((warning) => warning.code)).toEqual(['shared-character']);
    expect(explanation.warnings[0]!.message).toMatch(/^token 4 \(Ĭ\) only continues a character/);
    expect(explanation.shap!.values[4]!.every((value) => Math.abs(value) < 1e-12)).toBe(true);
  });
});
