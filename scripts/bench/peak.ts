/**
 * The fp32 matrix-product peak onnxruntime reaches on this machine: one MatMul node of an input by a constant
 * (prepacked like the model's weights), with the engine's session options.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { sessionOptions } from '../../src/engine/model/bundle.js';
import { DataType, encodeModel, type ModelProto } from '../../src/engine/onnx/proto.js';
import { fastest } from './measure.js';

function matMulModel(m: number, k: number, n: number): ModelProto {
  const weights = Float32Array.from({ length: k * n }, (_, i) => Math.sin(i) / 32);
  const dims = (rows: number, columns: number) => ({ dim: [{ dimValue: rows }, { dimValue: columns }] });
  return {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 14 }],
    graph: {
      name: 'matmul',
      node: [{ opType: 'MatMul', input: ['a', 'b'], output: ['c'] }],
      initializer: [{ name: 'b', dataType: DataType.FLOAT, dims: [k, n], rawData: new Uint8Array(weights.buffer) }],
      input: [{ name: 'a', type: { tensorType: { elemType: DataType.FLOAT, shape: dims(m, k) } } }],
      output: [{ name: 'c', type: { tensorType: { elemType: DataType.FLOAT, shape: dims(m, n) } } }],
    },
  };
}

/** GFLOP/s of an m×k by k×n product, the fastest of `runs`. */
export async function onnxruntimeMatMul(m: number, k: number, n: number, runs: number): Promise<number> {
  const session = await InferenceSession.create(encodeModel(matMulModel(m, k, n)), sessionOptions());
  try {
    const a = new Tensor(
      'float32',
      Float32Array.from({ length: m * k }, (_, i) => Math.cos(i) / 32),
      [m, k],
    );
    const { seconds } = await fastest(() => session.run({ a }), runs, 2);
    return (2 * m * k * n) / seconds / 1e9;
  } finally {
    await session.release();
  }
}
