/**
 * Partition SHAP as `shap.Explainer(pipeline)` computes it for a text classifier with a fast tokenizer: the
 * Text masker's segments from the tokenizer's offsets, its masked strings and partition tree, and Owen values
 * of every class's probability under a `max_evals` budget, with the base value recomputed per input. Token
 * scores are the values of the target class.
 */
import type { OptionValues } from '../../shared/options.js';
import type { ResultWarning, ShapData } from '../../shared/results.js';
import { forwardServiceFor } from '../forward-service.js';
import { headOutputs } from '../model/head.js';
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
import { maskedString, maskerSegments, partitionTokens } from './shap-text.js';

const DEFAULT_MAX_EVALS = 500;

export const shapExplainer: Explainer = {
  id: 'shap',
  label: 'Partition SHAP',
  description: "Owen values over shap's text partition tree; masked tokens become the mask token (shap's Text masker).",
  needs: [],
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
    // Only the specials the tokenizer added are kept on; shap masks everything else, even an [UNK] or <mask>.
    const { segments, fixed, continuations } = maskerSegments(encoded.text, encoded.offsets, encoded.special);
    const sep = tokenizer.specials.sep?.token;
    const merges = partitionTree(partitionTokens(segments), sep === undefined ? [] : [sep]);
    const maskToken = tokenizer.mask('the SHAP text masker').token;
    const forward = forwardServiceFor(model, encoded).view(signal);
    const space = options.output;
    const result = await owenValues(
      merges,
      n,
      async (masks) => {
        const outputs = await forward.runTexts(
          masks.map((mask) => maskedString(segments, mask, fixed, maskToken, sep)),
        );
        return outputs.map((output) => (space === 'prob' ? output.probabilities : Float64Array.from(output.logits)));
      },
      { maxEvals: options.max_evals as number },
    );
    const raw = result.values.map((perClass) => perClass[target.index]!);
    const warnings = continuations.length === 0 ? [] : [sharedCharacterWarning(encoded.tokens, continuations)];
    const unmasked = maskedString(segments, new Uint8Array(n).fill(1), fixed, maskToken, sep);
    const [reread] = await tokenizer.encodeBatch([unmasked]);
    if (reread!.ids.join() !== encoded.ids.join()) {
      const predicted = headOutputs(model.config.task, prediction.logits)[target.index]!;
      warnings.push(rebuiltTextWarning(unmasked, result.full[target.index]!, predicted));
    }
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
      warnings,
      shap,
    };
  },
};

/**
 * Said where the text masker departs from shap's literal segments: shap would repeat a character split over
 * byte tokens in every masked string (the unmasked one too), so its values would explain another text.
 */
function sharedCharacterWarning(tokens: readonly string[], shared: readonly number[]): ResultWarning {
  const listed = shared.map((i) => `${i} (${tokens[i]})`).join(', ');
  return {
    code: 'shared-character',
    message:
      `token${shared.length === 1 ? '' : 's'} ${listed} only continue${shared.length === 1 ? 's' : ''} a character ` +
      'begun by the token before (byte-level BPE splits it): the character is masked with its first token, so ' +
      "these get SHAP values of 0. shap's own masker would repeat the character once per token in every masked " +
      'string, the unmasked one included',
  };
}

/**
 * Said when shap's masker does not give back the sentence the model saw: it collapses whitespace runs (and
 * trims), which a tokenizer that keeps spaces as tokens (byte-level BPE, SentencePiece) reads differently.
 */
function rebuiltTextWarning(unmasked: string, shapOutput: number, predicted: number): ResultWarning {
  return {
    code: 'masker-text',
    message:
      `shap's text masker rebuilds the sentence with its whitespace collapsed, as ${JSON.stringify(unmasked)}, ` +
      `which tokenizes differently: the SHAP values explain that text's output (${shapOutput.toPrecision(4)}), ` +
      `not the prediction's (${predicted.toPrecision(4)}), as shap's do`,
  };
}
