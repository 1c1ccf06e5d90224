/**
 * The evaluation table of the comparison view (ferret's `show_evaluation_table`): methods × metrics, each
 * metric shaded on its own scale, oriented so that darker is always better, the best value per metric marked,
 * and what each method cost beside it.
 */
import type { MetricId, MetricValues } from '../results.js';
import { goodnessColor, textColorOn } from './scale.js';

export interface MetricColumn {
  id: MetricId;
  /** ferret's metric name with its direction: short, as the table is wide. */
  label: string;
  description: string;
  better: 'higher' | 'lower';
  /** The metric's possible range: shading is absolute, so one good method among bad ones is not made to look great. */
  range: [number, number];
}

/** Always shown: they need only the model. */
export const FAITHFULNESS_COLUMNS: readonly MetricColumn[] = [
  {
    id: 'aopc_compr',
    label: 'aopc_compr ↑',
    description: 'AOPC comprehensiveness: probability drop when the top tokens are removed',
    better: 'higher',
    range: [-1, 1],
  },
  {
    id: 'aopc_suff',
    label: 'aopc_suff ↓',
    description: 'AOPC sufficiency: probability drop when only the top tokens are kept',
    better: 'lower',
    range: [-1, 1],
  },
  {
    id: 'taucorr_loo',
    label: 'taucorr_loo ↑',
    description: "Kendall's τ between the scores and leave-one-out probability drops",
    better: 'higher',
    range: [-1, 1],
  },
];

/** Shown when some method has them, i.e. when a human rationale was given. */
export const PLAUSIBILITY_COLUMNS: readonly MetricColumn[] = [
  {
    id: 'auprc_plau',
    label: 'auprc_plau ↑',
    description: 'Area under the precision–recall curve of the scores against the human rationale',
    better: 'higher',
    range: [0, 1],
  },
  {
    id: 'token_f1_plau',
    label: 'token_f1_plau ↑',
    description: 'Token F1 of the top-K tokens against the human rationale',
    better: 'higher',
    range: [0, 1],
  },
  {
    id: 'token_iou_plau',
    label: 'token_iou_plau ↑',
    description: 'Token IoU of the top-K tokens against the human rationale',
    better: 'higher',
    range: [0, 1],
  },
];

export interface MethodEvaluation {
  method: string;
  label: string;
  metrics: MetricValues;
  seconds: number;
  evaluations: number;
}

export interface EvaluationCell {
  /** `null` where the metric is undefined for this method (e.g. τ of constant scores). */
  value: number | null;
  text: string;
  background: string;
  color: string;
  /** The best value of its column (ties all marked). */
  best: boolean;
}

export interface EvaluationRow {
  method: string;
  label: string;
  cells: EvaluationCell[];
  seconds: number;
  evaluations: number;
}

export interface EvaluationTable {
  columns: MetricColumn[];
  rows: EvaluationRow[];
}

/** Digits shown; "best" is decided on the shown value, so methods that look tied are marked alike. */
const DIGITS = 3;

function shown(value: number): number {
  const rounded = Number(value.toFixed(DIGITS));
  return rounded === 0 ? 0 : rounded; // no "-0.000"
}

/** 0 at the worst end of the column's range, 1 at the best. */
function goodness(value: number, { better, range: [low, high] }: MetricColumn): number {
  const t = (shown(value) - low) / (high - low);
  return better === 'higher' ? t : 1 - t;
}

export function evaluationTable(methods: readonly MethodEvaluation[]): EvaluationTable {
  const columns = [
    ...FAITHFULNESS_COLUMNS,
    ...PLAUSIBILITY_COLUMNS.filter(({ id }) => methods.some(({ metrics }) => id in metrics)),
  ];
  const best = columns.map((column) => {
    const values = methods.flatMap(({ metrics }) => {
      const value = metrics[column.id];
      return typeof value === 'number' ? [goodness(value, column)] : [];
    });
    // A column where only one method has a value still marks it: it is the best of those that could be ranked.
    return values.length > 0 ? Math.max(...values) : undefined;
  });
  const rows = methods.map(({ method, label, metrics, seconds, evaluations }) => ({
    method,
    label,
    seconds,
    evaluations,
    cells: columns.map((column, c): EvaluationCell => {
      const value = metrics[column.id] ?? null;
      const background = goodnessColor(value === null ? NaN : goodness(value, column));
      return {
        value,
        text: value === null ? '—' : shown(value).toFixed(DIGITS),
        background,
        color: textColorOn(background),
        best: value !== null && goodness(value, column) === best[c],
      };
    }),
  }));
  return { columns, rows };
}
