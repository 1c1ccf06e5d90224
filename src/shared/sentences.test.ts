import { describe, expect, it } from 'vitest';
import { parseSentenceFile } from './sentences.js';

const sentencesOf = (name: string, data: Uint8Array) => parseSentenceFile(name, data).sentences;

const bytes = (text: string) => new TextEncoder().encode(text);

const utf16 = (text: string, endian: 'le' | 'be', bom = true): Uint8Array => {
  const units = [...(bom ? [0xfeff] : []), ...Array.from(text, (char) => char.charCodeAt(0))];
  const bytes = new Uint8Array(units.length * 2);
  units.forEach((unit, i) => {
    bytes[2 * i + (endian === 'le' ? 0 : 1)] = unit & 0xff;
    bytes[2 * i + (endian === 'le' ? 1 : 0)] = unit >> 8;
  });
  return bytes;
};

describe('sentence files', () => {
  it('reads one sentence per non-empty line of a .txt', () => {
    expect(sentencesOf('a.txt', bytes('\uFEFFfirst one\r\n\n  second  \n'))).toEqual([
      { text: 'first one' },
      { text: 'second' },
    ]);
  });

  it('reads a rationale (0/1 per token or word) from .jsonl arrays and .csv cells, and refuses other values', () => {
    expect(sentencesOf('a.jsonl', bytes('{"text":"hi you","rationale":[0,1]}\n'))).toEqual([
      { text: 'hi you', rationale: [0, 1] },
    ]);
    expect(sentencesOf('a.csv', bytes('text,rationale\nhi you,"[1, 0]"\nyo,1\nno,\n'))).toEqual([
      { text: 'hi you', rationale: [1, 0] },
      { text: 'yo', rationale: [1] },
      { text: 'no' },
    ]);
    expect(() => parseSentenceFile('b.jsonl', bytes('{"text":"hi","rationale":[0.5]}\n'))).toThrow(
      'b.jsonl line 1 has a rationale that is not a list of 0 and 1',
    );
    expect(() => parseSentenceFile('b.csv', bytes('text,rationale\nhi,yes\n'))).toThrow(
      'b.csv row 2 has a rationale that is not a list of 0 and 1',
    );
  });

  it('reads the text and label columns of a .csv, with quoted commas and quotes', () => {
    const csv = 'id,text,label\n1,"Hello, ""you""",POSITIVE\n2,plain,\n';
    expect(sentencesOf('a.csv', bytes(csv))).toEqual([{ text: 'Hello, "you"', label: 'POSITIVE' }, { text: 'plain' }]);
    expect(() => parseSentenceFile('b.csv', bytes('sentence\nx\n'))).toThrow(/no "text" column/);
  });

  it('reads .jsonl rows', () => {
    expect(sentencesOf('a.jsonl', bytes('{"text":"hi","label":1}\n\n{"text":"yo"}\n'))).toEqual([
      { text: 'hi', label: '1' },
      { text: 'yo' },
    ]);
    expect(() => parseSentenceFile('a.jsonl', bytes('{"text":'))).toThrow(/line 1 is not JSON/);
  });

  it('refuses empty, binary and non-UTF-8 files with a clear message', () => {
    expect(() => parseSentenceFile('e.txt', new Uint8Array())).toThrow(/e.txt is empty: expected text/);
    expect(() => parseSentenceFile('b.txt', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00]))).toThrow(
      /is not a text file \(binary data: NUL bytes, the first at offset 4\)/,
    );
    expect(() => parseSentenceFile('l.txt', new Uint8Array([0x68, 0xe9, 0x6c]))).toThrow(
      /not valid UTF-8 text .*save it as UTF-8/,
    );
    expect(() => parseSentenceFile('w.txt', bytes('\n  \n'))).toThrow(/w.txt has no sentences: every line is blank/);
  });

  it('skips empty sentences alike in every format, and says which', () => {
    const txt = parseSentenceFile('a.txt', bytes('one\n\n  \ntwo\n'));
    expect(txt.sentences).toEqual([{ text: 'one' }, { text: 'two' }]);
    expect(txt.warnings).toEqual(['a.txt: skipped 2 empty sentences (line 2, line 3)']);
    const jsonl = parseSentenceFile('a.jsonl', bytes('{"text":"one"}\n{"text":""}\n{"text":" \\t "}\n'));
    expect(jsonl.sentences).toEqual([{ text: 'one' }]);
    expect(jsonl.warnings).toEqual(['a.jsonl: skipped 2 empty sentences (line 2, line 3)']);
    const csv = parseSentenceFile('a.csv', bytes('text,label\none,POSITIVE\n"  ",NEGATIVE\n'));
    expect(csv.sentences).toEqual([{ text: 'one', label: 'POSITIVE' }]);
    expect(csv.warnings).toEqual(['a.csv: skipped 1 empty sentence (row 3)']);
    expect(parseSentenceFile('b.txt', bytes('one\n')).warnings).toEqual([]);
    const many = parseSentenceFile('m.txt', bytes(`x${'\n'.repeat(13)}y`));
    expect(many.warnings).toEqual([
      'm.txt: skipped 12 empty sentences (line 2, line 3, line 4, line 5, line 6, line 7, line 8, line 9, line 10, line 11 and 2 more)',
    ]);
  });

  it('refuses NUL and lone surrogates in every format, naming where', () => {
    expect(() => parseSentenceFile('n.jsonl', bytes('{"text":"ok"}\n{"text":"a\\u0000b"}\n'))).toThrow(
      'n.jsonl line 2 holds a NUL character (U+0000), which is not text',
    );
    expect(() => parseSentenceFile('s.jsonl', bytes('{"text":"half \\ud83d emoji"}\n'))).toThrow(
      's.jsonl line 1 holds a lone surrogate (U+D83D), which is not valid Unicode text',
    );
    expect(() => parseSentenceFile('t.jsonl', bytes('{"text":"\\udc00"}\n'))).toThrow(/lone surrogate \(U\+DC00\)/);
    expect(() => parseSentenceFile('n.txt', bytes('ok\na\u0000b\n'))).toThrow(/NUL/);
    // A whole surrogate pair is one emoji, not a lone half.
    expect(sentencesOf('e.jsonl', bytes('{"text":"\\ud83d\\ude00"}\n'))).toEqual([{ text: '😀' }]);
  });

  it('decodes UTF-16 with a byte-order mark, and names UTF-16 without one', () => {
    for (const endian of ['le', 'be'] as const) {
      expect(sentencesOf('u.txt', utf16('caf\u00e9 one\r\ntwo\r\n', endian))).toEqual([
        { text: 'café one' },
        { text: 'two' },
      ]);
    }
    expect(() => parseSentenceFile('u.txt', utf16('no mark here\n', 'le', false))).toThrow(
      'u.txt looks like UTF-16 text without a byte-order mark; save it as UTF-8',
    );
  });
});

describe('sentence pairs in files', () => {
  it('reads a tab-separated .txt line, a .csv text_pair column and a .jsonl text_pair field as pairs', () => {
    const pair = { text: 'A man plays.', textPair: 'A man makes music.' };
    expect(sentencesOf('p.txt', bytes('A man plays.\tA man makes music.\nalone\n'))).toEqual([pair, { text: 'alone' }]);
    expect(
      sentencesOf('p.csv', bytes('text,text_pair,label\nA man plays.,A man makes music.,entailment\nalone,,\n')),
    ).toEqual([{ ...pair, label: 'entailment' }, { text: 'alone' }]);
    expect(
      sentencesOf('p.jsonl', bytes('{"text":"A man plays.","text_pair":"A man makes music."}\n{"text":"alone"}\n')),
    ).toEqual([pair, { text: 'alone' }]);
  });

  it('refuses a pair with an empty text, a second tab, or a text_pair that is not a string, naming the line', () => {
    expect(() => sentencesOf('p.txt', bytes('ok\n\tonly the second\n'))).toThrow(
      'p.txt line 2 is a sentence pair with an empty first text',
    );
    expect(() => sentencesOf('p.txt', bytes('a\tb\tc\n'))).toThrow('p.txt line 1 has more than one tab');
    expect(() => sentencesOf('p.jsonl', bytes('{"text":"a","text_pair":3}\n'))).toThrow(
      'p.jsonl line 1 has a "text_pair" that is not a string',
    );
  });
});
