/**
 * `inspectModel`'s reading of an ONNX file (what older exporters and fused graphs declare) and of a multi-label
 * head; the CLI's tests (src/cli/inspect.test.ts) check the whole report on real fixtures.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, encodeModel, DataType, type ModelProto } from '../onnx/proto.js';
import { floatTensor, LOGITS_OUTPUT, tensorInput } from '../onnx/test-graphs.js';
import { PACKAGE_ROOT } from '../paths.js';
import { ModelBundle } from './bundle.js';
import { graphFacts, inspectModel } from './inspect.js';

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'xai-inspect-'));
});
afterAll(() => rm(cacheDir, { recursive: true, force: true }));

describe('graphFacts', () => {
  it('leaves out initializers listed as inputs (IR < 4), names every opset, and reads each dimension', () => {
    const model: ModelProto = {
      irVersion: 3,
      opsetImport: [
        { domain: '', version: 11 },
        { domain: 'com.microsoft', version: 1 },
      ],
      graph: {
        input: [
          tensorInput('input_ids', DataType.INT64),
          { name: 'W', type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimValue: 2 }] } } } },
          { name: 'scale', type: { tensorType: { elemType: DataType.DOUBLE, shape: { dim: [{}, { dimValue: 3 }] } } } },
        ],
        initializer: [floatTensor('W', [2], [1, 2])],
        output: [LOGITS_OUTPUT],
      },
    };
    // Through the encoder and back, so that the integers are protobuf's (Long) as in a file read from disk.
    const facts = graphFacts(decodeModel(encodeModel(model)));
    expect(facts).toEqual({
      irVersion: 3,
      opset: 11,
      opsets: [
        { domain: 'ai.onnx', version: 11 },
        { domain: 'com.microsoft', version: 1 },
      ],
      inputs: [
        { name: 'input_ids', type: 'int64', shape: ['batch', 'seq'] },
        { name: 'scale', type: 'float64', shape: ['?', 3] },
      ],
      outputs: [{ name: 'logits', type: 'float32', shape: [] }],
    });
    expect(facts).not.toHaveProperty('producer');
  });
});

describe.each([
  { name: 'tiny-bert-multilingual', family: 'bert', tokenizer: 'WordPiece', opset: 14, cls: 101, heads: 4 },
  { name: 'tiny-deberta-v2', family: 'deberta-v2', tokenizer: 'Unigram', opset: 12, cls: 1, heads: 4 },
  // MiniLM's layout: 12 heads of 4, counted on a run of the attention graph.
  { name: 'tiny-minilm', family: 'bert', tokenizer: 'WordPiece', opset: 14, cls: 2, heads: 12 },
])('inspectModel on $name, whose graph takes token types', ({ name, family, tokenizer, opset, cls, heads }) => {
  it('names its family, tokenizer, three inputs, opset, layers × heads found, and every method available', async () => {
    const model = await ModelBundle.load(join(PACKAGE_ROOT, 'fixtures/models', name), { cacheDir });
    try {
      const report = await inspectModel(model);
      expect(report.family).toBe(family);
      expect(report.tokenizer.type).toBe(tokenizer);
      expect(report.tokenizer.specials).toContainEqual({
        token: '[CLS]',
        id: cls,
        roles: expect.arrayContaining(['cls']),
      });
      expect(report.graph.inputs.map((input) => input.name)).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
      expect(report.graph.opset).toBe(opset);
      expect(report.attention).toEqual({ layers: 2, heads });
      expect(report.config).toMatchObject({ layers: 2, heads });
      expect(report.methods.filter((method) => !method.available)).toEqual([]);
    } finally {
      await model.dispose();
    }
  });
});

describe('inspectModel', () => {
  it("gives a multi-label head's labels and the threshold it was loaded with", async () => {
    const dir = join(PACKAGE_ROOT, 'fixtures/models/tiny-distilbert-multilabel');
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { id2label: object };
    const model = await ModelBundle.load(dir, { cacheDir, threshold: 0.3 });
    try {
      const report = await inspectModel(model);
      expect(report.head).toEqual({
        task: 'multi_label_classification',
        labels: Object.values(config.id2label),
        threshold: 0.3,
      });
      expect(report.family).toBe('distilbert');
      expect(report.graph.inputs.map((input) => input.name)).toEqual(['input_ids', 'attention_mask']);
    } finally {
      await model.dispose();
    }
  });
});
