/**
 * `summarize REPORT_DIR` on the bundled demo model: the summary of a sharded-then-merged run is the summary of
 * one run; its numbers agree with the sentences themselves; a folder that is not a report is named with why.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CorpusSummary } from '../shared/corpus.js';
import type { ResultsDocument } from '../shared/results.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './main.js';
import { cli } from './test-cli.js';

/** Labelled as a reader would; the demo model gets some wrong, which the confusion matrix should show. */
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
const METHODS = ['--model', 'demo', '--methods', 'occlusion,gradient_x_input', '--evaluate'];

let folder: string;
let single: string;
let merged: string;
let shards: string[];

/**
 * A summary without what differs between two runs of the same work: the time each method took, and the metric
 * values' last bits. The metrics' forward passes are batched with whichever sentences are evaluated together,
 * so a shard's sentences are padded otherwise than in one run, and a mean can move by about 1e-10; the
 * explanations themselves are the same to the bit. The means are compared apart, to 1e-8, and their counts
 * exactly.
 */
function comparable(summary: CorpusSummary): CorpusSummary {
  const evaluation = Object.fromEntries(
    Object.entries(summary.evaluation).map(([method, metrics]) => [
      method,
      Object.fromEntries(Object.entries(metrics).map(([metric, { sentences }]) => [metric, { sentences }])),
    ]),
  );
  return {
    ...summary,
    evaluation: evaluation as CorpusSummary['evaluation'],
    totals: summary.totals.map((total) => ({ ...total, seconds: 0 })),
  };
}

function expectSameMeans(a: CorpusSummary, b: CorpusSummary): void {
  for (const [method, metrics] of Object.entries(a.evaluation)) {
    for (const [metric, { mean, spread }] of Object.entries(metrics)) {
      const other = b.evaluation[method]![metric as keyof typeof metrics]!;
      expect(Math.abs(other.mean - mean), `${method} ${metric}`).toBeLessThan(1e-8);
      expect(Math.abs(other.spread - spread), `${method} ${metric}`).toBeLessThan(1e-8);
    }
  }
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
    expect(comparable(parts)).toEqual(comparable(one));
    expectSameMeans(parts, one);
    expect(Object.keys(one.evaluation)).toEqual(['occlusion', 'gradient_x_input']);
    // With other options too, and in the readable form (whose totals' seconds are the only run-dependent text).
    const options = ['--min-count', '1', '--stop-words', 'hide'];
    expect(comparable(await summarize(merged, ...options))).toEqual(comparable(await summarize(single, ...options)));
    // Not trivially: a shard's own summary is of its sentences alone.
    expect((await summarize(shards[0]!)).sentences).toBe(3);
    expect(one.sentences).toBe(LABELLED.length);
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
    expect(out).toMatch(new RegExp(`^report ${merged} · demo-sst2.*: 8 sentences \\(8 with a true label\\)\\n`));
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
