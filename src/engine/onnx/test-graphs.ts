/**
 * Building small ONNX models by hand for tests: the model wrapper, nodes, inputs and initializers that every
 * hand-written test graph needs, so each test spells out only the graph it is about.
 */
import {
  DataType,
  onnx,
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './proto.js';

const { AttributeType } = onnx.AttributeProto;

/** A node named after its (single) output. */
export function node(opType: string, input: string[], output: string, attribute: AttributeProto[] = []): NodeProto {
  return { opType, input, output: [output], name: output, attribute };
}

/** `batch × seq` (then any fixed sizes) as exported models declare their inputs. */
export function tensorInput(name: string, elemType: number, ...fixed: number[]): ValueInfoProto {
  const dim = [{ dimParam: 'batch' }, { dimParam: 'seq' }, ...fixed.map((size) => ({ dimValue: size }))];
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

export const LOGITS_OUTPUT: ValueInfoProto = { name: 'logits', type: { tensorType: { elemType: DataType.FLOAT } } };

export function floatTensor(name: string, dims: number[], values: number[]): TensorProto {
  return { name, dataType: DataType.FLOAT, dims, floatData: values };
}

export function int64Tensor(name: string, values: number[]): TensorProto {
  return { name, dataType: DataType.INT64, dims: [values.length], int64Data: values };
}

/** ReduceMean over the token axis, as opset 14 spells it (axes as an attribute). */
export function meanOverTokens(input: string, output: string): NodeProto {
  return node('ReduceMean', [input], output, [
    { name: 'axes', type: AttributeType.INTS, ints: [1] },
    { name: 'keepdims', type: AttributeType.INT, i: 0 },
  ]);
}

export function onnxModel(graph: GraphProto, opset = 14): ModelProto {
  return { irVersion: 8, opsetImport: [{ domain: '', version: opset }], graph };
}
