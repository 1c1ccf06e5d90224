/**
 * A whole report on the demo model: 3 sentences × every method the model supports, evaluated. Checks the
 * files against the schema and each other, the PNGs' size and content, the folder's safety rules, and that a
 * chart that cannot be drawn costs only itself. (A failure half way leaving no folder is folder.test.ts's.)
 */
import { Ajv } from 'ajv';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeCorpus } from '../../shared/corpus.js';
import type { ResultsDocument } from '../../shared/results.js';
import schema from '../../shared/results.schema.json' with { type: 'json' };
import { explainTexts } from '../explain.js';
import { describeMethods } from '../explainers/registry.js';
import { ModelBundle } from '../model/bundle.js';
import { evaluateResults } from './evaluate.js';
import { ReportExistsError } from './folder.js';
import { PNG_SCALE } from './render.js';
import { writeReport } from './write.js';

const REPORT_TEXTS = [
  'You look terrible! Maybe you should rest?',
  'What a lovely, warm and funny film.',
  'The plot was dull.',
];

/** Fast settings for the slow methods: the report's structure, not the methods' accuracy, is under test. */
const FAST: Record<string, Record<string, unknown>> = {
  shap: { max_evals: 64 },
  lime: { max_samples: 64 },
  integrated_gradients: { n_steps: 8 },
  integrated_gradients_x_input: { n_steps: 8 },
  layer_integrated_gradients: { n_steps: 8 },
};

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i += 1;
    } else if (c === '"') quoted = !quoted;
    else if (!quoted && c === ',') {
      row.push(cell);
      cell = '';
    } else if (!quoted && c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else if (quoted || c !== '\r') cell += c;
  }
  return rows;
}

describe('writeReport on the demo model', () => {
  let model: ModelBundle;
  let results: ResultsDocument;
  let root: string;
  let dir: string;

  beforeAll(async () => {
    model = await ModelBundle.load('demo', { cacheDir: await mkdtemp(join(tmpdir(), 'xai-report-model-')) });
    const methods = (await describeMethods(model)).filter((method) => method.available);
    expect(methods.length).toBeGreaterThan(5);
    const request = Object.fromEntries(methods.map(({ id }) => [id, FAST[id] ?? {}]));
    // True labels: the first sentence is negative, the others as the words say (the demo may get one wrong).
    const [negative, positive] = model.info.labels as [string, string];
    const labels = [negative, positive, negative];
    results = await evaluateResults(model, await explainTexts(model, REPORT_TEXTS, request, { labels }));
    root = await mkdtemp(join(tmpdir(), 'xai-report-'));
    dir = (await writeReport(results, join(root, 'report'))).dir;
  }, 120_000);
  afterAll(() => model.dispose());

  it('writes results.json that validates against the schema', async () => {
    const document = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as ResultsDocument & {
      report: { partial: boolean };
    };
    const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    // The schema has teeth: a document without the model hash, or with a stray field, fails.
    const { sha256: _, ...anonymous } = document.model;
    expect(validate({ ...document, model: anonymous })).toBe(false);
    expect(validate({ ...document, extra: 1 })).toBe(false);
    expect(document.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(document.report.partial).toBe(false);
    expect(document.sentences).toHaveLength(3);
    const lime = document.sentences[0]!.explanations.lime!;
    expect(lime.options).toHaveProperty('seed');
    expect(Object.keys(document.sentences[0]!.evaluation ?? {})).toEqual(
      Object.keys(document.sentences[0]!.explanations),
    );
  });

  it('writes scores.csv whose rows and sums match results.json', async () => {
    const [header, ...rows] = parseCsv(await readFile(join(dir, 'scores.csv'), 'utf8'));
    expect(header).toEqual(['sentence', 'text', 'method', 'token_index', 'token', 'raw', 'score', 'token_text']);
    const expected = results.sentences.flatMap((sentence, s) =>
      Object.values(sentence.explanations).map((e) => ({ s, method: e.method, scores: e.scores })),
    );
    expect(rows).toHaveLength(expected.reduce((total, { scores }) => total + scores.length, 0));
    for (const { s, method, scores } of expected) {
      const mine = rows.filter((row) => row[0] === String(s) && row[2] === method);
      const sum = mine.reduce((total, row) => total + Number(row[6]), 0);
      expect(sum, `${s} ${method}`).toBeCloseTo(
        scores.reduce((a, b) => a + b, 0),
        12,
      );
    }
  });

  it('opens with the corpus summary: its numbers, notes and charts, then the prediction table linked both ways', async () => {
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    const document = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as ResultsDocument & {
      summary: ReturnType<typeof summarizeCorpus>;
    };
    // results.json's summary is the summary of its sentences.
    expect(document.summary).toEqual(JSON.parse(JSON.stringify(summarizeCorpus(results))));
    const { classification } = document.summary;
    expect(classification!.sentences).toBe(3);
    const corpus = html.indexOf('data-section="corpus"');
    const table = html.indexOf('data-section="summary"');
    expect(corpus).toBeGreaterThan(html.indexOf('data-section="model"'));
    expect(corpus).toBeLessThan(table);
    expect(table).toBeLessThan(html.indexOf('class="sentence"'));
    const section = html.slice(corpus, table);
    expect(section).toContain(`<td data-value="accuracy">${classification!.accuracy.toFixed(3)} over 3 sentences</td>`);
    expect(section).toContain(`<td data-value="macro-f1">${classification!.macroF1.toFixed(3)}</td>`);
    for (const name of ['corpus-confusion', 'corpus-agreement', 'corpus-evaluation', 'corpus-occlusion-tokens-']) {
      expect(section, name).toContain(`data-chart="${name}`);
    }
    for (const note of document.summary.notes) expect(section).toContain(note.replaceAll("'", '&#39;'));
    for (const n of [1, 2, 3]) {
      expect(html).toContain(`<tr id="row-s${n}"`);
      expect(html).toContain(`<td><a href="#s${n}">${n}</a></td>`);
      const start = html.indexOf(`id="s${n}" data-section="sentence"`);
      expect(html.slice(start, start + 2000)).toContain(`<a href="#row-s${n}">↑ back to the table</a>`);
    }
    expect(html).toContain('<th>True label</th><th>Correct</th>');
  });

  it('writes words.csv and the summary tables as CSV', async () => {
    const [header, ...rows] = parseCsv(await readFile(join(dir, 'words.csv'), 'utf8'));
    expect(header).toEqual(['sentence', 'method', 'word_index', 'word', 'score', 'first_token', 'end_token']);
    // Every method's words of every sentence, their scores summing to the tokens'.
    for (const sentence of results.sentences) {
      for (const { method, scores } of Object.values(sentence.explanations)) {
        const mine = rows.filter((row) => row[0] === String(sentence.index) && row[1] === method);
        expect(mine.length, method).toBeGreaterThan(0);
        const sum = mine.reduce((total, row) => total + Number(row[4]), 0);
        expect(sum, method).toBeCloseTo(
          scores.reduce((a, b) => a + b, 0),
          12,
        );
      }
    }
    const summary = await readdir(join(dir, 'summary'));
    expect(summary.sort()).toEqual(
      [
        'agreement.csv',
        'confusion.csv',
        'evaluation.csv',
        'importance-tokens.csv',
        'importance-words.csv',
        'labels.csv',
        'predictions.csv',
        'totals.csv',
      ].sort(),
    );
    const [, ...predictions] = parseCsv(await readFile(join(dir, 'summary/predictions.csv'), 'utf8'));
    expect(predictions.map((row) => row[1])).toEqual(REPORT_TEXTS);
    const [, ...confusion] = parseCsv(await readFile(join(dir, 'summary/confusion.csv'), 'utf8'));
    expect(confusion.reduce((total, row) => total + Number(row[2]), 0)).toBe(3);
  });

  it('writes every chart as SVG and as a non-blank PNG at 2×', async () => {
    const files = await readdir(join(dir, 'charts'));
    const names = files.filter((file) => file.endsWith('.svg')).map((file) => file.slice(0, -4));
    expect(files.filter((file) => file.endsWith('.png')).sort()).toEqual(names.map((n) => `${n}.png`).sort());
    for (const kind of ['heat', 'bars', 'attention', 'heads', 'comparison', 'evaluation', 'agreement']) {
      expect(names.filter((name) => name.includes(`-${kind}`)).length, kind).toBeGreaterThanOrEqual(3);
    }
    for (const name of names) {
      const svg = await readFile(join(dir, 'charts', `${name}.svg`), 'utf8');
      const [, width, height] = /<svg[^>]*width="(\d+)"[^>]*height="(\d+)"/.exec(svg)!;
      const png = sharp(await readFile(join(dir, 'charts', `${name}.png`)));
      const { width: w, height: h } = await png.metadata();
      expect([w, h], name).toEqual([Number(width) * PNG_SCALE, Number(height) * PNG_SCALE]);
      const { channels } = await png.stats();
      const variance = channels.slice(0, 3).reduce((total, channel) => total + channel.stdev ** 2, 0);
      expect(variance, `${name} is blank`).toBeGreaterThan(10);
    }
  });

  it('refuses to write over an existing folder', async () => {
    await expect(writeReport(results, dir)).rejects.toThrow(ReportExistsError);
    const suffixed = await writeReport({ ...results, sentences: results.sentences.slice(0, 1) }, dir, {
      onExisting: 'suffix',
      partial: true,
    });
    expect(suffixed.dir).toBe(`${dir}-2`);
    const document = JSON.parse(await readFile(join(suffixed.dir, 'results.json'), 'utf8')) as { partial: boolean };
    expect(document.partial).toBe(true);
    expect(await readFile(join(suffixed.dir, 'index.html'), 'utf8')).toContain('Partial report');
  });

  it('replaces a chart that cannot be drawn with a note, and keeps the data and the other charts', async () => {
    // The third sentence is corrupt (one score short): its comparison table throws after the first two
    // sentences' charts were drawn.
    const [first, second, third] = results.sentences;
    const broken = structuredClone(third!);
    broken.explanations.occlusion!.scores.pop();
    const written = await writeReport({ ...results, sentences: [first!, second!, broken] }, join(root, 'damaged'));
    expect(written.skippedCharts).toEqual([
      {
        sentence: 2,
        chart: 's3-comparison',
        title: 'Comparison (each row ÷ its largest |score|)',
        reason: `occlusion has ${broken.tokens.length - 1} scores for ${broken.tokens.length} tokens`,
      },
    ]);
    const document = JSON.parse(await readFile(join(written.dir, 'results.json'), 'utf8')) as ResultsDocument;
    expect(document.sentences[2]!.explanations.occlusion!.scores).toEqual(broken.explanations.occlusion!.scores);
    const [, ...rows] = parseCsv(await readFile(join(written.dir, 'scores.csv'), 'utf8'));
    expect(rows.filter((row) => row[0] === '2' && row[2] === 'occlusion')).toHaveLength(broken.tokens.length);
    const charts = await readdir(join(written.dir, 'charts'));
    expect(charts.filter((file) => file.startsWith('s3-comparison'))).toEqual([]);
    expect(charts).toContain('s3-occlusion-heat.png');
    expect(charts).toContain('s2-comparison.png');
    const html = await readFile(join(written.dir, 'index.html'), 'utf8');
    const note = /<figure data-chart="s3-comparison" data-skipped="true">[\s\S]*?<\/figure>/.exec(html)?.[0];
    expect(note).toContain('Comparison (each row ÷ its largest |score|)');
    expect(note).toContain(written.skippedCharts[0]!.reason);
    expect(html.match(/data-skipped/g)).toHaveLength(1);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
  });
});
