/**
 * The ops whose signature changed between the opsets exporters write (11–18), in one place: every node the
 * engine writes into a model's graph (derived graphs, the reverse pass) must take the form of that model's own
 * opset (`opset_import` of the default domain), or onnxruntime refuses the graph ("ReduceSum … has input size 2").
 *
 * - axes of ReduceSum, Squeeze, Unsqueeze: an attribute before 13, the second input from 13;
 * - axes of the other reductions (ReduceMean, ReduceMax, …): an attribute before 18, the second input from 18;
 * - Split's sizes: an attribute before 13, the second input from 13 (and `num_outputs` for equal parts from 18);
 * - Softmax, LogSoftmax, Hardmax: before 13 they flatten every axis from `axis` on (default 1), from 13 they
 *   normalize along `axis` alone (default −1); the two agree only when `axis` is the last axis;
 * - Min and Max take integer tensors only from 12;
 * - LayerNormalization is an ONNX op only from 17 (onnxruntime also accepts it earlier, as a contrib op of the
 *   default domain: its own LayerNorm fusion writes it at any opset).
 */
import { DataType, int, onnx, type AttributeProto, type NodeProto, type TensorProto } from './proto.js';
import type { GraphIndex } from './graph.js';

/** The opset from which an op reads its list (axes, split sizes) from an input instead of an attribute. */
const LIST_INPUT_SINCE: Record<string, number> = {
  ReduceSum: 13,
  Squeeze: 13,
  Unsqueeze: 13,
  Split: 13,
  ReduceMean: 18,
  ReduceMax: 18,
  ReduceMin: 18,
  ReduceProd: 18,
  ReduceL1: 18,
  ReduceL2: 18,
  ReduceLogSum: 18,
  ReduceLogSumExp: 18,
  ReduceSumSquare: 18,
};

/** The attribute (and input) name of that list. */
export function listName(opType: string): string {
  return opType === 'Split' ? 'split' : 'axes';
}

/** Whether `opType` reads its axes (or Split its sizes) from its second input at `opset`. */
export function listIsInput(opType: string, opset: number): boolean {
  const since = LIST_INPUT_SINCE[opType];
  return since !== undefined && opset >= since;
}

/** Ops with a list that moved from attribute to input (the reductions, Squeeze, Unsqueeze, Split). */
export function hasListForm(opType: string): boolean {
  return LIST_INPUT_SINCE[opType] !== undefined;
}

/** The default `axis` of Softmax, LogSoftmax and Hardmax at `opset`. */
export function softmaxDefaultAxis(opset: number): number {
  return opset >= 13 ? -1 : 1;
}

/** Whether Min and Max accept integer tensors at `opset`. */
export function integerMinMax(opset: number): boolean {
  return opset >= 12;
}

/** The tensor behind a constant (an initializer, or a Constant node's value), or undefined. */
export function constantTensor(index: GraphIndex, name: string | undefined): TensorProto | undefined {
  if (!name) return undefined;
  const producer = index.producer.get(name);
  if (!producer) return index.initializers.get(name);
  return producer.opType === 'Constant'
    ? (producer.attribute?.find((attribute) => attribute.name === 'value')?.t ?? undefined)
    : undefined;
}

/** The values of an integer constant (initializer or Constant node), or undefined. */
export function intConstant(index: GraphIndex, name: string | undefined): number[] | undefined {
  return intValues(constantTensor(index, name));
}

export function intValues(tensor: TensorProto | null | undefined): number[] | undefined {
  if (!tensor || (tensor.dataType !== DataType.INT64 && tensor.dataType !== DataType.INT32)) return undefined;
  const raw = tensor.rawData;
  if (raw && raw.byteLength > 0) {
    const bytes = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
    return tensor.dataType === DataType.INT64
      ? Array.from(new BigInt64Array(bytes), Number)
      : Array.from(new Int32Array(bytes));
  }
  const data = tensor.dataType === DataType.INT64 ? (tensor.int64Data ?? []) : (tensor.int32Data ?? []);
  return data.map(int);
}

/**
 * The list (axes, split sizes) of a node of the forms above, read from its attribute or its constant second
 * input as `opset` places it: `undefined` when the node has none (all axes, equal parts), `null` when it is an
 * input computed at run time.
 */
export function listOf(node: NodeProto, opset: number, index: GraphIndex): number[] | undefined | null {
  const opType = node.opType ?? '';
  if (!listIsInput(opType, opset)) {
    return node.attribute?.find((attribute) => attribute.name === listName(opType))?.ints?.map(int);
  }
  const input = node.input?.[1];
  if (!input) return undefined;
  return intConstant(index, input) ?? null;
}

export function intsAttribute(name: string, ints: number[]): AttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints };
}
