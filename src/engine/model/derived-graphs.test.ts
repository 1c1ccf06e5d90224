/**
 * The gradient variant of the derived-graph cache: derived with the others, and when a model has an op without
 * a gradient rule, marked unavailable with a reason naming the op while the other variants stay available.
 */
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataType, encodeModel, onnx, type ModelProto, type NodeProto } from '../onnx/proto.js';
import { DerivedGraphs } from './derived-graphs.js';

const { AttributeType } = onnx.AttributeProto;

/** ids → word vectors → (activation) → mean over tokens → linear: the smallest classifier surgery accepts. */
function classifier(activation: string): ModelProto {
  const node = (opType: string, input: string[], output: string, attribute: NodeProto['attribute'] = []) => ({
    opType,
    input,
    output: [output],
    name: output,
    attribute,
  });
  const tokens = { dim: [{ dimParam: 'batch' }, { dimParam: 'seq' }] };
  return {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 14 }],
    graph: {
      name: 'tiny',
      input: [
        { name: 'input_ids', type: { tensorType: { elemType: DataType.INT64, shape: tokens } } },
        { name: 'attention_mask', type: { tensorType: { elemType: DataType.INT64, shape: tokens } } },
      ],
      output: [{ name: 'logits', type: { tensorType: { elemType: DataType.FLOAT } } }],
      initializer: [
        { name: 'E', dataType: DataType.FLOAT, dims: [4, 2], floatData: [0.1, 0.2, 0.3, -0.4, 0.5, 0.6, -0.7, 0.8] },
        { name: 'W', dataType: DataType.FLOAT, dims: [2, 2], floatData: [1, -1, 0.5, 2] },
      ],
      node: [
        node('Gather', ['E', 'input_ids'], 'words'),
        node(activation, ['words'], 'active'),
        node('ReduceMean', ['active'], 'pooled', [
          { name: 'axes', type: AttributeType.INTS, ints: [1] },
          { name: 'keepdims', type: AttributeType.INT, i: 0 },
        ]),
        node('MatMul', ['pooled', 'W'], 'logits'),
      ],
    },
  };
}

async function derived(activation: string): Promise<DerivedGraphs> {
  const dir = await mkdtemp(join(tmpdir(), 'xai-derived-'));
  const path = join(dir, 'model.onnx');
  await writeFile(path, encodeModel(classifier(activation)));
  return new DerivedGraphs(path, join(dir, 'cache'));
}

describe('DerivedGraphs gradients', () => {
  it('derives the gradient graph beside the others', async () => {
    const graphs = await derived('Tanh');
    expect(await graphs.unsupportedReason('gradients')).toBeUndefined();
    expect((await stat(await graphs.path('gradients'))).isFile()).toBe(true);
    expect(await graphs.layerNormAfterEmbeddings()).toBe(false);
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
