/**
 * Removing tokens the way ferret does for leave-one-out and AOPC: delete the ids, decode the rest to text and
 * re-tokenize it (not masking), so the model sees a sentence that was really written without those tokens.
 */
import type { OutputSpace } from '../explainers/common.js';
import type { ForwardOutput } from '../forward-service.js';
import type { TextTokenizer } from '../model/tokenizer.js';

/** Ids of `ids` without the `removed` positions, decoded (specials dropped) and re-tokenized. */
export function deleteTokens(tokenizer: TextTokenizer, ids: readonly number[], removed: Iterable<number>): number[] {
  const drop = new Set(removed);
  return tokenizer.encode(tokenizer.decode(ids.filter((_, i) => !drop.has(i)))).ids;
}

/** Ids of only the `kept` positions (in sentence order), decoded and re-tokenized. */
export function keepTokens(tokenizer: TextTokenizer, ids: readonly number[], kept: Iterable<number>): number[] {
  const keep = new Set(kept);
  return tokenizer.encode(tokenizer.decode(ids.filter((_, i) => keep.has(i)))).ids;
}

/**
 * The specials the tokenizer added around the text ([CLS] … [SEP]): never perturbed, scored 0. An [UNK] or a
 * literal [MASK] inside the text is a token of the sentence like any other, as in ferret's special-tokens mask.
 */
export function addedSpecials(tokenizer: TextTokenizer, ids: readonly number[]): boolean[] {
  return ids.map((id, i) => (i === 0 || i === ids.length - 1) && tokenizer.isSpecial(id));
}

export function outputValue(output: ForwardOutput, target: number, space: OutputSpace): number {
  return space === 'prob' ? output.probabilities[target]! : output.logits[target]!;
}

/**
 * Leave-one-out drops `f(x) − f(x∖i)` for every non-special token (specials, which the model always sees, get 0).
 * `run` is a forward-service view, so occlusion and `taucorr_loo` share their rows.
 */
export async function leaveOneOut(
  run: (sequences: number[][]) => Promise<ForwardOutput[]>,
  tokenizer: TextTokenizer,
  ids: readonly number[],
  target: number,
  space: OutputSpace,
): Promise<number[]> {
  const special = addedSpecials(tokenizer, ids);
  const positions = ids.map((_, i) => i).filter((i) => !special[i]);
  const [full, ...without] = await run([[...ids], ...positions.map((i) => deleteTokens(tokenizer, ids, [i]))]);
  const drops = ids.map(() => 0);
  positions.forEach((position, k) => {
    drops[position] = outputValue(full!, target, space) - outputValue(without[k]!, target, space);
  });
  return drops;
}
