/**
 * Appends new nodes and constants to a graph under collision-free names: the write side of the autodiff.
 * It writes for one opset, the graph's own, so ops whose form changed between opsets (opset.ts) are written
 * through `withAxes` and `min`, never spelled by hand.
 */
import { integerMinMax, listIsInput, listName } from '../onnx/opset.js';
import { DataType, onnx, type AttributeProto, type NodeProto, type TensorProto } from '../onnx/proto.js';

const { AttributeType } = onnx.AttributeProto;

export type AttributeValue = number | number[] | string | TensorProto;

export class Emitter {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private count = 0;
  private readonly constants = new Map<string, string>();

  constructor(
    private readonly prefix: string,
    /** The opset of the default domain in the graph the nodes are written into. */
    readonly opset: number,
  ) {}

  fresh(hint: string): string {
    this.count += 1;
    return `${this.prefix}/${hint}_${this.count}`;
  }

  /**
   * One node with one output. Numbers become INT attributes except the float-valued names in FLOAT_ATTRIBUTES;
   * strings become STRING attributes (ScatterElements' `reduction`).
   */
  op(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}): string {
    const output = this.fresh(opType);
    this.nodes.push({
      opType,
      input: inputs,
      output: [output],
      name: output,
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return output;
  }

  /**
   * A reduction (ReduceSum, ReduceMean, …), Squeeze or Unsqueeze over `axes`: an attribute or the second input,
   * as the opset wants it (ReduceSum, Squeeze, Unsqueeze from 13; the other reductions from 18).
   */
  withAxes(opType: string, input: string, axes: number[], attributes: Record<string, AttributeValue> = {}): string {
    return listIsInput(opType, this.opset)
      ? this.op(opType, [input, this.int64(axes)], attributes)
      : this.op(opType, [input], { ...attributes, [listName(opType)]: axes });
  }

  /** The element-wise minimum of two int64 tensors (Min takes integers only from opset 12). */
  minInt64(a: string, b: string): string {
    return integerMinMax(this.opset) ? this.op('Min', [a, b]) : this.op('Where', [this.op('Less', [a, b]), a, b]);
  }

  /** A float32 constant, shared between all uses of the same values and shape. */
  float(values: number[], dims: number[] = []): string {
    return this.constant(DataType.FLOAT, values, dims);
  }

  int64(values: number[], dims: number[] = [values.length]): string {
    return this.constant(DataType.INT64, values, dims);
  }

  private constant(dataType: number, values: number[], dims: number[]): string {
    const key = `${dataType}:${dims.join('x')}:${values.join(',')}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.fresh('const');
      const tensor: TensorProto = { name, dataType, dims };
      if (dataType === DataType.FLOAT) tensor.floatData = values;
      else tensor.int64Data = values;
      this.initializers.push(tensor);
      this.constants.set(key, name);
    }
    return name;
  }
}

/** The float-valued attributes of the ops the rules emit (Gemm, LayerNormalization). */
const FLOAT_ATTRIBUTES = new Set(['alpha', 'beta', 'epsilon']);

function attribute(name: string, value: AttributeValue): AttributeProto {
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') {
    return FLOAT_ATTRIBUTES.has(name)
      ? { name, type: AttributeType.FLOAT, f: value }
      : { name, type: AttributeType.INT, i: value };
  }
  return { name, type: AttributeType.TENSOR, t: value };
}
