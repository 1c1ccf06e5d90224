import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { assertFolderWritable, ReportExistsError, ReportFolderError, writeFolderAtomically } from './folder.js';

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

/** Another process writing a report into `root` that never finishes, until it is killed. */
async function startHungWriter(root: string): Promise<ChildProcess> {
  const folderModule = fileURLToPath(new URL('./folder.ts', import.meta.url));
  const script = `
    const { writeFolderAtomically } = await import(${JSON.stringify(folderModule)});
    await writeFolderAtomically(${JSON.stringify(join(root, 'report'))}, async (write) => {
      await write('results.json', '{}');
      console.log('writing');
      await new Promise(() => setInterval(() => {}, 1000));
    });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the writer exited early with ${code}`)));
  });
  return child;
}

describe('partial folders left by a killed writer', () => {
  const children: ChildProcess[] = [];
  afterEach(() => children.forEach((child) => child.kill('SIGKILL')));

  it('are removed by the next write into the same parent, and a live writer’s folder is kept', async () => {
    const root = await parent();
    const killed = await startHungWriter(root);
    const live = await startHungWriter(root);
    children.push(killed, live);
    const partials = await readdir(root);
    expect(partials).toHaveLength(2);
    expect(partials.every((name) => name.startsWith('.report.partial-'))).toBe(true);
    const killedFolder = partials.find((name) => name.includes(`.partial-${killed.pid}-`))!;
    killed.kill('SIGKILL');
    await new Promise((resolve) => killed.once('exit', resolve));

    await writeFolderAtomically(join(root, 'other'), (write) => write('x', '1'));
    const left = await readdir(root);
    expect(left).not.toContain(killedFolder);
    expect(left.filter((name) => name.includes(`.partial-${live.pid}-`))).toHaveLength(1);
    expect(left).toContain('other');
  });

  it('of another host are left alone', async () => {
    const root = await parent();
    const foreign = '.report.partial-1-00000000-abcd';
    await mkdir(join(root, foreign));
    await writeFolderAtomically(join(root, 'other'), (write) => write('x', '1'));
    expect(await readdir(root)).toContain(foreign);
  });
});

describe('assertFolderWritable', () => {
  it('accepts a new folder, even several levels deep, and leaves nothing behind', async () => {
    const root = await parent();
    await assertFolderWritable(join(root, 'a/b/report'));
    expect(await readdir(root)).toEqual([]);
  });

  it('says in words why a folder cannot be written', async () => {
    const root = await parent();
    await writeFile(join(root, 'file'), 'in the way');
    await expect(assertFolderWritable(join(root, 'file/report'))).rejects.toThrow(
      /cannot write the report folder .*: a file \(not a folder\) is in the way/,
    );
    await expect(assertFolderWritable('/proc/report')).rejects.toThrow(/\/proc does not take new folders/);
    await expect(assertFolderWritable('')).rejects.toThrow(ReportFolderError);
    await expect(assertFolderWritable(join(root, 'file'))).rejects.toThrow(ReportExistsError);
  });

  it.skipIf(process.getuid?.() === 0)('names a folder without write permission', async () => {
    // Root writes anywhere; the CLI test covers this case as an unprivileged user.
    const root = await parent();
    await chmod(root, 0o555);
    await expect(assertFolderWritable(join(root, 'report'))).rejects.toThrow(/no permission to create folders/);
  });
});
