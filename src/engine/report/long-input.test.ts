/**
 * Reports of long sentences through the real command line (src/cli/main.ts in a child process, which the engine
 * may not import; the bundled demo model): the cases of the "Reliability" issue that used to end in sharp's
 * "Input SVG image exceeds 32767x32767 pixel limit" and no report. Every chart must be drawn at a size sharp
 * accepts, and the page must show every chart it wrote.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ResultsDocument } from '../../shared/results.js';
import { PACKAGE_ROOT } from '../paths.js';
import { HEATMAP_MAX_SIDE } from './charts.js';
import { MAX_PNG_SIDE, PNG_SCALE } from './render.js';

/** sharp's (librsvg's) limit on an SVG's side, in pixels. */
const SHARP_SVG_LIMIT = 32767;
/** Words of the demo vocabulary, so that a word is a token and the sentence's length is known. */
const WORDS = ['the', 'movie', 'was', 'good', 'but', 'plot', 'dull', 'and', 'acting', 'lovely', 'warm', 'funny'];

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'xai-long-'));
  process.env.XAI_WORKBENCH_CACHE = join(folder, 'cache');
  process.env.HF_HUB_OFFLINE = '1';
});

function sentence(words: number): string {
  return Array.from({ length: words }, (_, i) => WORDS[i % WORDS.length]).join(' ');
}

interface CliRun {
  code: number;
  err: string;
  /** Peak resident set of the CLI's process, in bytes. */
  maxRss: number;
}

/** `xai-workbench ARGS` in its own process, so that its peak resident set is the CLI's alone. */
async function cli(args: string[]): Promise<CliRun> {
  const script = [
    `import { main } from ${JSON.stringify(join(PACKAGE_ROOT, 'src/cli/main.ts'))};`,
    'const io = { out: () => undefined, err: (text) => process.stderr.write(text) };',
    `const code = await main(['node', 'xai-workbench', ...${JSON.stringify(args)}], io);`,
    'process.stdout.write(JSON.stringify({ code, maxRss: process.resourceUsage().maxRSS * 1024 }));',
  ].join('\n');
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(status, err).toBe(0);
  return { ...(JSON.parse(out) as { code: number; maxRss: number }), err };
}

async function explainToReport(words: number, methods: string): Promise<CliRun & { dir: string }> {
  const input = join(folder, `${methods}-${words}.txt`);
  await writeFile(input, `${sentence(words)}\n`);
  const dir = join(folder, `report-${methods}-${words}`);
  const run = await cli(['explain', input, '--model', 'demo', '--methods', methods, '--out', dir]);
  expect(run.code, run.err).toBe(0);
  expect(run.err).toContain(`report written to ${dir}`);
  return { ...run, dir };
}

/** Every chart's PNG is 2× its SVG and within sharp's limits, and the page has a figure for each one. */
async function expectCompleteReport(dir: string, methods: string[]): Promise<ResultsDocument> {
  const document = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as ResultsDocument;
  const html = await readFile(join(dir, 'index.html'), 'utf8');
  const files = await readdir(join(dir, 'charts'));
  const names = files.filter((file) => file.endsWith('.svg')).map((file) => file.slice(0, -'.svg'.length));
  expect(files.filter((file) => file.endsWith('.png')).sort()).toEqual(names.map((name) => `${name}.png`).sort());
  for (const name of names) {
    const svg = await readFile(join(dir, 'charts', `${name}.svg`), 'utf8');
    const [, width, height] = /<svg[^>]*width="(\d+)"[^>]*height="(\d+)"/.exec(svg)!;
    const { width: w, height: h } = await sharp(join(dir, 'charts', `${name}.png`)).metadata();
    expect([w, h], name).toEqual([Number(width) * PNG_SCALE, Number(height) * PNG_SCALE]);
    expect(Math.max(w, h), name).toBeLessThanOrEqual(Math.min(MAX_PNG_SIDE, SHARP_SVG_LIMIT));
    expect(html, name).toContain(`<figure data-chart="${name}">`);
  }
  expect(html).not.toContain('data-skipped');
  for (const method of methods) {
    expect(html).toContain(`data-method="${method}"`);
    expect(names, method).toContain(`s1-${method}-heat`);
  }
  expect(html.trimEnd().endsWith('</html>')).toBe(true);
  // The comparison table's pages show every token of every method once (each value cell has a tooltip) …
  const n = document.sentences[0]!.tokens.length;
  const comparison = names.filter((name) => /^s1-comparison(-p\d+)?$/.test(name));
  let valueCells = 0;
  for (const name of comparison) {
    const svg = await readFile(join(dir, 'charts', `${name}.svg`), 'utf8');
    valueCells += [...svg.matchAll(/<title>[^<]* · [^<]*: [^<]*<\/title>/g)].length;
  }
  expect(valueCells).toBe(n * methods.length);
  // … and, when there are several, their titles name consecutive token ranges that cover the sentence.
  const ranges = [...html.matchAll(/Comparison \(each row ÷ its largest \|score\|\), tokens (\d+)–(\d+) of (\d+)/g)];
  expect(ranges).toHaveLength(comparison.length > 1 ? comparison.length : 0);
  if (ranges.length > 0) {
    const covered = ranges.flatMap(([, first, last]) =>
      Array.from({ length: Number(last) - Number(first) + 1 }, (_, i) => Number(first) + i),
    );
    expect(covered).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(ranges.map(([, , , total]) => Number(total))).toEqual(ranges.map(() => n));
  }
  return document;
}

describe('reports of long sentences', () => {
  it('writes the attention report of a 360-word sentence', async () => {
    const { dir } = await explainToReport(360, 'attention');
    const document = await expectCompleteReport(dir, ['attention']);
    expect(document.sentences[0]!.tokens).toHaveLength(362);
    // The n × n map is shown in runs of tokens, at most HEATMAP_MAX_SIDE a side.
    const heatmap = await readFile(join(dir, 'charts', 's1-attention-attention.svg'), 'utf8');
    expect(heatmap).toContain(`${Math.ceil(362 / HEATMAP_MAX_SIDE)} tokens per cell`);
  }, 120_000);

  it('writes the gradient report of a 400-word sentence', async () => {
    const { dir } = await explainToReport(400, 'gradient');
    const document = await expectCompleteReport(dir, ['gradient']);
    expect(document.sentences[0]!.tokens).toHaveLength(402);
  }, 120_000);

  it('writes the occlusion report of a sentence truncated to 512 tokens', async () => {
    const { dir } = await explainToReport(600, 'occlusion');
    const document = await expectCompleteReport(dir, ['occlusion']);
    const [only] = document.sentences;
    expect(only!.truncated).toBe(true);
    expect(only!.tokens).toHaveLength(512);
    expect(only!.explanations.occlusion!.scores).toHaveLength(512);
  }, 120_000);

  it('writes the report of a 512-token sentence through three methods in under 1 GB', async () => {
    // Every method at 2,000 words is `npm run bench`'s (70 s of work); these three draw every chart but the
    // evaluation table, whose size does not grow with the sentence.
    const { dir, maxRss } = await explainToReport(600, 'attention,gradient,occlusion');
    await expectCompleteReport(dir, ['attention', 'gradient', 'occlusion']);
    expect(maxRss).toBeLessThan(1024 ** 3);
  }, 180_000);
});
