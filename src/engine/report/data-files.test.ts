import { describe, expect, it } from 'vitest';
import { BPE_READABLE, BPE_SENTENCE } from '../../shared/charts/test-layouts.js';
import type { Explanation, ModelInfo, ResultsDocument, SentenceResult } from '../../shared/results.js';
import { reportDocument, scoresCsv, wordsCsv } from './data-files.js';

function explanation(method: string, tokens: string[], scores: number[]): Explanation {
  return {
    method,
    options: {},
    tokens,
    raw: scores.map((s) => s * 2),
    scores,
    evaluations: 1,
    seconds: 0,
    warnings: [],
  };
}

function sentence(index: number, text: string, explanations: Explanation[]): SentenceResult {
  return {
    index,
    text,
    tokens: explanations[0]!.tokens,
    ids: [],
    truncated: false,
    logits: [0, 0],
    probabilities: { A: 0.5, B: 0.5 },
    predictedIndex: 0,
    predictedLabel: 'A',
    warnings: [],
    explanations: Object.fromEntries(explanations.map((e) => [e.method, e])),
  };
}

const results = {
  schema: 'xai-workbench/results',
  version: 1,
  model: { labels: ['A', 'B'] } as ResultsDocument['model'],
  sentences: [
    // A shard's sentences: their input positions, not 0 and 1.
    sentence(4, 'Hello, "world"', [
      explanation('m1', ['[CLS]', 'hello', ',', '[SEP]'], [0.1, 0.2, -0.3, 0.4]),
      explanation('m2', ['[CLS]', 'hello', ',', '[SEP]'], [1, 0, 0, 0]),
    ]),
    sentence(7, 'bye', [explanation('m1', ['[CLS]', 'bye', '[SEP]'], [0, 1e-17, 0])]),
  ],
} satisfies ResultsDocument;

/** A small RFC 4180 reader, independent of the writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = (): void => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i += 1;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted || (c !== ',' && c !== '\n' && c !== '\r')) {
      cell += c;
    } else if (c === ',') {
      endCell();
    } else if (c === '\n') {
      endCell();
      rows.push(row);
      row = [];
    }
  }
  return rows;
}

describe('scoresCsv', () => {
  it('has one row per sentence × method × token, by input position, quoted where needed, with exact numbers', () => {
    const [header, ...rows] = parseCsv(Buffer.from(scoresCsv(results)).toString('utf8'));
    expect(header).toEqual(['sentence', 'text', 'method', 'token_index', 'token', 'raw', 'score', 'token_text']);
    expect(rows).toHaveLength(4 + 4 + 3);
    expect(rows[2]).toEqual(['4', 'Hello, "world"', 'm1', '2', ',', '-0.6', '-0.3', ',']);
    expect(rows.at(-1)![0]).toBe('7');
    const sum = (method: string, index: string): number =>
      rows.filter((r) => r[0] === index && r[2] === method).reduce((total, r) => total + Number(r[6]), 0);
    expect(sum('m1', '4')).toBeCloseTo(0.4, 15);
    expect(rows.at(-2)![6]).toBe('1e-17');
  });

  it('keeps the vocabulary string in `token` and adds the text a BPE token covers as `token_text`', () => {
    const scores = BPE_SENTENCE.tokens.map((_, i) => i / 10);
    const bpe = {
      ...results,
      model: { tokenizer: 'BPE' } as ModelInfo,
      sentences: [
        { ...sentence(0, BPE_SENTENCE.text, [explanation('m', BPE_SENTENCE.tokens, scores)]), ...BPE_SENTENCE },
      ],
    } satisfies ResultsDocument;
    const [, ...rows] = parseCsv(Buffer.from(scoresCsv(bpe)).toString('utf8'));
    expect(rows.map((row) => row[4])).toEqual(BPE_SENTENCE.tokens);
    expect(rows.map((row) => row[7])).toEqual(BPE_READABLE);
    expect(rows[5]!.slice(3)).toEqual(['5', 'Ġlook', '1', '0.5', 'look']);
  });
});

describe('wordsCsv', () => {
  it("merges each explanation's tokens into words as the word view does, with their token spans", () => {
    const pieces = {
      ...results,
      model: { labels: ['A', 'B'], tokenizer: 'WordPiece' } as ModelInfo,
      sentences: [
        sentence(3, 'xylophones, "rock"', [
          explanation(
            'm',
            ['[CLS]', 'x', '##yl', '##ophones', ',', '"', 'rock', '"', '[SEP]'],
            [0, 0.1, 0.2, 0.3, 0, 0, -1, 0, 0],
          ),
        ]),
      ],
    } satisfies ResultsDocument;
    const [header, ...rows] = parseCsv(Buffer.from(wordsCsv(pieces)).toString('utf8'));
    expect(header).toEqual(['sentence', 'method', 'word_index', 'word', 'score', 'first_token', 'end_token']);
    // 0.1 + 0.2 + 0.3 summed in token order, as mergeWords sums it.
    expect(rows.map((row) => row.slice(3))).toEqual([
      ['[CLS]', '0', '0', '1'],
      ['xylophones', String(0.1 + 0.2 + 0.3), '1', '4'],
      [',', '0', '4', '5'],
      ['"', '0', '5', '6'],
      ['rock', '-1', '6', '7'],
      ['"', '0', '7', '8'],
      ['[SEP]', '0', '8', '9'],
    ]);
    expect(rows.map((row) => row.slice(0, 3))[1]).toEqual(['3', 'm', '1']);
  });

  it('has no rows for an explanation whose tokens cannot be grouped (a BPE result without word ids)', () => {
    const { wordIds: _, ...noWordIds } = BPE_SENTENCE;
    const bpe = {
      ...results,
      model: { labels: ['A', 'B'], tokenizer: 'BPE' } as ModelInfo,
      sentences: [
        {
          ...sentence(0, noWordIds.text, [
            explanation(
              'm',
              noWordIds.tokens,
              noWordIds.tokens.map(() => 1),
            ),
          ]),
          ...noWordIds,
        },
      ],
    } satisfies ResultsDocument;
    expect(parseCsv(Buffer.from(wordsCsv(bpe)).toString('utf8'))).toHaveLength(1);
  });
});

describe('reportDocument', () => {
  it('adds the app version, the time and whether the report is partial', () => {
    const document = reportDocument(results, true, new Date('2026-01-02T03:04:05Z'));
    expect(document.report).toMatchObject({ createdAt: '2026-01-02T03:04:05.000Z', partial: true });
    expect(document.report.appVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(document.sentences).toBe(results.sentences);
  });

  it('summarizes its sentences anew, whatever summary the given results carried', () => {
    const stale = { ...results, summary: { sentences: 99 } } as ResultsDocument;
    const document = reportDocument(stale, false);
    expect(document.summary!.sentences).toBe(2);
    expect(document.summary!.predictions.map((row) => row.index)).toEqual([4, 7]);
    expect(document.summary!.totals).toEqual([
      { method: 'm1', sentences: 2, seconds: 0, evaluations: 2 },
      { method: 'm2', sentences: 1, seconds: 0, evaluations: 1 },
    ]);
  });
});
