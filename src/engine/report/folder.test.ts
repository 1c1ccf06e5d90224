import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportExistsError, writeFolderAtomically } from './folder.js';

async function parent(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'xai-report-'));
}

describe('writeFolderAtomically', () => {
  it('writes every file, nested folders included, under the final name', async () => {
    const root = await parent();
    const dir = await writeFolderAtomically(join(root, 'report'), async (write) => {
      await write('index.html', '<html></html>');
      await write('charts/a.svg', '<svg/>');
    });
    expect(dir).toBe(join(root, 'report'));
    expect(await readFile(join(dir, 'charts/a.svg'), 'utf8')).toBe('<svg/>');
    expect(await readdir(root)).toEqual(['report']);
  });

  it('refuses an existing folder and leaves it untouched', async () => {
    const root = await parent();
    await writeFolderAtomically(join(root, 'report'), (write) => write('index.html', 'first'));
    await expect(writeFolderAtomically(join(root, 'report'), (write) => write('index.html', 'second'))).rejects.toThrow(
      ReportExistsError,
    );
    expect(await readFile(join(root, 'report/index.html'), 'utf8')).toBe('first');
    expect(await readdir(root)).toEqual(['report']);
  });

  it('takes a suffixed name when asked', async () => {
    const root = await parent();
    await writeFile(join(root, 'report'), 'a file in the way');
    await writeFolderAtomically(join(root, 'report-2'), (write) => write('x', '1'));
    const dir = await writeFolderAtomically(join(root, 'report'), (write) => write('x', '2'), { onExisting: 'suffix' });
    expect(dir).toBe(join(root, 'report-3'));
  });

  it('leaves nothing behind when writing fails half way', async () => {
    const root = await parent();
    const crash = writeFolderAtomically(join(root, 'report'), async (write) => {
      await write('results.json', '{}');
      throw new Error('disk full');
    });
    await expect(crash).rejects.toThrow('disk full');
    expect(await readdir(root)).toEqual([]);
  });
});
