/**
 * `models inspect`: every fact it prints checked against a source of its own — the ONNX file read here, the
 * folder's config.json and tokenizer files, the file's bytes hashed here, and the fixtures' known sizes — on a
 * BPE model (tiny-roberta), a regression head (tiny-bert-regression) and tiny-bert quantized by the engine and
 * loaded as its own `--dtype q8` file, where attention and gradient methods are unavailable, saying why.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelReport } from '../shared/model-report.js';
import { EXPLAINERS } from '../engine/explainers/registry.js';
import { encodeModel, readModel, type ModelProto } from '../engine/onnx/proto.js';
import { FULL_INT8_WEIGHT_MAX, quantizeMatMulWeights } from '../engine/onnx/quantize.js';
import { PACKAGE_ROOT } from '../engine/paths.js';
import { EXIT_OK, EXIT_USAGE } from './main.js';
import { cli } from './test-cli.js';

const MODELS = join(PACKAGE_ROOT, 'fixtures/models');
const ROBERTA = join(MODELS, 'tiny-roberta');
const REGRESSION = join(MODELS, 'tiny-bert-regression');
const TINY_BERT = join(MODELS, 'tiny-bert');
const ALL_METHODS = EXPLAINERS.map((explainer) => explainer.id);
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

interface Config {
  model_type: string;
  id2label: Record<string, string>;
  num_hidden_layers: number;
  num_attention_heads: number;
  hidden_size: number;
  vocab_size: number;
  max_position_embeddings: number;
  pad_token_id: number;
  problem_type?: string;
}

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'xai-cli-inspect-'));
  process.env.XAI_WORKBENCH_CACHE = join(folder, 'cache');
  process.env.HF_HUB_OFFLINE = '1';
});

afterAll(() => rm(folder, { recursive: true, force: true }));

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;
const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

async function inspect(...args: string[]): Promise<ModelReport> {
  const run = await cli('models', 'inspect', ...args, '--json');
  expect(run.code, run.err).toBe(EXIT_OK);
  return JSON.parse(run.out) as ModelReport;
}

/** The graph's run-time inputs as the file declares them: its inputs that are not weights. */
function fedInputs(model: ModelProto): string[] {
  const weights = new Set((model.graph?.initializer ?? []).map((tensor) => tensor.name));
  return (model.graph?.input ?? []).map((input) => input.name!).filter((name) => !weights.has(name));
}

const defaultOpset = (model: ModelProto) =>
  Number(model.opsetImport?.find((entry) => !entry.domain)?.version?.toString());
const opTypes = (model: ModelProto) => new Set((model.graph?.node ?? []).map((node) => node.opType));

/** The specials by id with their roles, from tokenizer_config.json's role names and tokenizer.json's added tokens. */
async function expectedSpecials(dir: string): Promise<{ token: string; id: number; roles: string[] }[]> {
  const config = await readJson<Record<string, unknown>>(join(dir, 'tokenizer_config.json'));
  const { added_tokens } = await readJson<{ added_tokens: { id: number; content: string }[] }>(
    join(dir, 'tokenizer.json'),
  );
  return added_tokens
    .map(({ id, content }) => ({
      token: content,
      id,
      roles: ['pad', 'mask', 'unk', 'cls', 'sep', 'bos', 'eos'].filter((role) => config[`${role}_token`] === content),
    }))
    .filter(({ roles }) => roles.length > 0)
    .sort((a, b) => a.id - b.id);
}

describe('models inspect on tiny-roberta (BPE)', () => {
  it('gives the family, head, tokenizer, graph, attention, sizes and sha256 as their sources say', async () => {
    const report = await inspect(ROBERTA);
    const config = await readJson<Config>(join(ROBERTA, 'config.json'));
    const file = join(ROBERTA, 'onnx/model.onnx');
    const onnx = await readModel(file);

    expect(report.family).toBe(config.model_type);
    expect(report.family).toBe('roberta');
    expect(report.head).toEqual({ task: 'single_label_classification', labels: Object.values(config.id2label) });
    expect(report.tokenizer.type).toBe(
      (await readJson<{ model: { type: string } }>(join(ROBERTA, 'tokenizer.json'))).model.type,
    );
    expect(report.tokenizer.type).toBe('BPE');
    expect(report.tokenizer.specials).toEqual(await expectedSpecials(ROBERTA));
    expect(report.tokenizer.specials.find((special) => special.token === '<s>')?.roles).toEqual(['cls', 'bos']);

    // The graph, against the file read here and the fixture's known export (opset 14, ids and mask only).
    expect(report.graph.file).toBe(file);
    expect(report.graph.bytes).toBe((await readFile(file)).byteLength);
    expect(report.graph.opset).toBe(defaultOpset(onnx));
    expect(report.graph.opset).toBe(14);
    expect(report.graph.inputs.map((input) => input.name)).toEqual(fedInputs(onnx));
    expect(report.graph.inputs).toEqual(
      ['input_ids', 'attention_mask'].map((name) => ({
        name,
        type: 'int64',
        shape: ['batch_size', 'sequence_length'],
      })),
    );
    expect(report.graph.outputs).toEqual([
      { name: 'logits', type: 'float32', shape: ['batch_size', Object.keys(config.id2label).length] },
    ]);
    expect(report.graph.producer).toBe(`${onnx.producerName} ${onnx.producerVersion}`);

    // One softmax per layer in this export, and the fixture's 2 layers × 4 heads.
    const softmaxes = (onnx.graph?.node ?? []).filter((node) => node.opType === 'Softmax').length;
    expect(report.attention).toEqual({ layers: softmaxes, heads: config.num_attention_heads });
    expect(report.attention).toEqual({ layers: 2, heads: 4 });
    expect(report.config).toEqual({
      layers: config.num_hidden_layers,
      heads: config.num_attention_heads,
      hiddenSize: config.hidden_size,
    });

    // RoBERTa numbers positions from pad_token_id + 1: 66 positions hold 64 tokens (below model_max_length 512).
    expect(report.maxTokens).toBe(config.max_position_embeddings - (config.pad_token_id + 1));
    expect(report.maxTokens).toBe(64);
    expect(report.vocabSize).toBe(config.vocab_size);
    expect(report.sha256).toBe(await sha256(file));
    expect(report.dtype).toBe('fp32');
    expect(report.precision).toBe('fp32');

    expect(report.methods.map((method) => method.id)).toEqual(ALL_METHODS);
    for (const method of report.methods) {
      expect(method.available, method.id).toBe(true);
      expect(method.unavailableReason, method.id).toBeUndefined();
    }
  });

  it('prints the same facts as text, one a line, then every method', async () => {
    const run = await cli('models', 'inspect', ROBERTA);
    expect(run.code, run.err).toBe(EXIT_OK);
    const lines = run.out.trimEnd().split('\n');
    const row = (label: string) => lines.find((line) => line.startsWith(`${label} `))?.slice(12);
    expect(row('family')).toBe('roberta');
    expect(row('head')).toBe('single-label classification: softmax over the 3 labels (negative, neutral, positive)');
    expect(row('tokenizer')).toBe('BPE');
    expect(row('specials')).toBe(
      '<s> 0 (cls, bos) · <pad> 1 (pad) · </s> 2 (sep, eos) · <unk> 3 (unk) · <mask> 50264 (mask)',
    );
    expect(row('graph')).toMatch(/^opset 14 · IR version \d+ · from pytorch /);
    expect(row('inputs')).toBe(
      'input_ids int64 [batch_size, sequence_length] · attention_mask int64 [batch_size, sequence_length]',
    );
    expect(row('attention')).toBe('2 layers × 4 heads found in the graph (config.json: 2 × 4, hidden size 32)');
    expect(row('max tokens')).toBe('64');
    expect(row('vocab size')).toBe('50265');
    expect(row('sha256')).toBe(await sha256(join(ROBERTA, 'onnx/model.onnx')));
    const methods = lines.slice(lines.indexOf('methods') + 1);
    expect(methods.map((line) => line.trim().split(/\s+/))).toEqual(ALL_METHODS.map((id) => [id, 'available']));
  });

  it('takes no --model and refuses a missing folder plainly', async () => {
    const usage = await cli('models', 'inspect');
    expect(usage.code).toBe(EXIT_USAGE);
    const missing = await cli('models', 'inspect', join(folder, 'nowhere'));
    expect(missing.code).not.toBe(EXIT_OK);
    expect(missing.err).toMatch(/model folder not found/);
  });
});

describe('models inspect on a regression head', () => {
  it('names the head regression, with its one score and no threshold, and the token-type input', async () => {
    const report = await inspect(REGRESSION);
    const config = await readJson<Config>(join(REGRESSION, 'config.json'));
    const onnx = await readModel(join(REGRESSION, 'onnx/model.onnx'));
    expect(config.problem_type).toBe('regression');
    expect(report.family).toBe(config.model_type);
    expect(report.head).toEqual({ task: 'regression', labels: Object.values(config.id2label) });
    expect(report.head.threshold).toBeUndefined();
    expect(report.tokenizer.type).toBe('WordPiece');
    expect(report.tokenizer.specials).toEqual(await expectedSpecials(REGRESSION));
    expect(report.graph.inputs.map((input) => input.name)).toEqual(fedInputs(onnx));
    expect(report.graph.inputs.map((input) => input.name)).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    expect(report.graph.outputs[0]?.shape).toEqual(['batch_size', 1]);
    expect(report.graph.opset).toBe(defaultOpset(onnx));
    expect(report.attention).toEqual({ layers: config.num_hidden_layers, heads: config.num_attention_heads });
    expect(report.maxTokens).toBe(config.max_position_embeddings);
    expect(report.vocabSize).toBe(config.vocab_size);
    expect(report.sha256).toBe(await sha256(join(REGRESSION, 'onnx/model.onnx')));
    expect(report.methods.every((method) => method.available)).toBe(true);

    const text = await cli('models', 'inspect', REGRESSION);
    expect(text.out).toMatch(/^head {8}regression: one score \(score\)$/m);
  });
});

describe('models inspect on a quantized graph (--dtype q8)', () => {
  it('says attention and gradient methods are unavailable, and why; the perturbation methods run', async () => {
    // tiny-bert's files with the engine's int8 quantization of its graph as the folder's own q8 export.
    const dir = join(folder, 'tiny-bert-q8');
    await mkdir(join(dir, 'onnx'), { recursive: true });
    for (const entry of await readdir(TINY_BERT, { withFileTypes: true })) {
      if (entry.isFile()) await copyFile(join(TINY_BERT, entry.name), join(dir, entry.name));
    }
    const quantized = quantizeMatMulWeights(await readModel(join(TINY_BERT, 'onnx/model.onnx')), {
      weightMax: FULL_INT8_WEIGHT_MAX,
    }).model;
    const file = join(dir, 'onnx/model_quantized.onnx');
    await writeFile(file, encodeModel(quantized));
    const onnx = await readModel(file);
    expect(opTypes(onnx).has('MatMulInteger')).toBe(true);

    const report = await inspect(dir, '--dtype', 'q8');
    expect(report.dtype).toBe('q8');
    expect(report.graph.file).toBe(file);
    expect(report.sha256).toBe(await sha256(file));
    expect(report.graph.opset).toBe(defaultOpset(onnx));
    expect(report.graph.inputs.map((input) => input.name)).toEqual(fedInputs(onnx));
    expect(report.attention).toEqual({
      unavailableReason: expect.stringMatching(/^the graph is quantized \(it has MatMulInteger\)/) as string,
    });
    const reasons = new Map(report.methods.map((method) => [method.id, method]));
    for (const id of ATTENTION_METHODS) {
      expect(reasons.get(id)).toMatchObject({ available: false });
      expect(reasons.get(id)?.unavailableReason, id).toMatch(/^the graph is quantized \(it has MatMulInteger\)/);
    }
    for (const id of GRADIENT_METHODS) {
      expect(reasons.get(id)).toMatchObject({ available: false });
      expect(reasons.get(id)?.unavailableReason, id).toMatch(
        /^gradient methods unavailable for this model: no gradient rule for MatMulInteger: the graph is quantized/,
      );
    }
    for (const id of PERTURBATION_METHODS) expect(reasons.get(id), id).toMatchObject({ available: true });

    const text = await cli('models', 'inspect', dir, '--dtype', 'q8');
    expect(text.out).toMatch(/^attention {3}none found: the graph is quantized \(it has MatMulInteger\)/m);
    expect(text.out).toMatch(/^ {2}gradient {22}unavailable: gradient methods unavailable for this model: /m);
    expect(text.out).toMatch(/^ {2}occlusion {21}available$/m);
    expect(text.out).toMatch(/^weights {5}q8$/m);
  });
});
