/**
 * The data files of a report: `results.json` (versioned, with the corpus summary), `scores.csv` (one row per
 * sentence × method × token) and `words.csv` (one row per sentence × method × word).
 */
import { sentenceLayout } from '../../shared/charts/layout.js';
import { summarizeCorpus, type CorpusSummary } from '../../shared/corpus.js';
import { readableTokens } from '../../shared/tokens.js';
import type { ResultsDocument } from '../../shared/results.js';
import { mergeWords, wordsUnsupportedReason } from '../../shared/words.js';
import { PACKAGE_ROOT } from '../paths.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ReportMeta {
  appVersion: string;
  createdAt: string;
  /** True when the job was cancelled or interrupted: only the finished sentences are in the report. */
  partial: boolean;
}

/** What a report's results.json holds: the results, the report's metadata and the summary of its sentences. */
export type ReportDocument = ResultsDocument & { report: ReportMeta; summary?: CorpusSummary };

export function appVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The document results.json holds. The summary is made anew from the sentences (with the default minimum count
 * and stop words shown), never taken from the given results: a shard's summary is not its merge's.
 */
export function reportDocument(results: ResultsDocument, partial: boolean, now = new Date()): ReportDocument {
  const { summary: _given, ...rest } = results as ResultsDocument & { summary?: unknown };
  return {
    ...rest,
    report: { appVersion: appVersion(), createdAt: now.toISOString(), partial },
    summary: summarizeCorpus(results),
  };
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

export const WORD_CSV_COLUMNS = [
  'sentence',
  'method',
  'word_index',
  'word',
  'score',
  'first_token',
  'end_token',
] as const;

/**
 * Word-level scores: each explanation's tokens merged into the tokenizer's words as the app's word view merges
 * them (`mergeWords`: pieces joined, scores summed; each special a word of its own), with the words' token
 * spans `[first_token, end_token)` into scores.csv's `token_index`. An explanation whose tokens cannot be
 * grouped (an older result without word ids) has no rows.
 */
export function wordsCsv(results: ResultsDocument): Uint8Array {
  const lines: string[] = [`${WORD_CSV_COLUMNS.join(',')}\r\n`];
  for (const sentence of results.sentences) {
    for (const explanation of Object.values(sentence.explanations)) {
      const layout = sentenceLayout(sentence, results.model.tokenizer, explanation.tokens);
      // A damaged explanation (not one score per token) or one without word ids has no words to give.
      if (explanation.scores.length !== explanation.tokens.length || wordsUnsupportedReason(layout)) continue;
      const { words, scores, spans } = mergeWords(layout, explanation.scores);
      words.forEach((word, w) => {
        const row = [sentence.index, explanation.method, w, word, scores[w], spans[w]![0], spans[w]![1]];
        lines.push(`${row.map(csvCell).join(',')}\r\n`);
      });
    }
  }
  return Buffer.from(lines.join(''));
}

/** A CSV file of `columns` and `rows`, quoted as `csvCell` quotes, with CRLF line ends (RFC 4180). */
export function csvFile(columns: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [columns, ...rows].map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}

export type CsvValue = string | number | boolean | null | undefined;

/** RFC 4180 quoting; numbers keep full precision so sums can be checked against results.json. */
export function csvCell(value: CsvValue): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
