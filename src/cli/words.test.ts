/**
 * `explain --words` for every tokenizer family: words are the tokenizer's pre-tokenizer words (WordPiece `##`
 * pieces, a BPE `Ġword`'s pieces, a SentencePiece `▁word`'s pieces), each shown as the text it covers, with
 * its tokens' scores summed.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../engine/paths.js';
import type { ResultsDocument } from '../shared/results.js';
import { EXIT_OK } from './main.js';
import { cli } from './test-cli.js';

const TEXT = "Unbelievably, it's a café 😊 film.";
let input: string;
beforeAll(async () => {
  const folder = await mkdtemp(join(tmpdir(), 'xai-words-'));
  input = join(folder, 'words.txt');
  await writeFile(input, `${TEXT}\n`);
});

describe.each([
  // Hand-derived from each tokenizer's pre-tokenizer: BERT splits at punctuation, byte-level BPE at spaces,
  // apostrophes and punctuation, Metaspace at spaces only.
  {
    model: 'fixtures/models/tiny-bert-cased',
    words: ['[CLS]', 'Unbelievably', ',', 'it', "'", 's', 'a', 'café', '[UNK]', 'film', '.', '[SEP]'],
  },
  {
    model: 'fixtures/models/tiny-roberta',
    words: ['<s>', 'Unbelievably', ',', 'it', "'s", 'a', 'café', '😊', 'film', '.', '</s>'],
  },
  {
    model: 'fixtures/models/tiny-xlmr',
    words: ['<s>', 'Unbelievably,', "it's", 'a', 'café', '😊', 'film.', '</s>'],
  },
])('explain --words on $model', ({ model, words }) => {
  it("gives the tokenizer's words, with the scores of their tokens summed", async () => {
    const result = await cli(
      'explain',
      input,
      '--model',
      join(PACKAGE_ROOT, model),
      '--methods',
      'occlusion',
      '--words',
      '--json',
    );
    expect(result.code, result.err).toBe(EXIT_OK);
    const [sentence] = (JSON.parse(result.out) as ResultsDocument).sentences;
    const explanation = sentence!.explanations.occlusion!;
    expect(explanation.words!.words).toEqual(words);
    const scores = explanation.words!.spans.map(([first, end]) =>
      explanation.scores.slice(first, end).reduce((a, b) => a + b, 0),
    );
    expect(explanation.words!.scores).toEqual(scores);
    expect(explanation.words!.spans.at(-1)![1]).toBe(sentence!.tokens.length);
  });
});
