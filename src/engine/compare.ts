/**
 * Comparing methods on one sentence: every explanation, ferret's evaluation of each, the agreement between
 * them (Kendall τ-b of token scores), and what each cost. Perturbation methods run concurrently so that
 * their requests pool into shared batches of the sentence's forward service; methods with their own graphs
 * (gradients, attention) run one after another so that their timings stay their own.
 */
import { agreementMatrix } from '../shared/agreement.js';
import type { Comparison, TextInput } from '../shared/results.js';
import { planMethods, sentenceResult, type MethodPlan, type MethodRequest } from './explain.js';
import { forwardServiceFor } from './forward-service.js';
import { evaluateExplanations } from './metrics/evaluate.js';
import type { ModelBundle } from './model/bundle.js';
import { predictTexts } from './predict.js';

export interface CompareOptions {
  /** Human rationale (0/1 per token or per word) for the plausibility metrics. */
  rationale?: readonly number[];
  topK?: number;
  /** Keep explanations marked `degenerate` in the agreement matrix (methods.md leaves them out by default). */
  includeDegenerate?: boolean;
  signal?: AbortSignal;
}

export async function compareMethods(
  model: ModelBundle,
  text: TextInput,
  methods: MethodRequest,
  { rationale, topK, includeDegenerate = false, signal }: CompareOptions = {},
): Promise<Comparison> {
  const plan = await planMethods(model, methods);
  const [input] = await predictTexts(model, [text], { signal });
  const sentence = sentenceResult(input!, model, 0);
  const explain = ({ explainer, options }: MethodPlan) => explainer.explain(input!, { model, signal }, options);
  // Methods of the forward service run together and share its rows; those with graphs of their own (every
  // capability a method can need is a derived graph's) run alone.
  const forwardOnly = ({ explainer }: MethodPlan) => explainer.needs.length === 0;
  const pooled = plan.filter(forwardOnly);
  const own = plan.filter((step) => !forwardOnly(step));
  const explanations = await Promise.all(pooled.map(explain));
  for (const step of own) explanations.push(await explain(step));
  for (const explanation of explanations) sentence.explanations[explanation.method] = explanation;

  const evaluation = await evaluateExplanations(model, input!, explanations, { rationale, topK, signal });
  const ranked = explanations.filter(
    (explanation) => includeDegenerate || !explanation.warnings.some((warning) => warning.code === 'degenerate'),
  );
  return {
    sentence,
    evaluation,
    agreement: {
      methods: ranked.map((explanation) => explanation.method),
      tau: agreementMatrix(
        sentence.tokens,
        ranked.map((explanation) => explanation.scores),
      ).map((row) => row.map((tau) => tau ?? null)),
    },
    costs: Object.fromEntries(
      explanations.map(({ method, seconds, evaluations }) => [method, { seconds, evaluations }]),
    ),
    forwardEvaluations: forwardServiceFor(model, input!.encoded).evaluations,
  };
}
