/**
 * Merging the report folders of a sharded run (`explain --shard i/n` on several machines) into the results of
 * one run. Shards merge only when they are provably parts of the same run: the same model weights, method
 * settings and input, the same shard count, each shard once. Anything else is refused with the reason, since a
 * merged report silently mixing two models or two settings would be worse than none.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { RESULTS_SCHEMA, RESULTS_SCHEMA_VERSION, type ResultsDocument } from '../../shared/results.js';

export class MergeError extends Error {
  override name = 'MergeError';
}

export interface ShardFolder {
  dir: string;
  results: ResultsDocument;
}

/** The results a report folder holds (its `results.json`), without the report's own metadata. */
export async function readShardFolder(dir: string): Promise<ShardFolder> {
  const path = join(dir, 'results.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MergeError(`${dir} is not a report folder: cannot read results.json (${code ?? String(error)})`);
  }
  let parsed: Partial<ResultsDocument> & { report?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new MergeError(`${path} is not valid JSON`);
  }
  if (parsed.schema !== RESULTS_SCHEMA || parsed.version !== RESULTS_SCHEMA_VERSION) {
    throw new MergeError(`${path} is not in the results schema ${RESULTS_SCHEMA} version ${RESULTS_SCHEMA_VERSION}`);
  }
  // The report's metadata and its summary describe the shard alone: a merge makes its own.
  const { report: _report, summary: _summary, ...results } = parsed as typeof parsed & { summary?: unknown };
  return { dir, results: results as ResultsDocument };
}

export interface MergeOptions {
  /** Merge what is there when some shards are missing, marking the result partial, instead of refusing. */
  allowMissing?: boolean;
}

/** The merged results, sentences in input order; `partial` when a shard was partial or (if allowed) missing. */
export function mergeShards(
  shards: readonly ShardFolder[],
  { allowMissing = false }: MergeOptions = {},
): ResultsDocument {
  if (shards.length === 0) throw new MergeError('nothing to merge: no shard folders given');
  for (const { dir, results } of shards) {
    if (!results.shard) throw new MergeError(`${dir} is not a shard: it was not written by explain --shard i/n`);
  }
  const [first, ...others] = shards as [ShardFolder, ...ShardFolder[]];
  const count = first.results.shard!.count;
  for (const other of others) {
    const mismatch = differenceBetween(first.results, other.results);
    if (mismatch) throw new MergeError(`${other.dir} and ${first.dir} are not shards of one run: ${mismatch}`);
  }

  const byIndex = new Map<number, string>();
  for (const { dir, results } of shards) {
    const { index } = results.shard!;
    const seen = byIndex.get(index);
    if (seen) throw new MergeError(`shard ${index}/${count} is given twice: ${seen} and ${dir}`);
    byIndex.set(index, dir);
    const stray = results.sentences.find((sentence) => sentence.index % count !== index);
    if (stray)
      throw new MergeError(`${dir} holds sentence ${stray.index}, which does not belong to shard ${index}/${count}`);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0 && !allowMissing) {
    throw new MergeError(
      `shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing ` +
        '(merge with --allow-missing for a partial report of the shards given)',
    );
  }

  const sentences = shards.flatMap(({ results }) => results.sentences).sort((a, b) => a.index - b.index);
  const partial = missing.length > 0 || shards.some(({ results }) => results.partial === true);
  const { shard: _shard, partial: _partial, sentences: _sentences, ...shared } = first.results;
  return { ...shared, sentences, ...(partial ? { partial } : {}) };
}

/** Why two shards' results cannot come from one run, or undefined when they can. */
function differenceBetween(a: ResultsDocument, b: ResultsDocument): string | undefined {
  // The source may name the same weights by another path on another machine; the hash is what identifies them.
  const { source: _a, name: _an, ...modelA } = a.model;
  const { source: _b, name: _bn, ...modelB } = b.model;
  if (a.model.sha256 !== b.model.sha256)
    return `different model weights (sha256 ${short(a.model.sha256)} vs ${short(b.model.sha256)})`;
  if (!isDeepStrictEqual(modelA, modelB)) return `different model settings (${settingsDifference(modelA, modelB)})`;
  if (!isDeepStrictEqual(a.methods, b.methods)) return 'different methods or method settings';
  if (!isDeepStrictEqual(a.input, b.input)) return 'different input files';
  if (a.shard!.count !== b.shard!.count) return `different shard counts (${a.shard!.count} vs ${b.shard!.count})`;
  const [evaluatedA, evaluatedB] = [evaluated(a), evaluated(b)];
  if (evaluatedA !== undefined && evaluatedB !== undefined && evaluatedA !== evaluatedB)
    return 'one was evaluated (--evaluate) and the other not';
  return undefined;
}

/** Whether the shard's explanations carry metrics; undefined for a shard with no sentence, which cannot tell. */
function evaluated(results: ResultsDocument): boolean | undefined {
  return results.sentences.length === 0 ? undefined : results.sentences.some((sentence) => sentence.evaluation);
}

/** `threshold 0.5 vs 0.7`: each model setting the two differ in (dtype, precision, the multi-label threshold…). */
function settingsDifference(a: Record<string, unknown>, b: Record<string, unknown>): string {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const shown = (value: unknown) => (value === undefined ? 'unset' : JSON.stringify(value));
  return keys
    .filter((key) => !isDeepStrictEqual(a[key], b[key]))
    .map((key) => `${key} ${shown(a[key])} vs ${shown(b[key])}`)
    .join(', ');
}

function short(sha256: string): string {
  return `${sha256.slice(0, 12)}…`;
}
