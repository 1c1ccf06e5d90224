/** The remembered model-file hash: right, reused while the file is untouched, never trusted after a write. */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileSha256 } from './file-hash.js';

const sha256Of = (bytes: string) => createHash('sha256').update(bytes).digest('hex');

async function setup(): Promise<{ file: string; cacheDir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'xai-hash-'));
  const file = join(dir, 'model.onnx');
  await writeFile(file, 'weights, first version');
  return { file, cacheDir: join(dir, 'cache') };
}

/** Replaces the remembered hash with a marker, so that a returned marker proves the file was not read. */
async function plantMarker(cacheDir: string): Promise<string> {
  const [name] = await readdir(join(cacheDir, 'hashes'));
  const path = join(cacheDir, 'hashes', name!);
  const record = JSON.parse(await readFile(path, 'utf8')) as { sha256: string };
  const marker = 'f'.repeat(64);
  await writeFile(path, JSON.stringify({ ...record, sha256: marker }));
  return marker;
}

describe('fileSha256', () => {
  it('hashes the contents and reuses the remembered hash while the file is untouched', async () => {
    const { file, cacheDir } = await setup();
    expect(await fileSha256(file, cacheDir)).toBe(sha256Of('weights, first version'));
    const marker = await plantMarker(cacheDir);
    expect(await fileSha256(file, cacheDir)).toBe(marker);
  });

  it('hashes again after a same-size rewrite whose modification time was set back', async () => {
    const { file, cacheDir } = await setup();
    await fileSha256(file, cacheDir);
    await plantMarker(cacheDir);
    const before = await stat(file);
    // The kernel stamps ctime from a coarse clock (a few ms): let it tick, as it would between real edits.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await writeFile(file, 'weights, other version');
    await utimes(file, before.atime, before.mtime);
    expect((await stat(file)).size).toBe(before.size);
    expect(await fileSha256(file, cacheDir)).toBe(sha256Of('weights, other version'));
  });

  it('still hashes when the cache folder cannot be written', async () => {
    const { file } = await setup();
    // A path under a regular file can never become a folder.
    expect(await fileSha256(file, join(file, 'cache'))).toBe(sha256Of('weights, first version'));
  });
});
