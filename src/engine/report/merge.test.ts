import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelInfo, ResultsDocument, SentenceResult } from '../../shared/results.js';
import { MergeError, mergeShards, readShardFolder, type ShardFolder } from './merge.js';

const MODEL = {
  source: '/machine-a/models/sst2',
  name: 'sst2',
  modelType: 'distilbert',
  labels: ['NEGATIVE', 'POSITIVE'],
  layers: 2,
  heads: 2,
  hiddenSize: 8,
  maxLength: 16,
  vocabSize: 30,
  dtype: 'fp32',
  sha256: 'a'.repeat(64),
} satisfies ModelInfo;

function sentence(index: number): SentenceResult {
  return {
    index,
    text: `sentence ${index}`,
    tokens: [],
    ids: [],
    truncated: false,
    logits: [0, 0],
    probabilities: { NEGATIVE: 0.5, POSITIVE: 0.5 },
    predictedIndex: 0,
    predictedLabel: 'NEGATIVE',
    warnings: [],
    explanations: {},
  };
}

/** Shard `index` of `count` over an input of `total` sentences. */
function shard(index: number, count: number, total = 5, changes: Partial<ResultsDocument> = {}): ShardFolder {
  const sentences = Array.from({ length: total }, (_, i) => i)
    .filter((i) => i % count === index)
    .map(sentence);
  return {
    dir: `shard-${index}`,
    results: {
      schema: 'xai-workbench/results',
      version: 1,
      model: MODEL,
      methods: { occlusion: { target: 'predicted' } },
      input: { sentences: total, sha256: 'b'.repeat(64) },
      shard: { index, count },
      sentences,
      ...changes,
    },
  };
}

describe('mergeShards', () => {
  it('puts the sentences back in input order and drops the shard marker', () => {
    const merged = mergeShards([shard(1, 2), shard(0, 2)]);
    expect(merged.sentences.map((s) => s.index)).toEqual([0, 1, 2, 3, 4]);
    expect(merged.shard).toBeUndefined();
    expect(merged.partial).toBeUndefined();
    expect(merged.input).toEqual(shard(0, 2).results.input);
  });

  it('accepts the same weights loaded from another path on another machine', () => {
    const elsewhere = shard(1, 2, 5, { model: { ...MODEL, source: '/machine-b/sst2', name: 'other' } });
    expect(mergeShards([shard(0, 2), elsewhere]).sentences).toHaveLength(5);
  });

  it('marks the merge partial when a shard was interrupted', () => {
    expect(mergeShards([shard(0, 2), shard(1, 2, 5, { partial: true })]).partial).toBe(true);
  });

  it.each<[string, Partial<ResultsDocument>, string]>([
    ['other weights', { model: { ...MODEL, sha256: 'c'.repeat(64) } }, 'different model weights'],
    ['the int8 export', { model: { ...MODEL, dtype: 'q8' } }, 'different model settings (dtype "fp32" vs "q8")'],
    ['int8 perturbation methods', { model: { ...MODEL, precision: 'int8' } }, 'different model settings (precision'],
    [
      'another multi-label threshold',
      { model: { ...MODEL, task: 'multi_label_classification', threshold: 0.7 } },
      'different model settings (task unset vs "multi_label_classification", threshold unset vs 0.7)',
    ],
    ['other settings', { methods: { occlusion: { target: 1 } } }, 'different methods or method settings'],
    ['another method', { methods: { occlusion: { target: 'predicted' }, lime: {} } }, 'different methods'],
    ['another input', { input: { sentences: 5, sha256: 'd'.repeat(64) } }, 'different input files'],
    ['another shard count', { shard: { index: 1, count: 3 } }, 'different shard counts (2 vs 3)'],
  ])('refuses a shard with %s', (_, changes, reason) => {
    expect(() => mergeShards([shard(0, 2), shard(1, 2, 5, changes)])).toThrow(reason);
  });

  it('refuses to mix evaluated and plain shards, but not over a shard with no sentence', () => {
    const evaluated = shard(1, 2);
    evaluated.results.sentences.forEach((s) => (s.evaluation = { occlusion: { aopc_compr: 0.1 } }));
    expect(() => mergeShards([shard(0, 2), evaluated])).toThrow('one was evaluated');
    const empty = shard(2, 3, 2);
    expect(() => mergeShards([shard(0, 3, 2), shard(1, 3, 2), empty])).not.toThrow();
  });

  it('refuses results that are not a shard, a sentence in the wrong shard, duplicates and gaps', () => {
    const { shard: _, ...whole } = shard(0, 1).results;
    expect(() => mergeShards([{ dir: 'whole', results: whole }])).toThrow('whole is not a shard');
    const stray = shard(1, 2);
    stray.results.sentences.push(sentence(2));
    expect(() => mergeShards([shard(0, 2), stray])).toThrow('holds sentence 2, which does not belong to shard 1/2');
    expect(() => mergeShards([shard(0, 2), shard(0, 2)])).toThrow('shard 0/2 is given twice');
    expect(() => mergeShards([shard(1, 4)])).toThrow('shards 0/4, 2/4, 3/4 missing');
    expect(() => mergeShards([])).toThrow(MergeError);
    const partial = mergeShards([shard(1, 4)], { allowMissing: true });
    expect(partial).toMatchObject({ partial: true, sentences: [{ index: 1 }] });
  });
});

describe('readShardFolder', () => {
  it('names a folder without results, with broken JSON, or in another schema', async () => {
    const root = await mkdtemp(join(tmpdir(), 'xai-merge-'));
    await expect(readShardFolder(join(root, 'absent'))).rejects.toThrow(
      'is not a report folder: cannot read results.json (ENOENT)',
    );
    await mkdir(join(root, 'broken'));
    await writeFile(join(root, 'broken/results.json'), '{"schema":');
    await expect(readShardFolder(join(root, 'broken'))).rejects.toThrow('results.json is not valid JSON');
    await mkdir(join(root, 'other'));
    await writeFile(join(root, 'other/results.json'), '{"schema":"something-else"}');
    await expect(readShardFolder(join(root, 'other'))).rejects.toThrow('is not in the results schema');
  });

  it('returns the results without the report metadata', async () => {
    const root = await mkdtemp(join(tmpdir(), 'xai-merge-'));
    const { results } = shard(0, 2);
    await writeFile(join(root, 'results.json'), JSON.stringify({ ...results, report: { partial: false } }));
    expect((await readShardFolder(root)).results).toEqual(results);
  });
});
