/**
 * Graphs as onnxruntime's own optimizer writes them (`optimizedModelFilePath` at the `extended` level: the
 * FusedMatMul, BiasGelu and FusedGemm kernels of the com.microsoft domain, which is what a user gets who saves
 * an optimized session). Unlike the hand-built stand-ins of refusal.test.ts, these are real fused exports of
 * tiny-bert and tiny-distilbert, so the numbers are held to the PyTorch goldens: predictions and every
 * attention map (the softmax stays visible), and the gradient methods are unavailable, naming the kernel.
 */
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainTexts } from '../explain.js';
import { attentionMaps } from '../explainers/attention.js';
import { describeMethods } from '../explainers/registry.js';
import { readModel } from '../onnx/proto.js';
import { PACKAGE_ROOT } from '../paths.js';
import { predictEncoded } from '../predict.js';
import { maxDifference } from '../test-numbers.js';
import { ModelBundle } from './bundle.js';
import type { EncodedText } from './tokenizer.js';

interface GoldenSentence {
  text: string;
  logits: number[];
  attentions: number[][][][];
}

const TOLERANCE = 1e-5;

/** A copy of the fixture folder whose model.onnx is onnxruntime's optimized graph of it. */
async function optimizedFolder(fixture: string): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'xai-ort-optimized-')), fixture);
  await cp(join(PACKAGE_ROOT, 'fixtures/models', fixture), dir, { recursive: true });
  const model = join(dir, 'onnx/model.onnx');
  const session = await ort.InferenceSession.create(join(PACKAGE_ROOT, 'fixtures/models', fixture, 'onnx/model.onnx'), {
    graphOptimizationLevel: 'extended',
    optimizedModelFilePath: model,
  });
  await session.release();
  return dir;
}

describe.each(['tiny-bert', 'tiny-distilbert'])('%s optimized by onnxruntime', (fixture) => {
  const golden = (
    JSON.parse(readFileSync(join(PACKAGE_ROOT, 'fixtures/golden', `${fixture}.json`), 'utf8')) as {
      sentences: GoldenSentence[];
    }
  ).sentences;
  let model: ModelBundle;
  let encodings: EncodedText[];
  let folder: string;
  beforeAll(async () => {
    folder = await optimizedFolder(fixture);
    model = await ModelBundle.load(folder, { cacheDir: await mkdtemp(join(tmpdir(), 'xai-ort-optimized-cache-')) });
    encodings = await model.tokenizer.encodeBatch(golden.map((sentence) => sentence.text));
  });
  afterAll(() => model?.dispose());

  it('is fused: onnxruntime kernels of the com.microsoft domain replace standard ops', async () => {
    const fused = (await readModel(join(folder, 'onnx/model.onnx'))).graph!.node!.filter(
      (node) => node.domain === 'com.microsoft',
    );
    expect(new Set(fused.map((node) => node.opType))).toEqual(new Set(['FusedMatMul', 'BiasGelu', 'FusedGemm']));
  });

  it('predicts the golden logits', async () => {
    const predictions = await predictEncoded(model, encodings, { batchSize: encodings.length });
    golden.forEach((sentence, i) =>
      expect(maxDifference(predictions[i]!.logits, sentence.logits), sentence.text).toBeLessThanOrEqual(TOLERANCE),
    );
  });

  it('finds every attention map, equal to PyTorch’s', async () => {
    for (const [i, sentence] of golden.entries()) {
      const { maps } = await attentionMaps(model, encodings[i]!);
      expect(maps.length).toBe(sentence.attentions.length);
      maps.forEach((heads, layer) =>
        heads.forEach((map, head) =>
          expect(
            maxDifference(map, sentence.attentions[layer]![head]!.flat()),
            `${sentence.text}: layer ${layer} head ${head}`,
          ).toBeLessThanOrEqual(TOLERANCE),
        ),
      );
    }
  });

  it('runs the perturbation methods as on the unfused graph', async () => {
    const original = await ModelBundle.load(join(PACKAGE_ROOT, 'fixtures/models', fixture), {
      cacheDir: await mkdtemp(join(tmpdir(), 'xai-ort-original-cache-')),
    });
    try {
      const texts = [golden[0]!.text];
      const methods = { occlusion: {}, shap: { max_evals: 64 } };
      const [fused, plain] = await Promise.all([
        explainTexts(model, texts, methods),
        explainTexts(original, texts, methods),
      ]);
      for (const method of Object.keys(methods)) {
        const raw = (document: typeof fused) => document.sentences[0]!.explanations[method]!.raw;
        expect(maxDifference(raw(fused), raw(plain)), method).toBeLessThanOrEqual(TOLERANCE);
      }
    } finally {
      await original.dispose();
    }
  });

  it('marks the gradient methods unavailable, naming the fused kernel, and keeps the rest', async () => {
    const methods = await describeMethods(model);
    for (const method of methods) {
      if (['attention', 'occlusion', 'shap', 'lime'].includes(method.id))
        expect(method.unavailableReason, method.id).toBeUndefined();
      else
        expect(method.unavailableReason, method.id).toMatch(
          /no gradient rule for (FusedMatMul|BiasGelu|FusedGemm) \(com\.microsoft\)/,
        );
    }
  });
});
