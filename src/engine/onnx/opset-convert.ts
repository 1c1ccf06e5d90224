/**
 * A model rewritten to another opset of the default domain, for the ops whose form differs between the
 * opsets exporters write (see opset.ts): the lists of the reductions, Squeeze, Unsqueeze and Split move between
 * attribute and input, and the opset number changes. Everything else is left as it is, so a graph converted this
 * way computes the same numbers as the original, and each derived graph of it must too: the tests derive
 * every graph variant of the fixtures at opsets 11–18 this way.
 *
 * Forms that cannot be rewritten without changing the graph's structure are refused by name (Softmax over
 * flattened axes, Shape's start/end before 15, LayerNormalization before 17, Trilu before 14,
 * Reshape's allowzero before 14, integer Min/Max and Clip before 12).
 */
import { GraphIndex } from './graph.js';
import { DataType, onnx, type GraphProto, type ModelProto, type NodeProto, type TensorProto } from './proto.js';
import { hasListForm, intConstant, intsAttribute, listIsInput, listName, softmaxDefaultAxis } from './opset.js';
import { opsetVersion } from './proto.js';
import { elementTypes } from '../autodiff/shapes.js';

export class OpsetConversionError extends Error {
  override name = 'OpsetConversionError';
}

export function convertOpset(model: ModelProto, target: number): ModelProto {
  const source = opsetVersion(model);
  const graph = model.graph ?? {};
  const index = new GraphIndex(graph);
  const types = elementTypes(graph);
  const added: TensorProto[] = [];
  const node = (graph.node ?? []).map((original, k) => {
    if (original.domain) return original;
    const converted = convertNode(original, source, target, index, types);
    if (!converted.list) return converted.node;
    const name = `xai/opset${target}/${converted.node.opType ?? ''}_${k}_${listName(converted.node.opType ?? '')}`;
    added.push({ name, dataType: DataType.INT64, dims: [converted.list.length], int64Data: converted.list });
    const input = [...(converted.node.input ?? [])];
    input[1] = name;
    return { ...converted.node, input };
  });
  const convertedGraph: GraphProto = { ...graph, node, initializer: [...(graph.initializer ?? []), ...added] };
  const opsetImport = (model.opsetImport ?? []).map((entry) =>
    (entry.domain ?? '') === '' ? { ...entry, version: target } : entry,
  );
  return { ...model, opsetImport, graph: convertedGraph };
}

/** The node in `target`'s form; `list` is a list to place as its new second input. */
function convertNode(
  node: NodeProto,
  source: number,
  target: number,
  index: GraphIndex,
  types: ReadonlyMap<string, number>,
): { node: NodeProto; list?: number[] } {
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
    // Only the last axis means the same before and after 13; exporters write −1 for it.
    if (value !== -1) throw refuse(`axis ${value} changes meaning across opset 13`);
    const rest = (node.attribute ?? []).filter((candidate) => candidate.name !== 'axis');
    return {
      node: { ...node, attribute: [...rest, { name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: -1 }] },
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
    const type = types.get(node.input?.[0] ?? '');
    if (type !== DataType.FLOAT && type !== DataType.DOUBLE && type !== DataType.FLOAT16)
      throw refuse(`integer ${op === 'Clip' ? 'Clip needs' : 'Min/Max need'} opset 12`);
  }
  return { node };
}
