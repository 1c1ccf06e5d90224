/**
 * The tiny RoBERTa fixture's exported graph, run by onnxruntime-node, against PyTorch: the goldens
 * (fixtures/golden/tiny-roberta.json, scripts/roberta_fixture.py) are on id sequences, since its tokenizer
 * files are not in the model folder yet, and the session is created directly, not through ModelBundle.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../paths.js';

interface Rows {
  ids: number[][];
  attention_mask: number[][];
  logits: number[][];
}

interface Golden {
  labels: string[];
  sequences: { ids: number[]; attention_mask: number[]; logits: number[] }[];
  padded_batch: Rows & { padding: string[] };
}

const TOLERANCE = 1e-5;
const golden = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'fixtures/golden/tiny-roberta.json'), 'utf8')) as Golden;

function int64(rows: number[][]): Tensor {
  return new Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [rows.length, rows[0]!.length]);
}

function maxDifference(actual: Float32Array, expected: number[][]): number {
  const flat = expected.flat();
  expect(actual.length).toBe(flat.length);
  return flat.reduce((worst, value, i) => Math.max(worst, Math.abs(actual[i]! - value)), 0);
}

describe('tiny-roberta graph against PyTorch', () => {
  let session: InferenceSession;

  beforeAll(async () => {
    session = await InferenceSession.create(join(PACKAGE_ROOT, 'fixtures/models/tiny-roberta/onnx/model.onnx'));
  });
  afterAll(() => session.release());

  const logits = async (rows: Pick<Rows, 'ids' | 'attention_mask'>): Promise<Float32Array> => {
    const outputs = await session.run({ input_ids: int64(rows.ids), attention_mask: int64(rows.attention_mask) });
    return outputs.logits!.data as Float32Array;
  };

  it('takes input_ids and attention_mask only (no token types), as optimum exports RoBERTa', () => {
    expect(session.inputNames).toEqual(['input_ids', 'attention_mask']);
    expect(session.outputNames).toEqual(['logits']);
  });

  it.each(golden.sequences.map((sequence) => ({ sequence, n: sequence.ids.length })))(
    'gives PyTorch’s logits for $n ids',
    async ({ sequence }) => {
      const actual = await logits({ ids: [sequence.ids], attention_mask: [sequence.attention_mask] });
      expect(maxDifference(actual, [sequence.logits])).toBeLessThanOrEqual(TOLERANCE);
    },
  );

  it('gives PyTorch’s logits for a batch padded right and left (position ids come from the ids)', async () => {
    const batch = golden.padded_batch;
    expect(batch.padding).toEqual(['none', 'right', 'left']);
    expect(maxDifference(await logits(batch), batch.logits)).toBeLessThanOrEqual(TOLERANCE);
  });
});
