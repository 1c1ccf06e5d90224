/**
 * Writing a folder atomically: everything goes into a hidden temporary sibling, which is renamed into place
 * only when complete. A crash half way leaves no folder under the final name, and an existing folder is never
 * overwritten. The temporary name records its writer (PID and host), so that a later write into the same
 * parent can remove what a killed writer (`kill -9`, a power cut) left behind, and never a live writer's.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

export class ReportExistsError extends Error {
  override name = 'ReportExistsError';
}

/** A report folder that cannot be created where asked, in words (not a raw EACCES). */
export class ReportFolderError extends Error {
  override name = 'ReportFolderError';
}

export type FileWriter = (relativePath: string, content: string | Uint8Array) => Promise<void>;

export interface AtomicFolderOptions {
  /** With `suffix`, an existing `dir` becomes `dir-2`, `dir-3`, …; by default it is an error. */
  onExisting?: 'refuse' | 'suffix';
}

/** `.NAME.partial-PID-HOST-RANDOM`: HOST is a short hash of the host name, so names stay short and safe. */
const PARTIAL = /^\..+\.partial-(\d+)-([0-9a-f]{8})-[0-9a-f]+$/;
const THIS_HOST = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/** Runs `fill` against a temporary folder and renames it to `dir` (or a suffixed name); returns the final path. */
export async function writeFolderAtomically(
  dir: string,
  fill: (write: FileWriter) => Promise<void>,
  { onExisting = 'refuse' }: AtomicFolderOptions = {},
): Promise<string> {
  const target = await freeName(dir, onExisting);
  await inWords(target, () => mkdir(dirname(target), { recursive: true }));
  await removeAbandonedPartials(dirname(target));
  const temporary = join(dirname(target), partialName(basename(target)));
  await inWords(target, () => mkdir(temporary));
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

/**
 * Fails early, before hours of work, when a report could not be written to `dir` later: the folder exists, or
 * its parent cannot take a new folder (a file in the way, a read-only or virtual file system, no permission).
 * Creates and removes a probe folder where the report's parent chain would start.
 */
export async function assertFolderWritable(dir: string): Promise<void> {
  if (dir.trim() === '') throw new ReportFolderError('the report folder name is empty');
  const target = await freeName(dir, 'refuse');
  let parent = dirname(resolve(target));
  while (!(await exists(parent))) parent = dirname(parent);
  const probe = join(parent, partialName('write-probe'));
  await inWords(target, () => mkdir(probe));
  await rmdir(probe);
}

function partialName(name: string): string {
  return `.${name}.partial-${process.pid}-${THIS_HOST}-${randomBytes(4).toString('hex')}`;
}

/** Partial folders in `parent` whose writer ran on this host and is gone; another host's are left alone. */
async function removeAbandonedPartials(parent: string): Promise<void> {
  const entries = await readdir(parent).catch(() => []);
  for (const entry of entries) {
    const match = PARTIAL.exec(entry);
    if (!match || match[2] !== THIS_HOST || isRunning(Number(match[1]))) continue;
    await rm(join(parent, entry), { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Whether a process with this PID exists (one of another user counts: it may be a live writer). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs a folder creation, turning the file system's error codes into a sentence about the report folder. */
async function inWords<T>(target: string, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const path = (error as NodeJS.ErrnoException).path ?? target;
    const reason =
      code === 'EACCES' || code === 'EPERM'
        ? `no permission to create folders in ${dirname(path)}`
        : code === 'EROFS'
          ? `${dirname(path)} is on a read-only file system`
          : code === 'ENOTDIR' || code === 'EEXIST'
            ? `a file (not a folder) is in the way on the path ${path}`
            : code === 'ENOENT'
              ? `${dirname(path)} does not take new folders (a virtual file system such as /proc?)`
              : code === 'ENOSPC'
                ? `no space left on the device of ${dirname(path)}`
                : `${code ?? 'error'}: ${error instanceof Error ? error.message : String(error)}`;
    throw new ReportFolderError(`cannot write the report folder ${target}: ${reason}`);
  }
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
