/**
 * A bundle loaded at `precision: 'int8'`: forward-only methods run on the quantized graph (their numbers move
 * a little, their costs do not), everything exact stays exact, and each sentence reports its drift. A model
 * the engine cannot quantize is refused int8 with the reason, and still predicts at fp32.
 */
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import schema from '../shared/results.schema.json' with { type: 'json' };
import { explainTexts } from './explain.js';
import { ModelBundle } from './model/bundle.js';
import { DataType, encodeModel } from './onnx/proto.js';
import { floatTensor, LOGITS_OUTPUT, meanOverTokens, node, onnxModel, tensorInput } from './onnx/test-graphs.js';
import { PACKAGE_ROOT } from './paths.js';
import { predictTexts, type PredictedText } from './predict.js';

const SENTENCES = ['You look terrible! Maybe you should rest?', 'What a wonderful, delightful film!'];
/**
 * Largest |Δp| of the demo model's int8 graph on these sentences: 0.0003 with 7-bit weights (the trained demo;
 * quantize.test.ts bounds it by 0.01).
 */
const DRIFT_BOUND = 0.01;
/** SHAP values and occlusion drops are differences of two probabilities, each off by up to the drift. */
const SCORE_BOUND = 2 * DRIFT_BOUND;

function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  expect(a).toHaveLength(b.length);
  return Math.max(...a.map((value, i) => Math.abs(value - b[i]!)));
}

describe('precision int8 on the demo model', () => {
  let fp32: ModelBundle;
  let int8: ModelBundle;
  beforeAll(async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'xai-precision-'));
    fp32 = await ModelBundle.load('demo', { cacheDir });
    int8 = await ModelBundle.load('demo', { cacheDir, precision: 'int8' });
  });
  afterAll(async () => {
    await fp32.dispose();
    await int8.dispose();
  });

  it('records the precision, keeps the exact prediction and reports each sentence’s drift', async () => {
    expect([fp32.info.precision, int8.info.precision]).toEqual(['fp32', 'int8']);
    const exact = await predictTexts(fp32, SENTENCES);
    const approximate = await predictTexts(int8, SENTENCES);
    expect(approximate.map(({ prediction }) => prediction)).toEqual(exact.map(({ prediction }) => prediction));
    expect(exact.map(({ int8Drift }) => int8Drift)).toEqual([undefined, undefined]);
    for (const { int8Drift } of approximate) {
      expect(int8Drift).toBeGreaterThan(0);
      expect(int8Drift).toBeLessThanOrEqual(DRIFT_BOUND);
    }
    // A sentence's drift does not depend on the other sentences of the file.
    const [alone] = await predictTexts(int8, SENTENCES.slice(1));
    expect(alone!.int8Drift).toBe(approximate[1]!.int8Drift);
  });

  it('runs SHAP and occlusion on the int8 graph at the same cost, and gradients and attention exactly', async () => {
    const methods = {
      shap: {},
      occlusion: {},
      gradient_x_input: {},
      integrated_gradients_x_input: {},
      attention: {},
    };
    const [exact, approximate] = [
      await explainTexts(fp32, SENTENCES.slice(0, 1), methods),
      await explainTexts(int8, SENTENCES.slice(0, 1), methods),
    ];
    const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
    expect(validate(approximate), JSON.stringify(validate.errors)).toBe(true);
    expect(approximate.model.precision).toBe('int8');
    const [e, a] = [exact.sentences[0]!, approximate.sentences[0]!];
    expect(a.int8Drift).toBeGreaterThan(0);
    expect(e.int8Drift).toBeUndefined();
    // The drift is that of the f(x) the forward-only methods used: SHAP's output for the unmasked sentence.
    const exactProbabilities = fp32.config.labels.map((label) => e.probabilities[label]!);
    expect(maxAbsDiff(a.explanations.shap!.shap!.outputs, exactProbabilities)).toBeCloseTo(a.int8Drift!, 12);

    for (const method of ['shap', 'occlusion']) {
      const [x, y] = [e.explanations[method]!, a.explanations[method]!];
      expect(y.evaluations, method).toBe(x.evaluations);
      expect(maxAbsDiff(y.raw, x.raw), method).toBeGreaterThan(0);
      expect(maxAbsDiff(y.raw, x.raw), method).toBeLessThanOrEqual(SCORE_BOUND);
    }
    for (const method of ['gradient_x_input', 'integrated_gradients_x_input', 'attention']) {
      const [x, y] = [e.explanations[method]!, a.explanations[method]!];
      expect(y.raw, method).toEqual(x.raw);
      expect(y.scores, method).toEqual(x.scores);
      expect(y.delta, method).toEqual(x.delta);
    }
  });

  it('refuses int8 on the q8 export, which is already quantized', async () => {
    await expect(ModelBundle.load('demo', { dtype: 'q8', precision: 'int8' })).rejects.toThrow(/already int8/);
  });
});

describe('precision int8 on a model the engine cannot quantize', () => {
  it('refuses int8 for a model without weight products, which still predicts on its exported graph', async () => {
    // Logits are the mean over tokens of a word-vector table: no MatMul to quantize, no [CLS] row to pool.
    const folder = await mkdtemp(join(tmpdir(), 'xai-no-matmul-'));
    await cp(join(PACKAGE_ROOT, 'fixtures/models/tiny-bert'), folder, { recursive: true });
    const [vocabulary, classes] = [322, 3]; // tiny-bert's config.json
    const table = Array.from({ length: vocabulary }, (_, id) => [Math.sin(id), Math.cos(id), Math.sin(2 * id)]);
    const model = onnxModel({
      name: 'mean-of-words',
      input: [tensorInput('input_ids', DataType.INT64), tensorInput('attention_mask', DataType.INT64)],
      output: [LOGITS_OUTPUT],
      initializer: [floatTensor('E', [vocabulary, classes], table.flat())],
      node: [node('Gather', ['E', 'input_ids'], 'words'), meanOverTokens('words', 'logits')],
    });
    await writeFile(join(folder, 'onnx/model.onnx'), encodeModel(model));
    const cacheDir = await mkdtemp(join(tmpdir(), 'xai-no-matmul-cache-'));

    await expect(ModelBundle.load(folder, { cacheDir, precision: 'int8' })).rejects.toThrow(
      /precision int8 is unavailable for .*model\.onnx: no MatMul with a float weight matrix to quantize/,
    );
    const bundle = await ModelBundle.load(folder, { cacheDir });
    try {
      expect(await bundle.graphs.unsupportedReason('forward')).toMatch(/does not pool one row/);
      expect(await bundle.predictionSession()).toBe(await bundle.session('plain'));
      const [{ encoded, prediction }] = (await predictTexts(bundle, ['a good film'])) as [PredictedText];
      const mean = [0, 1, 2].map((k) => encoded.ids.reduce((sum, id) => sum + table[id]![k]!, 0) / encoded.ids.length);
      expect(maxAbsDiff(prediction.logits, mean)).toBeLessThanOrEqual(1e-6);
    } finally {
      await bundle.dispose();
    }
  });
});
