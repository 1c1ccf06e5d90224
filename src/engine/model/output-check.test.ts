/**
 * A model whose output is not one row of logits per sentence, as many as config.json has labels, is refused at
 * load with both numbers: the demo model under an edited config.json, and small graphs built here under the
 * demo's tokenizer and config.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DataType, encodeModel, onnx, type ModelProto, type NodeProto } from '../onnx/proto.js';
import { floatTensor, LOGITS_OUTPUT, meanOverTokens, node, onnxModel, tensorInput } from '../onnx/test-graphs.js';
import { PACKAGE_ROOT } from '../paths.js';
import { ModelBundle } from './bundle.js';
import { predictTexts, type PredictedText } from '../predict.js';
import { TextTokenizer } from './tokenizer.js';

const DEMO = join(PACKAGE_ROOT, 'resources/models/demo-sst2');
/** The demo's vocabulary size, from its config.json (the graphs built here look words up in a table this long). */
const DEMO_VOCABULARY = (JSON.parse(readFileSync(join(DEMO, 'config.json'), 'utf8')) as { vocab_size: number })
  .vocab_size;

type Config = Record<string, unknown>;

/** The demo's id2label replaced by `labels` (or removed, when undefined). */
function withLabels(labels: string[] | undefined, extra: Config = {}): (config: Config) => Config {
  return ({ id2label: _id2label, label2id: _label2id, ...config }) => ({
    ...config,
    ...(labels ? { id2label: Object.fromEntries(labels.map((label, i) => [String(i), label])) } : {}),
    ...extra,
  });
}

/** A copy of the demo model folder with its config.json edited and, optionally, its graph replaced. */
async function demoCopy(
  editConfig: (config: Config) => Config = (config) => config,
  graph?: ModelProto,
  graphFile = 'onnx/model.onnx',
): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'xai-output-check-'));
  await cp(DEMO, folder, { recursive: true });
  const configPath = join(folder, 'config.json');
  const config = JSON.parse(await readFile(configPath, 'utf8')) as Config;
  await writeFile(configPath, JSON.stringify(editConfig(config)));
  if (graph) await writeFile(join(folder, graphFile), encodeModel(graph));
  return folder;
}

/** ids and mask in, `logits` out through `nodes`, with a word table `E` of `values` (vocabulary × `dims`). */
function graphOverWords(
  dims: number[],
  values: (index: number) => number,
  nodes: NodeProto[],
  output = LOGITS_OUTPUT,
): ModelProto {
  const size = dims.reduce((a, b) => a * b, DEMO_VOCABULARY);
  return onnxModel({
    name: 'over-words',
    input: [tensorInput('input_ids', DataType.INT64), tensorInput('attention_mask', DataType.INT64)],
    output: [output],
    initializer: [
      floatTensor(
        'E',
        [DEMO_VOCABULARY, ...dims],
        Array.from({ length: size }, (_, i) => values(i)),
      ),
    ],
    node: [node('Gather', ['E', 'input_ids'], 'words'), ...nodes],
  });
}

/** One logit per sentence per class: the mean over tokens of a word table. */
function meanOfWords(classes: number, values: (index: number) => number = Math.sin, after: NodeProto[] = []) {
  const last = after.length > 0 ? 'mean' : 'logits';
  return graphOverWords([classes], values, [meanOverTokens('words', last), ...after]);
}

/** One value per token: the word table holds one number per word, so the lookup is already `[batch, seq]`. */
const perToken = (): ModelProto => graphOverWords([], Math.sin, [node('Identity', ['words'], 'logits')]);

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'xai-output-check-cache-'));
});
afterEach(() => {
  vi.restoreAllMocks();
});

const load = (folder: string, dtype: 'fp32' | 'q8' = 'fp32') => ModelBundle.load(folder, { cacheDir, dtype });

describe('load refuses a config.json whose labels the model does not output', () => {
  it('3 labels in id2label for a model of 2 logits', async () => {
    const folder = await demoCopy(withLabels(['NEGATIVE', 'NEUTRAL', 'POSITIVE']));
    await expect(load(folder)).rejects.toThrow(
      `${folder}/config.json defines 3 labels (id2label) but ${folder}/onnx/model.onnx outputs 2 logits per sentence`,
    );
  });

  it('1 label in id2label for a model of 2 logits', async () => {
    const folder = await demoCopy(withLabels(['POSITIVE']));
    await expect(load(folder)).rejects.toThrow(
      `${folder}/config.json defines 1 label (id2label) but ${folder}/onnx/model.onnx outputs 2 logits per sentence`,
    );
  });

  it('no labels in config.json (2 by default) for a model of 3 logits', async () => {
    const folder = await demoCopy(withLabels(undefined), meanOfWords(3));
    await expect(load(folder)).rejects.toThrow(
      `${folder}/config.json has neither id2label nor num_labels, which means 2 labels ` +
        `but ${folder}/onnx/model.onnx outputs 3 logits per sentence`,
    );
  });
});

describe('a single-output (regression) head', () => {
  it('loads under a config of 1 label, and its prediction is the score', async () => {
    const folder = await demoCopy(withLabels(undefined, { num_labels: 1 }), meanOfWords(1));
    const model = await load(folder);
    try {
      expect(model.info.task).toBe('regression');
      const [{ prediction }] = (await predictTexts(model, ['a good film'])) as [PredictedText];
      expect(prediction.score).toBe(prediction.logits[0]);
      expect(prediction.probabilities).toEqual({});
    } finally {
      await model.dispose();
    }
  });

  it('is refused under a config of 2 labels, saying what config.json would need', async () => {
    const folder = await demoCopy(undefined, meanOfWords(1));
    await expect(load(folder)).rejects.toThrow(
      `${folder}/config.json defines 2 labels (id2label) but ${folder}/onnx/model.onnx outputs 1 value per sentence ` +
        '(a regression head? then config.json should say num_labels 1)',
    );
  });
});

describe('load refuses logits that are not [batch, labels]', () => {
  it('one value per token', async () => {
    const folder = await demoCopy(undefined, perToken());
    await expect(load(folder)).rejects.toThrow(
      /onnx\/model\.onnx outputs logits of shape \[2, (\d+)\] for 2 probe sentences padded to \1 tokens \(one value per token\?\), not \[batch, labels\] = \[2, 2\]; .*\/config\.json defines 2 labels \(id2label\)$/,
    );
  });

  it('one value per token, when the probe sentence has as many tokens as there are labels', async () => {
    const tokenizer = await TextTokenizer.load(DEMO, 512);
    const tokens = (await tokenizer.encode('a good film')).ids.length;
    const labels = Array.from({ length: tokens }, (_, i) => `L${i}`);
    const folder = await demoCopy(withLabels(labels), perToken());
    await expect(load(folder)).rejects.toThrow(
      new RegExp(
        `outputs logits of shape \\[2, (\\d+)\\] for 2 probe sentences padded to \\1 tokens \\(one value per token\\?\\), ` +
          `not \\[batch, labels\\] = \\[2, ${tokens}\\]`,
      ),
    );
  });

  it('one row of logits per token', async () => {
    const folder = await demoCopy(undefined, graphOverWords([2], Math.sin, [node('Identity', ['words'], 'logits')]));
    await expect(load(folder)).rejects.toThrow(
      /outputs logits of shape \[2, (\d+), 2\] for 2 probe sentences padded to \1 tokens \(one row per token\?\), not \[batch, labels\] = \[2, 2\]/,
    );
  });

  it('labels on the first axis and sentences on the second', async () => {
    const transpose = node('Transpose', ['mean'], 'logits', [
      { name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 0] },
    ]);
    const folder = await demoCopy(withLabels(['a', 'b', 'c']), meanOfWords(3, Math.sin, [transpose]));
    await expect(load(folder)).rejects.toThrow(
      /onnx\/model\.onnx outputs logits of shape \[3, 2\] for 2 probe sentences padded to \d+ tokens, not \[batch, labels\] = \[2, 3\]; /,
    );
  });

  it('float16 logits, which would be read as float32 bits', async () => {
    const cast = node('Cast', ['mean'], 'logits', [
      { name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: DataType.FLOAT16 },
    ]);
    const float16 = { name: 'logits', type: { tensorType: { elemType: DataType.FLOAT16 } } };
    const graph = graphOverWords([2], Math.sin, [meanOverTokens('words', 'mean'), cast], float16);
    const folder = await demoCopy(undefined, graph);
    await expect(load(folder)).rejects.toThrow(`${folder}/onnx/model.onnx outputs logits of type float16, not float32`);
  });

  it('logits that are not finite', async () => {
    const folder = await demoCopy(
      undefined,
      meanOfWords(2, (i) => (i % 2 === 0 ? NaN : 1)),
    );
    await expect(load(folder)).rejects.toThrow(
      `${folder}/onnx/model.onnx outputs non-finite logits (NaN) for the probe sentences "good" and "a good film"`,
    );
  });

  it('a graph that takes one sentence at a time, naming onnxruntime’s reason', async () => {
    const oneSentence = (name: string) => ({
      name,
      type: { tensorType: { elemType: DataType.INT64, shape: { dim: [{ dimValue: 1 }, { dimParam: 'seq' }] } } },
    });
    const graph = meanOfWords(2);
    graph.graph!.input = [oneSentence('input_ids'), oneSentence('attention_mask')];
    const folder = await demoCopy(undefined, graph);
    await expect(load(folder)).rejects.toThrow(
      new RegExp(
        `^onnxruntime could not run ${folder}/onnx/model\\.onnx on 2 probe sentences padded to \\d+ tokens: ` +
          'Got invalid dimensions for input: input_ids for the following indices index: 0 Got: 2 Expected: 1',
      ),
    );
  });

  it('in the q8 export too', async () => {
    const folder = await demoCopy(undefined, perToken(), 'onnx/model_quantized.onnx');
    await expect(load(folder, 'q8')).rejects.toThrow(/onnx\/model_quantized\.onnx outputs logits of shape \[2, \d+\]/);
  });
});

describe('a refused load', () => {
  it('releases the session it created and derives no graph', async () => {
    const created: InferenceSession[] = [];
    type Create = (path: string, options?: InferenceSession.SessionOptions) => Promise<InferenceSession>;
    const create = InferenceSession.create.bind(InferenceSession) as Create;
    vi.spyOn(InferenceSession, 'create').mockImplementation((async (path, options) => {
      const session = await create(path, options);
      vi.spyOn(session, 'release');
      created.push(session);
      return session;
    }) as Create as typeof InferenceSession.create);
    const folder = await demoCopy(withLabels(['a', 'b', 'c']));
    const ownCache = await mkdtemp(join(tmpdir(), 'xai-output-check-cache-'));
    await expect(ModelBundle.load(folder, { cacheDir: ownCache })).rejects.toThrow(/defines 3 labels/);
    expect(created.map((session) => vi.mocked(session.release).mock.calls.length)).toEqual([1]);
    expect(existsSync(join(ownCache, 'graphs'))).toBe(false);
  });
});
