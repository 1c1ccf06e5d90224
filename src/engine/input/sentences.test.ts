import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputFileError, readSentenceFile } from './sentences.js';

describe('readSentenceFile', () => {
  it('reads a text file from disk, one sentence per line, for any line ending and without a BOM', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'xai-sentences-')), 'in.txt');
    await writeFile(path, '\uFEFF  first \r\nsecond\n\n   \rthird\n');
    expect((await readSentenceFile(path)).sentences).toEqual([
      { text: 'first' },
      { text: 'second' },
      { text: 'third' },
    ]);
  });

  it('reads the text column and labels of a CSV file', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'xai-sentences-')), 'in.csv');
    await writeFile(path, 'text,label\n"Hello, world",POSITIVE\nbye,\n');
    expect((await readSentenceFile(path)).sentences).toEqual([
      { text: 'Hello, world', label: 'POSITIVE' },
      { text: 'bye' },
    ]);
  });

  it('names a binary file and where its binary data starts', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'xai-sentences-')), 'image.png');
    await writeFile(path, Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]));
    await expect(readSentenceFile(path)).rejects.toThrow(/image\.png is not a text file .*offset 8/);
  });

  it('names a missing file', async () => {
    await expect(readSentenceFile('/nonexistent/in.txt')).rejects.toThrow(InputFileError);
    await expect(readSentenceFile('/nonexistent/in.txt')).rejects.toThrow(/cannot read \/nonexistent\/in\.txt: ENOENT/);
  });
});
