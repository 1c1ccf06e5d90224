/**
 * The one interface every attribution method implements (as captum's `Attribution` does), so that faces,
 * jobs and reports treat all methods alike. Each explainer lives in a file of its own and is listed once,
 * in `registry.ts`.
 */
import type { ModelCapability } from '../../shared/api.js';
import type { OptionSpec, OptionValues } from '../../shared/options.js';
import type { Explanation, Prediction } from '../../shared/results.js';
import type { ModelBundle } from '../model/bundle.js';
import type { EncodedText } from '../model/tokenizer.js';

export interface ExplainInput {
  encoded: EncodedText;
  prediction: Prediction;
}

export interface ExplainContext {
  model: ModelBundle;
  signal?: AbortSignal;
}

export interface Explainer {
  id: string;
  label: string;
  description: string;
  needs: ModelCapability[];
  options: OptionSpec[];
  /**
   * `false` keeps the method unticked in the UI until the user asks for it: the UI runs ticked methods on every
   * selected sentence, so a slow or redundant one there costs time on every click. Absent means `true`.
   */
  autorun?: false;
  /** `options` arrive resolved: every declared option present and valid (see `resolveOptions`). */
  explain(input: ExplainInput, context: ExplainContext, options: OptionValues): Promise<Explanation>;
}
