/**
 * Reading a file of sentences the user dropped: `.txt` (one per line), `.csv` or `.jsonl` (a `text` column,
 * optional `label` and `rationale`). Works on bytes so that every face (the browser's File, Node's fs) shares it, and refuses
 * what is not text with a message a user can act on, instead of feeding binary garbage to the model.
 */

export interface InputSentence {
  text: string;
  /** The true label, when the file gives one. */
  label?: string;
  /** A human rationale, 0/1 per token or per word (the engine checks which), for the plausibility metrics. */
  rationale?: number[];
}

export class InputFileError extends Error {
  override name = 'InputFileError';
}

export function parseSentenceFile(name: string, bytes: Uint8Array): InputSentence[] {
  if (bytes.length === 0) throw new InputFileError(`${name} is empty: expected text, one sentence per line`);
  const nul = bytes.indexOf(0);
  if (nul >= 0)
    throw new InputFileError(`${name} is not a text file (binary data: NUL bytes, the first at offset ${nul})`);
  let content: string;
  try {
    content = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputFileError(`${name} is not valid UTF-8 text (binary data or another encoding); save it as UTF-8`);
  }
  const extension = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase();
  const sentences =
    extension === 'csv'
      ? parseCsv(name, content)
      : extension === 'jsonl'
        ? parseJsonl(name, content)
        : parseLines(content);
  if (sentences.length === 0) throw new InputFileError(`${name} has no sentences: every line is blank`);
  return sentences;
}

function parseLines(content: string): InputSentence[] {
  return content
    .replace(/^\uFEFF/, '')
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((text) => ({ text }));
}

function parseJsonl(name: string, content: string): InputSentence[] {
  const sentences: InputSentence[] = [];
  content.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new InputFileError(`${name} line ${i + 1} is not JSON`);
    }
    sentences.push(pick(name, `line ${i + 1}`, row as Record<string, unknown>));
  });
  return sentences;
}

function pick(name: string, where: string, row: Record<string, unknown> | null): InputSentence {
  const text = row?.text;
  if (typeof text !== 'string') throw new InputFileError(`${name} ${where} has no "text" field`);
  const label = row?.label;
  const rationale = parseRationale(name, where, row?.rationale);
  return {
    text: text.trim(),
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

function parseCsv(name: string, content: string): InputSentence[] {
  const [header, ...rows] = csvRecords(content.replace(/^\uFEFF/, ''));
  const columns = (header ?? []).map((column) => column.trim().toLowerCase());
  if (!columns.includes('text')) throw new InputFileError(`${name} has no "text" column`);
  return rows
    .filter((cells) => cells.some((cell) => cell.trim() !== ''))
    .map((cells, i) => pick(name, `row ${i + 2}`, Object.fromEntries(columns.map((column, c) => [column, cells[c]]))));
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
