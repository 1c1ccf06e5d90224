/**
 * Removing tokens the way ferret does for leave-one-out and AOPC: delete the ids, decode the rest to text and
 * re-tokenize it (not masking), so the model sees a sentence that was really written without those tokens.
 */
import type { OutputSpace } from '../explainers/common.js';
import type { ForwardOutput } from '../forward-service.js';
import type { TextTokenizer } from '../model/tokenizer.js';

/** Ids of the sentence without each set of `removed` positions: decoded (specials dropped) and re-tokenized. */
export function deleteTokens(
  tokenizer: TextTokenizer,
  ids: readonly number[],
  removed: readonly Iterable<number>[],
): Promise<number[][]> {
  return retokenized(
    tokenizer,
    removed.map((positions) => {
      const drop = new Set(positions);
      return ids.filter((_, i) => !drop.has(i));
    }),
  );
}

/** Ids of only each set of `kept` positions (in sentence order), decoded and re-tokenized. */
export function keepTokens(
  tokenizer: TextTokenizer,
  ids: readonly number[],
  kept: readonly Iterable<number>[],
): Promise<number[][]> {
  return retokenized(
    tokenizer,
    kept.map((positions) => {
      const keep = new Set(positions);
      return ids.filter((_, i) => keep.has(i));
    }),
  );
}

async function retokenized(tokenizer: TextTokenizer, sequences: number[][]): Promise<number[][]> {
  const texts = await tokenizer.decodeBatch(sequences);
  return (await tokenizer.encodeBatch(texts)).map((encoded) => encoded.ids);
}

export function outputValue(output: ForwardOutput, target: number, space: OutputSpace): number {
  return space === 'prob' ? output.probabilities[target]! : output.logits[target]!;
}

/**
 * Leave-one-out drops `f(x) − f(x∖i)` for every token but the specials the tokenizer added (which the model
 * always sees: they get 0). An [UNK] or a literal [MASK] inside the text is a token of the sentence like any
 * other, as in ferret's special-tokens mask. `run` is a forward-service view, so occlusion and `taucorr_loo`
 * share their rows.
 */
export async function leaveOneOut(
  run: (sequences: number[][]) => Promise<ForwardOutput[]>,
  tokenizer: TextTokenizer,
  encoded: { ids: readonly number[]; special: readonly boolean[] },
  target: number,
  space: OutputSpace,
): Promise<number[]> {
  const { ids, special } = encoded;
  const positions = ids.map((_, i) => i).filter((i) => !special[i]);
  const removed = await deleteTokens(
    tokenizer,
    ids,
    positions.map((i) => [i]),
  );
  const [full, ...without] = await run([[...ids], ...removed]);
  const drops = ids.map(() => 0);
  positions.forEach((position, k) => {
    drops[position] = outputValue(full!, target, space) - outputValue(without[k]!, target, space);
  });
  return drops;
}
