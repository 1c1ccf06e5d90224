/**
 * Reading and writing ONNX protobuf files with the generated `onnx-proto` classes.
 * int64 fields decode as `Long` objects; `int()` turns them into plain numbers.
 */
import { readFile } from 'node:fs/promises';
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';

export const onnx = onnxProto.onnx;
export type ModelProto = OnnxTypes.IModelProto;
export type GraphProto = OnnxTypes.IGraphProto;
export type NodeProto = OnnxTypes.INodeProto;
export type TensorProto = OnnxTypes.ITensorProto;
export type ValueInfoProto = OnnxTypes.IValueInfoProto;
export type AttributeProto = OnnxTypes.IAttributeProto;
export const DataType = onnxProto.onnx.TensorProto.DataType;

export function decodeModel(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}

export async function readModel(path: string): Promise<ModelProto> {
  return decodeModel(await readFile(path));
}

export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** A protobuf integer (number or Long) as a JavaScript number. */
export function int(value: number | { toNumber(): number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

/** The float32 contents of an initializer, copied into an aligned array. */
export function floatData(tensor: TensorProto): Float32Array {
  if (tensor.dataType !== DataType.FLOAT) {
    throw new Error(`tensor ${tensor.name ?? '?'} is not float32 (ONNX data type ${tensor.dataType ?? '?'})`);
  }
  if (tensor.rawData && tensor.rawData.byteLength > 0) {
    const raw = tensor.rawData;
    return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  }
  return Float32Array.from(tensor.floatData ?? []);
}

export function dims(tensor: TensorProto): number[] {
  return (tensor.dims ?? []).map(int);
}

export function opsetVersion(model: ModelProto, domain = ''): number {
  const entry = model.opsetImport?.find((opset) => (opset.domain ?? '') === domain);
  return int(entry?.version);
}
