/**
 * shap's Text masker on real tokenizer offsets (the text layer's): segments, masked strings and partition-tree
 * tokens, derived by hand from shap's `token_segments` (`s[off[i][0] : max(off[i][1], off[i+1][0])]`), its
 * `" " + mask_token` substitution and its clustering rule, for WordPiece, byte-level BPE and SentencePiece.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TextTokenizer } from '../model/tokenizer.js';
import { PACKAGE_ROOT } from '../paths.js';
import { maskedString, maskerSegments, partitionTokens } from './shap-text.js';

const DIRS = {
  bert: join(PACKAGE_ROOT, '../shared/models/distilbert-sst2-tokenizer'),
  roberta: join(PACKAGE_ROOT, 'fixtures/tokenizers/roberta-bpe'),
  xlmr: join(PACKAGE_ROOT, 'fixtures/tokenizers/xlmr-unigram'),
};
const tokenizers: Partial<Record<keyof typeof DIRS, TextTokenizer>> = {};

beforeAll(async () => {
  for (const [name, dir] of Object.entries(DIRS))
    tokenizers[name as keyof typeof DIRS] = await TextTokenizer.load(dir, 512);
});

async function masker(family: keyof typeof DIRS, text: string) {
  const encoded = await tokenizers[family]!.encode(text);
  return { encoded, ...maskerSegments(text, encoded.offsets, encoded.special) };
}

describe('shap Text masker strings (methods.md examples, uncased WordPiece)', () => {
  it('"I like this movie." masking like, this', async () => {
    const { segments, encoded } = await masker('bert', 'I like this movie.');
    expect(encoded.tokens).toEqual(['[CLS]', 'i', 'like', 'this', 'movie', '.', '[SEP]']);
    expect(segments).toEqual(['', 'I ', 'like ', 'this ', 'movie', '.', '']);
    expect(maskedString(segments, [1, 1, 0, 0, 1, 1, 1], encoded.special, '[MASK]')).toBe('I [MASK] [MASK]movie.');
  });

  it('the seed sentence masking "!" drops the space that belonged to it', async () => {
    const { segments, encoded } = await masker('bert', 'You look terrible! Maybe you should rest?');
    const mask = encoded.tokens.map((token) => (token === '!' ? 0 : 1));
    expect(maskedString(segments, mask, encoded.special, '[MASK]')).toBe(
      'You look terrible [MASK]Maybe you should rest?',
    );
    // Everything masked (the base value's input): one [MASK] per token, specials kept.
    expect(maskedString(segments, new Uint8Array(encoded.ids.length), encoded.special, '[MASK]')).toBe(
      Array(9).fill('[MASK]').join(' '),
    );
  });

  it('keeps accents and case of the text, gives [UNK] its character, and leading whitespace to [CLS]', async () => {
    expect((await masker('bert', 'Café CRÈME was good.')).segments).toEqual([
      '',
      'Café ',
      'CR',
      'ÈME ',
      'was ',
      'good',
      '.',
      '',
    ]);
    expect((await masker('bert', 'smile 😊 so — fine')).segments).toEqual([
      '',
      'smile ',
      '😊 ',
      'so ',
      '— ',
      'fine',
      '',
    ]);
    expect((await masker('bert', '  Hi there  ')).segments).toEqual(['  ', 'Hi ', 'there', '']);
  });

  it('never masks a segment that is the separator token itself', () => {
    expect(
      maskedString(
        ['', 'a ', '[SEP]', ' b', ''],
        [1, 0, 0, 0, 1],
        [true, false, false, false, true],
        '[MASK]',
        '[SEP]',
      ),
    ).toBe('[MASK][SEP] [MASK]');
  });
});

describe('shap Text masker on byte-level BPE (RoBERTa)', () => {
  it('segments exclude the Ġ space before a token and keep the one after it', async () => {
    const { segments, encoded } = await masker('roberta', 'You look terrible! Maybe you should rest?');
    expect(encoded.tokens.slice(0, 5)).toEqual(['<s>', 'You', 'Ġlook', 'Ġterrible', '!']);
    expect(segments).toEqual(['', 'You ', 'look ', 'terrible', '! ', 'Maybe ', 'you ', 'should ', 'rest', '?', '']);
    const mask = encoded.tokens.map((token) => (token === 'Ġterrible' ? 0 : 1));
    expect(maskedString(segments, mask, encoded.special, '<mask>')).toBe('You look <mask>! Maybe you should rest?');
  });

  it('a typed <mask> (lstrip) is a segment of its own without the space it takes', async () => {
    const { segments, encoded } = await masker('roberta', 'I love <mask> it');
    expect(encoded.tokens).toEqual(['<s>', 'I', 'Ġlove', '<mask>', 'Ġit', '</s>']);
    expect(segments).toEqual(['', 'I ', 'love ', '<mask> ', 'it', '']);
  });

  it('gives a character split over byte tokens to its first token only, and says which lost it', async () => {
    const { segments, encoded, continuations, fixed } = await masker('roberta', 'smile 😊 so');
    expect(encoded.tokens).toEqual(['<s>', 'sm', 'ile', 'ĠðŁĺ', 'Ĭ', 'Ġso', '</s>']);
    // Literal shap segments would be 'sm', 'ile ', '😊', '😊 ', 'so': the emoji twice even unmasked.
    expect(segments).toEqual(['', 'sm', 'ile ', '😊 ', '', 'so', '']);
    expect(continuations).toEqual([4]);
    expect(fixed).toEqual([true, false, false, false, true, false, true]);
    expect(maskedString(segments, [1, 1, 1, 1, 1, 1, 1], fixed, '<mask>')).toBe('smile 😊 so');
    // Masking the continuation alone changes nothing: it is a dummy player.
    expect(maskedString(segments, [1, 1, 1, 1, 0, 1, 1], fixed, '<mask>')).toBe('smile 😊 so');
    expect(maskedString(segments, [1, 1, 1, 0, 1, 1, 1], fixed, '<mask>')).toBe('smile <mask>so');
  });

  it('marks continuations of a word with ## for the partition tree, whatever the tokenizer', async () => {
    const { segments } = await masker('roberta', "Breathtakingly film's $12 go");
    expect(partitionTokens(segments)).toEqual([
      '',
      'B',
      '##reat',
      '##htaking',
      '##ly',
      'film',
      "'s",
      '$',
      '12',
      'go',
      '',
    ]);
  });
});

describe('shap Text masker on SentencePiece (XLM-R, Metaspace)', () => {
  it('gives a lone ▁ an empty segment, which is never a word continuation', async () => {
    const { segments, encoded } = await masker('xlmr', 'smile 😊 so');
    // The emoji is not in the fixture's vocabulary: <unk>, spanning it.
    expect(encoded.tokens).toEqual(['<s>', '▁s', 'm', 'il', 'e', '▁', '<unk>', '▁s', 'o', '</s>']);
    expect(segments).toEqual(['', 's', 'm', 'il', 'e ', '', '😊 ', 's', 'o', '']);
    expect(partitionTokens(segments)).toEqual(['', 's', '##m', '##il', '##e', '', '😊', 's', '##o', '']);
    // As for "!" in BERT: the masked emoji's segment took the space after it along.
    const mask = encoded.tokens.map((token) => (token === '<unk>' || token === '▁' ? 0 : 1));
    expect(maskedString(segments, mask, encoded.special, '<mask>')).toBe('smile <mask> <mask>so');
  });
});

describe('partitionTokens', () => {
  it('marks a segment that continues a word with ##, but not after punctuation, spaces or specials', async () => {
    const { segments } = await masker('bert', "Breathtakingly film's $12 go");
    expect(partitionTokens(segments)).toEqual([
      '',
      'Breath',
      '##taking',
      '##ly',
      'film',
      "'",
      's',
      '$',
      '12',
      'go',
      '',
    ]);
  });
});
