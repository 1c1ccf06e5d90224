import { describe, expect, it } from 'vitest';
import type { AgreementSummary, Classification, ClassImportance } from '../corpus.js';
import {
  AGAINST_COLOR,
  confusionMatrixOption,
  corpusAgreementOption,
  corpusEvaluationTable,
  globalImportanceOption,
  NEUTRAL_COLOR,
  TOWARD_COLOR,
  truncateKey,
  type ImportanceBarDatum,
} from './corpus.js';
import { GOODNESS_STOPS, SEQUENTIAL_STOPS } from './scale.js';
import type { AxisOption, BarSeries, HeatCell, HeatmapSeries } from './types.js';

const importance: ClassImportance = {
  label: 'positive',
  sentences: 12,
  tokens: [
    { key: 'great', count: 5, meanSigned: 0.4, meanAbsolute: 0.5 },
    { key: 'awful', count: 3, meanSigned: -0.3, meanAbsolute: 0.35 },
    { key: 'supercalifragilisticexpialidocious-ish', count: 4, meanSigned: 0.1, meanAbsolute: 0.2 },
    { key: 'supercalifragilisticexpialidocious-ly', count: 3, meanSigned: 0, meanAbsolute: 0.1 },
    { key: '<b>', count: 9, meanSigned: -0.01, meanAbsolute: 0.05 },
  ],
  words: [{ key: 'great', count: 5, meanSigned: 0.45, meanAbsolute: 0.55 }],
};

describe('global importance bars', () => {
  it('ranks by mean |score| as given, colors by the sign of the mean score, and counts in the label', () => {
    const option = globalImportanceOption({ importance, methodLabel: 'Occlusion', k: 4, minCount: 3 });
    const series = option.series[0] as BarSeries;
    const names = (option.yAxis as AxisOption).data!;
    expect(series.data.map((bar) => bar.value)).toEqual([0.5, 0.35, 0.2, 0.1]);
    expect(series.data.map((bar) => bar.itemStyle.color)).toEqual([
      TOWARD_COLOR,
      AGAINST_COLOR,
      TOWARD_COLOR,
      NEUTRAL_COLOR,
    ]);
    expect(TOWARD_COLOR).toBe('#b2182b');
    expect(AGAINST_COLOR).toBe('#2166ac');
    // Two long keys cut to the same text stay two rows.
    expect(names).toEqual(['great', 'awful', 'supercalifragilisticexp…', 'supercalifragilisticexp… #4']);
    expect(new Set(names).size).toBe(names.length);
    expect((option.yAxis as AxisOption).inverse).toBe(true);
    expect(option.xAxis).toMatchObject({ min: 0 });
    expect((option.xAxis as AxisOption).max).toBeUndefined();
    expect(option.title?.text).toBe('Occlusion: top 4 tokens for positive');
    expect(option.title?.subtext).toContain('12 sentences');
    expect(option.title?.subtext).toContain('≥ 3×');
    expect(series.label!.formatter({ value: 0.35, dataIndex: 1 })).toBe('0.350 · n=3');
    // The app reads the key of a clicked bar; the tooltip has it whole, escaped.
    const datum = series.data[2] as ImportanceBarDatum;
    expect(datum.key).toBe('supercalifragilisticexpialidocious-ish');
    const tooltip = option.tooltip!.formatter!({ data: datum });
    expect(tooltip).toContain('supercalifragilisticexpialidocious-ish');
    expect(tooltip).toContain('4 occurrences');
    expect(tooltip).toContain('mean score 0.100 (toward positive)');
    const all = globalImportanceOption({ importance, methodLabel: 'Occlusion' });
    const tag = (all.series[0] as BarSeries).data[4]!;
    expect(all.tooltip!.formatter!({ data: tag })).toContain('&#60;b&#62;');
  });

  it('shows words when asked, and says so when nothing was seen often enough', () => {
    const words = globalImportanceOption({ importance, methodLabel: 'SHAP', kind: 'words' });
    expect((words.yAxis as AxisOption).data).toEqual(['great']);
    expect(words.title?.text).toBe('SHAP: top 1 words for positive');
    const none = globalImportanceOption({ importance: { ...importance, tokens: [] }, methodLabel: 'SHAP' });
    expect(none.title?.text).toBe('SHAP: no token for positive seen often enough');
    expect(none.xAxis).toMatchObject({ max: 1 });
  });

  it('cuts keys by characters, not UTF-16 units', () => {
    expect(truncateKey('😀😀😀😀', 3)).toBe('😀😀…');
    expect(truncateKey('short', 24)).toBe('short');
  });
});

describe('corpus agreement matrix', () => {
  const agreement: AgreementSummary = {
    methods: ['occlusion', 'shap', 'attention'],
    mean: [
      [1, 0.4567, null],
      [0.4567, 1, -0.2],
      [null, -0.2, 1],
    ],
    spread: [
      [0, 0.1, null],
      [0.1, 0, 0.05],
      [null, 0.05, 0],
    ],
    sentences: [
      [10, 8, 0],
      [8, 9, 7],
      [0, 7, 7],
    ],
  };

  it('draws mean τ on −1…1 with its legend, leaves pairs without a τ empty, and tells spread and count', () => {
    const option = corpusAgreementOption(agreement, (m) => m.toUpperCase());
    const series = option.series[0] as HeatmapSeries;
    expect(series.data).toContainEqual([1, 0, 0.46]);
    expect(series.data).toContainEqual([2, 1, -0.2]);
    expect(series.data.some(([x, y]) => (x === 2 && y === 0) || (x === 0 && y === 2))).toBe(false);
    expect(series.data).toHaveLength(7);
    expect((option.xAxis as AxisOption).data).toEqual(['OCCLUSION', 'SHAP', 'ATTENTION']);
    expect(option.visualMap).toMatchObject({ min: -1, max: 1, calculable: true });
    expect(option.visualMap?.show).not.toBe(false);
    expect(option.visualMap?.inRange.color).toEqual(['#2166ac', '#67a9cf', '#f7f7f7', '#ef8a62', '#b2182b']);
    const tooltip = option.tooltip!.formatter!;
    expect(tooltip({ data: [1, 0, 0.46] })).toBe('OCCLUSION · SHAP<br>mean τ-b 0.46 ± 0.10 over 8 sentences');
    expect(tooltip({ data: [0, 0, 1] })).toBe('OCCLUSION<br>itself (10 sentences)');
  });
});

describe('corpus evaluation table', () => {
  it('shades and stars the means as the sentence table does, with n sentences per cell and the direction', () => {
    const table = corpusEvaluationTable(
      {
        occlusion: {
          aopc_compr: { mean: 0.4, spread: 0.1, sentences: 10 },
          aopc_suff: { mean: 0.1, spread: 0.05, sentences: 10 },
        },
        shap: {
          aopc_compr: { mean: 0.2, spread: 0.2, sentences: 9 },
          aopc_suff: { mean: -0.1, spread: 0.1, sentences: 9 },
          taucorr_loo: { mean: 0.5, spread: 0.3, sentences: 6 },
        },
      },
      [
        { method: 'occlusion', sentences: 10, seconds: 2, evaluations: 100 },
        { method: 'shap', sentences: 10, seconds: 5, evaluations: 900 },
      ],
      (m) => m.toUpperCase(),
    );
    expect(table.columns.map(({ id, direction }) => [id, direction])).toEqual([
      ['aopc_compr', 'higher is better'],
      ['aopc_suff', 'lower is better'],
      ['taucorr_loo', 'higher is better'],
    ]);
    const [occlusion, shap] = table.rows;
    expect(occlusion!.label).toBe('OCCLUSION');
    expect(occlusion!.cells.map((cell) => cell.best)).toEqual([true, false, false]);
    expect(shap!.cells.map((cell) => cell.best)).toEqual([false, true, true]);
    expect(occlusion!.cells.map((cell) => cell.sentences)).toEqual([10, 10, 0]);
    expect(shap!.cells.map((cell) => cell.count)).toEqual(['n 9', 'n 9', 'n 6']);
    expect(occlusion!.cells[2]).toMatchObject({ value: null, text: '—', spread: null });
    expect(occlusion!.cells[0]!.text).toBe('0.400');
    expect(shap!.cells[2]!.title).toBe('SHAP · taucorr_loo: 0.500 ± 0.300 over 6 sentences (higher is better)');
    expect(shap).toMatchObject({ sentences: 10, seconds: 5, evaluations: 900 });
    expect(occlusion!.cells[0]!.background).not.toBe(GOODNESS_STOPS[0]);
  });

  it('is empty without evaluation', () => {
    expect(corpusEvaluationTable({}).rows).toEqual([]);
  });
});

describe('confusion matrix', () => {
  const classification: Classification = {
    sentences: 10,
    accuracy: 0.7,
    macroF1: 0.6875,
    perLabel: [],
    confusion: [
      [6, 2],
      [1, 1],
    ],
  };

  it('labels cells with counts, shades by share of the row and puts accuracy and macro-F1 in the title', () => {
    const option = confusionMatrixOption(['negative', 'positive'], classification);
    const series = option.series[0] as HeatmapSeries;
    expect(series.data).toEqual([
      [0, 0, 0.75],
      [1, 0, 0.25],
      [0, 1, 0.5],
      [1, 1, 0.5],
    ]);
    const label = series.label!.formatter as (params: { data?: unknown }) => string;
    expect(series.data.map((cell) => label({ data: cell }))).toEqual(['6', '2', '1', '1']);
    expect(option.title?.text).toBe('Confusion matrix · accuracy 0.700 · macro-F1 0.688');
    expect(option.visualMap).toMatchObject({ min: 0, max: 1 });
    expect(option.visualMap?.inRange.color).toEqual([...SEQUENTIAL_STOPS]);
    expect((option.yAxis as AxisOption).inverse).toBe(true);
    expect(option.tooltip!.formatter!({ data: [1, 0, 0.25] satisfies HeatCell })).toBe(
      'true negative → predicted positive<br>2 sentences (25.0% of 8 negative)',
    );
  });

  it('leaves an empty row unshaded', () => {
    const option = confusionMatrixOption(['a', 'b'], {
      ...classification,
      confusion: [
        [3, 0],
        [0, 0],
      ],
    });
    expect((option.series[0] as HeatmapSeries).data.slice(2)).toEqual([
      [0, 1, 0],
      [1, 1, 0],
    ]);
  });
});
