/**
 * `summarize REPORT_DIR` on a real model (the tiny-distilbert fixture: NEGATIVE/POSITIVE, fixed weights): the
 * summary of a sharded-then-merged run is the summary of one run; its numbers agree with the sentences
 * themselves; a folder that is not a report is named with why.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CorpusSummary } from '../shared/corpus.js';
import type { ResultsDocument } from '../shared/results.js';
import { PACKAGE_ROOT } from '../engine/paths.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './main.js';
import { writeReport } from '../engine/report/write.js';
import { cli } from './test-cli.js';

/** Labelled as a reader would; the fixture's random weights get some wrong, which the confusion matrix shows. */
const LABELLED = [
  ['You look terrible! Maybe you should rest?', 'NEGATIVE'],
  ['What a wonderful, delightful film!', 'POSITIVE'],
  ['The plot was dull and the acting was awful.', 'NEGATIVE'],
  ['I loved every minute of it.', 'POSITIVE'],
  ['Not good.', 'NEGATIVE'],
  ['A brilliant, moving story.', 'POSITIVE'],
  ['Terrible.', 'NEGATIVE'],
  ['The soup was hot, fresh and full of flavour.', 'POSITIVE'],
] as const;
const MODEL = join(PACKAGE_ROOT, 'fixtures/models/tiny-distilbert');
const METHODS = ['--model', MODEL, '--methods', 'occlusion,gradient_x_input', '--evaluate'];

let folder: string;
let single: string;
let merged: string;
let shards: string[];

/** A summary without what differs between two runs of the same work: the time each method took. */
function comparable(summary: CorpusSummary): CorpusSummary {
  return { ...summary, totals: summary.totals.map((total) => ({ ...total, seconds: 0 })) };
}

/**
 * `expected` and `actual` alike in every string, boolean, key and length, and in every number to 1e-7 of its
 * size. A shard's model calls batch other sentences together than one run's, so the padding differs and
 * onnxruntime's sums round differently: a probability or a metric can move by about 1e-9 (the explanations'
 * scores have not been seen to move at all). The exact equality of the summaries themselves, given equal
 * sentences, is the next test's.
 */
function expectClose(actual: unknown, expected: unknown, path = 'summary'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const size = Math.max(1, Math.abs(expected), Math.abs(actual));
    expect(Math.abs(actual - expected), path).toBeLessThanOrEqual(1e-7 * size);
  } else if (expected !== null && typeof expected === 'object') {
    expect(actual !== null && typeof actual === 'object', path).toBe(true);
    expect(Object.keys(actual as object), path).toEqual(Object.keys(expected));
    for (const [key, value] of Object.entries(expected)) {
      expectClose((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
    }
  } else expect(actual, path).toBe(expected);
}

async function summarize(...args: string[]): Promise<CorpusSummary> {
  const { code, out, err } = await cli('summarize', ...args, '--json');
  expect(err).toBe('');
  expect(code).toBe(EXIT_OK);
  return JSON.parse(out) as CorpusSummary;
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'xai-summarize-'));
  process.env.XAI_WORKBENCH_CACHE = join(folder, 'cache');
  process.env.HF_HUB_CACHE = join(folder, 'hub');
  process.env.HF_HUB_OFFLINE = '1';
  const input = join(folder, 'labelled.jsonl');
  await writeFile(input, LABELLED.map(([text, label]) => `${JSON.stringify({ text, label })}\n`).join(''));
  single = join(folder, 'single');
  expect((await cli('explain', input, ...METHODS, '--out', single, '--jsonl')).code).toBe(EXIT_OK);
  shards = [];
  for (const i of [1, 0, 2]) {
    const dir = join(folder, `shard-${i}`);
    expect((await cli('explain', input, ...METHODS, '--shard', `${i}/3`, '--out', dir, '--jsonl')).code).toBe(EXIT_OK);
    shards.push(dir);
  }
  merged = join(folder, 'merged');
  expect((await cli('merge', merged, ...shards)).code).toBe(EXIT_OK);
}, 180_000);

describe('summarize', () => {
  it('gives a sharded-then-merged run the summary of one run', async () => {
    const one = await summarize(single);
    const parts = await summarize(merged);
    expectClose(comparable(parts), comparable(one));
    // With other options too.
    const options = ['--min-count', '1', '--stop-words', 'hide'];
    expectClose(comparable(await summarize(merged, ...options)), comparable(await summarize(single, ...options)));
    // Not trivially: a shard's own summary is of its sentences alone.
    expect((await summarize(shards[0]!)).sentences).toBe(3);
    expect(one.sentences).toBe(LABELLED.length);
    expect(Object.keys(one.evaluation)).toEqual(['occlusion', 'gradient_x_input']);
  });

  it('summarizes a merge exactly as the one run its shards were cut from', async () => {
    // The one run's own sentences written as the shards of a 3-way run, then merged by the CLI: the same
    // sentences, so the same summary to the bit (the timings included).
    const {
      report: _report,
      summary: _summary,
      ...whole
    } = JSON.parse(await readFile(join(single, 'results.json'), 'utf8')) as ResultsDocument & {
      report: unknown;
      summary: unknown;
    };
    const cut: string[] = [];
    for (const index of [2, 0, 1]) {
      const sentences = whole.sentences.filter((sentence) => sentence.index % 3 === index);
      const written = await writeReport(
        { ...whole, shard: { index, count: 3 }, sentences },
        join(folder, `cut-${index}`),
      );
      cut.push(written.dir);
    }
    const remerged = join(folder, 'remerged');
    expect((await cli('merge', remerged, ...cut)).code).toBe(EXIT_OK);
    expect(await summarize(remerged)).toEqual(await summarize(single));
    // The summary the merged report saved is the merge's, not a shard's.
    const saved = async (dir: string) =>
      (JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as { summary: CorpusSummary }).summary;
    expect(await saved(remerged)).toEqual(await saved(single));
    expect(await summarize(remerged, '--min-count', '1')).toEqual(await summarize(single, '--min-count', '1'));
  });

  it("matches the sentences' own predictions and labels, and the summary the report saved", async () => {
    const document = JSON.parse(await readFile(join(merged, 'results.json'), 'utf8')) as ResultsDocument & {
      summary: CorpusSummary;
    };
    const summary = await summarize(merged);
    expect(summary).toEqual(document.summary);
    const correct = document.sentences.filter((s) => s.predictedLabel === s.trueLabel).length;
    const { classification } = summary;
    expect(classification!.sentences).toBe(LABELLED.length);
    expect(classification!.accuracy).toBe(correct / LABELLED.length);
    expect(classification!.confusion.flat().reduce((a, b) => a + b, 0)).toBe(LABELLED.length);
    expect(summary.labels).toEqual(['NEGATIVE', 'POSITIVE']);
    // Each confusion cell counts the sentences of that true and that predicted label.
    summary.labels.forEach((truth, t) =>
      summary.labels.forEach((predicted, p) =>
        expect(classification!.confusion[t]![p]).toBe(
          document.sentences.filter((s) => s.trueLabel === truth && s.predictedLabel === predicted).length,
        ),
      ),
    );
    expect(summary.agreement.methods).toEqual(['occlusion', 'gradient_x_input']);
    expect(Object.keys(summary.evaluation)).toEqual(['occlusion', 'gradient_x_input']);
    expect(summary.evaluation.occlusion!.aopc_compr!.sentences).toBe(LABELLED.length);
    expect(summary.totals.map(({ method, sentences }) => [method, sentences])).toEqual([
      ['occlusion', LABELLED.length],
      ['gradient_x_input', LABELLED.length],
    ]);
  });

  it('prints readable tables: counts, accuracy and confusion, top tokens, agreement, evaluation, totals', async () => {
    const { code, out } = await cli('summarize', merged, '--top', '3');
    expect(code).toBe(EXIT_OK);
    const summary = await summarize(merged);
    const { accuracy, macroF1 } = summary.classification!;
    expect(out).toMatch(new RegExp(`^report ${merged} · tiny-distilbert.*: 8 sentences \\(8 with a true label\\)\\n`));
    for (const heading of [
      'Counts',
      `Accuracy ${accuracy.toFixed(3)} · macro-F1 ${macroF1.toFixed(3)} over 8 sentences`,
      'Confusion matrix (rows: true label, columns: predicted)',
      'Top tokens per method and class',
      "Agreement (mean Kendall's τ-b",
      'Evaluation (ferret',
      'Totals per method',
    ]) {
      expect(out).toContain(heading);
    }
    expect(out).toContain('  Occlusion (leave-one-out) → ');
    expect(out).toContain('Occlusion (leave-one-out) · Gradient × Input');
    const [first] = summary.importance[0]!.classes[0]!.tokens;
    expect(out).toMatch(
      new RegExp(`\\n {4}1 {2}${first!.key.replace(/[.,]/g, '\\$&')} +\\S+ +\\S+ +n=${first!.count}\\n`),
    );
    // --top 3: at most three rows per method and class.
    expect(out).not.toMatch(/\n {4}4 {2}/);
    const shard = await cli('summarize', shards[0]!);
    expect(shard.out).toMatch(/^shard 1\/3 \(merge the shards for the whole file\)/);
  });

  it('says plainly why a folder is not a report it can read', async () => {
    const empty = join(folder, 'empty');
    await mkdir(empty);
    const notJson = join(folder, 'not-json');
    await mkdir(notJson);
    await writeFile(join(notJson, 'results.json'), '{"schema": "xai-workbench/results", "version": 1, "sentences": [');
    const other = join(folder, 'other');
    await mkdir(other);
    await writeFile(join(other, 'results.json'), '{"hello": "world"}');
    const later = join(folder, 'later');
    await mkdir(later);
    await writeFile(join(later, 'results.json'), '{"schema": "xai-workbench/results", "version": 2}');
    const invalid = join(folder, 'invalid');
    await mkdir(invalid);
    const document = JSON.parse(await readFile(join(single, 'results.json'), 'utf8')) as ResultsDocument;
    await writeFile(join(invalid, 'results.json'), JSON.stringify({ ...document, sentences: 'none' }));
    const file = join(single, 'scores.csv');
    const cases: [string, string][] = [
      [join(folder, 'nowhere'), `${join(folder, 'nowhere')} does not exist`],
      [file, `${file} is a file, not a report folder`],
      [empty, `${empty} is not a report folder: it has no results.json`],
      [notJson, `${join(notJson, 'results.json')} is not valid JSON`],
      [other, `${join(other, 'results.json')} is not XAI Workbench results`],
      [
        later,
        `${join(later, 'results.json')} is in version 2 of the results schema; this version of XAI Workbench reads version 1`,
      ],
      [invalid, `${join(invalid, 'results.json')} does not match the results schema: /sentences must be array`],
    ];
    for (const [dir, message] of cases) {
      const { code, out, err } = await cli('summarize', dir);
      expect(code, dir).toBe(EXIT_FAILURE);
      expect(out).toBe('');
      expect(err, dir).toContain(`error: ${message}`);
    }
  });

  it('treats bad options as usage errors', async () => {
    for (const args of [
      ['--min-count', '0'],
      ['--min-count', 'x'],
      ['--stop-words', 'maybe'],
      ['--top', '-1'],
    ]) {
      expect((await cli('summarize', single, ...args)).code, args.join(' ')).toBe(EXIT_USAGE);
    }
    expect((await cli('summarize')).code).toBe(EXIT_USAGE);
  });
});
