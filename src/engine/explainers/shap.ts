/**
 * Partition SHAP as `shap.Explainer(pipeline)` computes it for a BERT-family text classifier: the Text masker's
 * masked strings, its partition tree, and Owen values of every class's probability under a `max_evals`
 * budget, with the base value recomputed per input. Token scores are the values of the target class.
 */
import type { OptionValues } from '../../shared/options.js';
import type { ShapData } from '../../shared/results.js';
import { forwardServiceFor } from '../forward-service.js';
import { addedSpecials } from '../metrics/removal.js';
import type { TextTokenizer } from '../model/tokenizer.js';
import type { Explainer } from './explainer.js';
import {
  normalizationOption,
  normalize,
  outputSpaceOption,
  resolveTarget,
  targetOption,
  type Normalization,
} from './common.js';
import { owenValues, partitionTree, type Merge } from './shap-partition.js';
import { maskedString, partitionTokens, tokenOffsets, tokenSegments } from './shap-text.js';

const DEFAULT_MAX_EVALS = 500;

/** The mask token's text: the candidate BERT- and RoBERTa-style spellings that encode to the mask id. */
export function maskTokenText(tokenizer: TextTokenizer): string {
  const found = ['[MASK]', '<mask>'].find((candidate) => tokenizer.encode(candidate).ids.includes(tokenizer.maskId));
  if (!found) throw new Error('the tokenizer has no [MASK] or <mask> token, which the SHAP text masker needs');
  return found;
}

export const shapExplainer: Explainer = {
  id: 'shap',
  label: 'Partition SHAP',
  description: "Owen values over shap's text partition tree; masked tokens become [MASK] (shap's Text masker).",
  needs: ['token_offsets'],
  options: [
    targetOption,
    outputSpaceOption('prob'),
    normalizationOption('none'),
    {
      name: 'max_evals',
      label: 'Model evaluations',
      type: 'integer',
      min: 4,
      max: 100_000,
      default: DEFAULT_MAX_EVALS,
      help: "shap's max_evals: masked inputs the recursion may ask for, base and full input included.",
    },
  ],
  async explain({ encoded, prediction }, { model, signal }, options: OptionValues) {
    const started = performance.now();
    const target = resolveTarget(options.target!, prediction, model.config.labels);
    const { tokenizer } = model;
    const n = encoded.ids.length;
    // Only the prefix and suffix specials are kept on; shap masks everything else, even if "special".
    const keep = addedSpecials(tokenizer, encoded.ids);
    const segments = tokenSegments(encoded.text, tokenOffsets(encoded.text, encoded.tokens, keep));
    const sepToken = keep[n - 1] ? encoded.tokens[n - 1]! : '';
    const merges = partitionTree(partitionTokens(segments), sepToken ? [sepToken] : []);
    const maskToken = maskTokenText(tokenizer);
    const forward = forwardServiceFor(model, encoded).view(signal);
    const space = options.output;
    const result = await owenValues(
      merges,
      n,
      async (masks) => {
        const outputs = await forward.runTexts(masks.map((mask) => maskedString(segments, mask, keep, maskToken)));
        return outputs.map((output) => (space === 'prob' ? output.probabilities : Float64Array.from(output.logits)));
      },
      { maxEvals: options.max_evals as number },
    );
    const raw = result.values.map((perClass) => perClass[target.index]!);
    const shap: ShapData = {
      values: result.values.map((perClass) => Array.from(perClass)),
      baseValues: Array.from(result.base),
      outputs: Array.from(result.full),
      clustering: merges.map(({ left, right, size }: Merge): [number, number, number] => [left, right, size]),
      hierarchicalValues: result.hierarchical.map((perClass) => Array.from(perClass)),
      maxEvals: options.max_evals as number,
      rows: result.rows,
    };
    return {
      method: 'shap',
      options: { ...options, target: target.index, targetLabel: target.label, maskToken },
      tokens: encoded.tokens,
      raw,
      scores: normalize(raw, options.normalization as Normalization),
      evaluations: forward.evaluations,
      seconds: (performance.now() - started) / 1000,
      warnings: [],
      shap,
    };
  },
};
