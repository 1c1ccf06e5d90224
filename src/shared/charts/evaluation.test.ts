import { describe, expect, it } from 'vitest';
import { evaluationTable, type MethodEvaluation } from './evaluation.js';
import { GOODNESS_STOPS } from './scale.js';

const cost = { seconds: 0.5, evaluations: 12 };

describe('evaluation table', () => {
  it('shows the faithfulness metrics, marks the best of each by its direction and shades on the metric range', () => {
    const methods: MethodEvaluation[] = [
      { method: 'a', label: 'A', metrics: { aopc_compr: 0.4, aopc_suff: 0.3, taucorr_loo: null }, ...cost },
      { method: 'b', label: 'B', metrics: { aopc_compr: 1, aopc_suff: -1, taucorr_loo: 0.2 }, ...cost },
    ];
    const table = evaluationTable(methods);
    expect(table.columns.map((column) => column.id)).toEqual(['aopc_compr', 'aopc_suff', 'taucorr_loo']);
    const [a, b] = table.rows;
    // comprehensiveness: higher is better; sufficiency: lower is better
    expect(a!.cells.map((cell) => cell.best)).toEqual([false, false, false]);
    expect(b!.cells.map((cell) => cell.best)).toEqual([true, true, true]);
    // the best possible values get the darkest shade; an undefined one stays neutral and unmarked
    expect(b!.cells[0]!.background).toBe(GOODNESS_STOPS[3]);
    expect(b!.cells[1]!.background).toBe(GOODNESS_STOPS[3]);
    expect(a!.cells[2]).toMatchObject({ value: null, text: '—', best: false, background: '#f7f7f7' });
    expect(a!.cells[0]!.text).toBe('0.400');
    expect(a).toMatchObject({ seconds: 0.5, evaluations: 12 });
  });

  it('adds the plausibility columns when a rationale produced them, and marks ties', () => {
    const table = evaluationTable([
      { method: 'a', label: 'A', metrics: { aopc_compr: 0.2, auprc_plau: 0.25, token_f1_plau: 1 }, ...cost },
      { method: 'b', label: 'B', metrics: { aopc_compr: 0.2, auprc_plau: 1, token_f1_plau: 0 }, ...cost },
    ]);
    expect(table.columns.map((column) => column.id)).toEqual([
      'aopc_compr',
      'aopc_suff',
      'taucorr_loo',
      'auprc_plau',
      'token_f1_plau',
    ]);
    expect(table.rows.map((row) => row.cells[0]!.best)).toEqual([true, true]);
    expect(table.rows.map((row) => row.cells[3]!.best)).toEqual([false, true]);
    expect(table.rows.map((row) => row.cells[4]!.best)).toEqual([true, false]);
    expect(table.rows[0]!.cells[3]!.background).not.toBe(table.rows[1]!.cells[3]!.background);
  });

  it('decides ties on the shown digits and never shows "-0.000"', () => {
    const table = evaluationTable([
      { method: 'a', label: 'A', metrics: { aopc_suff: -1e-7, aopc_compr: 0.4931 }, ...cost },
      { method: 'b', label: 'B', metrics: { aopc_suff: -3e-7, aopc_compr: 0.4932 }, ...cost },
    ]);
    expect(table.rows.map((row) => row.cells[1]!.text)).toEqual(['0.000', '0.000']);
    expect(table.rows.map((row) => row.cells[1]!.best)).toEqual([true, true]);
    expect(table.rows.map((row) => row.cells[0]!.best)).toEqual([true, true]);
  });
});
