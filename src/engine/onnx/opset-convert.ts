/**
 * A model rewritten to another opset of the default domain, for the ops whose form differs between the
 * opsets exporters write (see opset.ts): the lists of the reductions, Squeeze, Unsqueeze and Split move between
 * attribute and input, and the opset number changes. Ops that a lower opset lacks for a type are written with
 * ops it has, exactly: below 12, an integer Clip becomes `Where(x < min, min, x)` then `Where(· > max, max, ·)`
 * (Clip-11, Min-8 and Max-8 take floats only; Less, Greater and Where take every numeric type, so no value is
 * rounded, however large), integer Min/Max a chain of `Where(a < b, a, b)`, and LessOrEqual/GreaterOrEqual
 * (new in 12) `Or(Less, Equal)`. A Softmax whose `axis` is not −1 crosses opset 13 when that axis is its input's
 * last (pre-13 Softmax normalizes the 2-D coercion at `axis`, which for the last axis is the same softmax); the
 * input's rank comes from the graph's structure (static-shapes.ts). Everything else is left as it is, so a graph
 * converted this way computes the same numbers as the original, and each derived graph of it must too: the
 * tests derive every graph variant of the fixtures at opsets 11–18 this way.
 *
 * Forms that cannot be rewritten without changing the graph's structure are refused by name (Softmax over
 * flattened axes, or at an axis of an input whose rank is unknown; Shape's start/end before 15,
 * LayerNormalization before 17, Trilu before 14, Reshape's allowzero before 14).
 */
import { GraphIndex } from './graph.js';
import { DataType, onnx, type GraphProto, type ModelProto, type NodeProto, type TensorProto } from './proto.js';
import { hasListForm, intConstant, intsAttribute, listIsInput, listName, softmaxDefaultAxis } from './opset.js';
import { opsetVersion } from './proto.js';
import { staticShapes } from './static-shapes.js';
import { elementTypes } from '../autodiff/shapes.js';

export class OpsetConversionError extends Error {
  override name = 'OpsetConversionError';
}

export function convertOpset(model: ModelProto, target: number): ModelProto {
  const source = opsetVersion(model);
  const graph = model.graph ?? {};
  const index = new GraphIndex(graph);
  const types = elementTypes(graph);
  let shapes: ReturnType<typeof staticShapes> | undefined;
  const context: Context = {
    source,
    target,
    index,
    types,
    rank: (name) => (shapes ??= staticShapes(graph, source)).get(name)?.length,
  };
  const added: TensorProto[] = [];
  const node = (graph.node ?? []).flatMap((original, k): NodeProto[] => {
    if (original.domain) return [original];
    const prefix = `xai/opset${target}/${original.opType ?? ''}_${k}`;
    const converted = convertNode(original, context, prefix);
    if ('nodes' in converted) return converted.nodes;
    if (!converted.list) return [converted.node];
    const name = `${prefix}_${listName(converted.node.opType ?? '')}`;
    added.push({ name, dataType: DataType.INT64, dims: [converted.list.length], int64Data: converted.list });
    const input = [...(converted.node.input ?? [])];
    input[1] = name;
    return [{ ...converted.node, input }];
  });
  const convertedGraph: GraphProto = { ...graph, node, initializer: [...(graph.initializer ?? []), ...added] };
  const opsetImport = (model.opsetImport ?? []).map((entry) =>
    (entry.domain ?? '') === '' ? { ...entry, version: target } : entry,
  );
  return { ...model, opsetImport, graph: convertedGraph };
}

interface Context {
  source: number;
  target: number;
  index: GraphIndex;
  types: ReadonlyMap<string, number>;
  /** The rank of a tensor of the source graph, from its structure; undefined when it is not static. */
  rank(name: string): number | undefined;
}

const FLOATS: ReadonlySet<number> = new Set([DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16]);

/**
 * The node in `target`'s form: one node (`list` is a list to place as its new second input), or the nodes that
 * compute it with ops `target` has (their tensors named under `prefix`).
 */
function convertNode(
  node: NodeProto,
  { source, target, index, types, rank }: Context,
  prefix: string,
): { node: NodeProto; list?: number[] } | { nodes: NodeProto[] } {
  const op = node.opType ?? '';
  const refuse = (why: string) => new OpsetConversionError(`${op} (node ${node.name ?? '?'}): ${why}`);
  const attribute = (name: string) => node.attribute?.find((candidate) => candidate.name === name);
  if (hasListForm(op) && listIsInput(op, source) !== listIsInput(op, target)) {
    const name = listName(op);
    if (listIsInput(op, source)) {
      // Input → attribute.
      const input = node.input?.[1];
      const others = (node.input ?? []).slice(2);
      if (!input) return { node: { ...node, input: [node.input![0]!, ...others] } };
      const values = intConstant(index, input);
      if (!values) throw refuse(`${name} computed at run time cannot become an attribute at opset ${target}`);
      if (op === 'Split' && others.length > 0) throw refuse('unexpected inputs');
      return {
        node: {
          ...node,
          input: [node.input![0]!],
          attribute: [...(node.attribute ?? []), intsAttribute(name, values)],
        },
      };
    }
    // Attribute → input.
    const values = attribute(name)?.ints?.map(Number);
    const rest = (node.attribute ?? []).filter((candidate) => candidate.name !== name);
    if (!values) return { node: { ...node, attribute: rest } };
    return { node: { ...node, input: [node.input![0]!, ''], attribute: rest }, list: values };
  }
  if ((op === 'Softmax' || op === 'LogSoftmax' || op === 'Hardmax') && source >= 13 !== target >= 13) {
    const axis = attribute('axis');
    const value = axis ? Number(axis.i) : softmaxDefaultAxis(source);
    // Only the last axis means the same before and after 13 (exporters mostly write −1 for it).
    if (value !== -1) {
      const inputRank = rank(node.input?.[0] ?? '');
      if (inputRank === undefined) {
        throw refuse(
          `axis ${value} changes meaning across opset 13 unless it is the last axis, and the rank of the input is not known from the graph`,
        );
      }
      if ((value < 0 ? value + inputRank : value) !== inputRank - 1) {
        throw refuse(
          `axis ${value} of a rank-${inputRank} input is not the last axis: it changes meaning across opset 13`,
        );
      }
    }
    // The same number names the same axis at both opsets now; written out, since the default changes at 13.
    const rest = (node.attribute ?? []).filter((candidate) => candidate.name !== 'axis');
    return {
      node: { ...node, attribute: [...rest, { name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: value }] },
    };
  }
  if (op === 'Shape' && target < 15 && (attribute('start') || attribute('end'))) throw refuse('start/end need 15');
  if (op === 'LayerNormalization' && target < 17) throw refuse('LayerNormalization needs opset 17');
  if (op === 'Trilu' && target < 14) throw refuse('Trilu needs opset 14');
  if (op === 'Reshape' && target < 14 && attribute('allowzero')) {
    if (Number(attribute('allowzero')!.i) !== 0) throw refuse('allowzero needs opset 14');
    return {
      node: { ...node, attribute: (node.attribute ?? []).filter((candidate) => candidate.name !== 'allowzero') },
    };
  }
  if ((op === 'Min' || op === 'Max' || op === 'Clip') && target < 12) {
    if (FLOATS.has(types.get(node.input?.[0] ?? '') ?? 0)) return { node };
    if (target < 9) throw refuse(`integer ${op} needs opset 12 (or Where and Less, from 9)`);
    return { nodes: op === 'Clip' ? integerClip(node, prefix) : integerMinMax(node, prefix) };
  }
  if ((op === 'LessOrEqual' || op === 'GreaterOrEqual') && target < 12) {
    if (target < 11) throw refuse(`${op} needs opset 12 (or Less/Greater and a float Equal, from 11)`);
    return { nodes: orEqual(node, prefix) };
  }
  return { node };
}

/** A node of the default domain named after its single output. */
function make(opType: string, input: string[], output: string): NodeProto {
  return { opType, input, output: [output], name: output, domain: '' };
}

/**
 * `Clip(x, min, max)` as `Min(max, Max(x, min))` written with Where, which onnxruntime runs on int64 without
 * any rounding: `y = Where(x < min, min, x)`, then `Where(y > max, max, y)` (so min > max gives max, as Clip
 * does). Absent bounds are skipped.
 */
function integerClip(node: NodeProto, prefix: string): NodeProto[] {
  const [x, low, high] = node.input ?? [];
  const output = node.output![0]!;
  const nodes: NodeProto[] = [];
  let current = x!;
  const bound = (value: string, comparison: 'Less' | 'Greater', result: string) => {
    const mask = `${prefix}/${comparison === 'Less' ? 'below' : 'above'}`;
    nodes.push(make(comparison, [current, value], mask), make('Where', [mask, value, current], result));
    current = result;
  };
  if (low) bound(low, 'Less', high ? `${prefix}/lower` : output);
  if (high) bound(high, 'Greater', output);
  if (current !== output) nodes.push(make('Identity', [current], output));
  return nodes;
}

/** Integer `Min(a, b, …)` / `Max(a, b, …)` as a chain of `Where(a < b, a, b)` (`>` for Max), broadcasting alike. */
function integerMinMax(node: NodeProto, prefix: string): NodeProto[] {
  const inputs = (node.input ?? []).filter(Boolean);
  const output = node.output![0]!;
  const comparison = node.opType === 'Min' ? 'Less' : 'Greater';
  if (inputs.length === 1) return [make('Identity', [inputs[0]!], output)];
  const nodes: NodeProto[] = [];
  let current = inputs[0]!;
  inputs.slice(1).forEach((next, k) => {
    const result = k === inputs.length - 2 ? output : `${prefix}/partial${k}`;
    const mask = `${prefix}/keep${k}`;
    nodes.push(make(comparison, [current, next], mask), make('Where', [mask, current, next], result));
    current = result;
  });
  return nodes;
}

/** `LessOrEqual(a, b)` as `Or(Less(a, b), Equal(a, b))` (Greater for GreaterOrEqual): false for NaN, as it is. */
function orEqual(node: NodeProto, prefix: string): NodeProto[] {
  const [a, b] = node.input ?? [];
  const strict = node.opType === 'LessOrEqual' ? 'Less' : 'Greater';
  return [
    make(strict, [a!, b!], `${prefix}/strict`),
    make('Equal', [a!, b!], `${prefix}/equal`),
    make('Or', [`${prefix}/strict`, `${prefix}/equal`], node.output![0]!),
  ];
}
