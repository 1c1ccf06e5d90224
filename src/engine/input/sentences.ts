/** Reading a file of sentences (one per line), refusing what is not text with a message that says why. */
import { readFile } from 'node:fs/promises';

export class InputFileError extends Error {
  override name = 'InputFileError';
}

export async function readSentenceFile(path: string): Promise<string[]> {
  let bytes: Uint8Array;
  try {
    bytes = path === '-' ? await readStdin() : await readFile(path);
  } catch (error) {
    throw new InputFileError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseSentences(bytes, path === '-' ? 'standard input' : path);
}

/** Non-blank lines of UTF-8 text, trimmed. */
export function parseSentences(bytes: Uint8Array, name: string): string[] {
  if (bytes.byteLength === 0) throw new InputFileError(`${name} is empty: expected text, one sentence per line`);
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new InputFileError(`${name} is not a text file (binary data: a NUL byte at offset ${nul})`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new InputFileError(`${name} is not UTF-8 text (binary data or another encoding); save it as UTF-8`);
  }
  const sentences = text
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (sentences.length === 0) throw new InputFileError(`${name} has no sentences: every line is blank`);
  return sentences;
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
