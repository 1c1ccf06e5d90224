/**
 * The gradient graph of a classifier: the `inputs_embeds` graph extended with an output selection and its
 * reverse pass, so that onnxruntime computes ∂selected/∂inputs_embeds at native speed.
 *
 * selected = Σ_c logit_weights[c]·logits[c] + Σ_c prob_weights[c]·softmax(logits)[c] (per example): a one-hot
 * `logit_weights` explains the logit of a class, a one-hot `prob_weights` its probability, with one graph.
 * Decomposed LayerNorms are fused first (fuse-layer-norm.ts), so that forward and backward run fewer, fused ops,
 * and the last layer computes only the pooled [CLS] row where nothing else is read (pooled-rows.ts).
 */
import { DataType, opsetVersion, type GraphProto, type ModelProto, type ValueInfoProto } from '../onnx/proto.js';
import { INPUTS_EMBEDS } from '../onnx/surgery.js';
import { backward, unavailable } from './backward.js';
import { Emitter } from './emitter.js';
import { fuseLayerNorms } from './fuse-layer-norm.js';
import { narrowToPooledRow } from './pooled-rows.js';
import { probeFeeds, probeShapes, type Dims } from './shapes.js';

export const LOGITS = 'logits';
export const LOGIT_WEIGHTS = 'logit_weights';
export const PROB_WEIGHTS = 'prob_weights';
export const SELECTED = 'selected';
export const INPUTS_EMBEDS_GRAD = 'inputs_embeds_grad';

export async function withGradients(exported: ModelProto): Promise<ModelProto> {
  const opset = opsetVersion(exported);
  const fused: ModelProto = { ...exported, graph: fuseLayerNorms(exported.graph ?? {}) };
  if (!(fused.graph!.output ?? []).some((output) => output.name === LOGITS)) throw unavailable(`no ${LOGITS} output`);
  const fusedDims = await probe(fused);
  const embedsModel: ModelProto = { ...fused, graph: narrowToPooledRow(fused.graph!, fusedDims, opset) };
  const graph = embedsModel.graph!;
  const embeds = graph.input?.find((input) => input.name === INPUTS_EMBEDS);
  const batch = embeds?.type?.tensorType?.shape?.dim?.[0]?.dimParam || 'batch_size';

  const logitDims = fusedDims.get(LOGITS) ?? [];
  const classes = logitDims[1];
  if (logitDims.length !== 2 || classes === undefined) throw unavailable(`${LOGITS} is not batch × classes`);

  const select = new Emitter('xai/select', opset);
  const probabilities = select.op('Softmax', [LOGITS], { axis: -1 });
  const weighted = select.op('Add', [
    select.op('Mul', [LOGIT_WEIGHTS, LOGITS]),
    select.op('Mul', [PROB_WEIGHTS, probabilities]),
  ]);
  const selected = select.withAxes('ReduceSum', weighted, [1], { keepdims: 0 });
  select.nodes.push({ opType: 'Identity', input: [selected], output: [SELECTED], name: 'xai/select/output' });
  const seed = select.op('ConstantOfShape', [select.op('Shape', [SELECTED])], {
    value: { dataType: DataType.FLOAT, dims: [1], floatData: [1] },
  });

  const forward: GraphProto = {
    ...graph,
    node: [...(graph.node ?? []), ...select.nodes],
    initializer: [...(graph.initializer ?? []), ...select.initializers],
    input: [
      ...(graph.input ?? []),
      floatInput(LOGIT_WEIGHTS, [batch, classes]),
      floatInput(PROB_WEIGHTS, [batch, classes]),
    ],
    output: [...(graph.output ?? []), floatInput(SELECTED, [batch])],
  };
  const forwardModel: ModelProto = { ...embedsModel, graph: forward };
  const shapes = await probe(forwardModel);
  const pass = backward(forward, shapes, opset, {
    output: SELECTED,
    seed,
    wrt: [INPUTS_EMBEDS],
  });
  const grad = pass.gradients.get(INPUTS_EMBEDS)!;
  const embedsDims = embeds?.type?.tensorType?.shape?.dim ?? [];
  return {
    ...forwardModel,
    graph: {
      ...forward,
      node: [
        ...(forward.node ?? []),
        ...pass.nodes,
        { opType: 'Identity', input: [grad], output: [INPUTS_EMBEDS_GRAD], name: 'xai/grad/output' },
      ],
      initializer: [...(forward.initializer ?? []), ...pass.initializers],
      output: [
        ...(forward.output ?? []),
        { name: INPUTS_EMBEDS_GRAD, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: embedsDims } } } },
      ],
    },
  };
}

/** Shapes from onnxruntime; a model it cannot run this way has no gradient methods (not a failed load). */
async function probe(model: ModelProto): Promise<Map<string, Dims>> {
  try {
    return await probeShapes(model, probeFeeds(model.graph ?? {}));
  } catch (error) {
    throw unavailable(`shape probe failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function floatInput(name: string, shape: (string | number)[]): ValueInfoProto {
  const dim = shape.map((size) => (typeof size === 'number' ? { dimValue: size } : { dimParam: size }));
  return { name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } };
}
