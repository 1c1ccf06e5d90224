/** Narrowing the last layer to the pooled row: same logits, fewer rows computed. */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DataType, encodeModel, onnx, opsetVersion, type ModelProto, type NodeProto } from '../onnx/proto.js';
import { floatTensor, int64Tensor, LOGITS_OUTPUT, node, onnxModel, tensorInput } from '../onnx/test-graphs.js';
import { narrowToPooledRow } from './pooled-rows.js';
import { probeFeeds, probeShapes } from './shapes.js';

const { AttributeType } = onnx.AttributeProto;
const D = 4;
const matrix = (name: string, rows: number, columns: number, seed: number) =>
  floatTensor(
    name,
    [rows, columns],
    Array.from({ length: rows * columns }, (_, i) => Math.sin(seed * (i + 1))),
  );

/** One attention layer (queries, keys, softmax, context, residual, LayerNorm), then [CLS] pooling. */
function layer(pooling: NodeProto): ModelProto {
  return onnxModel({
    name: 'layer',
    input: [tensorInput('x', DataType.FLOAT, D)],
    output: [LOGITS_OUTPUT],
    initializer: [
      matrix('Wq', D, D, 1),
      matrix('Wk', D, D, 2),
      matrix('Wc', D, 2, 3),
      floatTensor('gamma', [D], [1, 0.5, 2, 1]),
      floatTensor('beta', [D], [0, 0.1, -0.1, 0.2]),
      { ...int64Tensor('zero', [0]), dims: [] },
    ],
    node: [
      node('MatMul', ['x', 'Wq'], 'q'),
      node('MatMul', ['x', 'Wk'], 'k'),
      node('Transpose', ['k'], 'kT', [{ name: 'perm', type: AttributeType.INTS, ints: [0, 2, 1] }]),
      node('MatMul', ['q', 'kT'], 'scores'),
      node('Softmax', ['scores'], 'probs', [{ name: 'axis', type: AttributeType.INT, i: -1 }]),
      node('MatMul', ['probs', 'x'], 'context'),
      node('Add', ['context', 'x'], 'residual'),
      node('LayerNormalization', ['residual', 'gamma', 'beta'], 'hidden'),
      pooling,
      node('MatMul', ['pooled', 'Wc'], 'logits'),
    ],
  });
}

const clsPooling = node('Gather', ['hidden', 'zero'], 'pooled', [{ name: 'axis', type: AttributeType.INT, i: 1 }]);

async function logits(model: ModelProto): Promise<Float32Array> {
  const session = await InferenceSession.create(encodeModel(model));
  const x = new Tensor(
    'float32',
    Float32Array.from({ length: 2 * 5 * D }, (_, i) => Math.cos(i)),
    [2, 5, D],
  );
  const result = (await session.run({ x })).logits!.data as Float32Array;
  await session.release();
  return result;
}

async function narrowed(model: ModelProto): Promise<ModelProto> {
  const dims = await probeShapes(model, probeFeeds(model.graph!));
  return { ...model, graph: narrowToPooledRow(model.graph!, dims, opsetVersion(model)) };
}

describe('narrowToPooledRow', () => {
  it('computes the pooled row alone from the queries on, with the same logits', async () => {
    const model = layer(clsPooling);
    const pruned = await narrowed(model);
    const dims = await probeShapes(pruned, probeFeeds(pruned.graph!));
    for (const tensor of ['q', 'scores', 'probs', 'context', 'residual', 'hidden'])
      expect(dims.get(tensor)?.[1]).toBe(1);
    // Keys and the layer input stay whole; the row-only consumers of the input read one Slice of it.
    expect(dims.get('k')?.[1]).toBeUndefined();
    expect(pruned.graph!.node!.filter((n) => n.opType === 'Slice').map((n) => n.input?.[0])).toEqual(['x']);
    const [expected, actual] = [await logits(model), await logits(pruned)];
    actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 6));
  });

  it('narrows a graph that pools the first row by Slice 0:1 along the sequence axis, with the same logits', async () => {
    const model = layer(node('Slice', ['hidden', 'start0', 'end1', 'axis1'], 'pooled'));
    model.graph!.initializer!.push(int64Tensor('start0', [0]), int64Tensor('end1', [1]), int64Tensor('axis1', [1]));
    const pruned = await narrowed(model);
    const dims = await probeShapes(pruned, probeFeeds(pruned.graph!));
    expect(dims.get('hidden')?.[1]).toBe(1);
    const [expected, actual] = [await logits(model), await logits(pruned)];
    actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 6));
  });

  it('keeps a reshape to Concat(Shape(x)[:2], [−1]) (ALBERT’s flatten) whole, with the same logits', async () => {
    const model = layer(clsPooling);
    const nodes = model.graph!.node!;
    const at = nodes.findIndex((n) => n.output?.[0] === 'context');
    // The −1 is the Concat's second piece but element 2 of the shape: it does not keep the sequence axis apart.
    nodes.splice(
      at + 1,
      0,
      node('Shape', ['context'], 'context_shape'),
      node('Slice', ['context_shape', 'start0', 'end2'], 'leading'),
      node('Concat', ['leading', 'minus1'], 'flat_shape', [{ name: 'axis', type: AttributeType.INT, i: 0 }]),
      node('Reshape', ['context', 'flat_shape'], 'flat'),
    );
    const residual = nodes.find((n) => n.output?.[0] === 'residual')!;
    residual.input = ['flat', 'x'];
    model.graph!.initializer!.push(int64Tensor('start0', [0]), int64Tensor('end2', [2]), int64Tensor('minus1', [-1]));
    const pruned = await narrowed(model);
    const dims = await probeShapes(pruned, probeFeeds(pruned.graph!));
    expect(dims.get('hidden')?.[1]).toBe(1);
    expect(dims.get('flat')?.[1]).toBeUndefined();
    const [expected, actual] = [await logits(model), await logits(pruned)];
    actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 6));
  });

  it('computes a GatherElements (DeBERTa’s relative scores) whole and reads its row, with the same logits', async () => {
    const model = layer(clsPooling);
    const nodes = model.graph!.node!;
    const at = nodes.findIndex((n) => n.output?.[0] === 'scores');
    // scores + GatherElements(scores, idx) with idx[b, i, j] = n − 1 − j, the key order reversed.
    nodes[at] = node('MatMul', ['q', 'kT'], 'content');
    nodes.splice(
      at + 1,
      0,
      node('Shape', ['content'], 'content_shape'),
      node('Slice', ['content_shape', 'start1', 'end2'], 'n1'),
      node('Squeeze', ['n1', 'start0'], 'n'),
      node('Sub', ['n', 'one'], 'last'),
      node('Range', ['last', 'minus1', 'minus1'], 'reversed'),
      node('Expand', ['reversed', 'content_shape'], 'idx'),
      node('GatherElements', ['content', 'idx'], 'gathered', [{ name: 'axis', type: AttributeType.INT, i: -1 }]),
      node('Add', ['content', 'gathered'], 'scores'),
    );
    model.graph!.initializer!.push(
      int64Tensor('start0', [0]),
      int64Tensor('start1', [1]),
      int64Tensor('end2', [2]),
      { ...int64Tensor('one', [1]), dims: [] },
      { ...int64Tensor('minus1', [-1]), dims: [] },
    );
    const pruned = await narrowed(model);
    const dims = await probeShapes(pruned, probeFeeds(pruned.graph!));
    expect(dims.get('hidden')?.[1]).toBe(1);
    expect(dims.get('scores')?.[1]).toBe(1);
    expect(dims.get('gathered')?.[1]).toBeUndefined();
    const [expected, actual] = [await logits(model), await logits(pruned)];
    actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 6));
  });

  it('leaves a graph that slices other rows unchanged', async () => {
    const model = layer(node('Slice', ['hidden', 'start0', 'end2', 'axis1'], 'pooled'));
    model.graph!.initializer!.push(int64Tensor('start0', [0]), int64Tensor('end2', [2]), int64Tensor('axis1', [1]));
    expect((await narrowed(model)).graph).toBe(model.graph);
  });

  it('leaves a graph that pools otherwise unchanged', async () => {
    const mean = node('ReduceMean', ['hidden'], 'pooled', [
      { name: 'axes', type: AttributeType.INTS, ints: [1] },
      { name: 'keepdims', type: AttributeType.INT, i: 0 },
    ]);
    const model = layer(mean);
    expect((await narrowed(model)).graph).toBe(model.graph);
  });
});
