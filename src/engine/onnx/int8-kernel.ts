/**
 * Which int8 weight range this CPU's onnxruntime kernels multiply exactly. On x86 without VNNI (AVX2, AVX-512
 * without VNNI: many AMD EPYC and older Intel parts) onnxruntime's uint8 × int8 GEMM adds pairs of products
 * in 16-bit lanes (`vpmaddubsw`), which saturate: 255·127 + 255·127 > 32767. Weights in [−127, 127] then give
 * products that are silently wrong by up to half their value. onnxruntime's own answer is `quantize_dynamic`'s
 * `reduce_range`: 7-bit weights in [−64, 64], whose pair sums (255·64·2 = 32640) fit. VNNI, AMX and ARM's dot
 * products accumulate in 32 bits and keep the full range.
 *
 * Rather than guessing from CPU flags, the engine asks the kernel: one quantized MatMul built exactly as
 * quantize.ts builds the model's, run with the engine's session options, on inputs that saturate a 16-bit lane.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { DataType, encodeModel, type ModelProto } from './proto.js';
import { FULL_INT8_WEIGHT_MAX, quantizeMatMulWeights, REDUCED_INT8_WEIGHT_MAX } from './quantize.js';

/** Long enough that a saturated kernel is off by about half, far beyond float rounding. */
const DEPTH = 64;

let probed: Promise<number> | undefined;

/** The largest |int8 weight| the kernels multiply exactly here: 127, or 64 where they saturate. Asked once. */
export function exactInt8WeightMax(options: InferenceSession.SessionOptions): Promise<number> {
  probed ??= saturates(options).then((saturating) => (saturating ? REDUCED_INT8_WEIGHT_MAX : FULL_INT8_WEIGHT_MAX));
  return probed;
}

/**
 * x = 1 everywhere quantizes to uint8 255 and w = 1 everywhere to int8 127, so every pair of products is
 * 2·255·127 = 64770, twice what a 16-bit lane holds; the exact product is DEPTH.
 */
async function saturates(options: InferenceSession.SessionOptions): Promise<boolean> {
  const { model } = quantizeMatMulWeights(onesMatMul(), { weightMax: FULL_INT8_WEIGHT_MAX });
  const session = await InferenceSession.create(encodeModel(model), options);
  try {
    const x = new Tensor('float32', new Float32Array(DEPTH).fill(1), [1, DEPTH]);
    const [y] = (await session.run({ x }))['y']!.data as Float32Array;
    return Math.abs(y! - DEPTH) > 1e-3 * DEPTH;
  } finally {
    await session.release();
  }
}

function onesMatMul(): ModelProto {
  return {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 14 }],
    graph: {
      name: 'int8-kernel-probe',
      input: [
        {
          name: 'x',
          type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimValue: 1 }, { dimValue: DEPTH }] } } },
        },
      ],
      output: [{ name: 'y', type: { tensorType: { elemType: DataType.FLOAT } } }],
      initializer: [
        {
          name: 'w',
          dataType: DataType.FLOAT,
          dims: [DEPTH, 1],
          floatData: new Array<number>(DEPTH).fill(1),
        },
      ],
      node: [{ opType: 'MatMul', input: ['x', 'w'], output: ['y'], name: 'matmul' }],
    },
  };
}
