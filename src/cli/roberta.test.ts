/**
 * The CLI's faces on a byte-level BPE model (tiny-roberta): the printed table and the report show tokens as the
 * text they cover (`look`, not `Ġlook`), `--words` gives the tokenizer's words, `--json` keeps the raw strings.
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultsDocument } from '../shared/results.js';
import { PACKAGE_ROOT } from '../engine/paths.js';
import { EXIT_OK } from './main.js';
import { cli } from './test-cli.js';

let folder: string;
let model: string;
let input: string;

/** tiny-roberta with its tokenizer: the fixture folder, or the folder plus fixtures/tokenizers/roberta-bpe. */
async function robertaFolder(): Promise<string> {
  const fixture = join(PACKAGE_ROOT, 'fixtures/models/tiny-roberta');
  if (existsSync(join(fixture, 'tokenizer.json'))) return fixture;
  const dir = join(folder, 'tiny-roberta');
  await cp(fixture, dir, { recursive: true });
  await cp(join(PACKAGE_ROOT, 'fixtures/tokenizers/roberta-bpe'), dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'xai-cli-roberta-'));
  process.env.XAI_WORKBENCH_CACHE = join(folder, 'cache');
  process.env.HF_HUB_OFFLINE = '1';
  model = await robertaFolder();
  input = join(folder, 'in.txt');
  await writeFile(input, 'Xylophones look unbelievably good\n');
});

afterAll(() => rm(folder, { recursive: true, force: true }));

describe('explain on a RoBERTa model', () => {
  it('prints tokens as their text, keeps the vocabulary strings in --json', async () => {
    const text = await cli('explain', input, '--model', model, '--methods', 'occlusion');
    expect(text.code).toBe(EXIT_OK);
    expect(text.out).toMatch(/\n {4}look +-?\d\.\d{4}\n/);
    expect(text.out).toMatch(/\n {4}<s> +-?\d\.\d{4}\n/);
    expect(text.out).not.toContain('Ġ');
    const json = await cli('explain', input, '--model', model, '--methods', 'occlusion', '--json');
    const [sentence] = (JSON.parse(json.out) as ResultsDocument).sentences;
    expect(sentence!.explanations.occlusion!.tokens).toContain('Ġlook');
  });

  it("gives the tokenizer's words with --words: Xylophones' four pieces as one", async () => {
    const json = await cli('explain', input, '--model', model, '--methods', 'occlusion', '--words', '--json');
    expect(json.code).toBe(EXIT_OK);
    const [sentence] = (JSON.parse(json.out) as ResultsDocument).sentences;
    const { scores, words } = sentence!.explanations.occlusion!;
    expect(words!.words).toEqual(['<s>', 'Xylophones', 'look', 'unbelievably', 'good', '</s>']);
    expect(words!.scores[1]).toBeCloseTo(
      scores.slice(1, 5).reduce((a, b) => a + b, 0),
      12,
    );
    const text = await cli('explain', input, '--model', model, '--methods', 'occlusion', '--words');
    expect(text.out).toMatch(/\n {4}Xylophones +-?\d\.\d{4}\n/);
  });

  it('writes a report that names the tokenizer and shows the tokens as their text', async () => {
    const out = join(folder, 'report');
    const run = await cli('explain', input, '--model', model, '--methods', 'occlusion,attention', '--out', out);
    expect(run.code, run.err).toBe(EXIT_OK);
    const html = await readFile(join(out, 'index.html'), 'utf8');
    expect(html).toContain('roberta, BPE tokenizer');
    expect(html).toContain('first-token (&#60;s&#62;) attention, layers × heads');
    expect(html).not.toContain('[CLS]');
    expect(html).toContain('<td data-section="tokens">shown as the text they cover');
    // Drawn text has no Ġ: the vocabulary strings are only in hover titles (and the note on them).
    const drawn = html
      .replace(/<title>[^<]*<\/title>/g, '')
      .replace(/title="[^"]*"/g, '')
      .replace(/<td data-section="tokens">.*?<\/td>/, '');
    expect(drawn).not.toContain('Ġ');
    expect(drawn).toMatch(/>look<\/text>/);
    const csv = (await readFile(join(out, 'scores.csv'), 'utf8')).split('\r\n');
    expect(csv[0]).toBe('sentence,text,method,token_index,token,raw,score,token_text');
    const look = csv.find((line) => line.includes(',occlusion,5,'));
    expect(look).toMatch(/,occlusion,5,Ġlook,[^,]+,[^,]+,look$/);
    const charts = await readdir(join(out, 'charts'));
    expect(charts).toContain('s1-attention-heads.svg');
    const heads = await readFile(join(out, 'charts', 's1-attention-heads.svg'), 'utf8');
    expect(heads).toContain('First-token (&lt;s&gt;) attention');
  });
});
