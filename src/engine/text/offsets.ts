/**
 * Character offsets between the tokenizers binding and JavaScript strings. The binding (Rust, like Python's
 * `offset_mapping`) counts Unicode code points; a JavaScript string counts UTF-16 units, so every character
 * outside the Basic Multilingual Plane (emoji, CJK extensions B–G, math letters) shifts later offsets by one.
 */

/** `[start, end)` in UTF-16 units of the text: `text.slice(start, end)` is the token's text. */
export type Span = [start: number, end: number];

/** `utf16[i]` is the UTF-16 index of code point `i`; the last entry is `text.length` (an end offset). */
export function codePointToUtf16Table(text: string): Uint32Array {
  const table = new Uint32Array(text.length + 1);
  let codePoints = 0;
  for (let unit = 0; unit < text.length; codePoints += 1) {
    table[codePoints] = unit;
    unit += text.codePointAt(unit)! > 0xffff ? 2 : 1;
  }
  table[codePoints] = text.length;
  return table.subarray(0, codePoints + 1);
}

/** Code-point `[start, end]` pairs (as `Encoding.getOffsets()` returns them) as UTF-16 spans of `text`. */
export function codePointOffsetsToUtf16(text: string, offsets: readonly (readonly number[])[]): Span[] {
  const table = codePointToUtf16Table(text);
  const last = table.length - 1;
  return offsets.map(([start, end], i) => {
    if (!Number.isInteger(start) || !Number.isInteger(end) || !(0 <= start! && start! <= end! && end! <= last)) {
      throw new RangeError(`offset ${i} [${start}, ${end}] is not inside a text of ${last} code points`);
    }
    return [table[start!]!, table[end!]!];
  });
}
