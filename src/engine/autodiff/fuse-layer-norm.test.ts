/** LayerNorm fusion: the exporter's decomposition becomes one LayerNormalization node with the same values. */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DataType, encodeModel, onnx, type NodeProto } from '../onnx/proto.js';
import { floatTensor, node, onnxModel, tensorInput } from '../onnx/test-graphs.js';
import { fuseLayerNorms } from './fuse-layer-norm.js';

const { AttributeType } = onnx.AttributeProto;
const HIDDEN = 4;
const lastAxis = [{ name: 'axes', type: AttributeType.INTS, ints: [-1] }];
const constant = (output: string, value: number): NodeProto =>
  node('Constant', [], output, [{ name: 'value', type: AttributeType.TENSOR, t: floatTensor('', [], [value]) }]);

/** torch.onnx.export's LayerNorm at opset 14, on x = input + 1 (so that its input is not a graph input). */
function decomposed(extra: NodeProto[] = [], outputs = ['y']) {
  return onnxModel({
    name: 'layer-norm',
    input: [tensorInput('input', DataType.FLOAT, HIDDEN)],
    output: outputs.map((name) => ({ name, type: { tensorType: { elemType: DataType.FLOAT } } })),
    initializer: [
      floatTensor('gamma', [HIDDEN], [1, 0.5, -2, 1.5]),
      floatTensor('beta', [HIDDEN], [0.1, 0, -0.3, 0.2]),
      floatTensor('one', [], [1]),
    ],
    node: [
      node('Add', ['input', 'one'], 'x'),
      node('ReduceMean', ['x'], 'mean', lastAxis),
      node('Sub', ['x', 'mean'], 'centered'),
      constant('two', 2),
      node('Pow', ['centered', 'two'], 'squared'),
      node('ReduceMean', ['squared'], 'variance', lastAxis),
      constant('epsilon', 1e-5),
      node('Add', ['variance', 'epsilon'], 'shifted'),
      node('Sqrt', ['shifted'], 'deviation'),
      node('Div', ['centered', 'deviation'], 'normalized'),
      node('Mul', ['normalized', 'gamma'], 'scaled'),
      node('Add', ['scaled', 'beta'], 'y'),
      ...extra,
    ],
  });
}

async function run(model: ReturnType<typeof decomposed>, names: string[]) {
  const session = await InferenceSession.create(encodeModel(model), { graphOptimizationLevel: 'disabled' });
  const input = new Tensor(
    'float32',
    Float32Array.from({ length: 2 * 3 * HIDDEN }, (_, i) => Math.sin(3 * i)),
    [2, 3, HIDDEN],
  );
  const outputs = await session.run({ input }, names);
  await session.release();
  return names.map((name) => Array.from(outputs[name]!.data as Float32Array));
}

describe('fuseLayerNorms', () => {
  it('replaces the decomposition by one node with the same output, mean and 1/σ', async () => {
    const model = decomposed();
    const fused = { ...model, graph: fuseLayerNorms(model.graph!) };
    expect(fused.graph.node!.map((n) => n.opType)).toEqual(['Add', 'LayerNormalization']);
    const [y, mean, inverse] = fused.graph.node![1]!.output!;
    const statistics = { ...fused, graph: { ...fused.graph, output: [y!, mean!, inverse!].map((name) => ({ name })) } };
    const [fusedY, fusedMean, fusedInverse] = await run(statistics, [y!, mean!, inverse!]);
    const reference = {
      ...model,
      graph: { ...model.graph, output: ['y', 'mean', 'shifted'].map((name) => ({ name })) },
    };
    const [expectedY, expectedMean, shifted] = await run(reference, ['y', 'mean', 'shifted']);
    fusedY!.forEach((value, i) => expect(value).toBeCloseTo(expectedY![i]!, 5));
    fusedMean!.forEach((value, i) => expect(value).toBeCloseTo(expectedMean![i]!, 5));
    fusedInverse!.forEach((value, i) => expect(value).toBeCloseTo(1 / Math.sqrt(shifted![i]!), 4));
  });

  it('fuses opset 18’s decomposition, whose axes are a Constant input', () => {
    const model = decomposed();
    const axes = node('Constant', [], 'axes', [
      { name: 'value', type: AttributeType.TENSOR, t: { dataType: DataType.INT64, dims: [1], int64Data: [-1] } },
    ]);
    const nodes = model.graph!.node!.map((n) =>
      n.opType === 'ReduceMean' ? { ...n, input: [n.input![0]!, 'axes'], attribute: [] } : n,
    );
    const graph = { ...model.graph!, node: [axes, ...nodes] };
    expect(fuseLayerNorms(graph).node!.map((n) => n.opType)).toEqual(['Add', 'LayerNormalization']);
  });

  it('leaves the decomposition alone when an intermediate value is used elsewhere', () => {
    const model = decomposed([node('Mul', ['deviation', 'deviation'], 'other')], ['y', 'other']);
    expect(fuseLayerNorms(model.graph!).node!.map((n) => n.opType)).toContain('Sqrt');
  });

  it('names the statistics outputs of a LayerNormalization node that lacks them', () => {
    const graph = { node: [node('LayerNormalization', ['x', 'gamma', 'beta'], 'y')] };
    expect(fuseLayerNorms(graph).node![0]!.output).toEqual(['y', 'y/mean', 'y/inv_std_dev']);
  });
});
