/**
 * How much two explanations agree on the ranking of tokens: Kendall's τ-b, which (unlike τ-a) stays in
 * [−1, 1] when scores tie — and attributions tie often (zeros, identical special tokens).
 */

/**
 * τ-b = (C − D) / √((P − Tₐ)(P − T_b)), with C/D the concordant/discordant pairs, P all pairs and Tₐ, T_b
 * the pairs tied in a, in b. `undefined` when a side is constant (the ranking is undefined). O(n²), which is
 * fine for sentence lengths.
 */
export function kendallTauB(a: readonly number[], b: readonly number[]): number | undefined {
  if (a.length !== b.length) throw new Error(`kendallTauB needs equal lengths; got ${a.length} and ${b.length}`);
  let concordant = 0;
  let discordant = 0;
  let tiedA = 0;
  let tiedB = 0;
  let pairs = 0;
  for (let i = 0; i < a.length; i += 1) {
    for (let j = i + 1; j < a.length; j += 1) {
      pairs += 1;
      const sign = Math.sign(a[i]! - a[j]!) * Math.sign(b[i]! - b[j]!);
      if (a[i] === a[j]) tiedA += 1;
      if (b[i] === b[j]) tiedB += 1;
      if (sign > 0) concordant += 1;
      else if (sign < 0) discordant += 1;
    }
  }
  const denominator = Math.sqrt((pairs - tiedA) * (pairs - tiedB));
  return denominator > 0 ? (concordant - discordant) / denominator : undefined;
}

/** Special tokens ([CLS], [SEP], <s>…) carry no word meaning; attention piles onto them, so they skew agreement. */
export function isSpecialToken(token: string): boolean {
  return /^\[(CLS|SEP|PAD|UNK|MASK)\]$/.test(token) || /^<\/?(s|pad|unk|mask)>$/.test(token);
}

/**
 * τ-b of every pair of methods over the tokens that are not special; the diagonal is 1. A token is special by
 * its string (`isSpecialToken`, which also leaves out `[UNK]`) or, where the sentence carries the tokenizer's
 * `special` mask, by the mask too: a family whose specials the strings do not name is covered, and for the
 * families they do name (BERT's `[CLS]`/`[SEP]`, RoBERTa's and XLM-R's `<s>`/`</s>`) nothing changes.
 */
export function agreementMatrix(
  tokens: readonly string[],
  scores: readonly (readonly number[])[],
  special?: readonly boolean[],
): (number | undefined)[][] {
  const keep = tokens.map((token, i) => (special?.[i] || isSpecialToken(token) ? -1 : i)).filter((i) => i >= 0);
  const picked = scores.map((row) => keep.map((i) => row[i]!));
  // τ-b is symmetric (to the bit: its products commute): each pair is computed once.
  const matrix = picked.map((): (number | undefined)[] => []);
  picked.forEach((a, i) =>
    picked.forEach((b, j) => {
      matrix[i]![j] = i === j ? 1 : j < i ? matrix[j]![i] : kendallTauB(a, b);
    }),
  );
  return matrix;
}
