import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputFileError, parseSentences, readSentenceFile } from './sentences.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('parseSentences', () => {
  it('returns trimmed non-blank lines for any line ending, without a byte-order mark', () => {
    const bytes = utf8('\uFEFF  first line \r\nsecond\n\n   \rthird\n');
    expect(parseSentences(bytes, 'f.txt')).toEqual(['first line', 'second', 'third']);
  });

  it('keeps non-ASCII text intact', () => {
    expect(parseSentences(utf8('Café crème ✓\n'), 'f.txt')).toEqual(['Café crème ✓']);
  });

  it('refuses an empty file', () => {
    expect(() => parseSentences(new Uint8Array(), 'f.txt')).toThrow(/f\.txt is empty/);
  });

  it('refuses a file of blank lines', () => {
    expect(() => parseSentences(utf8('\n  \n\t\n'), 'f.txt')).toThrow(/no sentences: every line is blank/);
  });

  it('refuses binary data with a NUL byte and says where', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]);
    expect(() => parseSentences(png, 'image.png')).toThrow(/image\.png is not a text file .* offset 8/);
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(() => parseSentences(Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x0a]), 'latin1.txt')).toThrow(
      /latin1\.txt is not UTF-8 text/,
    );
  });
});

describe('readSentenceFile', () => {
  it('reads a file from disk', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'xai-sentences-')), 'in.txt');
    await writeFile(path, 'one\ntwo\n');
    expect(await readSentenceFile(path)).toEqual(['one', 'two']);
  });

  it('names a missing file', async () => {
    await expect(readSentenceFile('/nonexistent/in.txt')).rejects.toThrow(InputFileError);
    await expect(readSentenceFile('/nonexistent/in.txt')).rejects.toThrow(/cannot read \/nonexistent\/in\.txt: ENOENT/);
  });
});
