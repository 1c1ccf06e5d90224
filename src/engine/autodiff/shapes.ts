/**
 * What the backward pass needs to know about forward tensors: element types (which tensors can carry a
 * gradient) and shapes (which axes were broadcast). Ranks are static in exported encoders, and so are all
 * dims except batch and sequence; rather than re-implement ONNX shape inference for every op, onnxruntime
 * itself runs the graph twice with different batch and sequence sizes and every intermediate tensor exposed:
 * a dim that is the same in both runs is static, one that differs is dynamic (derived from `Shape` at run time).
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { DataType, encodeModel, int, type GraphProto, type ModelProto, type ValueInfoProto } from '../onnx/proto.js';

/** Static dims as numbers; `undefined` where the size depends on the input (batch, sequence). */
export type Dims = (number | undefined)[];

const BOOLEAN_OPS = new Set([
  'Equal',
  'Greater',
  'GreaterOrEqual',
  'Less',
  'LessOrEqual',
  'Not',
  'And',
  'Or',
  'Xor',
  'IsNaN',
  'IsInf',
]);
const INT64_OPS = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin']);
/** Integer products of the quantized ops (MatMulInteger, ConvInteger). */
const INT32_OPS = new Set(['MatMulInteger', 'ConvInteger']);
/** Ops with outputs of different types: the type of each output, where it does not follow the first input. */
const OUTPUT_TYPES: Record<string, (inputType: (k: number) => number) => number[]> = {
  DynamicQuantizeLinear: () => [DataType.UINT8, DataType.FLOAT, DataType.UINT8],
  // The quantized type is the zero point's (uint8 when it is absent).
  QuantizeLinear: (inputType) => [inputType(2) || DataType.UINT8],
  DequantizeLinear: (inputType) => [inputType(1) || DataType.FLOAT],
  Dropout: (inputType) => [inputType(0), DataType.BOOL],
  TopK: (inputType) => [inputType(0), DataType.INT64],
};

/** Element type of every tensor, propagated through the graph (most ops keep their first input's type). */
export function elementTypes(graph: GraphProto): Map<string, number> {
  const types = new Map<string, number>();
  for (const tensor of graph.initializer ?? []) types.set(tensor.name ?? '', tensor.dataType ?? 0);
  for (const input of graph.input ?? []) types.set(input.name ?? '', input.type?.tensorType?.elemType ?? 0);
  for (const node of graph.node ?? []) {
    const op = node.opType ?? '';
    const attribute = (name: string) => node.attribute?.find((candidate) => candidate.name === name);
    const special = OUTPUT_TYPES[op];
    if (special && !node.domain) {
      const outputs = special((k) => types.get(node.input?.[k] ?? '') ?? 0);
      (node.output ?? []).forEach((output, k) => types.set(output, outputs[k] ?? outputs[0]!));
      continue;
    }
    let type: number;
    if (op === 'Constant') type = attribute('value')?.t?.dataType ?? DataType.FLOAT;
    else if (op === 'ConstantOfShape') type = attribute('value')?.t?.dataType ?? DataType.FLOAT;
    else if (op === 'Cast') type = int(attribute('to')?.i);
    else if (op === 'OneHot') type = types.get(node.input?.[2] ?? '') ?? 0;
    else if (BOOLEAN_OPS.has(op)) type = DataType.BOOL;
    else if (INT64_OPS.has(op)) type = DataType.INT64;
    else if (INT32_OPS.has(op)) type = DataType.INT32;
    else if (op === 'Where') type = types.get(node.input?.[1] ?? '') ?? 0;
    else type = types.get(node.input?.find(Boolean) ?? '') ?? 0;
    for (const output of node.output ?? []) types.set(output, type);
  }
  return types;
}

/** Runs `model` on two feeds that differ in their dynamic sizes and compares every tensor's shape. */
export async function probeShapes(
  model: ModelProto,
  feeds: [Record<string, Tensor>, Record<string, Tensor>],
): Promise<Map<string, Dims>> {
  const graph = model.graph ?? {};
  const declared = new Set((graph.output ?? []).map((output) => output.name ?? ''));
  // Exposed without a declared type: onnxruntime takes each output's type from its node, so an op whose output
  // type the engine does not know (a contrib or quantized op) cannot make the probe fail.
  const exposed: ValueInfoProto[] = [];
  for (const node of graph.node ?? []) {
    for (const name of node.output ?? []) if (name && !declared.has(name)) exposed.push({ name });
  }
  const probe: ModelProto = { ...model, graph: { ...graph, output: [...(graph.output ?? []), ...exposed] } };
  const session = await InferenceSession.create(encodeModel(probe), {
    graphOptimizationLevel: 'disabled',
    logSeverityLevel: 3,
  });
  try {
    const [first, second] = [await session.run(feeds[0]), await session.run(feeds[1])];
    const dims = new Map<string, Dims>();
    for (const name of session.outputNames) {
      const a = first[name]!.dims;
      const b = second[name]!.dims;
      if (a.length !== b.length) throw new Error(`tensor ${name} changes rank with the input size`);
      dims.set(
        name,
        a.map((size, axis) => (size === b[axis] ? size : undefined)),
      );
    }
    for (const [name, tensor] of Object.entries(feeds[0])) {
      dims.set(
        name,
        tensor.dims.map((size, axis) => (size === feeds[1][name]!.dims[axis] ? size : undefined)),
      );
    }
    return dims;
  } finally {
    await session.release();
  }
}

/**
 * Two probe feeds for a graph's declared inputs. The k-th named dynamic dim is 2 + k in the first and 3 + 2k
 * in the second, so every dynamic size differs between the probes and none is 1 (which would look like
 * broadcasting). Floats are small deterministic values; integer inputs (masks, token types) are ones.
 */
export function probeFeeds(graph: GraphProto): [Record<string, Tensor>, Record<string, Tensor>] {
  return [0, 1].map((probe) => {
    const sizes = new Map<string, number>();
    const feeds: Record<string, Tensor> = {};
    for (const input of graph.input ?? []) {
      const tensorType = input.type?.tensorType;
      const shape = (tensorType?.shape?.dim ?? []).map((dim) => {
        if (dim.dimValue !== null && dim.dimValue !== undefined && int(dim.dimValue) > 0) return int(dim.dimValue);
        const key = dim.dimParam ?? '';
        if (!sizes.has(key)) sizes.set(key, probe === 0 ? 2 + sizes.size : 3 + 2 * sizes.size);
        return sizes.get(key)!;
      });
      const length = shape.reduce((a, b) => a * b, 1);
      const name = input.name ?? '';
      if (tensorType?.elemType === DataType.FLOAT) {
        feeds[name] = new Tensor(
          'float32',
          Float32Array.from({ length }, (_, i) => 0.1 * Math.sin(i + 1)),
          shape,
        );
      } else if (tensorType?.elemType === DataType.BOOL) {
        feeds[name] = new Tensor('bool', new Uint8Array(length).fill(1), shape);
      } else {
        feeds[name] = new Tensor('int64', new BigInt64Array(length).fill(1n), shape);
      }
    }
    return feeds;
  }) as [Record<string, Tensor>, Record<string, Tensor>];
}
