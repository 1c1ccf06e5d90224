import { describe, expect, it } from 'vitest';
import { parseSentenceFile } from './sentences.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('sentence files', () => {
  it('reads one sentence per non-empty line of a .txt', () => {
    expect(parseSentenceFile('a.txt', bytes('\uFEFFfirst one\r\n\n  second  \n'))).toEqual([
      { text: 'first one' },
      { text: 'second' },
    ]);
  });

  it('reads a rationale (0/1 per token or word) from .jsonl arrays and .csv cells, and refuses other values', () => {
    expect(parseSentenceFile('a.jsonl', bytes('{"text":"hi you","rationale":[0,1]}\n'))).toEqual([
      { text: 'hi you', rationale: [0, 1] },
    ]);
    expect(parseSentenceFile('a.csv', bytes('text,rationale\nhi you,"[1, 0]"\nyo,1\nno,\n'))).toEqual([
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
    expect(parseSentenceFile('a.csv', bytes(csv))).toEqual([
      { text: 'Hello, "you"', label: 'POSITIVE' },
      { text: 'plain' },
    ]);
    expect(() => parseSentenceFile('b.csv', bytes('sentence\nx\n'))).toThrow(/no "text" column/);
  });

  it('reads .jsonl rows', () => {
    expect(parseSentenceFile('a.jsonl', bytes('{"text":"hi","label":1}\n\n{"text":"yo"}\n'))).toEqual([
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
});
