/**
 * The model-level gradient graph on a hand-written `inputs_embeds` classifier whose gradient is known in
 * closed form: logits = W · mean_i(mask_i · x_i) + b, so ∂logit_c/∂x_i = mask_i · W_c / n.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DataType, encodeModel, onnx, type ModelProto, type NodeProto } from '../onnx/proto.js';
import {
  floatTensor,
  int64Tensor,
  LOGITS_OUTPUT,
  meanOverTokens,
  node,
  onnxModel,
  tensorInput,
} from '../onnx/test-graphs.js';
import { INPUTS_EMBEDS_GRAD, LOGIT_WEIGHTS, PROB_WEIGHTS, SELECTED, withGradients } from './gradient-graph.js';
import { embeddingsAloneFeedLayerNorm, embeddingsFeedLayerNorm } from './layer-norm.js';

const { AttributeType } = onnx.AttributeProto;
const W = [0.5, -1, 2, -0.25, 0.75, 1.5];

function classifier(extra: NodeProto[] = [], pooled = 'pooled'): ModelProto {
  return onnxModel({
    name: 'embeds',
    input: [tensorInput('inputs_embeds', DataType.FLOAT, 3), tensorInput('attention_mask', DataType.INT64)],
    output: [LOGITS_OUTPUT],
    initializer: [floatTensor('W', [2, 3], W), floatTensor('b', [2], [0.1, -0.2]), int64Tensor('two', [2])],
    node: [
      node('Cast', ['attention_mask'], 'mask', [{ name: 'to', type: AttributeType.INT, i: DataType.FLOAT }]),
      node('Unsqueeze', ['mask', 'two'], 'mask3'),
      node('Mul', ['inputs_embeds', 'mask3'], 'masked'),
      meanOverTokens('masked', 'pooled'),
      ...extra,
      node('Gemm', [pooled, 'W', 'b'], 'logits', [{ name: 'transB', type: AttributeType.INT, i: 1 }]),
    ],
  });
}

describe('withGradients', () => {
  it('outputs the selected logit or probability and its gradient', async () => {
    const session = await InferenceSession.create(encodeModel(await withGradients(classifier())));
    const [batch, n] = [2, 4];
    const embeds = Float32Array.from({ length: batch * n * 3 }, (_, i) => Math.sin(i));
    const mask = BigInt64Array.from({ length: batch * n }, (_, i) => (i === 7 ? 0n : 1n));
    // Row 0 explains logit 1, row 1 the probability of class 0.
    const outputs = await session.run({
      inputs_embeds: new Tensor('float32', embeds, [batch, n, 3]),
      attention_mask: new Tensor('int64', mask, [batch, n]),
      [LOGIT_WEIGHTS]: new Tensor('float32', Float32Array.of(0, 1, 0, 0), [batch, 2]),
      [PROB_WEIGHTS]: new Tensor('float32', Float32Array.of(0, 0, 1, 0), [batch, 2]),
    });
    const logits = outputs.logits!.data as Float32Array;
    const selected = outputs[SELECTED]!.data as Float32Array;
    const grad = outputs[INPUTS_EMBEDS_GRAD]!.data as Float32Array;
    expect(outputs[INPUTS_EMBEDS_GRAD]!.dims).toEqual([batch, n, 3]);
    const p0 = 1 / (1 + Math.exp(logits[3]! - logits[2]!));
    expect(selected[0]).toBeCloseTo(logits[1]!, 6);
    expect(selected[1]).toBeCloseTo(p0, 6);
    for (let i = 0; i < n; i += 1) {
      for (let d = 0; d < 3; d += 1) {
        const m0 = Number(mask[i]);
        const m1 = Number(mask[n + i]);
        expect(grad[i * 3 + d]).toBeCloseTo((m0 * W[3 + d]!) / n, 6);
        // ∂p0/∂logits = p0·(1 − p0, −p0)ᵀ, so ∂p0/∂x = p0(1 − p0)(W_0 − W_1)·mask / n.
        expect(grad[(n + i) * 3 + d]).toBeCloseTo((p0 * (1 - p0) * (W[d]! - W[3 + d]!) * m1) / n, 6);
      }
    }
    await session.release();
  });

  it('treats an integer position branch read from input_ids (RoBERTa) as constant', async () => {
    // logits = W · mean_i tanh(x_i + P[pos_i]) + b with pos = cumsum(ids ≠ 1)·(ids ≠ 1) + 1, as RoBERTa numbers
    // positions: Equal, Not, int32 Cast, CumSum, Mul, int64 Cast and Add carry no gradient, and the positions
    // still shape it through tanh', so ∂logit_c/∂x_id = W_cd · (1 − tanh²(x_id + P[pos_i]_d)) / n.
    const P = Array.from({ length: 8 * 3 }, (_, i) => 0.3 * Math.cos(i));
    const model = onnxModel({
      name: 'positions',
      input: [
        tensorInput('inputs_embeds', DataType.FLOAT, 3),
        tensorInput('input_ids', DataType.INT64),
        tensorInput('attention_mask', DataType.INT64),
      ],
      output: [LOGITS_OUTPUT],
      initializer: [
        floatTensor('W', [2, 3], W),
        floatTensor('b', [2], [0.1, -0.2]),
        floatTensor('P', [8, 3], P),
        int64Tensor('pad', [1]),
        { name: 'axis1', dataType: DataType.INT32, dims: [], int32Data: [1] },
      ],
      node: [
        node('Equal', ['input_ids', 'pad'], 'is_pad'),
        node('Not', ['is_pad'], 'is_token'),
        node('Cast', ['is_token'], 'ones', [{ name: 'to', type: AttributeType.INT, i: DataType.INT32 }]),
        node('CumSum', ['ones', 'axis1'], 'counts'),
        node('Mul', ['counts', 'ones'], 'numbered'),
        node('Cast', ['numbered'], 'numbered64', [{ name: 'to', type: AttributeType.INT, i: DataType.INT64 }]),
        node('Add', ['numbered64', 'pad'], 'positions'),
        node('Gather', ['P', 'positions'], 'position_vectors'),
        node('Add', ['inputs_embeds', 'position_vectors'], 'summed'),
        node('Tanh', ['summed'], 'active'),
        meanOverTokens('active', 'pooled'),
        node('Gemm', ['pooled', 'W', 'b'], 'logits', [{ name: 'transB', type: AttributeType.INT, i: 1 }]),
      ],
    });
    const session = await InferenceSession.create(encodeModel(await withGradients(model)));
    const ids = [0, 5, 1, 7]; // a pad in the middle: positions 2, 3, 1, 4
    const positions = [2, 3, 1, 4];
    const n = ids.length;
    const embeds = Float32Array.from({ length: n * 3 }, (_, i) => 0.5 * Math.sin(i));
    const outputs = await session.run({
      inputs_embeds: new Tensor('float32', embeds, [1, n, 3]),
      input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
      attention_mask: new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
      [LOGIT_WEIGHTS]: new Tensor('float32', Float32Array.of(1, 0), [1, 2]),
      [PROB_WEIGHTS]: new Tensor('float32', new Float32Array(2), [1, 2]),
    });
    const grad = outputs[INPUTS_EMBEDS_GRAD]!.data as Float32Array;
    for (let i = 0; i < n; i += 1) {
      for (let d = 0; d < 3; d += 1) {
        const t = Math.tanh(embeds[i * 3 + d]! + P[positions[i]! * 3 + d]!);
        expect(grad[i * 3 + d]).toBeCloseTo((W[d]! * (1 - t * t)) / n, 6);
      }
    }
    await session.release();
  });

  it('refuses a model with an op it cannot differentiate, naming the op', async () => {
    await expect(withGradients(classifier([node('Sin', ['pooled'], 'sin')], 'sin'))).rejects.toThrow(
      /gradient methods unavailable for this model: op Sin/,
    );
  });
});

describe('embeddingsFeedLayerNorm', () => {
  it('finds a LayerNorm (as exported: mean, subtract) after the embedding sum', () => {
    const graph = {
      node: [
        node('Add', ['inputs_embeds', 'positions'], 'summed'),
        node('ReduceMean', ['summed'], 'mean', [{ name: 'axes', type: AttributeType.INTS, ints: [-1] }]),
        node('Sub', ['summed', 'mean'], 'centered'),
      ],
    };
    expect(embeddingsFeedLayerNorm(graph)).toBe(true);
  });

  it('is false when the embeddings go elsewhere first', () => {
    expect(embeddingsFeedLayerNorm(classifier().graph!)).toBe(false);
    expect(embeddingsAloneFeedLayerNorm(classifier().graph!)).toBe(false);
  });
});

describe('embeddingsAloneFeedLayerNorm (scale invariance in each embedding row)', () => {
  const layerNormOf = (x: string): NodeProto[] => [
    node('ReduceMean', [x], 'mean', [{ name: 'axes', type: AttributeType.INTS, ints: [-1] }]),
    node('Sub', [x, 'mean'], 'centered'),
  ];
  const graphOf = (nodes: NodeProto[]) => ({
    node: nodes,
    initializer: [floatTensor('W', [3, 3], [1, 0, 0, 0, 2, 0, 0, 0, 3]), floatTensor('b', [3], [0.1, 0.2, 0.3])],
  });

  it('holds for the word embeddings alone (DeBERTa-v3: no positions, no token types), as a LayerNormalization too', () => {
    const graph = graphOf(layerNormOf('inputs_embeds'));
    expect([embeddingsAloneFeedLayerNorm(graph), embeddingsFeedLayerNorm(graph)]).toEqual([true, true]);
    const fused = graphOf([node('LayerNormalization', ['inputs_embeds', 'scale', 'bias'], 'normalized')]);
    expect(embeddingsAloneFeedLayerNorm(fused)).toBe(true);
  });

  it('holds through a bias-free projection (DeBERTa with embedding_size ≠ hidden_size), which breaks the zero sum', () => {
    const graph = graphOf([node('MatMul', ['inputs_embeds', 'W'], 'projected'), ...layerNormOf('projected')]);
    expect([embeddingsAloneFeedLayerNorm(graph), embeddingsFeedLayerNorm(graph)]).toEqual([true, false]);
  });

  it('does not hold once anything is added: positions (BERT) or a projection bias', () => {
    const added = graphOf([node('Add', ['inputs_embeds', 'b'], 'summed'), ...layerNormOf('summed')]);
    expect([embeddingsAloneFeedLayerNorm(added), embeddingsFeedLayerNorm(added)]).toEqual([false, true]);
    const biased = graphOf([
      node('MatMul', ['inputs_embeds', 'W'], 'projected'),
      node('Add', ['projected', 'b'], 'shifted'),
      ...layerNormOf('shifted'),
    ]);
    expect(embeddingsAloneFeedLayerNorm(biased)).toBe(false);
  });
});
