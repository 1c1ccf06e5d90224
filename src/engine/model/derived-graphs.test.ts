/**
 * The gradient, pooled-row and int8 variants of the derived-graph cache: derived with the others, and when a
 * model has an op without a gradient rule (or does not pool a row), marked unavailable with a reason while the
 * other variants stay available.
 */
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InferenceSession } from 'onnxruntime-node';
import { convertOpset } from '../onnx/opset-convert.js';
import { DataType, encodeModel, opsetVersion, readModel, type ModelProto } from '../onnx/proto.js';
import { floatTensor, LOGITS_OUTPUT, meanOverTokens, node, onnxModel, tensorInput } from '../onnx/test-graphs.js';
import { DerivedGraphs } from './derived-graphs.js';
import { sessionOptions } from './bundle.js';

/** ids → word vectors → (activation) → mean over tokens → linear: the smallest classifier surgery accepts. */
function classifier(activation: string): ModelProto {
  return onnxModel({
    name: 'tiny',
    input: [tensorInput('input_ids', DataType.INT64), tensorInput('attention_mask', DataType.INT64)],
    output: [LOGITS_OUTPUT],
    initializer: [
      floatTensor('E', [4, 2], [0.1, 0.2, 0.3, -0.4, 0.5, 0.6, -0.7, 0.8]),
      floatTensor('W', [2, 2], [1, -1, 0.5, 2]),
    ],
    node: [
      node('Gather', ['E', 'input_ids'], 'words'),
      node(activation, ['words'], 'active'),
      meanOverTokens('active', 'pooled'),
      node('MatMul', ['pooled', 'W'], 'logits'),
    ],
  });
}

async function derived(activation: string, opset?: number): Promise<DerivedGraphs> {
  const dir = await mkdtemp(join(tmpdir(), 'xai-derived-'));
  const path = join(dir, 'model.onnx');
  const model = classifier(activation);
  await writeFile(path, encodeModel(opset === undefined ? model : convertOpset(model, opset)));
  return new DerivedGraphs(path, join(dir, 'cache'), sessionOptions());
}

describe('DerivedGraphs gradients', () => {
  it('derives the gradient graph beside the others', async () => {
    const graphs = await derived('Tanh');
    expect(await graphs.unsupportedReason('gradients')).toBeUndefined();
    expect((await stat(await graphs.path('gradients'))).isFile()).toBe(true);
    expect(await graphs.layerNormAfterEmbeddings()).toBe(false);
    expect(await graphs.scaleInvariantEmbeddings()).toBe(false);
  });

  it.each([11, 12])('derives a gradient graph onnxruntime loads from an opset-%i model', async (opset) => {
    const graphs = await derived('Tanh', opset);
    expect(await graphs.unsupportedReason('gradients')).toBeUndefined();
    const gradients = await readModel(await graphs.path('gradients'));
    expect(opsetVersion(gradients)).toBe(opset);
    // Written in opset 13's form, the reverse pass's ReduceSum would be refused here ("has input size 2").
    await (await InferenceSession.create(encodeModel(gradients))).release();
  });

  it('marks inputs_embeds and gradients unavailable below opset 11, saying so', async () => {
    const graphs = await derived('Tanh', 10);
    expect(await graphs.unsupportedReason('embeds')).toMatch(/^the model uses ONNX opset 10; .* needs opset 11/);
    expect(await graphs.unsupportedReason('gradients')).toMatch(/^gradient methods unavailable .* opset 10/);
    expect(await graphs.unsupportedReason('int8')).toMatch(/int8 needs ONNX opset 11/);
  });

  it('marks gradients unavailable, naming the op, and keeps the other variants', async () => {
    const graphs = await derived('Sin');
    expect(await graphs.unsupportedReason('gradients')).toMatch(
      /^gradient methods unavailable for this model: op Sin has no gradient rule/,
    );
    expect(await graphs.unsupportedReason('embeds')).toBeUndefined();
    await expect(graphs.path('gradients')).rejects.toThrow(/op Sin/);
  });
});

describe('DerivedGraphs forward', () => {
  it('marks the pooled-row graph unavailable for a classifier that pools by mean, and still derives int8', async () => {
    const graphs = await derived('Tanh');
    expect(await graphs.unsupportedReason('forward')).toBe('the classifier does not pool one row of the last layer');
    expect(await graphs.unsupportedReason('int8')).toBeUndefined();
  });
});

describe('DerivedGraphs int8', () => {
  it('derives the int8 graph beside the others, with the weight MatMul quantized', async () => {
    const graphs = await derived('Tanh');
    expect(await graphs.unsupportedReason('int8')).toBeUndefined();
    const ops = ((await readModel(await graphs.path('int8'))).graph?.node ?? []).map((n) => n.opType);
    expect(ops).toContain('MatMulInteger');
    expect(ops).not.toContain('MatMul');
  });
});
