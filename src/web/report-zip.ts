/** A report folder as one zip (browser mode's download): every file under the folder's own name. */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { zipSync, type Zippable } from 'fflate';

export async function zipFolder(dir: string): Promise<Uint8Array> {
  const files: Zippable = {};
  const root = basename(dir);
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    // Zip paths use forward slashes on every platform.
    files[`${root}/${relative(dir, path).split(/[\\/]/).join('/')}`] = await readFile(path);
  }
  // PNGs are compressed already; level 6 still shrinks SVG, HTML, JSON and CSV well.
  return zipSync(files, { level: 6 });
}
