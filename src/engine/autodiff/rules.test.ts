/**
 * Every gradient rule against central finite differences, through onnxruntime itself: a one-op (or few-op)
 * graph Y = f(X…), a random seed v, the backward graph's ∂⟨v, Y⟩/∂X against (⟨v, f(X+h)⟩ − ⟨v, f(X−h)⟩)/2h.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { convertOpset } from '../onnx/opset-convert.js';
import {
  DataType,
  encodeModel,
  onnx,
  opsetVersion,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from '../onnx/proto.js';
import { backward } from './backward.js';
import { RULES } from './rules.js';
import { probeFeeds, probeShapes } from './shapes.js';

const { AttributeType } = onnx.AttributeProto;
/** Opsets before the forms changed (ReduceSum/Squeeze/Unsqueeze axes at 13, integer Min at 12). */
const OLDER_OPSETS = [11, 12];

interface InputSpec {
  name: string;
  dims: number[];
  /** Axes declared dynamic (as exported batch and sequence axes are). */
  dynamic?: number[];
  /** Keep values in [0.5, 1.5] (divisors, roots, logarithms). */
  positive?: boolean;
}

interface Case {
  name: string;
  /** Differentiated inputs. */
  inputs: InputSpec[];
  nodes: NodeProto[];
  initializers?: TensorProto[];
  opset?: number;
  /** Whether the case means the same at opsets 11 and 12, so that it is also checked there (default true). */
  olderOpsets?: boolean;
}

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const node = (opType: string, input: string[], attribute: NodeProto['attribute'] = [], output = 'Y'): NodeProto => ({
  opType,
  input,
  output: [output],
  name: output,
  attribute,
});
const ints = (name: string, values: number[]) => ({ name, type: AttributeType.INTS, ints: values });
const intAttr = (name: string, value: number) => ({ name, type: AttributeType.INT, i: value });
const floatTensor = (name: string, dims: number[], values: number[]): TensorProto => ({
  name,
  dataType: DataType.FLOAT,
  dims,
  floatData: values,
});
const int64Tensor = (name: string, values: number[], dims = [values.length]): TensorProto => ({
  name,
  dataType: DataType.INT64,
  dims,
  int64Data: values,
});
const x = (dims: number[], extra: Partial<InputSpec> = {}): InputSpec => ({ name: 'X', dims, ...extra });
const w = (dims: number[], extra: Partial<InputSpec> = {}): InputSpec => ({ name: 'W', dims, ...extra });

/** The forward graph Y = f(X…) of a case, written at `opset` (the case's own forms rewritten by convertOpset). */
function forwardModel(test: Case, opset = test.opset ?? 14): ModelProto {
  const inputs = test.inputs.map((spec) => ({
    name: spec.name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: {
          dim: spec.dims.map((size, axis) =>
            spec.dynamic?.includes(axis) ? { dimParam: `${spec.name}_${axis}` } : { dimValue: size },
          ),
        },
      },
    },
  }));
  const graph = {
    name: test.name,
    node: test.nodes,
    initializer: test.initializers ?? [],
    input: inputs,
    output: [{ name: 'Y', type: { tensorType: { elemType: DataType.FLOAT } } }],
  };
  const written: ModelProto = { irVersion: 8, opsetImport: [{ domain: '', version: test.opset ?? 14 }], graph };
  return opset === (test.opset ?? 14) ? written : convertOpset(written, opset);
}

/** The forward graph with its reverse pass: outputs ∂⟨seed, Y⟩/∂X for every input X. */
function gradientModel(test: Case, forward: ModelProto, shapes: Map<string, (number | undefined)[]>): ModelProto {
  const graph = forward.graph!;
  const opset = opsetVersion(forward);
  const pass = backward(graph, shapes, opset, { output: 'Y', seed: 'seed', wrt: test.inputs.map((i) => i.name) });
  return {
    ...forward,
    graph: {
      ...graph,
      node: [
        ...(graph.node ?? []),
        ...pass.nodes,
        ...test.inputs.map((spec) => node('Identity', [pass.gradients.get(spec.name)!], [], `grad_${spec.name}`)),
      ],
      initializer: [...(graph.initializer ?? []), ...pass.initializers],
      input: [...(graph.input ?? []), { name: 'seed', type: { tensorType: { elemType: DataType.FLOAT } } }],
      output: test.inputs.map((spec) => ({
        name: `grad_${spec.name}`,
        type: { tensorType: { elemType: DataType.FLOAT } },
      })),
    },
  };
}

async function check(test: Case, opset?: number): Promise<void> {
  const next = random(test.name.length * 7919 + 17);
  const written = forwardModel(test, opset);
  const shapes = await probeShapes(written, probeFeeds(written.graph!));
  const forward = await InferenceSession.create(encodeModel(written));
  const gradient = await InferenceSession.create(encodeModel(gradientModel(test, written, shapes)));
  const values = test.inputs.map((spec) =>
    Float32Array.from({ length: spec.dims.reduce((a, b) => a * b, 1) }, () =>
      spec.positive ? 0.5 + next() : (next() - 0.5) * 3,
    ),
  );
  const feeds = (data: Float32Array[]) =>
    Object.fromEntries(test.inputs.map((spec, i) => [spec.name, new Tensor('float32', data[i]!, spec.dims)]));
  const y = (await forward.run(feeds(values))).Y!;
  const seed = Float32Array.from({ length: y.data.length }, () => next() - 0.5);
  const dot = async (data: Float32Array[]) => {
    const out = (await forward.run(feeds(data))).Y!.data as Float32Array;
    return out.reduce((sum, value, i) => sum + value * seed[i]!, 0);
  };
  const analytic = await gradient.run({ ...feeds(values), seed: new Tensor('float32', seed, y.dims) });
  const h = 1e-2;
  for (const [k, spec] of test.inputs.entries()) {
    const grad = analytic[`grad_${spec.name}`]!;
    expect(grad.dims, `${spec.name} gradient shape`).toEqual(spec.dims);
    for (let i = 0; i < values[k]!.length; i += 1) {
      const shifted = (delta: number) =>
        values.map((array, j) => (j === k ? array.map((v, e) => (e === i ? v + delta : v)) : array));
      const numeric = ((await dot(shifted(h))) - (await dot(shifted(-h)))) / (2 * h);
      const value = (grad.data as Float32Array)[i]!;
      expect(Math.abs(value - numeric), `${spec.name}[${i}]: ${value} vs ${numeric}`).toBeLessThanOrEqual(
        3e-3 + 1e-2 * Math.abs(numeric),
      );
    }
  }
  await forward.release();
  await gradient.release();
}

const CASES: Case[] = [
  { name: 'Add, same shape', inputs: [x([2, 3]), w([2, 3])], nodes: [node('Add', ['X', 'W'])] },
  { name: 'Add, trailing broadcast', inputs: [x([2, 3, 4]), w([4])], nodes: [node('Add', ['X', 'W'])] },
  { name: 'Add, size-1 axes', inputs: [x([2, 3, 4]), w([1, 3, 1])], nodes: [node('Add', ['W', 'X'])] },
  {
    name: 'Add, dynamic batch and sequence',
    inputs: [x([2, 3, 4], { dynamic: [0, 1] }), w([4])],
    nodes: [node('Add', ['X', 'W'])],
  },
  { name: 'Sub, broadcast', inputs: [x([2, 3]), w([2, 1])], nodes: [node('Sub', ['X', 'W'])] },
  { name: 'Mul, broadcast', inputs: [x([2, 3, 4]), w([3, 1])], nodes: [node('Mul', ['X', 'W'])] },
  { name: 'Div, broadcast', inputs: [x([2, 3]), w([3], { positive: true })], nodes: [node('Div', ['X', 'W'])] },
  {
    name: 'Pow, constant exponent (LayerNorm variance)',
    inputs: [x([2, 3])],
    nodes: [node('Pow', ['X', 'two'])],
    initializers: [floatTensor('two', [], [2])],
  },
  {
    name: 'Pow, other constant exponent',
    inputs: [x([2, 3], { positive: true })],
    nodes: [node('Pow', ['X', 'e'])],
    initializers: [floatTensor('e', [], [2.5])],
  },
  {
    name: 'Pow, both',
    inputs: [x([2, 3], { positive: true }), w([3])],
    nodes: [node('Pow', ['X', 'W'])],
  },
  { name: 'Sqrt', inputs: [x([2, 3], { positive: true })], nodes: [node('Sqrt', ['X'])] },
  { name: 'Erf', inputs: [x([2, 5])], nodes: [node('Erf', ['X'])] },
  { name: 'Tanh', inputs: [x([2, 5])], nodes: [node('Tanh', ['X'])] },
  { name: 'Relu', inputs: [x([3, 5])], nodes: [node('Relu', ['X'])] },
  {
    name: 'Neg, Exp, Log',
    inputs: [x([4], { positive: true })],
    nodes: [node('Log', ['X'], [], 'l'), node('Exp', ['l'], [], 'e'), node('Neg', ['e'])],
  },
  { name: 'Sigmoid', inputs: [x([2, 5])], nodes: [node('Sigmoid', ['X'])] },
  { name: 'Reciprocal', inputs: [x([2, 3], { positive: true })], nodes: [node('Reciprocal', ['X'])] },
  { name: 'Abs', inputs: [x([2, 5])], nodes: [node('Abs', ['X'])] },
  {
    name: 'Clip between constant bounds',
    inputs: [x([3, 4])],
    nodes: [node('Clip', ['X', 'low', 'high'])],
    initializers: [floatTensor('low', [], [-0.77]), floatTensor('high', [], [0.63])],
  },
  {
    name: 'Clip with a lower bound only, then Sign and Floor (no gradient)',
    inputs: [x([3, 4])],
    nodes: [
      node('Clip', ['X', 'low'], [], 'c'),
      node('Sign', ['X'], [], 's'),
      node('Floor', ['X'], [], 'f'),
      node('Add', ['s', 'f'], [], 'sf'),
      node('Add', ['c', 'sf']),
    ],
    initializers: [floatTensor('low', [], [-0.21])],
  },
  { name: 'Max, broadcast', inputs: [x([2, 3, 4]), w([3, 1])], nodes: [node('Max', ['X', 'W'])] },
  { name: 'Min, broadcast', inputs: [x([2, 3]), w([3])], nodes: [node('Min', ['W', 'X'])] },
  {
    name: 'Sum of three, broadcast',
    inputs: [x([2, 3, 4]), w([4]), { name: 'V', dims: [3, 1] }],
    nodes: [node('Sum', ['X', 'W', 'V'])],
  },
  {
    name: 'Split by sizes, one part unused',
    inputs: [x([2, 6, 3])],
    nodes: [
      { ...node('Split', ['X', 'sizes'], [intAttr('axis', 1)], 'split'), output: ['a', 'b', 'c'] },
      node('Mul', ['a', 'c']),
    ],
    initializers: [int64Tensor('sizes', [2, 2, 2])],
  },
  {
    name: 'Split into equal parts (opset 18: num_outputs)',
    opset: 18,
    inputs: [x([2, 4, 3])],
    nodes: [
      { ...node('Split', ['X'], [intAttr('axis', -1), intAttr('num_outputs', 3)], 'split'), output: ['a', 'b', 'c'] },
      node('Sub', ['a', 'c'], [], 'd'),
      node('Mul', ['d', 'b']),
    ],
  },
  { name: 'Softmax, last axis', inputs: [x([2, 3, 4])], nodes: [node('Softmax', ['X'], [intAttr('axis', -1)])] },
  {
    name: 'Softmax, middle axis',
    inputs: [x([2, 3, 4])],
    nodes: [node('Softmax', ['X'], [intAttr('axis', 1)])],
    olderOpsets: false, // it would mean the flattened softmax below
  },
  {
    name: 'Softmax over the flattened axes from axis 1 (before opset 13)',
    opset: 12,
    inputs: [x([2, 3, 4])],
    nodes: [node('Softmax', ['X'], [intAttr('axis', 1)])],
  },
  {
    name: 'Softmax, default axis (before opset 13: 1, flattened)',
    opset: 11,
    inputs: [x([2, 3, 4])],
    nodes: [node('Softmax', ['X'])],
  },
  {
    name: 'ReduceMean, keepdims',
    inputs: [x([2, 3, 4], { dynamic: [0, 1] })],
    nodes: [node('ReduceMean', ['X'], [ints('axes', [-1])])],
  },
  {
    name: 'ReduceMean, dynamic axis dropped',
    inputs: [x([2, 3, 4], { dynamic: [1] })],
    nodes: [node('ReduceMean', ['X'], [ints('axes', [1]), intAttr('keepdims', 0)])],
  },
  {
    name: 'ReduceSum, axes input',
    inputs: [x([2, 3, 4])],
    nodes: [node('ReduceSum', ['X', 'axes'], [intAttr('keepdims', 0)])],
    initializers: [int64Tensor('axes', [0, 2])],
  },
  { name: 'MatMul, batch × matrix', inputs: [x([2, 3, 4]), w([4, 5])], nodes: [node('MatMul', ['X', 'W'])] },
  {
    name: 'MatMul, broadcast batches',
    inputs: [x([2, 1, 3, 4]), w([3, 4, 2])],
    nodes: [node('MatMul', ['X', 'W'])],
  },
  {
    name: 'Gemm, transB and broadcast bias',
    inputs: [x([2, 3]), w([4, 3]), { name: 'C', dims: [4] }],
    nodes: [
      node(
        'Gemm',
        ['X', 'W', 'C'],
        [
          intAttr('transB', 1),
          { name: 'alpha', type: AttributeType.FLOAT, f: 0.5 },
          { name: 'beta', type: AttributeType.FLOAT, f: 2 },
        ],
      ),
    ],
  },
  {
    name: 'Gemm, transA',
    inputs: [x([3, 2]), w([3, 4])],
    nodes: [node('Gemm', ['X', 'W'], [intAttr('transA', 1)])],
  },
  {
    name: 'Where, mask broadcast to scores',
    inputs: [x([2, 3, 4]), w([4])],
    nodes: [node('Where', ['mask', 'X', 'W'])],
    initializers: [{ name: 'mask', dataType: DataType.BOOL, dims: [3, 1], int32Data: [1, 0, 1] }],
  },
  {
    name: 'Reshape, Transpose, Unsqueeze, Squeeze, Flatten',
    inputs: [x([2, 3, 4])],
    nodes: [
      node('Reshape', ['X', 'shape'], [], 'r'),
      node('Transpose', ['r'], [ints('perm', [1, 0])], 't'),
      node('Unsqueeze', ['t', 'one'], [], 'u'),
      node('Transpose', ['u'], [], 'v'),
      node('Squeeze', ['v', 'one'], [], 's'),
      node('Flatten', ['s'], [intAttr('axis', 1)]),
    ],
    initializers: [int64Tensor('shape', [6, 4]), int64Tensor('one', [1])],
  },
  {
    name: 'Identity and float Cast',
    inputs: [x([3])],
    nodes: [node('Identity', ['X'], [], 'i'), node('Cast', ['i'], [intAttr('to', DataType.FLOAT)])],
  },
  { name: 'Concat', inputs: [x([2, 3]), w([2, 2])], nodes: [node('Concat', ['X', 'W'], [intAttr('axis', 1)])] },
  {
    name: 'Gather, [CLS] position',
    inputs: [x([2, 3, 4], { dynamic: [0, 1] })],
    nodes: [node('Gather', ['X', 'zero'], [intAttr('axis', 1)])],
    initializers: [int64Tensor('zero', [0], [])],
  },
  {
    name: 'Gather, repeated rows',
    inputs: [x([3, 4])],
    nodes: [node('Gather', ['X', 'rows'])],
    initializers: [int64Tensor('rows', [2, 0, 2, -1], [2, 2])],
  },
  {
    name: 'GatherElements along the last axis, indices repeated and negative (scatter-add as one-hot products)',
    inputs: [x([2, 3, 4], { dynamic: [0] })],
    nodes: [node('GatherElements', ['X', 'idx'], [intAttr('axis', -1)])],
    initializers: [
      int64Tensor('idx', [0, 0, 3, -1, 2, 1, 1, 1, 0, 2, -4, 0, 3, 3, 3, 3, 1, 2, 0, 1, 2, 2, 0, 1], [2, 3, 4]),
    ],
  },
  {
    name: 'GatherElements with more indices than data along the axis, broadcast by Expand over the batch (DeBERTa)',
    inputs: [x([2, 3, 4], { dynamic: [0] })],
    nodes: [
      node('Shape', ['X'], [], 'xshape'),
      node('Slice', ['xshape', 'zero', 'one'], [], 'batch'),
      node('Concat', ['batch', 'tail'], [intAttr('axis', 0)], 'target'),
      node('Expand', ['base', 'target'], [], 'idx'),
      node('GatherElements', ['X', 'idx'], [intAttr('axis', 2)]),
    ],
    initializers: [
      int64Tensor('base', [3, 3, 2, 0, 1, 0, 0, 0, 0, 3, 2, 1, 2, 3, 3], [1, 3, 5]),
      int64Tensor('zero', [0]),
      int64Tensor('one', [1]),
      int64Tensor('tail', [3, 5]),
    ],
  },
  {
    name: 'GatherElements along a middle axis, the index broadcast over the first and last axes',
    inputs: [x([2, 4, 3])],
    nodes: [node('Expand', ['base', 'shape'], [], 'idx'), node('GatherElements', ['X', 'idx'], [intAttr('axis', 1)])],
    initializers: [int64Tensor('base', [1, 3, 1, 1, 0], [1, 5, 1]), int64Tensor('shape', [2, 5, 3])],
  },
  {
    name: "DeBERTa's c2p term: Q·Pᵀ gathered at bucketed positions broadcast over batch·heads, scaled, added",
    inputs: [x([4, 3, 2], { dynamic: [0] }), w([3, 3])],
    nodes: [
      node('Transpose', ['P'], [ints('perm', [0, 2, 1])], 'pt'),
      node('MatMul', ['X', 'pt'], [], 'c2p'),
      node('Shape', ['X'], [], 'xshape'),
      node('Slice', ['xshape', 'zero', 'two'], [], 'rows'),
      node('Concat', ['rows', 'three'], [intAttr('axis', 0)], 'target'),
      node('Expand', ['positions', 'target'], [], 'idx'),
      node('GatherElements', ['c2p', 'idx'], [intAttr('axis', -1)], 'gathered'),
      node('Div', ['gathered', 'scale'], [], 'scaled'),
      node('Add', ['W', 'scaled']),
    ],
    initializers: [
      floatTensor('P', [1, 4, 2], [0.3, -0.2, 0.5, 0.1, -0.4, 0.6, 0.2, 0.7]),
      int64Tensor('positions', [2, 1, 1, 3, 2, 1, 3, 3, 2], [1, 3, 3]),
      int64Tensor('zero', [0]),
      int64Tensor('two', [2]),
      int64Tensor('three', [3]),
      floatTensor('scale', [], [1.7]),
    ],
  },
  {
    name: 'XSoftmax: Where(masked, −big, X), Softmax, Where(masked, 0, p), the mask broadcast over heads',
    inputs: [x([2, 2, 3, 3])],
    nodes: [
      node('Where', ['masked', 'big', 'X'], [], 'filled'),
      node('Softmax', ['filled'], [intAttr('axis', -1)], 'p'),
      node('Where', ['masked', 'zero', 'p']),
    ],
    initializers: [
      {
        name: 'masked',
        dataType: DataType.BOOL,
        dims: [2, 1, 3, 3],
        int32Data: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 1],
      },
      floatTensor('big', [], [-3.4028234663852886e38]),
      floatTensor('zero', [], [0]),
    ],
  },
  {
    name: 'Tile',
    inputs: [x([2, 3], { dynamic: [1] })],
    nodes: [node('Tile', ['X', 'repeats'])],
    initializers: [int64Tensor('repeats', [3, 2])],
  },
  {
    name: 'GatherElements as ScatterElements with reduction add (opset 16)',
    opset: 16,
    inputs: [x([2, 3, 4], { dynamic: [0] })],
    nodes: [node('Expand', ['base', 'shape'], [], 'idx'), node('GatherElements', ['X', 'idx'], [intAttr('axis', 2)])],
    initializers: [
      int64Tensor('base', [3, 3, 2, 0, 1, 0, 0, 0, 0, 3, 2, 1, 2, -1, 3], [1, 3, 5]),
      int64Tensor('shape', [2, 3, 5]),
    ],
  },
  {
    name: 'GatherElements and Tile at opset 18',
    opset: 18,
    inputs: [x([2, 3, 4])],
    nodes: [node('GatherElements', ['X', 'idx'], [intAttr('axis', 1)], 'g'), node('Tile', ['g', 'repeats'])],
    initializers: [
      int64Tensor('idx', [0, 2, 2, 1, 2, 2, 0, 0, 1, 1, 1, 1, 0, 0, 0, 2, 2, 2, 1, 0, 1, 0, 2, 1], [2, 3, 4]),
      int64Tensor('repeats', [1, 2, 1]),
    ],
  },
  {
    name: 'Expand',
    inputs: [x([3, 1])],
    nodes: [node('Expand', ['X', 'shape'])],
    initializers: [int64Tensor('shape', [2, 3, 4])],
  },
  {
    name: 'Slice, negative bounds',
    inputs: [x([2, 5, 3])],
    nodes: [node('Slice', ['X', 'starts', 'ends', 'axes'])],
    initializers: [int64Tensor('starts', [1, -2]), int64Tensor('ends', [-1, 100]), int64Tensor('axes', [1, 2])],
  },
  {
    name: 'Slice, leading rows of a dynamic axis (the pooled row)',
    inputs: [x([2, 4, 3], { dynamic: [0, 1] })],
    nodes: [node('Slice', ['X', 'starts', 'ends', 'axes'])],
    initializers: [int64Tensor('starts', [0]), int64Tensor('ends', [2]), int64Tensor('axes', [1])],
  },
  {
    name: 'fan-out: X·tanh(X)',
    inputs: [x([2, 3])],
    nodes: [node('Tanh', ['X'], [], 't'), node('Mul', ['X', 't'])],
  },
  // Broadcasting on both sides, and the unary rules on operands broadcast afterwards: every rule's gradient
  // reaches a tensor smaller than the output it came from.
  {
    name: 'Sub, both operands broadcast',
    inputs: [x([2, 1, 4]), w([3, 1])],
    nodes: [node('Sub', ['X', 'W'])],
  },
  {
    name: 'Mul, both operands broadcast',
    inputs: [x([3, 1]), w([2, 1, 4])],
    nodes: [node('Mul', ['X', 'W'])],
  },
  {
    name: 'Div, dividend broadcast over the divisor',
    inputs: [x([4]), w([2, 3, 4], { positive: true })],
    nodes: [node('Div', ['X', 'W'])],
  },
  {
    name: 'Div, both operands broadcast',
    inputs: [x([2, 1, 4]), w([3, 1], { positive: true })],
    nodes: [node('Div', ['X', 'W'])],
  },
  {
    name: 'Pow, base and exponent both broadcast',
    inputs: [x([3, 1], { positive: true }), w([2, 1, 4])],
    nodes: [node('Pow', ['X', 'W'])],
  },
  {
    name: 'Pow, constant exponent, the power broadcast into a product',
    inputs: [x([2, 3, 4]), w([3, 1], { positive: true })],
    nodes: [node('Pow', ['W', 'e'], [], 'p'), node('Mul', ['X', 'p'])],
    initializers: [floatTensor('e', [], [1.5])],
  },
  {
    name: 'Sqrt, Log, Reciprocal, Exp of a [3, 1] operand broadcast into [2, 3, 4]',
    inputs: [x([2, 3, 4]), w([3, 1], { positive: true })],
    nodes: [
      node('Sqrt', ['W'], [], 's'),
      node('Mul', ['X', 's'], [], 'xs'),
      node('Log', ['W'], [], 'l'),
      node('Reciprocal', ['W'], [], 'r'),
      node('Exp', ['r'], [], 'e'),
      node('Mul', ['l', 'e'], [], 'le'),
      node('Add', ['xs', 'le']),
    ],
  },
  {
    name: 'Tanh, Neg, Erf, Sigmoid, Abs, Relu of a [4] operand broadcast into [2, 3, 4]',
    inputs: [x([2, 3, 4]), w([4])],
    nodes: [
      node('Tanh', ['W'], [], 't'),
      node('Neg', ['t'], [], 'n'),
      node('Mul', ['X', 'n'], [], 'xn'),
      node('Erf', ['W'], [], 'f'),
      node('Sigmoid', ['W'], [], 'g'),
      node('Mul', ['f', 'g'], [], 'fg'),
      node('Abs', ['W'], [], 'a'),
      node('Relu', ['W'], [], 'u'),
      node('Sub', ['a', 'u'], [], 'au'),
      node('Sum', ['xn', 'fg', 'au']),
    ],
  },
  {
    name: 'Ceil and Round (no gradient) beside X²',
    inputs: [x([3, 4])],
    nodes: [
      node('Mul', ['X', 'X'], [], 'sq'),
      node('Ceil', ['X'], [], 'c'),
      node('Round', ['X'], [], 'r'),
      node('Sum', ['sq', 'c', 'r']),
    ],
  },
  {
    name: 'Dropout (inference: the identity), times a broadcast operand',
    inputs: [x([2, 3, 4]), w([3, 1])],
    nodes: [node('Dropout', ['X'], [], 'd'), node('Mul', ['d', 'W'])],
  },
  {
    // Its optional bool mask is not a differentiable output (it once made gradients unavailable).
    name: 'Dropout with its mask output',
    inputs: [x([2, 3, 4]), w([3, 1])],
    nodes: [{ ...node('Dropout', ['X'], [], 'd'), output: ['d', 'd_mask'] }, node('Mul', ['d', 'W'])],
  },
  {
    name: 'Max, both operands broadcast',
    inputs: [x([2, 1, 4]), w([3, 1])],
    nodes: [node('Max', ['X', 'W'])],
  },
  {
    name: 'Min, both operands broadcast',
    inputs: [x([3, 1]), w([2, 1, 4])],
    nodes: [node('Min', ['X', 'W'])],
  },
  {
    name: 'Where, the condition larger than both branches, each broadcast',
    inputs: [x([3, 4]), w([2, 1, 4])],
    nodes: [node('Where', ['mask', 'X', 'W'])],
    initializers: [{ name: 'mask', dataType: DataType.BOOL, dims: [2, 3, 1], int32Data: [1, 0, 1, 0, 0, 1] }],
  },
  {
    name: 'Where, a scalar condition and a scalar branch',
    inputs: [x([2, 3]), w([])],
    nodes: [
      node('Where', ['yes', 'X', 'W'], [], 'a'),
      node('Where', ['no', 'X', 'W'], [], 'b'),
      node('Mul', ['a', 'b']),
    ],
    initializers: [
      { name: 'yes', dataType: DataType.BOOL, dims: [], int32Data: [1] },
      { name: 'no', dataType: DataType.BOOL, dims: [], int32Data: [0] },
    ],
  },
  {
    name: 'Gemm, transA and transB, a column bias [2, 1]',
    inputs: [x([3, 2]), w([4, 3]), { name: 'C', dims: [2, 1] }],
    nodes: [
      node(
        'Gemm',
        ['X', 'W', 'C'],
        [intAttr('transA', 1), intAttr('transB', 1), { name: 'beta', type: AttributeType.FLOAT, f: -0.5 }],
      ),
    ],
  },
  {
    name: 'Gemm, a scalar bias',
    inputs: [x([2, 3]), w([3, 4]), { name: 'C', dims: [] }],
    nodes: [node('Gemm', ['X', 'W', 'C'])],
  },
  {
    name: 'Expand to a shape read at run time (Shape of a dynamic input)',
    inputs: [x([2, 3, 4], { dynamic: [0, 1] }), w([1, 4])],
    nodes: [node('Shape', ['X'], [], 'shape'), node('Expand', ['W', 'shape'], [], 'e'), node('Mul', ['X', 'e'])],
  },
  {
    name: 'Expand to a shape smaller than the input in rank (the input keeps its own axes)',
    inputs: [x([2, 1, 4])],
    nodes: [node('Expand', ['X', 'shape'])],
    initializers: [int64Tensor('shape', [3, 1])],
  },
  {
    name: 'Expand then Tile, as DeBERTa repeats its relative embeddings over batch·heads',
    inputs: [x([4, 3, 2]), w([1, 3, 2])],
    nodes: [node('Expand', ['W', 'ones'], [], 'e'), node('Tile', ['e', 'repeats'], [], 't'), node('Mul', ['X', 't'])],
    initializers: [int64Tensor('ones', [2, 1, 1]), int64Tensor('repeats', [2, 1, 1])],
  },
  {
    name: 'Tile of a rank-3 tensor on every axis, the tiles summed by a broadcast product',
    inputs: [x([2, 1, 3]), w([4, 1])],
    nodes: [node('Tile', ['X', 'repeats'], [], 't'), node('Mul', ['t', 'W'])],
    initializers: [int64Tensor('repeats', [2, 4, 1])],
  },
  {
    name: 'GatherElements with every index the same (all of the gradient summed into one element per row)',
    inputs: [x([2, 3], { dynamic: [0] })],
    nodes: [node('Expand', ['same', 'shape'], [], 'idx'), node('GatherElements', ['X', 'idx'], [intAttr('axis', 1)])],
    initializers: [int64Tensor('same', [1], [1, 1]), int64Tensor('shape', [2, 5])],
  },
  {
    name: 'LayerNormalization (opset 17)',
    opset: 17,
    inputs: [x([2, 3, 4]), { name: 'S', dims: [4] }, { name: 'B', dims: [4] }],
    nodes: [node('LayerNormalization', ['X', 'S', 'B'], [{ name: 'epsilon', type: AttributeType.FLOAT, f: 1e-5 }])],
  },
  {
    name: 'LayerNormalization over the last two axes (axis 1), scale and bias of the normalized shape',
    opset: 17,
    inputs: [x([2, 3, 4]), { name: 'S', dims: [3, 4] }, { name: 'B', dims: [3, 4] }],
    nodes: [node('LayerNormalization', ['X', 'S', 'B'], [intAttr('axis', 1)])],
  },
  {
    name: 'LayerNormalization with scale and bias broadcast over the normalized shape',
    opset: 17,
    inputs: [x([2, 3, 4]), { name: 'S', dims: [1, 4] }, { name: 'B', dims: [3, 1] }],
    nodes: [node('LayerNormalization', ['X', 'S', 'B'], [intAttr('axis', -2)])],
  },
  {
    name: 'LayerNormalization without bias, dynamic batch and sequence',
    opset: 17,
    inputs: [x([2, 3, 4], { dynamic: [0, 1] }), { name: 'S', dims: [4] }],
    nodes: [node('LayerNormalization', ['X', 'S'], [{ name: 'epsilon', type: AttributeType.FLOAT, f: 1e-3 }])],
  },
  {
    name: 'LayerNormalization with saved statistics over the last two axes, scale broadcast',
    opset: 17,
    inputs: [x([2, 3, 4]), { name: 'S', dims: [4] }, { name: 'B', dims: [4] }],
    nodes: [{ ...node('LayerNormalization', ['X', 'S', 'B'], [intAttr('axis', 1)]), output: ['Y', 'mean', 'inv'] }],
  },
  {
    // fuseLayerNorms writes LayerNormalization into graphs of any opset: onnxruntime registers it in the
    // default domain from version 1 (its own LayerNorm fusion writes it there too).
    name: 'LayerNormalization with saved statistics at opset 11, as fuseLayerNorms writes it',
    opset: 11,
    inputs: [x([2, 3, 4]), { name: 'S', dims: [4] }, { name: 'B', dims: [4] }],
    nodes: [{ ...node('LayerNormalization', ['X', 'S', 'B']), output: ['Y', 'mean', 'inv'] }],
  },
  {
    name: 'LayerNormalization with its saved mean and 1/σ',
    opset: 17,
    inputs: [x([2, 3, 4]), { name: 'S', dims: [4] }, { name: 'B', dims: [4] }],
    nodes: [
      {
        ...node('LayerNormalization', ['X', 'S', 'B'], [{ name: 'epsilon', type: AttributeType.FLOAT, f: 1e-5 }]),
        output: ['Y', 'mean', 'inv_std_dev'],
      },
    ],
  },
];

describe('gradient rules against central finite differences', () => {
  it.each(CASES.map((test) => [test.name, test] as const))('%s', async (_name, test) => check(test));

  // The reverse pass writes its reductions, Squeeze/Unsqueeze and Min in the forms of the graph's own opset.
  const earlier = CASES.filter((test) => (test.opset ?? 14) === 14 && test.olderOpsets !== false);
  it.each(earlier.flatMap((test) => OLDER_OPSETS.map((opset) => [test.name, opset, test] as const)))(
    '%s, at opset %i',
    async (_name, opset, test) => check(test, opset),
  );

  it('has a case for every op with a rule, so that no rule goes unchecked', () => {
    const tested = new Set(CASES.flatMap((test) => test.nodes.map((candidate) => candidate.opType)));
    expect(Object.keys(RULES).filter((op) => !tested.has(op))).toEqual([]);
  });

  it('names the op that has no rule', async () => {
    const test: Case = { name: 'Sin', inputs: [x([2])], nodes: [node('Sin', ['X'])] };
    const written = forwardModel(test);
    const shapes = await probeShapes(written, probeFeeds(written.graph!));
    expect(() => gradientModel(test, written, shapes)).toThrow(/gradient methods unavailable for this model: op Sin/);
  });

  it('refuses a path through another element type rather than cutting the gradient', async () => {
    const test: Case = {
      name: 'half',
      inputs: [x([2])],
      nodes: [
        node('Cast', ['X'], [intAttr('to', DataType.FLOAT16)], 'half'),
        node('Cast', ['half'], [intAttr('to', DataType.FLOAT)]),
      ],
    };
    const written = forwardModel(test);
    const shapes = await probeShapes(written, probeFeeds(written.graph!));
    expect(() => gradientModel(test, written, shapes)).toThrow(/op Cast .* only float32 paths are differentiated/);
  });
});
