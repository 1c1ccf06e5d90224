/**
 * Writing a folder atomically: everything goes into a hidden temporary sibling, which is renamed into place
 * only when complete. A crash half way leaves no folder under the final name, and an existing folder is never
 * overwritten.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export class ReportExistsError extends Error {
  override name = 'ReportExistsError';
}

export type FileWriter = (relativePath: string, content: string | Uint8Array) => Promise<void>;

export interface AtomicFolderOptions {
  /** With `suffix`, an existing `dir` becomes `dir-2`, `dir-3`, …; by default it is an error. */
  onExisting?: 'refuse' | 'suffix';
}

/** Runs `fill` against a temporary folder and renames it to `dir` (or a suffixed name); returns the final path. */
export async function writeFolderAtomically(
  dir: string,
  fill: (write: FileWriter) => Promise<void>,
  { onExisting = 'refuse' }: AtomicFolderOptions = {},
): Promise<string> {
  const target = await freeName(dir, onExisting);
  await mkdir(dirname(target), { recursive: true });
  const temporary = join(dirname(target), `.${basename(target)}.partial-${randomBytes(4).toString('hex')}`);
  await mkdir(temporary);
  try {
    await fill(async (relativePath, content) => {
      const path = join(temporary, relativePath);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, content);
    });
    if (await exists(target))
      throw new ReportExistsError(`${target} appeared while the report was being written; nothing was overwritten`);
    await rename(temporary, target);
    return target;
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
}

/** Fails early, before hours of work, when a report could not be written to `dir` later. */
export async function assertFolderFree(dir: string): Promise<void> {
  await freeName(dir, 'refuse');
}

async function freeName(dir: string, onExisting: 'refuse' | 'suffix'): Promise<string> {
  if (!(await exists(dir))) return dir;
  if (onExisting === 'refuse')
    throw new ReportExistsError(`${dir} already exists; choose another folder (nothing was overwritten)`);
  for (let suffix = 2; ; suffix += 1) {
    const candidate = `${dir}-${suffix}`;
    if (!(await exists(candidate))) return candidate;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
