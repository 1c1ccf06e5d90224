/** The data files of a report: `results.json` (versioned) and `scores.csv` (one row per sentence × method × token). */
import { sentenceLayout } from '../../shared/charts/layout.js';
import { readableTokens } from '../../shared/tokens.js';
import type { ResultsDocument } from '../../shared/results.js';
import { PACKAGE_ROOT } from '../paths.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ReportMeta {
  appVersion: string;
  createdAt: string;
  /** True when the job was cancelled or interrupted: only the finished sentences are in the report. */
  partial: boolean;
}

export type ReportDocument = ResultsDocument & { report: ReportMeta };

export function appVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export function reportDocument(results: ResultsDocument, partial: boolean, now = new Date()): ReportDocument {
  return { ...results, report: { appVersion: appVersion(), createdAt: now.toISOString(), partial } };
}

/**
 * `sentence` is the sentence's position in the input file, so shards' rows keep their place. `token` is the
 * vocabulary string as results.json has it (`Ġlook`, `##ing`); `token_text` is the token as the report and the
 * app show it (`look`: the text a byte-level BPE or SentencePiece token covers; WordPiece tokens as they are).
 * It comes last so that the columns before it keep their positions. A pair's tokens are read from their own text.
 */
export const CSV_COLUMNS = [
  'sentence',
  'text',
  'method',
  'token_index',
  'token',
  'raw',
  'score',
  'token_text',
] as const;

/**
 * The file's bytes. A sentence's text is on every one of its rows (a 2,000-word sentence through every method:
 * 56 MB), so it is encoded once and shared by the rows until the one final copy, not copied row by row.
 */
export function scoresCsv(results: ResultsDocument): Uint8Array {
  const chunks: Buffer[] = [Buffer.from(`${CSV_COLUMNS.join(',')}\r\n`)];
  for (const sentence of results.sentences) {
    const text = Buffer.from(csvCell(sentence.text));
    for (const explanation of Object.values(sentence.explanations)) {
      // Each of a pair's tokens is read from its own text.
      const shown = readableTokens(sentenceLayout(sentence, results.model.tokenizer, explanation.tokens));
      explanation.tokens.forEach((token, i) => {
        const rest = [explanation.method, i, token, explanation.raw[i], explanation.scores[i], shown[i]]
          .map(csvCell)
          .join(',');
        chunks.push(Buffer.from(`${sentence.index},`), text, Buffer.from(`,${rest}\r\n`));
      });
    }
  }
  return Buffer.concat(chunks);
}

/** RFC 4180 quoting; numbers keep full precision so sums can be checked against results.json. */
function csvCell(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
