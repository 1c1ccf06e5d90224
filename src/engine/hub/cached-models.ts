/** Listing and removing models in the Hugging Face cache (`xai-workbench models`). */
import { readdir, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { hubCacheDir, isHubId, repoFolders } from './cache.js';
import { HubError } from './download.js';

export interface CachedModel {
  id: string;
  folder: string;
  /** Files of the newest snapshot, relative to it. */
  files: string[];
  /** Bytes of all stored blobs. */
  bytes: number;
}

const REPO_PREFIX = 'models--';

export async function listCachedModels(cacheDir = hubCacheDir()): Promise<CachedModel[]> {
  const entries = await readdir(cacheDir, { withFileTypes: true }).catch(() => []);
  const models: CachedModel[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !entry.name.startsWith(REPO_PREFIX)) continue;
    const id = entry.name.slice(REPO_PREFIX.length).replaceAll('--', '/');
    const folders = repoFolders(cacheDir, id);
    const snapshots = await readdir(join(folders.root, 'snapshots')).catch(() => [] as string[]);
    const newest = await newestFolder(snapshots.map((name) => join(folders.root, 'snapshots', name)));
    const files = newest ? (await filesUnder(newest)).map((file) => relative(newest, file)).sort() : [];
    const blobs = await filesUnder(folders.blobs);
    const sizes = await Promise.all(blobs.map((blob) => stat(blob).then((s) => s.size)));
    models.push({ id, folder: folders.root, files, bytes: sizes.reduce((a, b) => a + b, 0) });
  }
  return models.sort((a, b) => a.id.localeCompare(b.id));
}

export async function removeCachedModel(id: string, cacheDir = hubCacheDir()): Promise<void> {
  const folder = repoFolders(cacheDir, id).root;
  if (
    !isHubId(id) ||
    !(await stat(folder).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  ) {
    throw new HubError(`${id} is not in the cache (${cacheDir}); \`xai-workbench models\` lists what is`);
  }
  await rm(folder, { recursive: true });
}

async function newestFolder(folders: string[]): Promise<string | undefined> {
  const times = await Promise.all(
    folders.map((folder) =>
      stat(folder).then(
        (s) => s.mtimeMs,
        () => -1,
      ),
    ),
  );
  const best = times.indexOf(Math.max(...times));
  return best >= 0 ? folders[best] : undefined;
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) => join(entry.parentPath, entry.name));
}
