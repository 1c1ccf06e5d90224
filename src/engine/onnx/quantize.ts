/**
 * Dynamic int8 quantization of a classifier's weight MatMuls, as onnxruntime's `quantize_dynamic` does it:
 * the weights become int8 once, here; the activations are quantized to uint8 at run time by
 * `DynamicQuantizeLinear`. Each `MatMul(X, W)` with a 2-D float initializer `W` becomes
 *
 *   DynamicQuantizeLinear(X) → (Xq, Xscale, Xzero)        (one per activation, shared by its MatMuls)
 *   MatMulInteger(Xq, Wq, Xzero, Wzero) → Cast(float) → Mul(·, Mul(Xscale, Wscale))
 *
 * exactly the shape onnxruntime's MatMulIntegerToFloatFusion recognises (Mul whose parents are a Cast of a
 * MatMulInteger and a Mul of the two scales) and turns into one MatMulIntegerToFloat kernel (VNNI/AMX int8
 * GEMM with the scaling in its epilogue); DynamicQuantizeMatMulFusion then folds in the quantizer where an
 * activation feeds a single MatMul.
 *
 * Left in fp32, deliberately:
 * - activation × activation MatMuls (attention scores and context): a profile of the quantized full-size
 *   DistilBERT (32 × 40 tokens) puts them at 9% of the run time, so quantizing them could win at most ~1.1×,
 *   while both operands would need run-time scales and softmax probabilities on a uint8 grid (steps of
 *   1/255) would add drift;
 * - Gemm (the classifier head): it runs on one vector per sentence (0.1% of the fp32 run time) and writes the
 *   logits directly, so quantizing it would add drift for no measurable speed.
 */
import { GraphIndex } from './graph.js';
import {
  DataType,
  dims,
  floatData,
  onnx,
  opsetVersion,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from './proto.js';
import { UnsupportedGraphError } from './surgery.js';

/** Symmetric int8 range: −128 is left out so that the range is symmetric around zero (zero point 0). */
export const FULL_INT8_WEIGHT_MAX = 127;
/**
 * `quantize_dynamic`'s `reduce_range`: 7-bit weights, for CPUs whose uint8 × int8 kernels saturate 16-bit
 * sums of product pairs (int8-kernel.ts finds out which range a CPU needs).
 */
export const REDUCED_INT8_WEIGHT_MAX = 64;
/** DynamicQuantizeLinear and MatMulInteger both exist from opset 11 on. */
const MIN_OPSET = 11;
const PREFIX = 'xai/int8/';

export interface QuantizedModel {
  model: ModelProto;
  /** How many MatMuls now run in int8. */
  matmuls: number;
}

/**
 * Per-column scales (one per output feature) or one scale for the whole weight matrix. Per-column is the
 * default: a column of small weights keeps its precision beside a column of large ones. Measured max |Δp|
 * against fp32 over examples/sentences.txt and the golden sentences: the trained demo model 0.0014 per-column vs
 * 0.0041 per-tensor (7-bit weights, a CPU without VNNI; the hand-set demo before it, 8-bit: 0.0028 vs 0.012);
 * full-size DistilBERT 0.0017 vs 0.0029. Speed is
 * the same: onnxruntime applies the column scales in the int8 GEMM's epilogue.
 */
export type WeightGranularity = 'per-column' | 'per-tensor';

export interface QuantizeOptions {
  granularity?: WeightGranularity;
  /** The largest |q| of an int8 weight: FULL_INT8_WEIGHT_MAX, or REDUCED_INT8_WEIGHT_MAX where kernels saturate. */
  weightMax: number;
}

export function quantizeMatMulWeights(
  model: ModelProto,
  { granularity = 'per-column', weightMax }: QuantizeOptions,
): QuantizedModel {
  const graph = model.graph;
  if (!graph) throw new UnsupportedGraphError('the ONNX file has no graph');
  const opset = opsetVersion(model);
  if (opset < MIN_OPSET) {
    throw new UnsupportedGraphError(`int8 needs ONNX opset ${MIN_OPSET} or later; the model uses opset ${opset}`);
  }
  const index = new GraphIndex(graph);
  const weightOf = (candidate: NodeProto): TensorProto | undefined => {
    if (candidate.opType !== 'MatMul') return undefined;
    const weight = index.initializers.get(candidate.input?.[1] ?? '');
    return weight?.dataType === DataType.FLOAT && dims(weight).length === 2 ? weight : undefined;
  };
  const targets = (graph.node ?? []).filter((candidate) => weightOf(candidate) !== undefined);
  if (targets.length === 0) throw new UnsupportedGraphError('no MatMul with a float weight matrix to quantize');

  const quantizedWeights = new Map<string, QuantizedWeight>();
  const quantizedActivations = new Set<string>();
  const nodes: NodeProto[] = [];
  for (const original of graph.node ?? []) {
    const weight = weightOf(original);
    if (!weight) {
      nodes.push(original);
      continue;
    }
    const activation = original.input?.[0] ?? '';
    const output = original.output?.[0] ?? '';
    const a = activationNames(activation);
    if (!quantizedActivations.has(activation)) {
      quantizedActivations.add(activation);
      nodes.push(node('DynamicQuantizeLinear', [activation], [a.values, a.scale, a.zeroPoint], `${a.base}/quantize`));
    }
    const weightName = weight.name ?? '';
    let w = quantizedWeights.get(weightName);
    if (!w) {
      w = quantizeWeight(weight, granularity, weightMax);
      quantizedWeights.set(weightName, w);
    }
    const base = `${PREFIX}${output}`;
    nodes.push(
      node(
        'MatMulInteger',
        [a.values, w.values.name!, a.zeroPoint, w.zeroPoint.name!],
        [`${base}/int32`],
        `${base}/matmul`,
      ),
      node('Cast', [`${base}/int32`], [`${base}/float`], `${base}/cast`, [
        { name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: DataType.FLOAT },
      ]),
      node('Mul', [a.scale, w.scale.name!], [`${base}/scale`], `${base}/scales`),
      node('Mul', [`${base}/float`, `${base}/scale`], [output], `${base}/rescale`),
    );
  }

  // A float weight is dropped only when every reader of it now reads the int8 copy (tied weights may not).
  const targetSet = new Set(targets);
  const dropped = new Set(
    [...quantizedWeights.keys()].filter((name) => index.consumersOf(name).every((reader) => targetSet.has(reader))),
  );
  const derived: GraphProto = {
    ...graph,
    node: nodes,
    input: (graph.input ?? []).filter((input) => !dropped.has(input.name ?? '')),
    initializer: [
      ...(graph.initializer ?? []).filter((tensor) => !dropped.has(tensor.name ?? '')),
      ...[...quantizedWeights.values()].flatMap(({ values, scale, zeroPoint }) => [values, scale, zeroPoint]),
    ],
  };
  return { model: { ...model, graph: derived }, matmuls: targets.length };
}

interface QuantizedWeight {
  values: TensorProto;
  scale: TensorProto;
  zeroPoint: TensorProto;
}

/** w ≈ scale · q with q = round(w / scale) in [−max, max] and scale = max |w| / max, per column or overall. */
function quantizeWeight(weight: TensorProto, granularity: WeightGranularity, weightMax: number): QuantizedWeight {
  const [rows, columns] = dims(weight) as [number, number];
  const data = floatData(weight);
  const perColumn = granularity === 'per-column';
  const groups = perColumn ? columns : 1;
  const scales = new Float32Array(groups);
  for (let i = 0; i < data.length; i += 1) {
    const group = perColumn ? i % columns : 0;
    scales[group] = Math.max(scales[group]!, Math.abs(data[i]!));
  }
  // An all-zero column quantizes to zeros with any scale; 1 avoids dividing by zero.
  for (let g = 0; g < groups; g += 1) scales[g] = scales[g]! > 0 ? scales[g]! / weightMax : 1;
  const values = new Int8Array(rows * columns);
  for (let i = 0; i < data.length; i += 1) {
    const q = roundHalfToEven(data[i]! / scales[perColumn ? i % columns : 0]!);
    values[i] = Math.min(weightMax, Math.max(-weightMax, q));
  }
  const name = `${PREFIX}${weight.name ?? ''}`;
  const groupDims = perColumn ? [columns] : [];
  return {
    values: bytesTensor(`${name}/quantized`, DataType.INT8, [rows, columns], values),
    scale: bytesTensor(`${name}/scale`, DataType.FLOAT, groupDims, scales),
    zeroPoint: bytesTensor(`${name}/zero_point`, DataType.INT8, groupDims, new Int8Array(groups)),
  };
}

/** Rounding as onnxruntime and numpy do it (ties to even), so that the weights match its quantizer's. */
function roundHalfToEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

function activationNames(activation: string): { base: string; values: string; scale: string; zeroPoint: string } {
  const base = `${PREFIX}${activation}`;
  return { base, values: `${base}/quantized`, scale: `${base}/scale`, zeroPoint: `${base}/zero_point` };
}

function bytesTensor(name: string, dataType: number, shape: number[], data: Int8Array | Float32Array): TensorProto {
  return { name, dataType, dims: shape, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function node(
  opType: string,
  input: string[],
  output: string[],
  name: string,
  attribute: NodeProto['attribute'] = [],
): NodeProto {
  return { opType, input, output, name, attribute };
}
