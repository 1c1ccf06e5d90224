/** Reading a sentence file (or standard input) from disk; parsing is the shared parser every face uses. */
import { readFile } from 'node:fs/promises';
import { InputFileError, parseSentenceFile, type SentenceFile } from '../../shared/sentences.js';

export { InputFileError };

/** `.txt` (one per line), `.csv` or `.jsonl` (a `text` column, optional `label`); `-` reads standard input as text. */
export async function readSentenceFile(path: string): Promise<SentenceFile> {
  let bytes: Uint8Array;
  try {
    bytes = path === '-' ? await readStdin() : await readFile(path);
  } catch (error) {
    throw new InputFileError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseSentenceFile(path === '-' ? 'standard input' : path, bytes);
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
