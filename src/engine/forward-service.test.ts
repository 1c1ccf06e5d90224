import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeFeeds, probeShapes } from './autodiff/shapes.js';
import { ForwardService, forwardServiceFor } from './forward-service.js';
import { ModelBundle } from './model/bundle.js';
import { readModel, type ModelProto } from './onnx/proto.js';
import { PACKAGE_ROOT } from './paths.js';

interface GoldenSentence {
  text: string;
  ids: number[];
  logits: number[];
  probabilities: number[];
}

/** PyTorch's logits and probabilities (scripts/export_models.py) are the oracle, not our own predict path. */
const golden = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'fixtures/golden/tiny-bert.json'), 'utf8')) as {
  sentences: GoldenSentence[];
};

function maxDiff(actual: ArrayLike<number>, expected: readonly number[]): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i += 1) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst;
}

describe('ForwardService (tiny-bert, token types included)', () => {
  let model: ModelBundle;
  beforeAll(async () => {
    model = await ModelBundle.load(join(PACKAGE_ROOT, 'fixtures/models/tiny-bert'), {
      cacheDir: await mkdtemp(join(tmpdir(), 'xai-forward-')),
    });
  });
  afterAll(() => model.dispose());

  it('matches PyTorch for mixed lengths in small, token-capped batches, in the order asked', async () => {
    const service = new ForwardService(model, { batchSize: 3, maxBatchTokens: 40 });
    const outputs = await service.run(golden.sentences.map((s) => s.ids));
    golden.sentences.forEach((sentence, i) => {
      expect(maxDiff(outputs[i]!.logits, sentence.logits), sentence.text).toBeLessThanOrEqual(1e-5);
      expect(maxDiff(outputs[i]!.probabilities, sentence.probabilities), sentence.text).toBeLessThanOrEqual(1e-5);
    });
    expect(service.evaluations).toBe(golden.sentences.length);
  });

  it('runs, as predictions do, on a graph whose last layer computes the pooled [CLS] row only', async () => {
    // So the PyTorch check above covers that graph.
    expect(await model.forwardSession()).toBe(await model.session('forward'));
    expect(await model.predictionSession()).toBe(await model.forwardSession());
    // MatMul outputs with one row along the sequence axis: none in the export, the last layer's in ours.
    const singleRowProducts = async (onnx: ModelProto) => {
      const dims = await probeShapes(onnx, probeFeeds(onnx.graph ?? {}));
      return (onnx.graph?.node ?? []).filter(
        (node) => node.opType === 'MatMul' && dims.get(node.output![0]!)?.[1] === 1,
      ).length;
    };
    expect(
      await singleRowProducts(await readModel(join(PACKAGE_ROOT, 'fixtures/models/tiny-bert/onnx/model.onnx'))),
    ).toBe(0);
    // The attention output projection and both feed-forward products: 3/4 of a layer's arithmetic.
    expect(await singleRowProducts(await readModel(await model.graphs.path('forward')))).toBe(3);
  });

  it('de-duplicates within a call, memoizes across calls and pools concurrent callers', async () => {
    const service = new ForwardService(model);
    const [a, b, c] = golden.sentences.map((s) => s.ids);
    const first = await service.run([a!, b!, a!, a!]);
    expect(service.evaluations).toBe(2);
    expect(first[2]).toBe(first[0]);
    await service.run([b!, a!]);
    expect(service.evaluations).toBe(2);
    const left = service.view();
    const right = service.view();
    await Promise.all([left.run([c!, a!]), right.run([c!])]);
    expect(service.evaluations).toBe(3);
    expect(service.requests).toBe(9);
    // Each method's count is what it would have cost alone.
    expect([left.evaluations, right.evaluations]).toEqual([2, 1]);
  });

  it('tokenizes texts with the model tokenizer', async () => {
    const service = new ForwardService(model);
    const [output] = await service.runTexts([golden.sentences[0]!.text]);
    expect(maxDiff(output!.probabilities, golden.sentences[0]!.probabilities)).toBeLessThanOrEqual(1e-5);
  });

  it('stops between batches when aborted and forgets the rows it did not run', async () => {
    const service = new ForwardService(model, { batchSize: 1 });
    const controller = new AbortController();
    const sequences = golden.sentences.slice(0, 4).map((s) => s.ids);
    const first = service.run(sequences.slice(0, 1), controller.signal);
    const rest = service.run(sequences.slice(1), controller.signal);
    await first;
    controller.abort(new Error('cancelled'));
    await expect(rest).rejects.toThrow('cancelled');
    expect(service.evaluations).toBeLessThan(4);
    const again = await service.run(sequences.slice(1));
    expect(again).toHaveLength(3);
    expect(() => service.run(sequences, controller.signal)).toThrow('cancelled');
  });

  it('keeps one service per encoded sentence', async () => {
    const encoded = await model.tokenizer.encode('a sentence');
    expect(forwardServiceFor(model, encoded)).toBe(forwardServiceFor(model, encoded));
    const again = await model.tokenizer.encode('a sentence');
    expect(forwardServiceFor(model, again)).not.toBe(forwardServiceFor(model, encoded));
  });
});
