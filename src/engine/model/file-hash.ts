/**
 * A model file's sha256, remembered by the file's identity on disk so that loading a large model does not read
 * it whole every time (about 1 s for a 268 MB DistilBERT). The identity includes the inode and ctime, which
 * every write or replacement changes and no tool can set back, so a stale hash is never trusted.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sha256OfFile, writeFileAtomically } from '../files.js';

interface HashRecord {
  identity: string;
  sha256: string;
}

export async function fileSha256(path: string, cacheDir: string): Promise<string> {
  const absolute = resolve(path);
  const { ino, size, mtimeMs, ctimeMs } = await stat(absolute);
  const identity = JSON.stringify({ path: absolute, ino, size, mtimeMs, ctimeMs });
  const folder = join(cacheDir, 'hashes');
  const recordPath = join(folder, `${createHash('sha256').update(absolute).digest('hex').slice(0, 32)}.json`);
  const known = await readFile(recordPath, 'utf8')
    .then((text) => JSON.parse(text) as HashRecord)
    .catch(() => undefined);
  if (known?.identity === identity) return known.sha256;
  const sha256 = await sha256OfFile(absolute);
  const record: HashRecord = { identity, sha256 };
  // Remembering is an optimization: a read-only cache folder only means hashing again next time.
  await mkdir(folder, { recursive: true })
    .then(() => writeFileAtomically(recordPath, JSON.stringify(record)))
    .catch(() => undefined);
  return sha256;
}
