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
import type { TextInput } from '../model/tokenizer.js';
import type { Explainer } from './explainer.js';
import {
  normalizationOption,
  normalize,
  outputSpaceOption,
  resolveTarget,
  targetOption,
  type Normalization,
} from './common.js';
import { joinTrees, owenValues, partitionTree, type Merge } from './shap-partition.js';
import { maskedString, maskerBlocks, partitionTokens } from './shap-text.js';

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
      help:
        "shap's max_evals: masked inputs the recursion may ask for, base and full input included (an odd budget " +
        'buys one more, as in shap, which expands nodes in pairs of rows).',
    },
  ],
  async explain({ encoded, prediction }, { model, signal }, options: OptionValues) {
    const started = performance.now();
    const target = resolveTarget(options.target!, prediction, model.config.labels);
    const { tokenizer } = model;
    const n = encoded.ids.length;
    const sep = tokenizer.specials.sep?.token;
    const blocks = maskerBlocks(encoded);
    const trees = blocks.map((block) => partitionTree(partitionTokens(block.segments), sep === undefined ? [] : [sep]));
    const merges = trees.length === 1 ? trees[0]! : joinTrees(trees[0]!, blocks[0]!.size, trees[1]!, blocks[1]!.size);
    const continuations = blocks.flatMap((block) => block.continuations.map((i) => i + block.from));
    const maskToken = tokenizer.mask('the SHAP text masker').token;
    // A mask as the model's input: the text, or the pair, each text masked as shap's masker would mask it.
    const maskedInput = (mask: Uint8Array): TextInput => {
      const [first, second] = blocks.map((block) =>
        maskedString(block.segments, mask.subarray(block.from, block.from + block.size), block.fixed, maskToken, sep),
      );
      return second === undefined ? first! : [first!, second];
    };
    const forward = forwardServiceFor(model, encoded).view(signal);
    const space = options.output;
    const result = await owenValues(
      merges,
      n,
      async (masks) => {
        const outputs = await forward.runTexts(masks.map(maskedInput));
        return outputs.map((output) => (space === 'prob' ? output.probabilities : Float64Array.from(output.logits)));
      },
      { maxEvals: options.max_evals as number },
    );
    const raw = result.values.map((perClass) => perClass[target.index]!);
    const warnings = continuations.length === 0 ? [] : [sharedCharacterWarning(encoded.tokens, continuations)];
    const unmasked = maskedInput(new Uint8Array(n).fill(1));
    const [reread] = await tokenizer.encodeIds([unmasked]);
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
function rebuiltTextWarning(unmasked: TextInput, shapOutput: number, predicted: number): ResultWarning {
  return {
    code: 'masker-text',
    message:
      `shap's text masker rebuilds the sentence with its whitespace collapsed, as ${JSON.stringify(unmasked)}, ` +
      `which tokenizes differently: the SHAP values explain that text's output (${shapOutput.toPrecision(4)}), ` +
      `not the prediction's (${predicted.toPrecision(4)}), as shap's do`,
  };
}
