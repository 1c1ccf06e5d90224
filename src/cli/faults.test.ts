/**
 * The command line under the faults a scheduler, a shell or a careless user bring: signals, closed pipes,
 * unwritable report folders, ignored flags. Each runs the real CLI process (`bin/xai-workbench.js`, built by
 * `npm run build:cli`) on the bundled demo model, except where `main()` in-process (`cli`) shows the same.
 */
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ResultsDocument } from '../shared/results.js';
import { PACKAGE_ROOT } from '../engine/paths.js';
import { EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, EXIT_TERMINATED } from './main.js';
import { cli } from './test-cli.js';

const SEED = 'You look terrible! Maybe you should rest?';
const BIN = join(PACKAGE_ROOT, 'bin/xai-workbench.js');
let folder: string;
let longInput: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'xai-cli-faults-'));
  await chmod(folder, 0o755); // readable by the unprivileged user of the permission test
  process.env.XAI_WORKBENCH_CACHE = join(folder, 'cache');
  process.env.HF_HUB_OFFLINE = '1';
  longInput = join(folder, 'long.txt');
  await writeFile(longInput, Array.from({ length: 3000 }, (_, i) => `${SEED} ${i}`).join('\n'));
});

/** Root writes anywhere, so as root (CI) the permission test runs the CLI as `nobody`. */
const AS_NOBODY = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
/** `nobody` must be able to reach node and the checkout; a checkout under /root, say, is out of its reach. */
const unprivilegedCanRun =
  spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(BIN)})`], AS_NOBODY).status === 0;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/**
 * Runs the CLI; `onOutput` sees standard output as it arrives (and may signal the child or close the pipe).
 */
function run(
  args: string[],
  onOutput: (child: ReturnType<typeof spawn>, out: string) => void = () => undefined,
  options: SpawnOptions = {},
): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env }, ...options });
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    onOutput(child, out);
  });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out, err })));
}

async function partialReport(dir: string): Promise<ResultsDocument> {
  expect(existsSync(join(dir, 'index.html'))).toBe(true);
  return JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as ResultsDocument;
}

describe('signals', () => {
  it('treats SIGTERM (what Slurm and Kubernetes send) like Ctrl-C: partial report, exit 143', async () => {
    const out = join(folder, 'terminated');
    let sent = false;
    const result = await run(
      ['explain', longInput, '--model', 'demo', '--methods', 'occlusion', '--jsonl', '--out', out],
      (child) => {
        if (!sent) child.kill('SIGTERM');
        sent = true;
      },
    );
    expect(result.signal).toBeNull();
    expect(result.code).toBe(EXIT_TERMINATED);
    expect(result.err).toMatch(/interrupted \(SIGTERM\): \d+ of 3000 sentences finished and were written to/);
    const document = await partialReport(out);
    expect(document.partial).toBe(true);
    expect(document.sentences).toHaveLength(result.out.trimEnd().split('\n').length);
  });

  it('treats SIGHUP (the terminal went away) alike: exit 129', async () => {
    let sent = false;
    const result = await run(
      ['explain', longInput, '--model', 'demo', '--methods', 'attention', '--jsonl'],
      (child) => {
        if (!sent) child.kill('SIGHUP');
        sent = true;
      },
    );
    expect(result.code).toBe(129);
    expect(result.err).toMatch(/interrupted \(SIGHUP\): \d+ of 3000 sentences finished and were printed/);
  });

  it('does not lose the partial report to a second Ctrl-C, and says what it is finishing', async () => {
    const out = join(folder, 'twice');
    const child = spawn(process.execPath, [
      BIN,
      'explain',
      longInput,
      '--model',
      'demo',
      '--methods',
      'attention',
      '--jsonl',
      '--out',
      out,
    ]);
    let err = '';
    child.stdout.once('data', () => child.kill('SIGINT'));
    child.stderr.on('data', (chunk: Buffer) => {
      const first = !err.includes('writing the partial report');
      err += chunk.toString();
      // The second Ctrl-C lands while the report is being written (signals of one kind are not queued: wait).
      if (first && err.includes('writing the partial report')) child.kill('SIGINT');
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('exit', (...ended) => resolve(ended)),
    );
    expect(signal).toBeNull();
    expect(code).toBe(EXIT_INTERRUPTED);
    expect(err).toMatch(/SIGINT again: writing the partial report to .*; it is complete in a moment/);
    expect((await partialReport(out)).partial).toBe(true);
  });
});

describe('a closed standard output', () => {
  it('ends `predict … | head -1` quietly with exit 0', async () => {
    const result = await run(['predict', longInput, '--model', 'demo'], (child) => child.stdout!.destroy());
    expect(result.code).toBe(EXIT_OK);
    expect(result.err).not.toMatch(/EPIPE|Error/);
    expect(result.out).toMatch(/^NEGATIVE\t/);
  });

  it('stops `explain --jsonl | head -c 100` when nothing else wants the output', async () => {
    const result = await run(['explain', longInput, '--model', 'demo', '--methods', 'attention', '--jsonl'], (child) =>
      child.stdout!.destroy(),
    );
    expect(result.code).toBe(EXIT_OK);
    expect(result.err).not.toMatch(/EPIPE|Error|interrupted/);
  });

  it('still completes the --out report', async () => {
    const input = join(folder, 'eight.txt');
    await writeFile(input, Array.from({ length: 8 }, (_, i) => `${SEED} ${i}`).join('\n'));
    const out = join(folder, 'piped-report');
    const result = await run(
      ['explain', input, '--model', 'demo', '--methods', 'attention', '--jsonl', '--out', out],
      (child) => child.stdout!.destroy(),
    );
    expect(result.code).toBe(EXIT_OK);
    expect(result.err).toContain(`report written to ${out}`);
    const document = await partialReport(out);
    expect(document.partial).toBeUndefined();
    expect(document.sentences).toHaveLength(8);
  });
});

describe('--out is checked before any model work', () => {
  it('names what is wrong, in words, and loads no model', async () => {
    const input = join(folder, 'seed.txt');
    await writeFile(input, `${SEED}\n`);
    const aFile = join(folder, 'a-file');
    await writeFile(aFile, 'not a folder');
    const cases: [string, RegExp][] = [
      [join(aFile, 'report'), /a file \(not a folder\) is in the way/],
      ['/proc/xai-report', /\/proc does not take new folders/],
      ['', /the report folder name is empty/],
    ];
    for (const [out, message] of cases) {
      // A model that does not exist: reaching the model would fail with another message.
      const result = await cli(
        'explain',
        input,
        '--model',
        join(folder, 'no-model'),
        '--methods',
        'attention',
        '--out',
        out,
      );
      expect(result.code, out).toBe(EXIT_FAILURE);
      expect(result.err, out).toMatch(message);
      expect(result.err, out).not.toMatch(/model/i);
    }
  });

  it.skipIf(!unprivilegedCanRun)('refuses a read-only folder before the run, as an unprivileged user', async () => {
    const readOnly = join(folder, 'read-only');
    await mkdir(readOnly);
    await chmod(readOnly, 0o555);
    const input = join(folder, 'seed-ro.txt');
    await writeFile(input, `${SEED}\n`);
    await chmod(input, 0o644);
    const result = await run(
      ['explain', input, '--model', 'demo', '--methods', 'attention', '--out', join(readOnly, 'report')],
      undefined,
      { ...AS_NOBODY, env: { ...process.env, XAI_WORKBENCH_CACHE: join(tmpdir(), `xai-nobody-${process.pid}`) } },
    );
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.err).toMatch(/cannot write the report folder .*: no permission to create folders in/);
    expect(await readdir(readOnly)).toEqual([]);
  });
});

describe('flags for methods that do not run', () => {
  it('warns that they are ignored', async () => {
    const input = join(folder, 'seed-flags.txt');
    await writeFile(input, `${SEED}\n`);
    const result = await cli('explain', input, '--model', 'demo', '--methods', 'attention', '--n-steps', '5');
    expect(result.code).toBe(EXIT_OK);
    expect(result.err).toMatch(
      /warning: --n-steps is ignored: it applies to [a-z_, ]*integrated_gradients[a-z_, ]*, and none of them runs/,
    );
    const used = await cli('explain', input, '--model', 'demo', '--methods', 'attention', '--layer', '1');
    expect(used.err).not.toMatch(/warning/);
  });
});

describe('input rows with nothing to explain', () => {
  it('skips empty rows of any format with a warning that names them', async () => {
    const input = join(folder, 'rows.jsonl');
    await writeFile(input, `{"text":"${SEED}"}\n{"text":"   "}\n{"text":"Lovely."}\n`);
    const result = await cli('predict', input, '--model', 'demo', '--json');
    expect(result.code).toBe(EXIT_OK);
    expect(result.err).toContain(`warning: ${input}: skipped 1 empty sentence (line 2)`);
    const texts = (JSON.parse(result.out) as ResultsDocument).sentences.map((sentence) => sentence.text);
    expect(texts).toEqual([SEED, 'Lovely.']);
  });

  it('refuses a sentence the tokenizer reads as nothing, instead of explaining [CLS][SEP]', async () => {
    const input = join(folder, 'invisible.jsonl');
    await writeFile(input, `{"text":"${SEED}"}\n{"text":"\\u200b\\u200b"}\n`);
    const result = await cli('explain', input, '--model', 'demo', '--methods', 'occlusion');
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.err).toContain('error: sentence 2 ("\\u{200B}\\u{200B}") has no token for the model');
  });
});

describe('a chart that cannot be drawn', () => {
  it('costs only itself: the merged report is written and the CLI names the chart', async () => {
    const input = join(folder, 'two.txt');
    await writeFile(input, `${SEED}\nLovely.\n`);
    const shard = join(folder, 'shard-0');
    expect(
      (await cli('explain', input, '--model', 'demo', '--methods', 'occlusion', '--shard', '0/1', '--out', shard)).code,
    ).toBe(EXIT_OK);
    // One score short: the comparison table of sentence 1 cannot be drawn.
    const path = join(shard, 'results.json');
    const document = JSON.parse(await readFile(path, 'utf8')) as ResultsDocument;
    document.sentences[0]!.explanations.occlusion!.scores.pop();
    await writeFile(path, JSON.stringify(document));
    const merged = join(folder, 'merged-damaged');
    const result = await cli('merge', merged, shard);
    expect(result.code).toBe(EXIT_OK);
    expect(result.err).toMatch(
      /warning: sentence 1: chart "Comparison[^"]*" \(s1-comparison\) was not drawn: occlusion has \d+ scores for \d+ tokens; the report has a note in its place/,
    );
    expect((await partialReport(merged)).sentences).toHaveLength(2);
  });
});
