/**
 * Reading a file of sentences the user dropped: `.txt` (one per line; a tab splits a sentence pair), `.csv` or
 * `.jsonl` (a `text` column, optional `text_pair` as Hugging Face names the second text, `label`, `rationale`). Works on bytes so that every face (the browser's File, Node's fs) shares it, and refuses
 * what is not text with a message a user can act on, instead of feeding binary garbage to the model.
 */

export interface InputSentence {
  text: string;
  /** The second text of a sentence pair (an NLI hypothesis, a question's passage). */
  textPair?: string;
  /** The true label, when the file gives one. */
  label?: string;
  /** A human rationale, 0/1 per token or per word (the engine checks which), for the plausibility metrics. */
  rationale?: number[];
}

export class InputFileError extends Error {
  override name = 'InputFileError';
}

/** A file's sentences, and what was left out of it (empty sentences), for the face to show. */
export interface SentenceFile {
  sentences: InputSentence[];
  warnings: string[];
}

/** A sentence before the empty ones are set aside: where it stands in the file, for messages. */
interface Located {
  where: string;
  sentence: InputSentence;
}

export function parseSentenceFile(name: string, bytes: Uint8Array): SentenceFile {
  if (bytes.length === 0) throw new InputFileError(`${name} is empty: expected text, one sentence per line`);
  const content = decodeText(name, bytes);
  const extension = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase();
  const rows =
    extension === 'csv'
      ? parseCsv(name, content)
      : extension === 'jsonl'
        ? parseJsonl(name, content)
        : parseLines(name, content);
  // One rule for every format: an empty sentence is never explained (it would be [CLS][SEP]), and it is said.
  const empty = rows.filter(({ sentence }) => sentence.text === '').map(({ where }) => where);
  const sentences = rows.filter(({ sentence }) => sentence.text !== '').map(({ sentence }) => sentence);
  if (sentences.length === 0) throw new InputFileError(`${name} has no sentences: every line is blank`);
  return { sentences, warnings: empty.length > 0 ? [skippedWarning(name, empty)] : [] };
}

/** UTF-8, or UTF-16 with its byte-order mark; anything else is refused with what it looks like. */
function decodeText(name: string, bytes: Uint8Array): string {
  const utf16 =
    bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : '';
  if (utf16) {
    try {
      return new TextDecoder(utf16, { fatal: true }).decode(bytes);
    } catch {
      throw new InputFileError(`${name} starts with a UTF-16 byte-order mark but is not valid UTF-16 text`);
    }
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    if (looksLikeUtf16(bytes))
      throw new InputFileError(`${name} looks like UTF-16 text without a byte-order mark; save it as UTF-8`);
    throw new InputFileError(`${name} is not a text file (binary data: NUL bytes, the first at offset ${nul})`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputFileError(`${name} is not valid UTF-8 text (binary data or another encoding); save it as UTF-8`);
  }
}

/** Mostly-ASCII UTF-16 has a NUL in nearly every other byte, all on the same side. */
function looksLikeUtf16(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 4096);
  const pairs = Math.floor(sample.length / 2);
  let even = 0;
  let odd = 0;
  for (let i = 0; i + 1 < sample.length; i += 2) {
    if (sample[i] === 0) even += 1;
    if (sample[i + 1] === 0) odd += 1;
  }
  return pairs > 0 && Math.max(even, odd) >= 0.8 * pairs && Math.min(even, odd) <= 0.05 * pairs;
}

/** Lone surrogates, which no UTF-8 file can hold but a JSON `\\ud83d` escape can. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The same rule for text from any format: NUL (binary in a .txt, a `\\u0000` escape in JSON) and lone surrogates are not text. */
function checkText(name: string, where: string, text: string): string {
  if (text.includes('\u0000'))
    throw new InputFileError(`${name} ${where} holds a NUL character (U+0000), which is not text`);
  const surrogate = LONE_SURROGATE.exec(text)?.[0];
  if (surrogate !== undefined) {
    const code = surrogate.charCodeAt(0).toString(16).toUpperCase();
    throw new InputFileError(`${name} ${where} holds a lone surrogate (U+${code}), which is not valid Unicode text`);
  }
  return text.trim();
}

function skippedWarning(name: string, places: readonly string[]): string {
  const shown = places.slice(0, 10).join(', ');
  const more = places.length > 10 ? ` and ${places.length - 10} more` : '';
  return `${name}: skipped ${places.length} empty sentence${places.length > 1 ? 's' : ''} (${shown}${more})`;
}

/** The lines of a text, without the empty one after a final line break. */
function lines(content: string): string[] {
  const all = content.split(/\r?\n|\r/);
  return all.at(-1) === '' ? all.slice(0, -1) : all;
}

function parseLines(name: string, content: string): Located[] {
  return lines(content.replace(/^\uFEFF/, '')).map((line, i) => {
    const where = `line ${i + 1}`;
    const tab = line.indexOf('\t');
    if (tab < 0 || line.trim() === '') return { where, sentence: { text: checkText(name, where, line) } };
    const second = line.slice(tab + 1);
    if (second.includes('\t')) {
      throw new InputFileError(
        `${name} ${where} has more than one tab: a line holds one text, or two separated by a tab`,
      );
    }
    return { where, sentence: pairOf(name, where, line.slice(0, tab), second) };
  });
}

/** A sentence pair: both texts must hold something, or the line says which does not. */
function pairOf(name: string, where: string, first: string, second: string): InputSentence {
  const text = checkText(name, where, first);
  const textPair = checkText(name, where, second);
  if (text === '' || textPair === '') {
    throw new InputFileError(
      `${name} ${where} is a sentence pair with an empty ${text === '' ? 'first' : 'second'} text`,
    );
  }
  return { text, textPair };
}

function parseJsonl(name: string, content: string): Located[] {
  return lines(content).map((line, i) => {
    const where = `line ${i + 1}`;
    if (line.trim() === '') return { where, sentence: { text: '' } };
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new InputFileError(`${name} ${where} is not JSON`);
    }
    return { where, sentence: pick(name, where, row as Record<string, unknown>) };
  });
}

function pick(name: string, where: string, row: Record<string, unknown> | null): InputSentence {
  const text = row?.text;
  if (typeof text !== 'string') throw new InputFileError(`${name} ${where} has no "text" field`);
  const pair = row?.text_pair;
  if (pair !== undefined && pair !== null && typeof pair !== 'string') {
    throw new InputFileError(`${name} ${where} has a "text_pair" that is not a string`);
  }
  const label = row?.label;
  const rationale = parseRationale(name, where, row?.rationale);
  const texts = pair ? pairOf(name, where, text, pair) : { text: checkText(name, where, text) };
  return {
    ...texts,
    ...(label === undefined || label === null || label === '' ? {} : { label: String(label) }),
    ...(rationale ? { rationale } : {}),
  };
}

/** A JSON array of 0/1 (.jsonl), or in a .csv cell the same written `[0,1,0]` or `0 1 0`. */
function parseRationale(name: string, where: string, value: unknown): number[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const items =
    typeof value === 'string'
      ? value
          .replace(/[[\]]/g, ' ')
          .trim()
          .split(/[\s,]+/)
      : value;
  const numbers = Array.isArray(items)
    ? items.map((item) => (item === 1 || item === '1' ? 1 : item === 0 || item === '0' ? 0 : NaN))
    : [];
  if (numbers.length === 0 || numbers.some(Number.isNaN))
    throw new InputFileError(`${name} ${where} has a rationale that is not a list of 0 and 1`);
  return numbers;
}

function parseCsv(name: string, content: string): Located[] {
  const [header, ...rows] = csvRecords(content.replace(/^\uFEFF/, ''));
  const columns = (header ?? []).map((column) => column.trim().toLowerCase());
  if (!columns.includes('text')) throw new InputFileError(`${name} has no "text" column`);
  return rows.map((cells, i) => {
    const where = `row ${i + 2}`;
    const row = Object.fromEntries(columns.map((column, c) => [column, cells[c] ?? '']));
    return { where, sentence: pick(name, where, row) };
  });
}

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and newlines. */
function csvRecords(content: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < content.length; i += 1) {
    const char = content[i]!;
    if (quoted) {
      if (char === '"' && content[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && content[i + 1] === '\n') i += 1;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}
