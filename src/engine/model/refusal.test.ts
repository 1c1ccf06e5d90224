/**
 * Models the engine refuses, in part or whole, and says why. Graphs fused by onnxruntime's transformer optimizer
 * and quantized graphs (built here as small classifiers with tiny-bert's vocabulary and labels, and tiny-bert
 * itself quantized by the engine and loaded as its own `--dtype q8` file) load and predict, and run the
 * perturbation methods; attention and gradient methods are unavailable, with the reason, through
 * `describeMethods`. Encoder-decoder and decoder-only models are refused at load, saying what would be needed.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../shared/options.js';
import { describeMethods, getExplainer } from '../explainers/registry.js';
import { DataType, encodeModel, onnx, readModel, type ModelProto, type NodeProto } from '../onnx/proto.js';
import { FULL_INT8_WEIGHT_MAX, quantizeMatMulWeights } from '../onnx/quantize.js';
import { floatTensor, int64Tensor, LOGITS_OUTPUT, node, tensorInput } from '../onnx/test-graphs.js';
import { PACKAGE_ROOT } from '../paths.js';
import { predictEncoded } from '../predict.js';
import { ModelBundle } from './bundle.js';
import { idFeeds, logitsOf, run } from './forward.js';

const { AttributeType } = onnx.AttributeProto;
const TINY_BERT = join(PACKAGE_ROOT, 'fixtures/models/tiny-bert');
const VOCAB = 322;
const H = 16;
const LABELS = 3;

const values = (length: number, seed: number) => Array.from({ length }, (_, i) => 0.3 * Math.sin(seed * (i + 1)));
const matrix = (name: string, rows: number, columns: number, seed: number) =>
  floatTensor(name, [rows, columns], values(rows * columns, seed));
const vector = (name: string, length: number, seed: number) => floatTensor(name, [length], values(length, seed));
const contrib = (opType: string, input: string[], output: string[], attribute: NodeProto['attribute'] = []) => ({
  opType,
  domain: 'com.microsoft',
  input,
  output,
  name: output[0],
  attribute,
});
const intAttribute = (name: string, i: number) => ({ name, type: AttributeType.INT, i });
const toInt32 = (input: string, output: string) => node('Cast', [input], output, [intAttribute('to', DataType.INT32)]);

interface Body {
  /** Nodes from the word vectors `x` (batch × n × H) to the hidden states `h`. */
  nodes: NodeProto[];
  initializers?: ReturnType<typeof floatTensor>[];
  /** The lookup is inside the body (EmbedLayerNormalization): no word-vector Gather. */
  ownLookup?: boolean;
}

/** ids → word vectors → body → [CLS] row → linear: a classifier with tiny-bert's vocabulary and labels. */
function classifier(body: Body): ModelProto {
  return {
    irVersion: 8,
    opsetImport: [
      { domain: '', version: 14 },
      { domain: 'com.microsoft', version: 1 },
    ],
    graph: {
      name: 'fused',
      input: [
        tensorInput('input_ids', DataType.INT64),
        tensorInput('attention_mask', DataType.INT64),
        tensorInput('token_type_ids', DataType.INT64),
      ],
      output: [LOGITS_OUTPUT],
      initializer: [
        matrix('E', VOCAB, H, 1),
        matrix('Wc', H, LABELS, 2),
        { ...int64Tensor('zero', [0]), dims: [] },
        ...(body.initializers ?? []),
      ],
      node: [
        ...(body.ownLookup ? [] : [node('Gather', ['E', 'input_ids'], 'x')]),
        ...body.nodes,
        node('Gather', ['h', 'zero'], 'pooled', [intAttribute('axis', 1)]),
        node('MatMul', ['pooled', 'Wc'], 'logits'),
      ],
    },
  };
}

const BODIES: Record<string, Body> = {
  Attention: {
    nodes: [
      toInt32('attention_mask', 'mask32'),
      contrib('Attention', ['x', 'Wqkv', 'bqkv', 'mask32'], ['h'], [intAttribute('num_heads', 2)]),
    ],
    initializers: [matrix('Wqkv', H, 3 * H, 3), vector('bqkv', 3 * H, 4)],
  },
  MultiHeadAttention: {
    nodes: [contrib('MultiHeadAttention', ['x', 'x', 'x'], ['h'], [intAttribute('num_heads', 2)])],
  },
  SkipLayerNormalization: {
    nodes: [contrib('SkipLayerNormalization', ['x', 'x', 'gamma', 'beta'], ['h'])],
    initializers: [vector('gamma', H, 5), vector('beta', H, 6)],
  },
  BiasGelu: { nodes: [contrib('BiasGelu', ['x', 'bias'], ['h'])], initializers: [vector('bias', H, 7)] },
  FastGelu: { nodes: [contrib('FastGelu', ['x', 'bias'], ['h'])], initializers: [vector('bias', H, 8)] },
  EmbedLayerNormalization: {
    ownLookup: true,
    nodes: [
      toInt32('input_ids', 'ids32'),
      toInt32('token_type_ids', 'types32'),
      toInt32('attention_mask', 'mask32'),
      contrib(
        'EmbedLayerNormalization',
        ['ids32', 'types32', 'E', 'P', 'T', 'gamma', 'beta', 'mask32'],
        ['h', 'mask_index'],
        [{ name: 'epsilon', type: AttributeType.FLOAT, f: 1e-12 }],
      ),
    ],
    initializers: [matrix('P', 64, H, 9), matrix('T', 2, H, 10), vector('gamma', H, 5), vector('beta', H, 6)],
  },
  MatMulNBits: {
    nodes: [
      contrib(
        'MatMulNBits',
        ['x', 'Bq', 'scales'],
        ['h'],
        [intAttribute('K', H), intAttribute('N', H), intAttribute('bits', 4), intAttribute('block_size', H)],
      ),
    ],
    initializers: [
      // N × blocks × (block_size · 4 / 8) packed 4-bit weights, one scale per column and block.
      {
        name: 'Bq',
        dataType: DataType.UINT8,
        dims: [H, 1, H / 2],
        rawData: Uint8Array.from({ length: (H * H) / 2 }, (_, i) => (i * 37) % 256),
      },
      floatTensor('scales', [H], values(H, 11)),
    ],
  },
  QLinearMatMul: {
    nodes: [
      node('QuantizeLinear', ['x', 'xs', 'xz'], 'xq'),
      node('QLinearMatMul', ['xq', 'xs', 'xz', 'Wq', 'ws', 'wz', 'ys', 'yz'], 'yq'),
      node('DequantizeLinear', ['yq', 'ys', 'yz'], 'h'),
    ],
    initializers: [
      floatTensor('xs', [], [0.01]),
      floatTensor('ws', [], [0.02]),
      floatTensor('ys', [], [0.05]),
      ...(['xz', 'wz', 'yz'] as const).map((name) => ({ name, dataType: DataType.UINT8, dims: [], int32Data: [128] })),
      {
        name: 'Wq',
        dataType: DataType.UINT8,
        dims: [H, H],
        rawData: Uint8Array.from({ length: H * H }, (_, i) => (i * 53) % 256),
      },
    ],
  },
};

/** A copy of tiny-bert's folder (config, tokenizer) whose model file is `model`, at `file`. */
async function folderWith(model: ModelProto | Uint8Array, file = 'onnx/model.onnx', config?: object): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'xai-refusal-'));
  await mkdir(join(folder, 'onnx'));
  for (const entry of await readdir(TINY_BERT, { withFileTypes: true })) {
    if (entry.isFile()) await copyFile(join(TINY_BERT, entry.name), join(folder, entry.name));
  }
  if (config) {
    const base = JSON.parse(await readFile(join(TINY_BERT, 'config.json'), 'utf8')) as object;
    await writeFile(join(folder, 'config.json'), JSON.stringify({ ...base, ...config }));
  }
  await writeFile(join(folder, file), model instanceof Uint8Array ? model : encodeModel(model));
  return folder;
}

const load = async (folder: string, dtype: 'fp32' | 'q8' = 'fp32') =>
  ModelBundle.load(folder, { cacheDir: await mkdtemp(join(tmpdir(), 'xai-refusal-cache-')), dtype });

const ATTENTION_METHODS = ['attention'];
const GRADIENT_METHODS = [
  'gradient',
  'gradient_norm',
  'gradient_x_input',
  'integrated_gradients',
  'integrated_gradients_x_input',
  'layer_integrated_gradients',
];
const PERTURBATION_METHODS = ['occlusion', 'shap', 'lime'];

/** Loads the folder, predicts, runs occlusion, and returns why each method is unavailable. */
async function refusals(folder: string, dtype: 'fp32' | 'q8' = 'fp32'): Promise<Map<string, string | undefined>> {
  const model = await load(folder, dtype);
  try {
    const encoded = await model.tokenizer.encode('What a wonderful, delightful film!');
    const [prediction] = await predictEncoded(model, [encoded]);
    // The prediction is the exported graph's own.
    const plain = logitsOf(await run(await model.session('plain'), idFeeds(model, [encoded])));
    expect(prediction!.logits).toEqual(Array.from(plain.data as Float32Array));
    const occlusion = getExplainer('occlusion');
    const explanation = await occlusion.explain(
      { encoded, prediction: prediction! },
      { model },
      resolveOptions(occlusion.options, {}),
    );
    expect(explanation.scores.every(Number.isFinite)).toBe(true);
    const methods = await describeMethods(model);
    for (const id of PERTURBATION_METHODS) expect(methods.find((m) => m.id === id)?.available, id).toBe(true);
    return new Map(methods.map((method) => [method.id, method.unavailableReason]));
  } finally {
    await model.dispose();
  }
}

function expectUnavailable(reasons: Map<string, string | undefined>, ids: string[], reason: RegExp): void {
  for (const id of ids) expect(reasons.get(id), id).toMatch(reason);
}

describe('graphs fused by onnxruntime’s transformer optimizer', () => {
  it.each(['Attention', 'MultiHeadAttention'])(
    'fused %s: predicts and runs the perturbation methods; attention and gradients unavailable, saying why',
    async (op) => {
      const reasons = await refusals(await folderWith(classifier(BODIES[op]!)));
      expectUnavailable(
        reasons,
        ATTENTION_METHODS,
        new RegExp(`^fused ${op} \\(com\\.microsoft\\) hides the attention probabilities`),
      );
      expectUnavailable(reasons, GRADIENT_METHODS, new RegExp(`no gradient rule for ${op} \\(com\\.microsoft\\)`));
    },
  );

  it.each(['SkipLayerNormalization', 'BiasGelu', 'FastGelu'])(
    '%s (com.microsoft): gradient methods unavailable, naming the kernel',
    async (op) => {
      const reasons = await refusals(await folderWith(classifier(BODIES[op]!)));
      expectUnavailable(
        reasons,
        GRADIENT_METHODS,
        new RegExp(`^gradient methods unavailable for this model: no gradient rule for ${op} \\(com\\.microsoft\\)`),
      );
    },
  );

  it('EmbedLayerNormalization: no inputs_embeds cut, so no gradient methods, saying why', async () => {
    const reasons = await refusals(await folderWith(classifier(BODIES.EmbedLayerNormalization!)));
    expectUnavailable(reasons, GRADIENT_METHODS, /no gradient rule for EmbedLayerNormalization \(com\.microsoft\)/);
    const model = await load(await folderWith(classifier(BODIES.EmbedLayerNormalization!)));
    try {
      expect(await model.unsupportedReason('inputs_embeds')).toMatch(
        /^fused EmbedLayerNormalization \(com\.microsoft\) looks the word embeddings up inside one kernel/,
      );
    } finally {
      await model.dispose();
    }
  });
});

describe('quantized graphs', () => {
  it.each(['MatMulNBits', 'QLinearMatMul'])(
    '%s: predicts and runs the perturbation methods; gradients unavailable, naming the op',
    async (op) => {
      const reasons = await refusals(await folderWith(classifier(BODIES[op]!)));
      expectUnavailable(
        reasons,
        GRADIENT_METHODS,
        new RegExp(`^gradient methods unavailable for this model: no gradient rule for ${op}`),
      );
    },
  );

  it('tiny-bert quantized by the engine, loaded as its own --dtype q8 file: attention and gradients unavailable', async () => {
    const { model } = quantizeMatMulWeights(await readModel(join(TINY_BERT, 'onnx/model.onnx')), {
      weightMax: FULL_INT8_WEIGHT_MAX,
    });
    const reasons = await refusals(await folderWith(model, 'onnx/model_quantized.onnx'), 'q8');
    expectUnavailable(reasons, ATTENTION_METHODS, /^the graph is quantized \(it has MatMulInteger\)/);
    expectUnavailable(
      reasons,
      GRADIENT_METHODS,
      /^gradient methods unavailable for this model: no gradient rule for MatMulInteger: the graph is quantized/,
    );
  });
});

describe('families other than encoders', () => {
  it('refuses an encoder-decoder config at load, saying what would be needed', async () => {
    const folder = await folderWith(await readFile(join(TINY_BERT, 'onnx/model.onnx')), 'onnx/model.onnx', {
      model_type: 'bart',
      is_encoder_decoder: true,
    });
    await expect(load(folder)).rejects.toThrow(/model_type "bart" is an encoder-decoder model.*decoder_input_ids/);
  });

  it('refuses a decoder-only config at load, saying what would be needed', async () => {
    const folder = await folderWith(await readFile(join(TINY_BERT, 'onnx/model.onnx')), 'onnx/model.onnx', {
      model_type: 'gpt2',
    });
    await expect(load(folder)).rejects.toThrow(/model_type "gpt2" is a decoder-only \(causal\) model/);
  });

  it('refuses a graph that takes decoder inputs, whatever its config says', async () => {
    const model = await readModel(join(TINY_BERT, 'onnx/model.onnx'));
    const graph = model.graph!;
    const decoderIds = tensorInput('decoder_input_ids', DataType.INT64);
    // The decoder input is read (added to the ids as zero) so that it is a real input of the graph.
    const nodes = (graph.node ?? []).map((n) => ({
      ...n,
      input: (n.input ?? []).map((input) => (input === 'input_ids' ? 'xai/ids' : input)),
    }));
    const withDecoder: ModelProto = {
      ...model,
      graph: {
        ...graph,
        input: [...(graph.input ?? []), decoderIds],
        initializer: [...(graph.initializer ?? []), { ...int64Tensor('xai/zero', [0]), dims: [] }],
        node: [
          node('Mul', ['decoder_input_ids', 'xai/zero'], 'xai/nothing'),
          node('Add', ['input_ids', 'xai/nothing'], 'xai/ids'),
          ...nodes,
        ],
      },
    };
    await expect(load(await folderWith(withDecoder))).rejects.toThrow(
      /takes decoder_input_ids: it is a decoder's export/,
    );
  });
});
