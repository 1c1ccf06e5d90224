/**
 * Splitting one input across machines: shard `i/n` takes every n-th sentence starting at sentence i. The split
 * depends only on a sentence's position in the input, never on timing or run order, so n independent runs
 * (a Slurm array, a Kubernetes indexed Job, GNU parallel) cover the input exactly once between them.
 */
import { createHash } from 'node:crypto';
import type { InputInfo, ShardInfo, TextInput } from '../../shared/results.js';
import { OptionError } from '../../shared/options.js';

/** Parses `i/n` (0 ≤ i < n), as given to `--shard`. */
export function parseShard(spec: string): ShardInfo {
  const match = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!(count >= 1 && index >= 0 && index < count)) {
    throw new OptionError(`--shard expects i/n with 0 ≤ i < n (e.g. 0/4 … 3/4), got "${spec}"`);
  }
  return { index, count };
}

/** The positions in an input of `total` sentences that belong to `shard`. */
export function shardIndices(total: number, { index, count }: ShardInfo): number[] {
  const indices: number[] = [];
  for (let i = index; i < total; i += count) indices.push(i);
  return indices;
}

/** What identifies an input: shards of one run must have read the same sentences. */
export function inputInfo(texts: readonly TextInput[]): InputInfo {
  // A pair as its .txt line (text, tab, second text): a file of single texts hashes as it always has.
  const lines = texts.map((input) => (typeof input === 'string' ? input : input.join('\t')));
  return { sentences: texts.length, sha256: createHash('sha256').update(lines.join('\n')).digest('hex') };
}
