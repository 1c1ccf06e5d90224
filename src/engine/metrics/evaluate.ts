/**
 * ferret's evaluation of any explanation on the model: faithfulness always, plausibility when a human rationale
 * is given. Every removal goes through the sentence's forward service, so metrics of several explanations
 * share (and mostly re-use) their rows.
 */
import type { Explanation, MetricValues } from '../../shared/results.js';
import type { TokenLayout } from '../../shared/tokens.js';
import { mergeWords, wordsToTokens } from '../../shared/words.js';
import type { ExplainInput } from '../explainers/explainer.js';
import { forwardServiceFor, sequenceOf, type TokenSequence } from '../forward-service.js';
import type { ModelBundle } from '../model/bundle.js';
import {
  aopcComprehensiveness,
  aopcSufficiency,
  removablePositions,
  taucorrLoo,
  type RemovalModel,
} from './faithfulness.js';
import { auprc, DEFAULT_TOP_K, tokenF1, tokenIoU } from './plausibility.js';
import { deleteTokens, keepTokens } from './removal.js';

export interface EvaluateOptions {
  /** Human rationale, 0/1 per token (all tokens, or all but the first and last) or per word. */
  rationale?: readonly number[];
  /** Hard-rationale size for token F1 / IoU (ferret: 5). */
  topK?: number;
  signal?: AbortSignal;
}

/** The class an explanation explains: its recorded target index, else the predicted class. */
function targetOf(explanation: Explanation, input: ExplainInput): number {
  const target = explanation.options.target;
  return typeof target === 'number' ? target : input.prediction.predictedIndex;
}

function removalModel(model: ModelBundle, input: ExplainInput, target: number, signal?: AbortSignal): RemovalModel {
  const { encoded } = input;
  const forward = forwardServiceFor(model, encoded);
  const probabilities = async (sequences: TokenSequence[]) =>
    (await forward.run(sequences, signal)).map((output) => output.probabilities[target]!);
  return {
    special: encoded.special,
    full: async () => (await probabilities([sequenceOf(encoded)]))[0]!,
    without: async (sets) => probabilities(await deleteTokens(model.tokenizer, encoded, sets)),
    only: async (sets) => probabilities(await keepTokens(model.tokenizer, encoded, sets)),
  };
}

export async function evaluateExplanation(
  model: ModelBundle,
  input: ExplainInput,
  explanation: Explanation,
  { rationale, topK = DEFAULT_TOP_K, signal }: EvaluateOptions = {},
): Promise<MetricValues> {
  const removal = removalModel(model, input, targetOf(explanation, input), signal);
  const { scores } = explanation;
  const [compr, suff, tau] = await Promise.all([
    aopcComprehensiveness(scores, removal),
    aopcSufficiency(scores, removal),
    taucorrLoo(scores, removal),
  ]);
  const values: MetricValues = { aopc_compr: compr, aopc_suff: suff, taucorr_loo: finite(tau) };
  if (rationale) {
    const human = innerRationale({ ...input.encoded, tokenizer: model.info.tokenizer }, rationale);
    const inner = removablePositions(scores.length, input.encoded.special).map((i) => scores[i]!);
    values.auprc_plau = finite(auprc(inner, human));
    values.token_f1_plau = tokenF1(inner, human, topK);
    values.token_iou_plau = tokenIoU(inner, human, topK);
  }
  return values;
}

/** Method id → ferret's metrics, for every explanation of one input (their model calls batch together). */
export async function evaluateExplanations(
  model: ModelBundle,
  input: ExplainInput,
  explanations: readonly Explanation[],
  options: EvaluateOptions = {},
): Promise<Record<string, MetricValues>> {
  const values = await Promise.all(
    explanations.map((explanation) => evaluateExplanation(model, input, explanation, options)),
  );
  return Object.fromEntries(explanations.map((explanation, k) => [explanation.method, values[k]!]));
}

/**
 * The rationale on the non-special tokens, from whichever granularity the user gave: per token or per word,
 * with or without the specials.
 */
export function innerRationale(layout: TokenLayout, rationale: readonly number[]): number[] {
  const n = layout.tokens.length;
  const removable = removablePositions(n, layout.special);
  const inner = (perToken: readonly number[]) => removable.map((i) => perToken[i]!);
  if (rationale.length === n) return inner(rationale);
  if (rationale.length === removable.length) return [...rationale];
  const { spans } = mergeWords(
    layout,
    layout.tokens.map(() => 0),
  );
  // Each special is a word of its own; the words without them are those holding a removable token.
  const removableSet = new Set(removable);
  const textWords = spans.map(([first]) => removableSet.has(first));
  if (rationale.length === spans.length) return inner(wordsToTokens(rationale, spans));
  const wordCount = textWords.filter(Boolean).length;
  if (rationale.length === wordCount) {
    let next = 0;
    return inner(
      wordsToTokens(
        textWords.map((isText) => (isText ? rationale[next++]! : 0)),
        spans,
      ),
    );
  }
  throw new Error(
    `the rationale has ${rationale.length} values; expected one per token (${n} or ${removable.length} without ` +
      `the specials) or one per word (${spans.length} or ${wordCount})`,
  );
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
