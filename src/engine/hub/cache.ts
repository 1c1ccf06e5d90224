/**
 * The standard Hugging Face cache layout, shared with Python's huggingface_hub so that a model downloaded by
 * either is found by both: `models--org--name/{blobs/<etag>, snapshots/<commit>/<path> → blob, refs/<revision>}`.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `HF_HUB_CACHE`, else `HF_HOME/hub`, else `~/.cache/huggingface/hub` — as huggingface_hub resolves it. */
export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  const home = env.HF_HOME || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'huggingface');
  return join(home, 'hub');
}

export function hubEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return (env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, '');
}

export function isOffline(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['1', 'true', 'yes', 'on'].includes((env.HF_HUB_OFFLINE ?? '').toLowerCase());
}

/** `org/name` (letters, digits, `-`, `_`, `.`), as hub model ids are written. */
export function isHubId(source: string): boolean {
  return /^[\w.-]+\/[\w.-]+$/.test(source) && !source.startsWith('.') && !source.includes('..');
}

export interface RepoFolders {
  root: string;
  blobs: string;
  snapshot: (commit: string) => string;
  ref: (revision: string) => string;
}

export function repoFolders(cacheDir: string, repo: string): RepoFolders {
  const root = join(cacheDir, `models--${repo.replaceAll('/', '--')}`);
  return {
    root,
    blobs: join(root, 'blobs'),
    snapshot: (commit) => join(root, 'snapshots', commit),
    ref: (revision) => join(root, 'refs', revision),
  };
}
