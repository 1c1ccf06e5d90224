/**
 * `npx tsx scripts/tokenizer_unicode_sweep.ts`: every code point of planes 0–3 and 14, each in the text
 * `a{c}b {c}{c} X{c}`, through the tokenizers binding and transformers.js; prints, per tokenizer, the code points
 * whose ids differ, as ranges. A finding for the report, not a test: most differences are characters the two
 * libraries' Unicode tables disagree on (Rust's are older than Node's ICU), which no fixed list should pin down.
 */
import { join } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { Tokenizer } from 'tokenizers';
import { TOKENIZER_DIRS } from './bench/tokenizer-dirs.js';

const PLANES = [0, 1, 2, 3, 14];
const BATCH = 4096;

function codePoints(): number[] {
  const all: number[] = [];
  for (const plane of PLANES) {
    for (let c = plane * 0x10000; c < (plane + 1) * 0x10000; c += 1) {
      if (c === 0 || (c >= 0xd800 && c < 0xe000)) continue; // NUL and lone surrogates: the engine refuses them
      all.push(c);
    }
  }
  return all;
}

function ranges(points: number[]): string {
  const hex = (c: number) => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  const parts: string[] = [];
  for (let i = 0; i < points.length;) {
    let j = i;
    while (j + 1 < points.length && points[j + 1] === points[j]! + 1) j += 1;
    parts.push(i === j ? hex(points[i]!) : `${hex(points[i]!)}–${hex(points[j]!)}`);
    i = j + 1;
  }
  return parts.join(' ');
}

env.allowRemoteModels = false;
env.localModelPath = '';
const points = codePoints();
console.log(`${points.length} code points (planes ${PLANES.join(', ')})`);
for (const [name, dir] of Object.entries(TOKENIZER_DIRS)) {
  const binding = Tokenizer.fromFile(join(dir, 'tokenizer.json'));
  const js = await AutoTokenizer.from_pretrained(dir, { local_files_only: true });
  const differing: number[] = [];
  for (let start = 0; start < points.length; start += BATCH) {
    const chunk = points.slice(start, start + BATCH);
    const texts = chunk.map((c) => {
      const ch = String.fromCodePoint(c);
      return `a${ch}b ${ch}${ch} X${ch}`;
    });
    const encodings = await binding.encodeBatch(texts);
    texts.forEach((text, i) => {
      const expected = encodings[i]!.getIds();
      const actual = js.encode(text);
      if (expected.length !== actual.length || expected.some((id, k) => id !== actual[k])) differing.push(chunk[i]!);
    });
  }
  console.log(`\n${name}: ${differing.length} differ`);
  if (differing.length > 0) console.log(ranges(differing));
}
