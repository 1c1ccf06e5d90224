/**
 * A report folder as one zip (browser mode's download): every file under the folder's own name, streamed so that
 * memory holds one chunk at a time whatever the report's size. Only the folder that was saved is zipped: its real
 * path and identity are taken at save time, and a folder (or one of its parents) swapped for a link later is
 * refused instead of followed.
 */
import { constants } from 'node:fs';
import { lstat, open, readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { Zip, ZipDeflate } from 'fflate';

/** A saved folder: where it really was and which directory it was. */
export interface SavedFolder {
  realPath: string;
  dev: number;
  ino: number;
}

/** The folder on disk is no longer the one that was saved (removed, or replaced by a link or another folder). */
export class FolderChangedError extends Error {
  override name = 'FolderChangedError';
}

interface ReportFile {
  path: string;
  zipPath: string;
  dev: number;
  ino: number;
}

const READ_CHUNK_BYTES = 256 * 1024;

export async function identifyFolder(dir: string): Promise<SavedFolder> {
  const realPath = await realpath(dir);
  const { dev, ino } = await lstat(realPath);
  return { realPath, dev, ino };
}

/**
 * Lists every regular file of the saved folder, zip paths under `zipRoot`. Links inside are skipped (the engine
 * writes none), and every folder walked must still be where its real path says.
 */
export async function listReportFiles(saved: SavedFolder, zipRoot: string): Promise<ReportFile[]> {
  const now = await lstat(saved.realPath).catch(() => undefined);
  if (!now) throw new FolderChangedError(`the report folder ${saved.realPath} no longer exists`);
  if (!now.isDirectory() || now.dev !== saved.dev || now.ino !== saved.ino) throw replaced(saved.realPath);
  const files: ReportFile[] = [];
  await walk(saved.realPath, zipRoot, files);
  return files;
}

async function walk(dir: string, zipDir: string, files: ReportFile[]): Promise<void> {
  if ((await realpath(dir)) !== dir) throw replaced(dir);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // Zip paths use forward slashes on every platform.
    const zipPath = `${zipDir}/${entry.name}`;
    if (entry.isDirectory()) await walk(path, zipPath, files);
    else if (entry.isFile()) {
      const { dev, ino } = await lstat(path);
      files.push({ path, zipPath, dev, ino });
    }
  }
}

/**
 * Writes the files as a zip to `out`, waiting for it to drain. Rejects when a file changed since it was listed
 * (its identity is checked on the opened file, which is opened without following a link) or when `out` closes
 * before the end (the client went away); the caller then drops the connection.
 */
export async function writeZip(files: readonly ReportFile[], out: Writable): Promise<void> {
  let failure: Error | undefined;
  const zip = new Zip((error, chunk, final) => {
    if (error) failure = error;
    else if (!out.destroyed) {
      out.write(chunk);
      if (final) out.end();
    }
  });
  // The deflater copies what it is given, so one read buffer serves every chunk.
  const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  for (const file of files) {
    // PNGs are compressed already; level 6 still shrinks SVG, HTML, JSON and CSV well.
    const entry = new ZipDeflate(file.zipPath, { level: 6 });
    zip.add(entry);
    const handle = await open(file.path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)).catch(() => {
      throw replaced(file.path);
    });
    try {
      const stat = await handle.stat();
      if (!stat.isFile() || stat.dev !== file.dev || stat.ino !== file.ino) throw replaced(file.path);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length);
        entry.push(buffer.subarray(0, bytesRead), bytesRead === 0);
        if (failure) throw failure;
        await drained(out);
        if (bytesRead === 0) break;
      }
    } finally {
      await handle.close();
    }
  }
  zip.end();
  await drained(out);
}

function replaced(path: string): FolderChangedError {
  return new FolderChangedError(
    `${path} was removed or replaced (by a link or another file) since the report was saved`,
  );
}

/** Resolves once `out` can take more; rejects when it closed first. */
function drained(out: Writable): Promise<void> {
  if (out.destroyed) return Promise.reject(new Error('the client closed the connection'));
  if (!out.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onDrain = (): void => (out.off('close', onClose), resolve());
    const onClose = (): void => (out.off('drain', onDrain), reject(new Error('the client closed the connection')));
    out.once('drain', onDrain).once('close', onClose);
  });
}
