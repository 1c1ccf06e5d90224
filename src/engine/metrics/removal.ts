/**
 * Removing tokens the way ferret does for leave-one-out and AOPC: delete the ids, decode the rest to text and
 * re-tokenize it (not masking), so the model sees a sentence that was really written without those tokens.
 * A pair's two texts are decoded apart and encoded as a pair again.
 */
import type { OutputSpace } from '../explainers/common.js';
import { sequenceOf, type ForwardOutput, type TokenSequence } from '../forward-service.js';
import type { EncodedText, TextInput, TextTokenizer } from '../model/tokenizer.js';

/** What removal reads of a sentence: its ids, which text each token is in, and the pair's second text. */
export type RemovalSentence = Pick<EncodedText, 'ids' | 'sequenceIds' | 'textPair'>;

/** The sentence without each set of `removed` positions: decoded (specials dropped) and re-tokenized. */
export function deleteTokens(
  tokenizer: TextTokenizer,
  sentence: RemovalSentence,
  removed: readonly Iterable<number>[],
): Promise<TokenSequence[]> {
  return retokenized(
    tokenizer,
    sentence,
    removed.map((positions) => {
      const drop = new Set(positions);
      return (i: number) => !drop.has(i);
    }),
  );
}

/** Only each set of `kept` positions (in sentence order), decoded and re-tokenized. */
export function keepTokens(
  tokenizer: TextTokenizer,
  sentence: RemovalSentence,
  kept: readonly Iterable<number>[],
): Promise<TokenSequence[]> {
  return retokenized(
    tokenizer,
    sentence,
    kept.map((positions) => {
      const keep = new Set(positions);
      return (i: number) => keep.has(i);
    }),
  );
}

async function retokenized(
  tokenizer: TextTokenizer,
  { ids, sequenceIds, textPair }: RemovalSentence,
  keeps: readonly ((i: number) => boolean)[],
): Promise<TokenSequence[]> {
  const texts = textPair === undefined ? [0] : [0, 1];
  // Specials are dropped by the decoder; a pair's texts are told apart by their sequence ids.
  const pieces = keeps.flatMap((keep) =>
    texts.map((text) => ids.filter((_, i) => keep(i) && (textPair === undefined || sequenceIds[i] === text))),
  );
  const decoded = await tokenizer.decodeBatch(pieces);
  const inputs: TextInput[] =
    textPair === undefined ? decoded : keeps.map((_, k) => [decoded[2 * k]!, decoded[2 * k + 1]!] as const);
  return (await tokenizer.encodeIds(inputs)).map(sequenceOf);
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
  run: (sequences: TokenSequence[]) => Promise<ForwardOutput[]>,
  tokenizer: TextTokenizer,
  encoded: RemovalSentence & Pick<EncodedText, 'special' | 'tokenTypeIds'>,
  target: number,
  space: OutputSpace,
): Promise<number[]> {
  const { ids, special } = encoded;
  const positions = ids.map((_, i) => i).filter((i) => !special[i]);
  const removed = await deleteTokens(
    tokenizer,
    encoded,
    positions.map((i) => [i]),
  );
  const [full, ...without] = await run([sequenceOf(encoded), ...removed]);
  const drops = ids.map(() => 0);
  positions.forEach((position, k) => {
    drops[position] = outputValue(full!, target, space) - outputValue(without[k]!, target, space);
  });
  return drops;
}
