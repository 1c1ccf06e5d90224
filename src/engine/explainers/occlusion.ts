/**
 * Occlusion as leave-one-out: `s_i = f(x) − f(x∖i)`, each token deleted in turn (decode, re-tokenize), in
 * probability space by default, as in ferret's `taucorr_loo`. A positive score means the token supported the
 * target class.
 */
import type { OptionValues } from '../../shared/options.js';
import { leaveOneOut } from '../metrics/removal.js';
import { forwardServiceFor } from '../forward-service.js';
import type { Explainer } from './explainer.js';
import {
  normalizationOption,
  normalize,
  outputSpaceOption,
  resolveTarget,
  targetOption,
  type Normalization,
  type OutputSpace,
} from './common.js';

export const occlusionExplainer: Explainer = {
  id: 'occlusion',
  label: 'Occlusion (leave-one-out)',
  description: 'Drop in the target output when each token is deleted from the sentence (decode, re-tokenize).',
  needs: [],
  options: [targetOption, outputSpaceOption('prob'), normalizationOption('none')],
  async explain({ encoded, prediction }, { model, signal }, options: OptionValues) {
    const started = performance.now();
    const target = resolveTarget(options.target!, prediction, model.config.labels);
    const forward = forwardServiceFor(model, encoded).view(signal);
    const raw = await leaveOneOut(
      (sequences) => forward.run(sequences),
      model.tokenizer,
      encoded,
      target.index,
      options.output as OutputSpace,
    );
    return {
      method: 'occlusion',
      options: { ...options, target: target.index, targetLabel: target.label, removal: 'delete' },
      tokens: encoded.tokens,
      raw,
      scores: normalize(raw, options.normalization as Normalization),
      evaluations: forward.evaluations,
      seconds: (performance.now() - started) / 1000,
      warnings: [],
    };
  },
};
